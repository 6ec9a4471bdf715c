-- Answers: the ФРП loans now in the data with the numbers of a file's loans about to be added, to show what it
--   would supersede.
-- Params:
--   $ids VARCHAR[]  the loan numbers of the file's rows
-- Level: enterprises
-- Returns: loan_id VARCHAR, inn VARCHAR, fund VARCHAR, programme VARCHAR, amount_rub DOUBLE, rate_pct DOUBLE,
--   term_years DOUBLE, decision_date DATE, status VARCHAR
SELECT loan_id, inn, fund, programme, amount_rub, rate_pct, term_years, decision_date, status
FROM loans
WHERE loan_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY loan_id
