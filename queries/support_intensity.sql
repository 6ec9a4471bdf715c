-- Answers: support intensity per municipality and for the whole selection (column `dimension`): rubles of
--   support (the view support: ФРП loans without refusals + subsidies, by decision date in the chosen months)
--   per million rubles of shipments in the same months (shipment_cells, queries/model/aggregates.sql);
--   municipality and sector filters apply to all three. The distinct enterprises (INN) behind each sum: borrowers
--   (loans), recipients (subsidies), shippers (shipments: enterprise_years). support_rub and intensity are hidden
--   with either of their parts, intensity also with shipments (each part could be worked out from the others).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: borrowers: loans_rub, support_rub, intensity
-- Suppress: recipients: subsidies_rub, support_rub, intensity
-- Suppress: shippers: shipped_rub, intensity
-- Returns: dimension VARCHAR, oktmo VARCHAR, municipality VARCHAR, lat DOUBLE, lon DOUBLE, loans_rub DOUBLE,
--   subsidies_rub DOUBLE, support_rub DOUBLE, shipped_rub DOUBLE, intensity DOUBLE, borrowers BIGINT,
--   recipients BIGINT, shippers BIGINT
WITH parts AS (
    SELECT oktmo,
           CASE kind WHEN 'loan' THEN amount_rub ELSE 0.0 END AS loans_rub,
           CASE kind WHEN 'subsidy' THEN amount_rub ELSE 0.0 END AS subsidies_rub,
           0.0 AS shipped_rub,
           CASE kind WHEN 'loan' THEN inn END AS borrower,
           CASE kind WHEN 'subsidy' THEN inn END AS recipient,
           false AS shipper
    FROM support
    WHERE in_months(decision_date, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    UNION ALL
    SELECT oktmo, 0.0, 0.0, shipped_rub, NULL, NULL, false
    FROM shipment_cells
    WHERE in_months(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    UNION ALL
    SELECT oktmo, 0.0, 0.0, 0.0, NULL, NULL, true      -- each enterprise with shipments in the months, once
    FROM enterprise_years
    WHERE block_meets_months(first, $date_from, $date_to, 0)
      AND first_report_in_months(first, shipment_months, shipments_before, $date_from, $date_to, 0)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT CASE WHEN GROUPING(oktmo) = 0 THEN 'municipality' ELSE 'total' END AS dimension, oktmo,
           coalesce(sum(loans_rub), 0) AS loans_rub, coalesce(sum(subsidies_rub), 0) AS subsidies_rub,
           coalesce(sum(shipped_rub), 0) AS shipped_rub,
           coalesce(len(list_distinct(list(borrower))), 0) AS borrowers,       -- distinct INNs (plans faster
           coalesce(len(list_distinct(list(recipient))), 0) AS recipients,     -- than count(DISTINCT ...))
           count(*) FILTER (WHERE shipper) AS shippers
    FROM parts
    GROUP BY GROUPING SETS ((), (oktmo))
)
SELECT a.dimension, a.oktmo, m.name AS municipality, m.lat, m.lon, a.loans_rub, a.subsidies_rub,
       a.loans_rub + a.subsidies_rub AS support_rub, a.shipped_rub,
       (a.loans_rub + a.subsidies_rub) / NULLIF(a.shipped_rub / 1000000, 0) AS intensity,
       a.borrowers, a.recipients, a.shippers
FROM agg AS a
LEFT JOIN municipalities AS m ON a.dimension = 'municipality' AND m.oktmo = a.oktmo
ORDER BY CASE a.dimension WHEN 'total' THEN 0 ELSE 1 END, intensity DESC NULLS LAST, a.oktmo
