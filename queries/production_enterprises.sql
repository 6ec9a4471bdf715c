-- Answers: every enterprise with output in the chosen months (filters applied): output, average monthly
--   headcount and output per employee, each with the same months a year earlier and the change (productivity
--   as in production_summary.sql: the macros headcount_avg, output_per_employee), largest output first.
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
           in_months(period, $date_from, $date_to) AS cur,
           in_year_before(period, $date_from, $date_to) AS prev
    FROM production
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT inn, any_value(oktmo) AS oktmo,
           sum(output_rub) FILTER (WHERE cur) AS output_rub,
           sum(output_rub) FILTER (WHERE prev) AS output_prev_rub,
           headcount_avg(employees, period, cur) AS employees_avg,
           headcount_avg(employees, period, prev) AS employees_avg_prev,
           output_per_employee(output_rub, employees, period, cur) AS productivity_rub,
           output_per_employee(output_rub, employees, period, prev) AS productivity_prev_rub
    FROM filtered
    GROUP BY inn
)
SELECT a.inn, e.name, m.name AS municipality, e.okved,
       a.output_rub, a.output_prev_rub, a.output_rub / NULLIF(a.output_prev_rub, 0) - 1 AS output_growth,
       a.employees_avg::DOUBLE AS employees_avg, a.employees_avg_prev::DOUBLE AS employees_avg_prev,
       a.productivity_rub, a.productivity_prev_rub,
       a.productivity_rub / NULLIF(a.productivity_prev_rub, 0) - 1 AS productivity_growth
FROM agg AS a
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = a.oktmo
WHERE a.output_rub IS NOT NULL
ORDER BY a.output_rub DESC, a.inn
