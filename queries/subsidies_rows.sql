-- Answers: the rows behind the subsidies page: every subsidy decided in the chosen months, filtered as shown.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the recipients; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the recipients; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: subsidy_id VARCHAR, inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR,
--   programme VARCHAR, budget VARCHAR, amount_rub DOUBLE, decision_date DATE
SELECT s.subsidy_id, s.inn, e.name, m.name AS municipality, e.okved, s.programme, s.budget, s.amount_rub,
       s.decision_date
FROM subsidies AS s
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = s.oktmo
WHERE in_months(s.decision_date, $date_from, $date_to)
  AND chosen_place(s.oktmo, $munis)
  AND chosen_division(s.division, $divisions)
ORDER BY s.decision_date, s.subsidy_id
