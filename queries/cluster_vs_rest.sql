-- Answers: the cluster against the rest of industry over time: for the chosen months and the same months
--   1, 2, ... years earlier (each window that has shipments or production), for the cluster's enterprises
--   (in_cluster true) and every other one (false, including enterprises missing from the register):
--   shipments, output, employment (average monthly headcount: the window's headcounts summed, divided by the
--   number of its months that have production data) and support (the view support: ФРП loans not refused plus
--   subsidies decided in the window; a side with support but no facts in a window that has facts gets a row
--   too, its facts NULL).
--   Read from shipment_cells and production_cells (month × municipality × OKVED code, aggregates.sql) in one
--   pass, windows by month arithmetic; division codes match on the cells' division, group or class codes on
--   their OKVED code (the code of every enterprise of the cell). The distinct enterprises (INN) of each window and
--   side: shippers (shipments), producers (production), from enterprise_years, each counted once per window
--   (first_report_in_months, over reporting_patterns); supported (support decided in the window).
-- Params:
--   $cluster_codes  VARCHAR[]  OKVED codes of the cluster: divisions NN, groups NN.N, classes NN.NN (prefixes)
--   $munis          VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $date_from      DATE       first month of the period
--   $date_to        DATE       last month of the period, inclusive
-- Suppress: shippers: shipped_rub
-- Suppress: producers: output_rub, employees
-- Suppress: supported: support_rub
-- Suppress within: years_back
-- Returns: years_back INTEGER, window_from DATE, window_to DATE, in_cluster BOOLEAN, shipped_rub DOUBLE,
--   output_rub DOUBLE, employees DOUBLE, support_rub DOUBLE, shippers BIGINT, producers BIGINT, supported BIGINT
WITH b AS (     -- months counted from year 0; a month m lies in window k when 12k <= d1 - m <= 12k + len - 1
                -- (only months m <= d1 can: DuckDB's // truncates toward zero, so -5 // 12 is 0, not -1)
    SELECT year($date_to::DATE) * 12 + month($date_to::DATE) AS d1,
           (year($date_to::DATE) * 12 + month($date_to::DATE))
             - (year($date_from::DATE) * 12 + month($date_from::DATE)) + 1 AS len
),
shifts AS (     -- a window longer than 12 months overlaps the next one: a month can lie in several
    SELECT unnest(range(0, (len + 11) // 12)) AS j FROM b
),
codes AS (
    SELECT unnest($cluster_codes::VARCHAR[]) AS code
),
by_class AS (   -- OKVED codes matched by a group or class code (divisions are matched on the cells themselves)
    SELECT DISTINCT e.okved
    FROM enterprises AS e
    JOIN codes AS c ON length(c.code) > 2 AND starts_with(e.okved, c.code)
),
facts AS (
    SELECT okved, division, month_index(period) + 1 AS m, shipped_rub, NULL::DOUBLE AS output_rub,
           NULL::DOUBLE AS employees
    FROM shipment_cells
    WHERE not_after(period, $date_to) AND chosen_place(oktmo, $munis)
    UNION ALL
    SELECT okved, division, month_index(period) + 1 AS m, NULL::DOUBLE AS shipped_rub, output_rub,
           employees::DOUBLE AS employees
    FROM production_cells
    WHERE not_after(period, $date_to) AND chosen_place(oktmo, $munis)
),
windowed AS (
    SELECT (b.d1 - f.m) // 12 - s.j AS years_back, f.m, f.shipped_rub, f.output_rub, f.employees,
           coalesce(list_contains($cluster_codes::VARCHAR[], f.division), false)
             OR coalesce(f.okved IN (SELECT okved FROM by_class), false) AS in_cluster
    FROM facts AS f, b, shifts AS s
    WHERE (b.d1 - f.m) // 12 - s.j >= 0
      AND 12 * ((b.d1 - f.m) // 12 - s.j) + b.len - 1 >= b.d1 - f.m
),
months AS (     -- months of each window that have production data
    SELECT years_back, count(DISTINCT m) AS months
    FROM windowed
    WHERE output_rub IS NOT NULL
    GROUP BY years_back
),
grouped AS (
    SELECT years_back, in_cluster, sum(shipped_rub) AS shipped_rub, sum(output_rub) AS output_rub,
           sum(employees) AS employee_months
    FROM windowed
    GROUP BY years_back, in_cluster
),
support AS (
    SELECT (b.d1 - x.m) // 12 - s.j AS years_back,
           coalesce(list_contains($cluster_codes::VARCHAR[], x.division), false)
             OR coalesce(x.okved IN (SELECT okved FROM by_class), false) AS in_cluster,
           sum(x.amount_rub) AS support_rub, count(DISTINCT x.inn) AS supported
    FROM (
        SELECT inn, e.okved, x.division, x.amount_rub, year(x.decision_date) * 12 + month(x.decision_date) AS m
        FROM support AS x
        LEFT JOIN enterprises AS e USING (inn)
        WHERE chosen_place(x.oktmo, $munis)
    ) AS x, b, shifts AS s
    WHERE x.m <= b.d1           -- decided after the chosen months: in no window
      AND (b.d1 - x.m) // 12 - s.j >= 0
      AND 12 * ((b.d1 - x.m) // 12 - s.j) + b.len - 1 >= b.d1 - x.m
    GROUP BY 1, 2
),
counted AS (    -- the enterprises of each window with facts: a data year meets windows
                -- ceil((a - first - 11) / 12) .. floor((b - first) / 12) (block_meets_months), and an INN is counted
                -- on the first of its data years with a month in the window (first_report_in_months); read from
                -- reporting_patterns, the INNs of a data year with the same pattern counted together
    SELECT y.years_back,
           coalesce(list_contains($cluster_codes::VARCHAR[], y.division), false)
             OR coalesce(y.okved IN (SELECT okved FROM by_class), false) AS in_cluster,
           sum(y.enterprises) FILTER (WHERE first_report_in_months(y.first, y.shipment_months, y.shipments_before,
                                                                 $date_from, $date_to, y.years_back)) AS shippers,
           sum(y.enterprises) FILTER (WHERE first_report_in_months(y.first, y.production_months, y.production_before,
                                                                 $date_from, $date_to, y.years_back)) AS producers
    FROM (
        SELECT y.okved, y.division, y.first, y.shipment_months, y.shipments_before, y.production_months,
               y.production_before, y.enterprises,
               unnest(range(greatest(ceil((w.a - y.first - 11) / 12), 0)::BIGINT,
                            floor((w.b - y.first) / 12)::BIGINT + 1)) AS years_back
        FROM reporting_patterns AS y,
             (SELECT month_index($date_from::DATE) AS a, month_index($date_to::DATE) AS b) AS w
        WHERE y.first <= w.b AND chosen_place(y.oktmo, $munis)
    ) AS y
    WHERE y.years_back IN (SELECT years_back FROM grouped)
    GROUP BY 1, 2
),
sides AS (      -- the windows that have facts, each side with facts or with support
    SELECT years_back, in_cluster FROM grouped
    UNION
    SELECT years_back, in_cluster FROM support WHERE years_back IN (SELECT years_back FROM grouped)
)
SELECT w.years_back::INTEGER AS years_back,
       ($date_from::DATE - to_years(w.years_back::INTEGER))::DATE AS window_from,
       ($date_to::DATE - to_years(w.years_back::INTEGER))::DATE AS window_to,
       w.in_cluster,
       g.shipped_rub::DOUBLE AS shipped_rub, g.output_rub::DOUBLE AS output_rub,
       (g.employee_months / NULLIF(mo.months, 0))::DOUBLE AS employees,
       coalesce(s.support_rub, 0)::DOUBLE AS support_rub,
       coalesce(c.shippers, 0)::BIGINT AS shippers, coalesce(c.producers, 0)::BIGINT AS producers,
       coalesce(s.supported, 0) AS supported
FROM sides AS w
LEFT JOIN grouped AS g USING (years_back, in_cluster)
LEFT JOIN months AS mo USING (years_back)
LEFT JOIN support AS s USING (years_back, in_cluster)
LEFT JOIN counted AS c USING (years_back, in_cluster)
ORDER BY w.years_back DESC, w.in_cluster DESC
