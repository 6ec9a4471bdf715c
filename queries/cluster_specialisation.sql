-- Answers: the aggregates behind the location quotients of a cluster: per municipality, the employment
--   (average monthly headcount) and output of each OKVED code of the cluster, of the cluster as a whole
--   (industry 'cluster') and of every industry with data (industry 'total'), in the chosen months and in
--   the same months $years_back years earlier. Enterprises missing from the register are left out (their
--   industry and municipality are unknown).
-- Params:
--   $cluster_codes  VARCHAR[]  OKVED codes of the cluster: divisions NN, groups NN.N, classes NN.NN (prefixes)
--   $date_from      DATE       first month of the period
--   $date_to        DATE       last month of the period, inclusive
--   $years_back     INTEGER    how many years earlier the comparison period lies
-- Returns: oktmo VARCHAR, municipality VARCHAR, industry VARCHAR, employees DOUBLE, output_rub DOUBLE,
--   enterprises BIGINT, employees_then DOUBLE, output_then_rub DOUBLE, enterprises_then BIGINT
WITH codes AS (
    SELECT DISTINCT unnest($cluster_codes::VARCHAR[]) AS code
),
coded AS (      -- enterprises of the register and the cluster codes their OKVED falls under
    SELECT e.inn, c.code
    FROM enterprises AS e
    JOIN codes AS c ON starts_with(e.okved, c.code)
),
dated AS (
    SELECT inn, oktmo, period, employees, output_rub,
           in_months(period, $date_from, $date_to) AS cur,
           in_months_years_before(period, $date_from, $date_to, $years_back) AS earlier
    FROM production
    WHERE oktmo IS NOT NULL
      AND (in_months(period, $date_from, $date_to)
           OR in_months_years_before(period, $date_from, $date_to, $years_back))
),
firms AS (      -- one row per enterprise: average monthly headcount and output in each period
    SELECT inn, any_value(oktmo) AS oktmo,
           enterprise_headcount_avg(employees, cur) AS employees,
           sum(output_rub) FILTER (WHERE cur) AS output_rub,
           enterprise_headcount_avg(employees, earlier) AS employees_then,
           sum(output_rub) FILTER (WHERE earlier) AS output_then_rub
    FROM dated
    GROUP BY inn
),
tagged AS (
    SELECT f.*, c.code AS industry FROM firms AS f JOIN coded AS c USING (inn)
    UNION ALL
    SELECT f.*, 'cluster' AS industry FROM firms AS f WHERE f.inn IN (SELECT inn FROM coded)
    UNION ALL
    SELECT f.*, 'total' AS industry FROM firms AS f
)
SELECT t.oktmo, m.name AS municipality, t.industry,
       coalesce(sum(t.employees), 0)::DOUBLE AS employees,
       coalesce(sum(t.output_rub), 0)::DOUBLE AS output_rub,
       count(t.output_rub) AS enterprises,
       coalesce(sum(t.employees_then), 0)::DOUBLE AS employees_then,
       coalesce(sum(t.output_then_rub), 0)::DOUBLE AS output_then_rub,
       count(t.output_then_rub) AS enterprises_then
FROM tagged AS t
LEFT JOIN municipalities AS m USING (oktmo)
GROUP BY t.oktmo, m.name, t.industry
ORDER BY t.oktmo, t.industry
