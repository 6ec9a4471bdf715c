-- Answers: the krai's total of subsidies (sum of amount_rub) and their number, in each of the given months of the
--   decision date, as the data stands: what a file about to be added would change.
-- Params:
--   $months DATE[]  the decision months of the file's rows (first day of month)
-- Returns: month DATE, total DOUBLE, rows BIGINT
SELECT date_trunc('month', decision_date)::DATE AS month, sum(amount_rub) AS total, count(*) AS rows
FROM subsidies
WHERE date_trunc('month', decision_date)::DATE IN (SELECT unnest($months::DATE[]))
GROUP BY 1
ORDER BY 1
