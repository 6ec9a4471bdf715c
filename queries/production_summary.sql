-- Answers: production for the filters in total, per municipality and per OKVED division (column `dimension`):
--   output, average monthly headcount and output per employee (labour productivity), each with the same
--   months a year earlier. Productivity = output of the rows that report headcount / average monthly
--   headcount, where the average monthly headcount = the headcount of those rows summed over the months,
--   divided by the number of months that have headcount; rubles per employee for the chosen months
--   (the macros staffed_output, headcount_avg and output_per_employee, queries/model/measures.sql, over the
--   months of production_cells: a cell's employees are NULL when none of its rows reports headcount).
--   Enterprises from enterprise_years (queries/model/aggregates.sql): enterprises are the distinct enterprises
--   with production in the chosen months, enterprises_prev in the same months a year earlier.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: enterprises: output_rub, output_growth, output_staffed_rub, employees_avg, productivity_rub,
--   productivity_growth
-- Suppress: enterprises_prev: output_prev_rub, output_growth, output_staffed_prev_rub, employees_avg_prev,
--   productivity_prev_rub, productivity_growth
-- Returns: dimension VARCHAR, oktmo VARCHAR, division VARCHAR, name VARCHAR, lat DOUBLE, lon DOUBLE,
--   output_rub DOUBLE, output_prev_rub DOUBLE, output_growth DOUBLE,
--   output_staffed_rub DOUBLE, output_staffed_prev_rub DOUBLE,
--   employees_avg DOUBLE, employees_avg_prev DOUBLE,
--   productivity_rub DOUBLE, productivity_prev_rub DOUBLE, productivity_growth DOUBLE, enterprises BIGINT,
--   enterprises_prev BIGINT
WITH cells AS (
    SELECT oktmo, division, period, output_rub, staffed_output_rub, employees,
           in_months(period, $date_from, $date_to) AS cur,
           in_year_before(period, $date_from, $date_to) AS prev
    FROM production_cells
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
monthly AS (    -- per dimension and month (a month reports headcount when one of its cells does)
    SELECT CASE WHEN GROUPING(oktmo) = 0 THEN 'municipality'
                WHEN GROUPING(division) = 0 THEN 'division'
                ELSE 'total' END AS dimension,
           oktmo, division, period, bool_or(cur) AS cur, bool_or(prev) AS prev,
           sum(output_rub) AS output_rub, sum(staffed_output_rub) AS staffed_output_rub, sum(employees) AS employees
    FROM cells
    GROUP BY GROUPING SETS ((period), (period, oktmo), (period, division))
),
figures AS (
    SELECT dimension, oktmo, division,
           sum(output_rub) FILTER (WHERE cur) AS output_rub,
           sum(output_rub) FILTER (WHERE prev) AS output_prev_rub,
           staffed_output(staffed_output_rub, employees, cur) AS output_staffed_rub,
           staffed_output(staffed_output_rub, employees, prev) AS output_staffed_prev_rub,
           headcount_avg(employees, period, cur) AS employees_avg,
           headcount_avg(employees, period, prev) AS employees_avg_prev,
           output_per_employee(staffed_output_rub, employees, period, cur) AS productivity_rub,
           output_per_employee(staffed_output_rub, employees, period, prev) AS productivity_prev_rub
    FROM monthly
    GROUP BY dimension, oktmo, division
),
reporting AS (  -- enterprises with output in the chosen months, each counted once (a total row even without any)
    SELECT CASE WHEN GROUPING(oktmo) = 0 THEN 'municipality'
                WHEN GROUPING(division) = 0 THEN 'division'
                ELSE 'total' END AS dimension,
           oktmo, division,
           count(*) FILTER (WHERE first_report_in_months(first, production_months, production_before,
                                                         $date_from, $date_to, 0)) AS enterprises,
           count(*) FILTER (WHERE first_report_in_months(first, production_months, production_before,
                                                         $date_from, $date_to, 1)) AS enterprises_prev
    FROM enterprise_years
    WHERE (block_meets_months(first, $date_from, $date_to, 0) OR block_meets_months(first, $date_from, $date_to, 1))
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    GROUP BY GROUPING SETS ((), (oktmo), (division))
),
agg AS (        -- every group with enterprises reporting holds the groups with output in the chosen months
    SELECT r.dimension, r.oktmo, r.division, f.output_rub, f.output_prev_rub, f.output_staffed_rub,
           f.output_staffed_prev_rub, f.employees_avg, f.employees_avg_prev, f.productivity_rub,
           f.productivity_prev_rub, r.enterprises, r.enterprises_prev
    FROM reporting AS r
    LEFT JOIN figures AS f ON f.dimension = r.dimension AND f.oktmo IS NOT DISTINCT FROM r.oktmo
                          AND f.division IS NOT DISTINCT FROM r.division
)
SELECT a.dimension,
       CASE WHEN a.dimension = 'municipality' THEN a.oktmo END AS oktmo,
       CASE WHEN a.dimension = 'division' THEN a.division END AS division,
       CASE a.dimension WHEN 'municipality' THEN m.name WHEN 'division' THEN d.name END AS name,
       CASE WHEN a.dimension = 'municipality' THEN m.lat END AS lat,
       CASE WHEN a.dimension = 'municipality' THEN m.lon END AS lon,
       a.output_rub, a.output_prev_rub,
       a.output_rub / NULLIF(a.output_prev_rub, 0) - 1 AS output_growth,
       a.output_staffed_rub, a.output_staffed_prev_rub,
       a.employees_avg::DOUBLE AS employees_avg, a.employees_avg_prev::DOUBLE AS employees_avg_prev,
       a.productivity_rub, a.productivity_prev_rub,
       a.productivity_rub / NULLIF(a.productivity_prev_rub, 0) - 1 AS productivity_growth,
       a.enterprises, a.enterprises_prev
FROM agg AS a
LEFT JOIN municipalities AS m ON a.dimension = 'municipality' AND m.oktmo = a.oktmo
LEFT JOIN okved_divisions AS d ON a.dimension = 'division' AND d.division = a.division
WHERE a.dimension = 'total' OR a.output_rub IS NOT NULL
ORDER BY CASE a.dimension WHEN 'total' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END,
         a.output_rub DESC, a.oktmo, a.division
