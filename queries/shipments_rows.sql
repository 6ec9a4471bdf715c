-- Answers: the rows behind the shipments page: one row per enterprise and month, filtered as shown.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, period DATE, shipped_rub DOUBLE,
--   export_rub DOUBLE
SELECT s.inn, e.name, m.name AS municipality, e.okved, s.period, s.shipped_rub, s.export_rub
FROM shipments AS s
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = s.oktmo
WHERE in_months(s.period, $date_from, $date_to)
  AND chosen_place(s.oktmo, $munis)
  AND chosen_division(s.division, $divisions)
ORDER BY s.period, s.inn
