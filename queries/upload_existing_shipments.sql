-- Answers: the shipments rows now in the data for the enterprises and months of a file about to be added
--   (a superset of its keys: the caller keeps the exact (inn, period) pairs), to show what it would supersede.
-- Params:
--   $inns VARCHAR[]  the INNs of the file's rows
--   $months DATE[]  the months of the file's rows
-- Level: enterprises
-- Returns: inn VARCHAR, period DATE, shipped_rub DOUBLE, export_rub DOUBLE
SELECT inn, period, shipped_rub, export_rub
FROM shipments
WHERE inn IN (SELECT unnest($inns::VARCHAR[]))
  AND period IN (SELECT unnest($months::DATE[]))
ORDER BY inn, period
