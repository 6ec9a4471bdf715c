-- Answers: shipments per municipality for the filters, with the same months a year earlier (every month minus 12:
--   a window longer than a year overlaps its year-earlier one); rows of enterprises missing from the register
--   have oktmo NULL. Sums from shipment_cells, enterprises from enterprise_years (aggregates.sql).
--   enterprises: the distinct enterprises with shipments in the chosen months, enterprises_prev in the same
--   months a year earlier (each counted once: first_report_in_months).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
-- Suppress: enterprises: shipped_rub, export_rub
-- Suppress: enterprises_prev: shipped_prev_rub
-- Returns: oktmo VARCHAR, municipality VARCHAR, lat DOUBLE, lon DOUBLE, shipped_rub DOUBLE, export_rub DOUBLE,
--   shipped_prev_rub DOUBLE, enterprises BIGINT, enterprises_prev BIGINT
WITH parts AS (
    SELECT oktmo, period, shipped_rub, export_rub, false AS first_report, false AS first_report_prev
    FROM shipment_cells
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    UNION ALL
    SELECT oktmo, NULL, NULL, NULL,
           first_report_in_months(first, shipment_months, shipments_before, $date_from, $date_to, 0),
           first_report_in_months(first, shipment_months, shipments_before, $date_from, $date_to, 1)
    FROM enterprise_years
    WHERE (block_meets_months(first, $date_from, $date_to, 0) OR block_meets_months(first, $date_from, $date_to, 1))
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT oktmo,
           sum(shipped_rub) FILTER (WHERE in_months(period, $date_from, $date_to)) AS shipped_rub,
           coalesce(sum(export_rub) FILTER (WHERE in_months(period, $date_from, $date_to)), 0) AS export_rub,
           sum(shipped_rub) FILTER (WHERE in_year_before(period, $date_from, $date_to)) AS shipped_prev_rub,
           count(*) FILTER (WHERE first_report) AS enterprises,
           count(*) FILTER (WHERE first_report_prev) AS enterprises_prev
    FROM parts
    GROUP BY oktmo
)
SELECT agg.oktmo, m.name AS municipality, m.lat, m.lon, agg.shipped_rub, agg.export_rub,
       agg.shipped_prev_rub, agg.enterprises, agg.enterprises_prev
FROM agg
LEFT JOIN municipalities AS m USING (oktmo)
WHERE agg.shipped_rub IS NOT NULL
ORDER BY agg.shipped_rub DESC, agg.oktmo
