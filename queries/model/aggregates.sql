-- Defines: tables prepared once per data version for what the pages draw (created with the model by
--   kuban/model/db.py, after chosen.sql and measures.sql), so that a filter change reads these small tables
--   instead of the row-level facts, and the macros that read them.
--   The facts hold one row per INN and month (the loader keeps one row per key), so a count of rows is a
--   count of enterprises, or of months. A month is also one integer, month_index = year * 12 + month - 1.
--   A data year is 12 months: the 12 that end with the last month that has data, the 12 before them, and so
--   on; its January (if it does not start with one) splits it in two parts, so that a calendar year is the
--   second part of one data year and the first part of the next. The default period (the last 12 months) and
--   its year earlier are one data year each; any period is the parts that lie in it whole plus the months left
--   over, which are read from the facts.
-- Macros:
--   month_index(day)                            the month of a date as one integer (year * 12 + month - 1)
--   month_start(month)                          ... and back: the first day of month_index `month`
--   block_first(month, last_data_month)         the first month (month_index) of the data year that holds month
--                                               `month` (last_data_month: fact_months.last_data_month)
--   year_split(first)                           the first month of the second part of the data year starting
--                                               with `first`: its January (`first` itself if it is a January)
--   part_in(part_first, part_last, first, last)  the months part_first..part_last (month_index, not none) all lie
--                                               in the months first..last
--   block_meets_months(first, first_month, last_month, years)
--                                               the data year starting with `first` has a month in the months
--                                               first_month..last_month (DATEs, first days of months) moved `years`
--                                               years earlier (0: as chosen)
--   months_mask(first, first_month, last_month, years)
--                                               the mask of those months within the data year starting with
--                                               `first` (bit i: month first + i)
--   plus(a, b)                                  a + b where a missing value counts as nothing (NULL + NULL: NULL)
--   first_report_in_months(first, months, before, first_month, last_month, years)
--                                               true on exactly one data year of an INN that reports in those
--                                               months: the first such (`months` its mask, `before` the last month
--                                               the INN reported before it); count(*) FILTER (WHERE ...) counts
--                                               enterprises without a distinct count
--   left_over_months(first_month, last_month, years)        (table)
--                                               period, now, earlier: the months of the chosen months (now) and of
--                                               the same months `years` years earlier (earlier) that lie in no part
--                                               that lies in them whole
--   enterprise_shipments(first_month, last_month, years)    (table)
--                                               rows to sum per INN for its shipments in the chosen months
--                                               (shipped_rub, export_rub) and in the same months `years` years
--                                               earlier (shipped_earlier_rub, export_earlier_rub): the parts of
--                                               enterprise_years that lie in them whole plus the rows of the months
--                                               left over, from shipments; a row has a figure for one of the two.
--                                               Also inn, oktmo, division
--   enterprise_production(first_month, last_month, years)   (table)
--                                               the same for production: output_rub, staffed_output_rub (output of
--                                               the months that report headcount), employees (headcount summed over
--                                               the months), headcount_months (the months that report headcount),
--                                               and each *_earlier (output_earlier_rub, ...); the last four DOUBLE
--   enterprise_output(first_month, last_month, munis, divisions)    (table)
--                                               one row per enterprise with output in the chosen months (the
--                                               sidebar's filters applied): inn, name, municipality, okved,
--                                               output_rub, output_prev_rub, output_growth, employees_avg,
--                                               employees_avg_prev, productivity_rub, productivity_prev_rub,
--                                               productivity_growth (a year earlier: the same months 12 earlier;
--                                               average_headcount and per_employee of measures.sql)
--   matches_enterprise(inn, name, search)       the search text of a list finds this enterprise: empty, the
--                                               start of its INN, or a part of its name (case and ё/е ignored)
-- Tables:
--   fact_months           one row: first_data_month, last_data_month (month_index) of shipments and production
--                         together (NULL without facts)
--   data_months           grain: month, from first_data_month to last_data_month. Columns: period DATE, month,
--                         part_first, part_last INTEGER (the part of its data year that holds the month)
--   shipment_cells        grain: month × municipality × OKVED code of the enterprise (registered; NULL oktmo,
--                         division and okved: INNs missing from the register). Columns: period DATE, oktmo,
--                         division, okved VARCHAR, shipped_rub DOUBLE, export_rub DOUBLE (NULL: no row reports
--                         exports), enterprises BIGINT (rows = enterprises with shipments that month)
--   production_cells      grain: the same. Columns: period DATE, oktmo, division, okved VARCHAR, output_rub DOUBLE,
--                         staffed_output_rub DOUBLE (output of the rows that report headcount), employees BIGINT
--                         (headcounts summed; NULL: no row reports headcount), enterprises BIGINT
--   enterprise_years      grain: INN × data year (one in which the INN has shipments or production). Columns: inn,
--                         oktmo, division VARCHAR, first, split INTEGER (month_index of its first month and of the
--                         first month of its second part), shipment_months, production_months SMALLINT (masks of
--                         the months with shipments, with production; bit i: month first + i), shipments_before,
--                         production_before, reported_before INTEGER (the last month before this data year with
--                         shipments, with production, with either; NULL: none), and the figures of each part (_1,
--                         _2; sums NULL where the INN has no such row in the part): shipped_rub_1, shipped_rub_2,
--                         export_rub_1, export_rub_2, output_rub_1, output_rub_2, staffed_output_rub_1,
--                         staffed_output_rub_2 DOUBLE, employees_1, employees_2 BIGINT (headcount summed),
--                         headcount_months_1, headcount_months_2 INTEGER (months reporting headcount)
--   reporting_patterns    grain: data year × municipality × division × OKVED code (of the register) × reporting
--                         pattern. Columns: first, oktmo, division, okved, shipment_months, production_months,
--                         shipments_before, production_before (as in enterprise_years), enterprises BIGINT (the
--                         INNs with that pattern): counts of enterprises without reading one row per INN
--   enterprise_months     grain: INN × month with shipments or production. Columns: inn, oktmo, division (of the
--                         register), period DATE, month INTEGER (month_index), shipped_rub, export_rub,
--                         output_rub DOUBLE, employees BIGINT, shipped, produced BOOLEAN (a shipments row, a
--                         production row this month). Sorted by INN (one enterprise's card reads its own rows).
--   The others sorted by month for zone maps.

CREATE MACRO month_index(day) AS (year(day) * 12 + month(day) - 1)::INTEGER;

CREATE MACRO month_start(month) AS make_date((month // 12)::INTEGER, (month % 12 + 1)::INTEGER, 1);

CREATE MACRO block_first(month, last_data_month) AS
    (month - ((month - last_data_month - 1) % 12 + 12) % 12)::INTEGER;

CREATE MACRO year_split(first) AS (first + (12 - first % 12) % 12)::INTEGER;

CREATE MACRO part_in(part_first, part_last, first, last) AS
    part_first <= part_last AND part_first >= first AND part_last <= last;

CREATE MACRO block_meets_months(first, first_month, last_month, years) AS
    first <= month_index(last_month::DATE) - 12 * years AND first + 11 >= month_index(first_month::DATE) - 12 * years;

CREATE MACRO months_mask(first, first_month, last_month, years) AS
    ((1 << least(greatest(month_index(last_month::DATE) - 12 * years - first + 1, 0), 12)) - 1)
    & ~((1 << least(greatest(month_index(first_month::DATE) - 12 * years - first, 0), 12)) - 1);

CREATE MACRO plus(a, b) AS coalesce(a + b, a, b);

CREATE MACRO first_report_in_months(first, months, before, first_month, last_month, years) AS
    (months::INTEGER & months_mask(first, first_month, last_month, years)) <> 0
    AND coalesce(before < month_index(first_month::DATE) - 12 * years, true);

CREATE TABLE fact_months AS
SELECT min(first_month) AS first_data_month, max(last_month) AS last_data_month
FROM (
    SELECT month_index(min(period)) AS first_month, month_index(max(period)) AS last_month FROM shipments
    UNION ALL
    SELECT month_index(min(period)), month_index(max(period)) FROM production
);

CREATE TABLE data_months AS
SELECT month_start(r.m) AS period, r.m::INTEGER AS month,
       CASE WHEN r.m < year_split(block_first(r.m, f.last_data_month)) THEN block_first(r.m, f.last_data_month)
            ELSE year_split(block_first(r.m, f.last_data_month)) END AS part_first,
       CASE WHEN r.m < year_split(block_first(r.m, f.last_data_month))
            THEN year_split(block_first(r.m, f.last_data_month)) - 1
            ELSE block_first(r.m, f.last_data_month) + 11 END AS part_last
FROM fact_months AS f, range(f.first_data_month, f.last_data_month + 1) AS r(m)
ORDER BY r.m;

CREATE TABLE shipment_cells AS
SELECT s.period, s.oktmo, s.division, e.okved,
       sum(s.shipped_rub) AS shipped_rub, sum(s.export_rub) AS export_rub, count(*) AS enterprises
FROM shipments AS s
LEFT JOIN enterprises AS e USING (inn)
GROUP BY s.period, s.oktmo, s.division, e.okved
ORDER BY s.period, s.oktmo, s.division, e.okved;

CREATE TABLE production_cells AS
SELECT p.period, p.oktmo, p.division, e.okved,
       sum(p.output_rub) AS output_rub, staffed_output(p.output_rub, p.employees, true) AS staffed_output_rub,
       sum(p.employees)::BIGINT AS employees, count(*) AS enterprises
FROM production AS p
LEFT JOIN enterprises AS e USING (inn)
GROUP BY p.period, p.oktmo, p.division, e.okved
ORDER BY p.period, p.oktmo, p.division, e.okved;

-- One pass over each fact table: per INN and data year, each part summed apart.
CREATE TABLE enterprise_years AS
WITH ship AS (
    SELECT x.inn, x.first, bit_or((1 << (x.m - x.first))::SMALLINT) AS shipment_months,
           sum(x.shipped_rub) FILTER (WHERE x.m < x.split) AS shipped_rub_1,
           sum(x.shipped_rub) FILTER (WHERE x.m >= x.split) AS shipped_rub_2,
           sum(x.export_rub) FILTER (WHERE x.m < x.split) AS export_rub_1,
           sum(x.export_rub) FILTER (WHERE x.m >= x.split) AS export_rub_2
    FROM (
        SELECT s.inn, s.m, s.first, year_split(s.first) AS split, s.shipped_rub, s.export_rub
        FROM (SELECT s.inn, month_index(s.period) AS m, block_first(month_index(s.period), f.last_data_month) AS first,
                     s.shipped_rub, s.export_rub
              FROM shipments AS s, fact_months AS f) AS s
    ) AS x
    GROUP BY x.inn, x.first
),
prod AS (
    SELECT x.inn, x.first, bit_or((1 << (x.m - x.first))::SMALLINT) AS production_months,
           count(x.employees) FILTER (WHERE x.m < x.split) AS headcount_months_1,
           count(x.employees) FILTER (WHERE x.m >= x.split) AS headcount_months_2,
           sum(x.output_rub) FILTER (WHERE x.m < x.split) AS output_rub_1,
           sum(x.output_rub) FILTER (WHERE x.m >= x.split) AS output_rub_2,
           staffed_output(x.output_rub, x.employees, x.m < x.split) AS staffed_output_rub_1,
           staffed_output(x.output_rub, x.employees, x.m >= x.split) AS staffed_output_rub_2,
           sum(x.employees) FILTER (WHERE x.m < x.split) AS employees_1,
           sum(x.employees) FILTER (WHERE x.m >= x.split) AS employees_2
    FROM (
        SELECT p.inn, p.m, p.first, year_split(p.first) AS split, p.output_rub, p.employees
        FROM (SELECT p.inn, month_index(p.period) AS m, block_first(month_index(p.period), f.last_data_month) AS first,
                     p.output_rub, p.employees
              FROM production AS p, fact_months AS f) AS p
    ) AS x
    GROUP BY x.inn, x.first
),
years AS (      -- with the last month of each kind in the year (the highest bit of its mask)
    SELECT *, first + floor(log2(nullif(shipment_months, 0)))::INTEGER AS shipment_last,
           first + floor(log2(nullif(production_months, 0)))::INTEGER AS production_last
    FROM ship FULL JOIN prod USING (inn, first)
)
SELECT y.inn, e.oktmo, e.division, y.first, year_split(y.first) AS split,
       coalesce(y.shipment_months, 0)::SMALLINT AS shipment_months,
       coalesce(y.production_months, 0)::SMALLINT AS production_months,
       lag(y.shipment_last IGNORE NULLS) OVER before_year AS shipments_before,
       lag(y.production_last IGNORE NULLS) OVER before_year AS production_before,
       lag(greatest(y.shipment_last, y.production_last)) OVER before_year AS reported_before,
       y.shipped_rub_1, y.shipped_rub_2, y.export_rub_1, y.export_rub_2, y.output_rub_1, y.output_rub_2,
       y.staffed_output_rub_1, y.staffed_output_rub_2, y.employees_1::BIGINT AS employees_1,
       y.employees_2::BIGINT AS employees_2, y.headcount_months_1::INTEGER AS headcount_months_1,
       y.headcount_months_2::INTEGER AS headcount_months_2
FROM years AS y
LEFT JOIN enterprises AS e USING (inn)
WINDOW before_year AS (PARTITION BY y.inn ORDER BY y.first)
ORDER BY y.first;

-- The enterprises of enterprise_years counted per reporting pattern: what first_report_in_months reads, so that a
-- count of enterprises over windows reads ~30 000 rows instead of ~850 000 at 10 M fact rows.
CREATE TABLE reporting_patterns AS
SELECT y.first, y.oktmo, y.division, e.okved, y.shipment_months, y.production_months, y.shipments_before,
       y.production_before, count(*) AS enterprises
FROM enterprise_years AS y
LEFT JOIN enterprises AS e USING (inn)
GROUP BY ALL
ORDER BY y.first;

-- One enterprise's months, for its card: the facts again, one row per INN and month, sorted by INN, so that a
-- statement for one INN reads the row groups that hold it (their zone maps skip the rest) instead of 10 M rows.
CREATE TABLE enterprise_months AS
SELECT f.inn, e.oktmo, e.division, f.period, f.m AS month, sum(f.shipped_rub) AS shipped_rub,
       sum(f.export_rub) AS export_rub, sum(f.output_rub) AS output_rub, sum(f.employees)::BIGINT AS employees,
       bool_or(f.shipped) AS shipped, bool_or(f.produced) AS produced
FROM (
    SELECT inn, period, month_index(period) AS m, shipped_rub, export_rub, NULL::DOUBLE AS output_rub,
           NULL::BIGINT AS employees, true AS shipped, false AS produced
    FROM shipments
    UNION ALL
    SELECT inn, period, month_index(period), NULL, NULL, output_rub, employees, false, true
    FROM production
) AS f
LEFT JOIN enterprises AS e USING (inn)
GROUP BY f.inn, e.oktmo, e.division, f.period, f.m
ORDER BY f.inn, f.period;

CREATE MACRO left_over_months(first_month, last_month, years) AS TABLE
SELECT period, now, earlier
FROM (
    SELECT d.period,
           d.month BETWEEN w.a AND w.b AND NOT part_in(d.part_first, d.part_last, w.a, w.b) AS now,
           d.month BETWEEN w.a - w.back AND w.b - w.back
             AND NOT part_in(d.part_first, d.part_last, w.a - w.back, w.b - w.back) AS earlier
    FROM data_months AS d,
         (SELECT month_index(first_month::DATE) AS a, month_index(last_month::DATE) AS b, 12 * years AS back) AS w
)
WHERE now OR earlier;

CREATE MACRO enterprise_shipments(first_month, last_month, years) AS TABLE
SELECT inn, oktmo, division,
       plus(CASE WHEN now_1 THEN shipped_rub_1 END, CASE WHEN now_2 THEN shipped_rub_2 END) AS shipped_rub,
       plus(CASE WHEN now_1 THEN export_rub_1 END, CASE WHEN now_2 THEN export_rub_2 END) AS export_rub,
       plus(CASE WHEN earlier_1 THEN shipped_rub_1 END, CASE WHEN earlier_2 THEN shipped_rub_2 END)
           AS shipped_earlier_rub,
       plus(CASE WHEN earlier_1 THEN export_rub_1 END, CASE WHEN earlier_2 THEN export_rub_2 END)
           AS export_earlier_rub
FROM (          -- which parts of each data year lie whole in the chosen months (now) and in those `years` earlier
    SELECT y.inn, y.oktmo, y.division, y.shipped_rub_1, y.shipped_rub_2, y.export_rub_1, y.export_rub_2,
           part_in(y.first, y.split - 1, w.a, w.b) AS now_1, part_in(y.split, y.first + 11, w.a, w.b) AS now_2,
           part_in(y.first, y.split - 1, w.a - w.back, w.b - w.back) AS earlier_1,
           part_in(y.split, y.first + 11, w.a - w.back, w.b - w.back) AS earlier_2
    FROM enterprise_years AS y,
         (SELECT month_index(first_month::DATE) AS a, month_index(last_month::DATE) AS b, 12 * years AS back) AS w
    WHERE y.shipment_months <> 0
      AND (block_meets_months(y.first, first_month, last_month, 0)
           OR block_meets_months(y.first, first_month, last_month, years))
)
WHERE (now_1 OR earlier_1) AND shipped_rub_1 IS NOT NULL OR (now_2 OR earlier_2) AND shipped_rub_2 IS NOT NULL
UNION ALL
SELECT s.inn, s.oktmo, s.division,
       CASE WHEN l.now THEN s.shipped_rub END, CASE WHEN l.now THEN s.export_rub END,
       CASE WHEN l.earlier THEN s.shipped_rub END, CASE WHEN l.earlier THEN s.export_rub END
FROM shipments AS s
JOIN left_over_months(first_month, last_month, years) AS l USING (period);

CREATE MACRO enterprise_production(first_month, last_month, years) AS TABLE
SELECT inn, oktmo, division,
       plus(CASE WHEN now_1 THEN output_rub_1 END, CASE WHEN now_2 THEN output_rub_2 END) AS output_rub,
       plus(CASE WHEN now_1 THEN staffed_output_rub_1 END, CASE WHEN now_2 THEN staffed_output_rub_2 END)
           AS staffed_output_rub,
       plus(CASE WHEN now_1 THEN employees_1 END, CASE WHEN now_2 THEN employees_2 END) AS employees,
       plus(CASE WHEN now_1 THEN headcount_months_1 END, CASE WHEN now_2 THEN headcount_months_2 END)
           AS headcount_months,
       plus(CASE WHEN earlier_1 THEN output_rub_1 END, CASE WHEN earlier_2 THEN output_rub_2 END)
           AS output_earlier_rub,
       plus(CASE WHEN earlier_1 THEN staffed_output_rub_1 END, CASE WHEN earlier_2 THEN staffed_output_rub_2 END)
           AS staffed_output_earlier_rub,
       plus(CASE WHEN earlier_1 THEN employees_1 END, CASE WHEN earlier_2 THEN employees_2 END) AS employees_earlier,
       plus(CASE WHEN earlier_1 THEN headcount_months_1 END, CASE WHEN earlier_2 THEN headcount_months_2 END)
           AS headcount_months_earlier
FROM (
    SELECT y.inn, y.oktmo, y.division, y.output_rub_1, y.output_rub_2, y.staffed_output_rub_1,
           y.staffed_output_rub_2, y.employees_1::DOUBLE AS employees_1, y.employees_2::DOUBLE AS employees_2,
           y.headcount_months_1::DOUBLE AS headcount_months_1, y.headcount_months_2::DOUBLE AS headcount_months_2,
           part_in(y.first, y.split - 1, w.a, w.b) AS now_1, part_in(y.split, y.first + 11, w.a, w.b) AS now_2,
           part_in(y.first, y.split - 1, w.a - w.back, w.b - w.back) AS earlier_1,
           part_in(y.split, y.first + 11, w.a - w.back, w.b - w.back) AS earlier_2
    FROM enterprise_years AS y,
         (SELECT month_index(first_month::DATE) AS a, month_index(last_month::DATE) AS b, 12 * years AS back) AS w
    WHERE y.production_months <> 0
      AND (block_meets_months(y.first, first_month, last_month, 0)
           OR block_meets_months(y.first, first_month, last_month, years))
)
WHERE (now_1 OR earlier_1) AND output_rub_1 IS NOT NULL OR (now_2 OR earlier_2) AND output_rub_2 IS NOT NULL
UNION ALL
SELECT p.inn, p.oktmo, p.division,
       CASE WHEN l.now THEN p.output_rub END,
       CASE WHEN l.now AND reports_headcount(p.employees) THEN p.output_rub END,
       CASE WHEN l.now THEN p.employees END::DOUBLE,
       CASE WHEN l.now AND reports_headcount(p.employees) THEN 1 END::DOUBLE,
       CASE WHEN l.earlier THEN p.output_rub END,
       CASE WHEN l.earlier AND reports_headcount(p.employees) THEN p.output_rub END,
       CASE WHEN l.earlier THEN p.employees END::DOUBLE,
       CASE WHEN l.earlier AND reports_headcount(p.employees) THEN 1 END::DOUBLE
FROM production AS p
JOIN left_over_months(first_month, last_month, years) AS l USING (period);

CREATE MACRO enterprise_output(first_month, last_month, munis, divisions) AS TABLE
WITH sums AS (
    SELECT inn, sum(output_rub) AS output_rub, sum(output_earlier_rub) AS output_prev_rub,
           sum(staffed_output_rub) AS staffed_rub, sum(staffed_output_earlier_rub) AS staffed_prev_rub,
           average_headcount(sum(employees), sum(headcount_months)) AS employees_avg,
           average_headcount(sum(employees_earlier), sum(headcount_months_earlier)) AS employees_avg_prev
    FROM enterprise_production(first_month, last_month, 1)
    WHERE chosen_place(oktmo, munis)
      AND chosen_division(division, divisions)
    GROUP BY inn
),
agg AS (
    SELECT inn, output_rub, output_prev_rub, employees_avg, employees_avg_prev,
           per_employee(staffed_rub, employees_avg) AS productivity_rub,
           per_employee(staffed_prev_rub, employees_avg_prev) AS productivity_prev_rub
    FROM sums
    WHERE output_rub IS NOT NULL
)
SELECT a.inn, e.name, m.name AS municipality, e.okved,
       a.output_rub, a.output_prev_rub, a.output_rub / NULLIF(a.output_prev_rub, 0) - 1 AS output_growth,
       a.employees_avg::DOUBLE AS employees_avg, a.employees_avg_prev::DOUBLE AS employees_avg_prev,
       a.productivity_rub, a.productivity_prev_rub,
       a.productivity_rub / NULLIF(a.productivity_prev_rub, 0) - 1 AS productivity_growth
FROM agg AS a
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = e.oktmo;

CREATE MACRO matches_enterprise(inn, name, search) AS
    trim(coalesce(search, '')) = ''
    OR starts_with(inn, trim(search))
    OR contains(replace(lower(coalesce(name, '')), 'ё', 'е'), replace(lower(trim(search)), 'ё', 'е'));
