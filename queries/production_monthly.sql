-- Answers: production per month for the filters: output, headcount reported and enterprises reporting,
--   with the same month a year earlier. Read from production_cells (queries/model/aggregates.sql).
--   enterprises: the enterprises with production in the month (an INN has one row per month), enterprises_prev
--   in the month a year earlier (0 without any).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: enterprises: output_rub, employees
-- Suppress: enterprises_prev: output_prev_rub, employees_prev
-- Returns: period DATE, output_rub DOUBLE, output_prev_rub DOUBLE, employees BIGINT, employees_prev BIGINT,
--   enterprises BIGINT, enterprises_prev BIGINT
WITH monthly AS (   -- an INN has one row per month and one municipality and division: its cells' rows add up
    SELECT period, sum(output_rub) AS output_rub, sum(employees)::BIGINT AS employees,
           sum(enterprises)::BIGINT AS enterprises
    FROM production_cells
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    GROUP BY period
)
SELECT cur.period, cur.output_rub, prev.output_rub AS output_prev_rub,
       cur.employees, prev.employees AS employees_prev, cur.enterprises,
       coalesce(prev.enterprises, 0) AS enterprises_prev
FROM monthly AS cur
LEFT JOIN monthly AS prev ON prev.period = (cur.period - INTERVAL 1 YEAR)::DATE
WHERE in_months(cur.period, $date_from, $date_to)
ORDER BY cur.period
