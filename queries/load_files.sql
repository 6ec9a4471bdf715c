-- Answers: which files are loaded, per table: rows kept, refused, superseded, warnings and months covered.
-- Params: none
-- Returns: table VARCHAR, file VARCHAR, status VARCHAR, rows BIGINT, refused BIGINT, superseded BIGINT,
--   warnings BIGINT, period_min DATE, period_max DATE, reason VARCHAR
SELECT "table", file, status, rows, refused, superseded, warnings, period_min, period_max, reason
FROM load_files
ORDER BY "table", file
