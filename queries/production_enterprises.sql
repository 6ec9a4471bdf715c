-- Answers: every enterprise with output in the chosen months (filters applied): output, average monthly
--   headcount and output per employee, each with the same months a year earlier and the change
--   (productivity defined as in production_summary.sql), largest output first.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, output_rub DOUBLE,
--   output_prev_rub DOUBLE, output_growth DOUBLE, employees_avg DOUBLE, employees_avg_prev DOUBLE,
--   productivity_rub DOUBLE, productivity_prev_rub DOUBLE, productivity_growth DOUBLE
WITH filtered AS (
    SELECT inn, oktmo, period, output_rub, employees,
           period >= $date_from::DATE AND period <= $date_to::DATE AS cur,
           period >= ($date_from::DATE - INTERVAL 1 YEAR) AND period <= ($date_to::DATE - INTERVAL 1 YEAR) AS prev
    FROM production
    WHERE period >= ($date_from::DATE - INTERVAL 1 YEAR) AND period <= $date_to::DATE
      AND (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
      AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
),
agg AS (
    SELECT inn, any_value(oktmo) AS oktmo,
           sum(output_rub) FILTER (WHERE cur) AS output_rub,
           sum(output_rub) FILTER (WHERE prev) AS output_prev_rub,
           sum(output_rub) FILTER (WHERE cur AND employees IS NOT NULL) AS output_staffed_rub,
           sum(output_rub) FILTER (WHERE prev AND employees IS NOT NULL) AS output_staffed_prev_rub,
           sum(employees) FILTER (WHERE cur)
               / NULLIF(count(DISTINCT period) FILTER (WHERE cur AND employees IS NOT NULL), 0) AS employees_avg,
           sum(employees) FILTER (WHERE prev)
               / NULLIF(count(DISTINCT period) FILTER (WHERE prev AND employees IS NOT NULL), 0) AS employees_avg_prev
    FROM filtered
    GROUP BY inn
),
measured AS (
    SELECT *,
           output_staffed_rub / NULLIF(employees_avg, 0) AS productivity_rub,
           output_staffed_prev_rub / NULLIF(employees_avg_prev, 0) AS productivity_prev_rub
    FROM agg
)
SELECT a.inn, e.name, m.name AS municipality, e.okved,
       a.output_rub, a.output_prev_rub, a.output_rub / NULLIF(a.output_prev_rub, 0) - 1 AS output_growth,
       a.employees_avg::DOUBLE AS employees_avg, a.employees_avg_prev::DOUBLE AS employees_avg_prev,
       a.productivity_rub, a.productivity_prev_rub,
       a.productivity_rub / NULLIF(a.productivity_prev_rub, 0) - 1 AS productivity_growth
FROM measured AS a
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = a.oktmo
WHERE a.output_rub IS NOT NULL
ORDER BY a.output_rub DESC, a.inn
