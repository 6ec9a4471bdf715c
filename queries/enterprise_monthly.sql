-- Answers: one enterprise month by month over the chosen months (a row for every month, its figures NULL where
--   the enterprise reported nothing): shipments, export, output, headcount (as reported for the month) and
--   output per employee (output / headcount of the month, NULL without headcount), and the same month a year
--   earlier (shipped_prev_rub, output_prev_rub, employees_prev). Read from enterprise_months (aggregates.sql);
--   per_employee of measures.sql.
-- Params:
--   $inn        VARCHAR  the enterprise's INN
--   $date_from  DATE     first month of the period (first day of month)
--   $date_to    DATE     last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: period DATE, shipped_rub DOUBLE, export_rub DOUBLE, output_rub DOUBLE, employees DOUBLE,
--   productivity_rub DOUBLE, shipped_prev_rub DOUBLE, output_prev_rub DOUBLE, employees_prev DOUBLE
WITH months AS (
    SELECT unnest(range(month_index($date_from::DATE), month_index($date_to::DATE) + 1)) AS month
),
facts AS (
    SELECT month, shipped_rub, export_rub, output_rub, employees
    FROM enterprise_months
    WHERE inn = $inn
      AND month BETWEEN month_index($date_from::DATE) - 12 AND month_index($date_to::DATE)
)
SELECT month_start(k.month) AS period, n.shipped_rub, n.export_rub, n.output_rub, n.employees::DOUBLE AS employees,
       per_employee(n.output_rub, n.employees)::DOUBLE AS productivity_rub,
       p.shipped_rub AS shipped_prev_rub, p.output_rub AS output_prev_rub, p.employees::DOUBLE AS employees_prev
FROM months AS k
LEFT JOIN facts AS n ON n.month = k.month
LEFT JOIN facts AS p ON p.month = k.month - 12
ORDER BY period
