-- Answers: shipments and export share per OKVED division for the filters. Sums from shipment_cells, enterprises
--   from enterprise_years (queries/model/aggregates.sql).
--   enterprises: the distinct enterprises with shipments in the chosen months.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
-- Suppress: enterprises: shipped_rub, export_rub, export_share
-- Returns: division VARCHAR, division_name VARCHAR, shipped_rub DOUBLE, export_rub DOUBLE, export_share DOUBLE,
--   enterprises BIGINT
WITH parts AS (
    SELECT division, shipped_rub, export_rub, false AS first_report
    FROM shipment_cells
    WHERE in_months(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    UNION ALL
    SELECT division, NULL, NULL,
           first_report_in_months(first, shipment_months, shipments_before, $date_from, $date_to, 0)
    FROM enterprise_years
    WHERE block_meets_months(first, $date_from, $date_to, 0)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT division, sum(shipped_rub) AS shipped_rub, coalesce(sum(export_rub), 0) AS export_rub,
           count(*) FILTER (WHERE first_report) AS enterprises
    FROM parts
    GROUP BY division
)
SELECT a.division, d.name AS division_name, a.shipped_rub, a.export_rub,
       a.export_rub / NULLIF(a.shipped_rub, 0) AS export_share, a.enterprises
FROM agg AS a
LEFT JOIN okved_divisions AS d USING (division)
WHERE a.shipped_rub IS NOT NULL
ORDER BY a.shipped_rub DESC, a.division NULLS LAST
