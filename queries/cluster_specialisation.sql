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
WITH bounds AS (
    SELECT $date_from::DATE AS cur_from, $date_to::DATE AS cur_to,
           ($date_from::DATE - to_years($years_back::INTEGER))::DATE AS then_from,
           ($date_to::DATE - to_years($years_back::INTEGER))::DATE AS then_to
),
codes AS (
    SELECT DISTINCT unnest($cluster_codes::VARCHAR[]) AS code
),
coded AS (      -- enterprises of the register and the cluster codes their OKVED falls under
    SELECT e.inn, c.code
    FROM enterprises AS e
    JOIN codes AS c ON starts_with(e.okved, c.code)
),
firms AS (      -- one row per enterprise: average monthly headcount and output in each period
    SELECT p.inn, any_value(p.oktmo) AS oktmo,
           avg(p.employees) FILTER (WHERE p.period BETWEEN b.cur_from AND b.cur_to) AS employees,
           sum(p.output_rub) FILTER (WHERE p.period BETWEEN b.cur_from AND b.cur_to) AS output_rub,
           avg(p.employees) FILTER (WHERE p.period BETWEEN b.then_from AND b.then_to) AS employees_then,
           sum(p.output_rub) FILTER (WHERE p.period BETWEEN b.then_from AND b.then_to) AS output_then_rub
    FROM production AS p, bounds AS b
    WHERE p.oktmo IS NOT NULL
      AND (p.period BETWEEN b.cur_from AND b.cur_to OR p.period BETWEEN b.then_from AND b.then_to)
    GROUP BY p.inn
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
