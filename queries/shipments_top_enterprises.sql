-- Answers: the largest enterprises by shipments for the filters, with export share and change against the same
--   months a year earlier (every month minus 12: a window longer than a year overlaps its year-earlier one).
--   Per enterprise from enterprise_shipments (whole parts of data years plus the months left over; aggregates.sql).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
--   $limit      INTEGER    how many enterprises
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, shipped_rub DOUBLE, export_rub DOUBLE,
--   export_share DOUBLE, shipped_prev_rub DOUBLE, growth DOUBLE
WITH agg AS (
    SELECT inn, sum(shipped_rub) AS shipped_rub, coalesce(sum(export_rub), 0) AS export_rub,
           sum(shipped_earlier_rub) AS shipped_prev_rub
    FROM enterprise_shipments($date_from, $date_to, 1)
    WHERE chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    GROUP BY inn
),
top AS (        -- the largest first; names are looked up for these only
    SELECT * FROM agg
    WHERE shipped_rub IS NOT NULL
    ORDER BY shipped_rub DESC, inn
    LIMIT $limit
)
SELECT top.inn, e.name, m.name AS municipality, e.okved, top.shipped_rub, top.export_rub,
       top.export_rub / NULLIF(top.shipped_rub, 0) AS export_share,
       top.shipped_prev_rub,
       top.shipped_rub / NULLIF(top.shipped_prev_rub, 0) - 1 AS growth
FROM top
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = e.oktmo
ORDER BY top.shipped_rub DESC, top.inn
