-- Answers: the aggregates behind the location quotients of a cluster: per municipality, the employment
--   (average monthly headcount) and output of each OKVED code of the cluster, of the cluster as a whole
--   (industry 'cluster') and of every industry with data (industry 'total'), in the chosen months and in
--   the same months $years_back years earlier. Enterprises missing from the register are left out (their
--   industry and municipality are unknown). Per enterprise from enterprise_production (aggregates.sql).
--   enterprises, enterprises_then: the distinct enterprises with output in each period behind the row's figures.
-- Params:
--   $cluster_codes  VARCHAR[]  OKVED codes of the cluster: divisions NN, groups NN.N, classes NN.NN (prefixes)
--   $date_from      DATE       first month of the period
--   $date_to        DATE       last month of the period, inclusive
--   $years_back     INTEGER    how many years earlier the comparison period lies
-- Suppress: enterprises: employees, output_rub
-- Suppress: enterprises_then: employees_then, output_then_rub
-- Suppress within: oktmo
-- Suppress within: industry
-- Returns: oktmo VARCHAR, municipality VARCHAR, industry VARCHAR, employees DOUBLE, output_rub DOUBLE,
--   enterprises BIGINT, employees_then DOUBLE, output_then_rub DOUBLE, enterprises_then BIGINT
WITH codes AS (
    SELECT DISTINCT unnest($cluster_codes::VARCHAR[]) AS code
),
firms AS (      -- one row per enterprise: average monthly headcount and output in each period
    SELECT inn,
           average_headcount(sum(employees), sum(headcount_months)) AS employees,
           sum(output_rub) AS output_rub,
           average_headcount(sum(employees_earlier), sum(headcount_months_earlier)) AS employees_then,
           sum(output_earlier_rub) AS output_then_rub
    FROM enterprise_production($date_from, $date_to, $years_back)
    WHERE oktmo IS NOT NULL
    GROUP BY inn
),
by_okved AS (   -- the enterprises of the register summed per municipality and OKVED code (a code's enterprises
                -- fall under the same cluster codes)
    SELECT e.oktmo, e.okved, sum(f.employees) AS employees, sum(f.output_rub) AS output_rub,
           count(f.output_rub) AS enterprises, sum(f.employees_then) AS employees_then,
           sum(f.output_then_rub) AS output_then_rub, count(f.output_then_rub) AS enterprises_then
    FROM firms AS f
    JOIN enterprises AS e USING (inn)
    GROUP BY e.oktmo, e.okved
),
tagged AS (
    SELECT b.*, c.code AS industry FROM by_okved AS b JOIN codes AS c ON starts_with(b.okved, c.code)
    UNION ALL
    SELECT b.*, 'cluster' AS industry FROM by_okved AS b
    WHERE EXISTS (SELECT 1 FROM codes AS c WHERE starts_with(b.okved, c.code))
    UNION ALL
    SELECT b.*, 'total' AS industry FROM by_okved AS b
)
SELECT t.oktmo, m.name AS municipality, t.industry,
       coalesce(sum(t.employees), 0)::DOUBLE AS employees,
       coalesce(sum(t.output_rub), 0)::DOUBLE AS output_rub,
       sum(t.enterprises)::BIGINT AS enterprises,
       coalesce(sum(t.employees_then), 0)::DOUBLE AS employees_then,
       coalesce(sum(t.output_then_rub), 0)::DOUBLE AS output_then_rub,
       sum(t.enterprises_then)::BIGINT AS enterprises_then
FROM tagged AS t
LEFT JOIN municipalities AS m USING (oktmo)
GROUP BY t.oktmo, m.name, t.industry
ORDER BY t.oktmo, t.industry
