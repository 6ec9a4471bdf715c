-- Answers: one enterprise in the chosen months and the same months a year earlier: shipments, export, output,
--   average monthly headcount (headcount summed over the months that report it, divided by their number) and
--   output per employee (output of the months that report headcount / that average), as production_summary.sql
--   defines them (average_headcount, per_employee); and its place by shipments in the chosen months among the
--   enterprises with shipments of its OKVED division and of its municipality (the register's; rank 1 = the
--   largest, shipments equal to the kopeck share a place; NULL without shipments or without a division or municipality), with
--   the number of those enterprises. One row when the INN is
--   in the register (its figures NULL without facts), none otherwise.
-- Params:
--   $inn        VARCHAR  the enterprise's INN
--   $date_from  DATE     first month of the period (first day of month)
--   $date_to    DATE     last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: inn VARCHAR, shipped_rub DOUBLE, shipped_prev_rub DOUBLE, shipped_growth DOUBLE, export_rub DOUBLE,
--   output_rub DOUBLE, output_prev_rub DOUBLE, output_growth DOUBLE, employees_avg DOUBLE,
--   employees_avg_prev DOUBLE, productivity_rub DOUBLE, productivity_prev_rub DOUBLE,
--   division_rank BIGINT, division_enterprises BIGINT, municipality_rank BIGINT, municipality_enterprises BIGINT
WITH own AS (
    SELECT in_months(period, $date_from, $date_to) AS cur, in_year_before(period, $date_from, $date_to) AS prev,
           shipped_rub, export_rub, output_rub, employees
    FROM enterprise_months
    WHERE inn = $inn AND since_year_before(period, $date_from, $date_to)
),
figures AS (
    SELECT sum(shipped_rub) FILTER (WHERE cur) AS shipped_rub, sum(shipped_rub) FILTER (WHERE prev) AS shipped_prev_rub,
           sum(export_rub) FILTER (WHERE cur) AS export_rub,
           sum(output_rub) FILTER (WHERE cur) AS output_rub, sum(output_rub) FILTER (WHERE prev) AS output_prev_rub,
           average_headcount(sum(employees) FILTER (WHERE cur),
                             count(employees) FILTER (WHERE cur)) AS employees_avg,
           average_headcount(sum(employees) FILTER (WHERE prev),
                             count(employees) FILTER (WHERE prev)) AS employees_avg_prev,
           sum(output_rub) FILTER (WHERE cur AND reports_headcount(employees)) AS staffed_rub,
           sum(output_rub) FILTER (WHERE prev AND reports_headcount(employees)) AS staffed_prev_rub
    FROM own
),
shippers AS (   -- every enterprise of the register with shipments in the chosen months
    SELECT s.inn, e.division, e.oktmo, sum(s.shipped_rub) AS shipped_rub
    FROM enterprise_shipments($date_from, $date_to, 0) AS s
    JOIN enterprises AS e USING (inn)
    WHERE s.shipped_rub IS NOT NULL
    GROUP BY s.inn, e.division, e.oktmo
),
me AS (
    SELECT e.inn, e.division, e.oktmo, s.shipped_rub
    FROM enterprises AS e
    LEFT JOIN shippers AS s USING (inn)
    WHERE e.inn = $inn
),
places AS (
    SELECT count(*) FILTER (WHERE x.division = me.division) AS division_enterprises,
           count(*) FILTER (WHERE x.oktmo = me.oktmo) AS municipality_enterprises,
           CASE WHEN me.shipped_rub IS NOT NULL AND me.division IS NOT NULL
                THEN 1 + count(*) FILTER (WHERE x.division = me.division AND round(x.shipped_rub, 2) > round(me.shipped_rub, 2)) END
               AS division_rank,
           CASE WHEN me.shipped_rub IS NOT NULL AND me.oktmo IS NOT NULL
                THEN 1 + count(*) FILTER (WHERE x.oktmo = me.oktmo AND round(x.shipped_rub, 2) > round(me.shipped_rub, 2)) END
               AS municipality_rank
    FROM me
    LEFT JOIN shippers AS x ON x.division = me.division OR x.oktmo = me.oktmo
    GROUP BY me.division, me.oktmo, me.shipped_rub
)
SELECT me.inn, f.shipped_rub, f.shipped_prev_rub, (f.shipped_rub / NULLIF(f.shipped_prev_rub, 0) - 1)::DOUBLE AS shipped_growth,
       f.export_rub, f.output_rub, f.output_prev_rub,
       (f.output_rub / NULLIF(f.output_prev_rub, 0) - 1)::DOUBLE AS output_growth,
       f.employees_avg::DOUBLE AS employees_avg, f.employees_avg_prev::DOUBLE AS employees_avg_prev,
       per_employee(f.staffed_rub, f.employees_avg)::DOUBLE AS productivity_rub,
       per_employee(f.staffed_prev_rub, f.employees_avg_prev)::DOUBLE AS productivity_prev_rub,
       p.division_rank::BIGINT AS division_rank, p.division_enterprises::BIGINT AS division_enterprises,
       p.municipality_rank::BIGINT AS municipality_rank, p.municipality_enterprises::BIGINT AS municipality_enterprises
FROM me, figures AS f, places AS p
