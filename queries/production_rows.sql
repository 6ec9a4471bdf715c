-- Answers: the rows behind the production page: one row per enterprise and month, filtered as shown.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, period DATE, output_rub DOUBLE,
--   employees BIGINT
SELECT p.inn, e.name, m.name AS municipality, e.okved, p.period, p.output_rub, p.employees
FROM production AS p
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = p.oktmo
WHERE in_months(p.period, $date_from, $date_to)
  AND chosen_place(p.oktmo, $munis)
  AND chosen_division(p.division, $divisions)
ORDER BY p.period, p.inn
