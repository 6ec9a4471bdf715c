-- Answers: shipments and export share per OKVED division for the filters.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
-- Returns: division VARCHAR, division_name VARCHAR, shipped_rub DOUBLE, export_rub DOUBLE, export_share DOUBLE,
--   enterprises BIGINT
SELECT s.division, d.name AS division_name,
       sum(s.shipped_rub) AS shipped_rub,
       coalesce(sum(s.export_rub), 0) AS export_rub,
       coalesce(sum(s.export_rub), 0) / NULLIF(sum(s.shipped_rub), 0) AS export_share,
       count(DISTINCT s.inn) AS enterprises
FROM shipments AS s
LEFT JOIN okved_divisions AS d USING (division)
WHERE in_months(s.period, $date_from, $date_to)
  AND chosen_place(s.oktmo, $munis)
  AND chosen_division(s.division, $divisions)
GROUP BY s.division, d.name
ORDER BY shipped_rub DESC, s.division NULLS LAST
