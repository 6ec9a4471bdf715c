-- Answers: every refused file, refused or superseded row and warning, with file, line, column and reason.
-- Params:
--   $kinds  VARCHAR[]  problem kinds to show (refused_file, refused_row, superseded, warning); empty list = all
-- Level: enterprises
-- Returns: table VARCHAR, file VARCHAR, line BIGINT, column VARCHAR, kind VARCHAR, reason VARCHAR
SELECT "table", file, line, "column", kind, reason
FROM load_problems
WHERE len($kinds::VARCHAR[]) = 0 OR list_contains($kinds::VARCHAR[], kind)
ORDER BY "table", file, line NULLS FIRST
