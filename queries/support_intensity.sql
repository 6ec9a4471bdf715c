-- Answers: support intensity per municipality and for the whole selection (column `dimension`): rubles of
--   support (the view support: ФРП loans without refusals + subsidies, by decision date in the chosen months)
--   per million rubles of shipments in the same months (shipment_cells, queries/model/aggregates.sql);
--   municipality and sector filters apply to all three.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Returns: dimension VARCHAR, oktmo VARCHAR, municipality VARCHAR, lat DOUBLE, lon DOUBLE, loans_rub DOUBLE,
--   subsidies_rub DOUBLE, support_rub DOUBLE, shipped_rub DOUBLE, intensity DOUBLE
WITH parts AS (
    SELECT oktmo,
           CASE kind WHEN 'loan' THEN amount_rub ELSE 0.0 END AS loans_rub,
           CASE kind WHEN 'subsidy' THEN amount_rub ELSE 0.0 END AS subsidies_rub,
           0.0 AS shipped_rub
    FROM support
    WHERE in_months(decision_date, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    UNION ALL
    SELECT oktmo, 0.0, 0.0, shipped_rub
    FROM shipment_cells
    WHERE in_months(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT CASE WHEN GROUPING(oktmo) = 0 THEN 'municipality' ELSE 'total' END AS dimension, oktmo,
           coalesce(sum(loans_rub), 0) AS loans_rub, coalesce(sum(subsidies_rub), 0) AS subsidies_rub,
           coalesce(sum(shipped_rub), 0) AS shipped_rub
    FROM parts
    GROUP BY GROUPING SETS ((), (oktmo))
)
SELECT a.dimension, a.oktmo, m.name AS municipality, m.lat, m.lon, a.loans_rub, a.subsidies_rub,
       a.loans_rub + a.subsidies_rub AS support_rub, a.shipped_rub,
       (a.loans_rub + a.subsidies_rub) / NULLIF(a.shipped_rub / 1000000, 0) AS intensity
FROM agg AS a
LEFT JOIN municipalities AS m ON a.dimension = 'municipality' AND m.oktmo = a.oktmo
ORDER BY CASE a.dimension WHEN 'total' THEN 0 ELSE 1 END, intensity DESC NULLS LAST, a.oktmo
