-- Answers: the largest enterprises by shipments for the filters, with export share and change against the same
--   months a year earlier (every month minus 12: a window longer than a year overlaps its year-earlier one).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
--   $limit      INTEGER    how many enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, shipped_rub DOUBLE, export_rub DOUBLE,
--   export_share DOUBLE, shipped_prev_rub DOUBLE, growth DOUBLE
WITH filtered AS (
    SELECT inn, oktmo, period, shipped_rub, export_rub
    FROM shipments
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT inn, any_value(oktmo) AS oktmo,
           sum(shipped_rub) FILTER (WHERE in_months(period, $date_from, $date_to)) AS shipped_rub,
           coalesce(sum(export_rub) FILTER (WHERE in_months(period, $date_from, $date_to)), 0) AS export_rub,
           sum(shipped_rub) FILTER (WHERE in_year_before(period, $date_from, $date_to)) AS shipped_prev_rub
    FROM filtered
    GROUP BY inn
)
SELECT agg.inn, e.name, m.name AS municipality, e.okved, agg.shipped_rub, agg.export_rub,
       agg.export_rub / NULLIF(agg.shipped_rub, 0) AS export_share,
       agg.shipped_prev_rub,
       agg.shipped_rub / NULLIF(agg.shipped_prev_rub, 0) - 1 AS growth
FROM agg
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = agg.oktmo
WHERE agg.shipped_rub IS NOT NULL
ORDER BY agg.shipped_rub DESC, agg.inn
LIMIT $limit
