-- Defines: tables prepared once per data version for what the pages draw (created with the model by
--   kuban/model/db.py, after chosen.sql and measures.sql), so a filter change reads these small tables
--   instead of the row-level facts.
-- Tables: (none yet)
SELECT 1;
