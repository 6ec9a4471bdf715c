-- Answers: the krai's total of shipments (sum of shipped_rub) and the number of rows, in each of the given months, as the
--   data stands: what a file about to be added would change.
-- Params:
--   $months DATE[]  the months of the file's rows (first day of month)
-- Returns: month DATE, total DOUBLE, rows BIGINT
SELECT period AS month, sum(shipped_rub) AS total, count(*) AS rows
FROM shipments
WHERE period IN (SELECT unnest($months::DATE[]))
GROUP BY period
ORDER BY period
