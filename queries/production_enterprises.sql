-- Answers: every enterprise with output in the chosen months (filters applied): output, average monthly
--   headcount and output per employee, each with the same months a year earlier and the change (productivity
--   as in production_summary.sql; the table macro enterprise_output of aggregates.sql), largest output first.
--   The download of «Производство»; the page itself shows production_top_enterprises.sql.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, output_rub DOUBLE,
--   output_prev_rub DOUBLE, output_growth DOUBLE, employees_avg DOUBLE, employees_avg_prev DOUBLE,
--   productivity_rub DOUBLE, productivity_prev_rub DOUBLE, productivity_growth DOUBLE
SELECT *
FROM enterprise_output($date_from, $date_to, $munis, $divisions)
ORDER BY output_rub DESC, inn
