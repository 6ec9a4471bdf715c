-- Answers: ФРП loans approved per month of the decision date and fund (refused applications left out:
--   is_refused), for the chosen months and the borrower's municipality and sector; borrowers: the distinct
--   enterprises (INN) behind them.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the borrowers; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the borrowers; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: borrowers: loans, amount_rub
-- Returns: period DATE, fund VARCHAR, loans BIGINT, amount_rub DOUBLE, borrowers BIGINT
SELECT date_trunc('month', decision_date)::DATE AS period, fund, count(*) AS loans, sum(amount_rub) AS amount_rub,
       count(DISTINCT inn) AS borrowers
FROM loans
WHERE in_months(decision_date, $date_from, $date_to)
  AND chosen_place(oktmo, $munis)
  AND chosen_division(division, $divisions)
  AND NOT is_refused(status)
GROUP BY ALL
ORDER BY period, fund
