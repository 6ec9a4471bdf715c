-- Answers: the subsidies now in the data with the numbers of a file's subsidies about to be added, to show what
--   it would supersede.
-- Params:
--   $ids VARCHAR[]  the subsidy numbers of the file's rows
-- Level: enterprises
-- Returns: subsidy_id VARCHAR, inn VARCHAR, programme VARCHAR, amount_rub DOUBLE, decision_date DATE,
--   budget VARCHAR
SELECT subsidy_id, inn, programme, amount_rub, decision_date, budget
FROM subsidies
WHERE subsidy_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY subsidy_id
