-- Answers: the register's entries now in the data for the INNs of a file about to be added, to show what it
--   would supersede.
-- Params:
--   $inns VARCHAR[]  the INNs of the file's rows
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, okved VARCHAR, oktmo VARCHAR, size VARCHAR
SELECT inn, name, okved, oktmo, size
FROM enterprises
WHERE inn IN (SELECT unnest($inns::VARCHAR[]))
ORDER BY inn
