-- Answers: every enterprise with output in the chosen months (filters applied): output, average monthly
--   headcount and output per employee, each with the same months a year earlier and the change (productivity
--   as in production_summary.sql, from the sums of enterprise_production (aggregates.sql) with the macros
--   average_headcount and per_employee), largest output first.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, output_rub DOUBLE,
--   output_prev_rub DOUBLE, output_growth DOUBLE, employees_avg DOUBLE, employees_avg_prev DOUBLE,
--   productivity_rub DOUBLE, productivity_prev_rub DOUBLE, productivity_growth DOUBLE
WITH sums AS (
    SELECT inn, sum(output_rub) AS output_rub, sum(output_earlier_rub) AS output_prev_rub,
           sum(staffed_output_rub) AS staffed_rub, sum(staffed_output_earlier_rub) AS staffed_prev_rub,
           average_headcount(sum(employees), sum(headcount_months)) AS employees_avg,
           average_headcount(sum(employees_earlier), sum(headcount_months_earlier)) AS employees_avg_prev
    FROM enterprise_production($date_from, $date_to, 1)
    WHERE chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    GROUP BY inn
),
agg AS (
    SELECT inn, output_rub, output_prev_rub, employees_avg, employees_avg_prev,
           per_employee(staffed_rub, employees_avg) AS productivity_rub,
           per_employee(staffed_prev_rub, employees_avg_prev) AS productivity_prev_rub
    FROM sums
)
SELECT a.inn, e.name, m.name AS municipality, e.okved,
       a.output_rub, a.output_prev_rub, a.output_rub / NULLIF(a.output_prev_rub, 0) - 1 AS output_growth,
       a.employees_avg::DOUBLE AS employees_avg, a.employees_avg_prev::DOUBLE AS employees_avg_prev,
       a.productivity_rub, a.productivity_prev_rub,
       a.productivity_rub / NULLIF(a.productivity_prev_rub, 0) - 1 AS productivity_growth
FROM agg AS a
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = e.oktmo
WHERE a.output_rub IS NOT NULL
ORDER BY a.output_rub DESC, a.inn
