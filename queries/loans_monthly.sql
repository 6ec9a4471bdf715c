-- Answers: ФРП loans approved per month of the decision date and fund (refused applications left out),
--   for the chosen months and the borrower's municipality and sector.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the borrowers; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the borrowers; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
--   $refused    VARCHAR[]  statuses meaning a refused application, lower case (e.g. 'отказано')
-- Returns: period DATE, fund VARCHAR, loans BIGINT, amount_rub DOUBLE
SELECT date_trunc('month', decision_date)::DATE AS period, fund, count(*) AS loans, sum(amount_rub) AS amount_rub
FROM loans
WHERE decision_date >= $date_from::DATE AND decision_date < ($date_to::DATE + INTERVAL 1 MONTH)::DATE
  AND (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
  AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
  AND NOT list_contains($refused::VARCHAR[], lower(trim(coalesce(status, ''))))
GROUP BY ALL
ORDER BY period, fund
