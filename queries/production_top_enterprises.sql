-- Answers: the first enterprises of production_enterprises.sql that the search text finds (the start of an
--   INN or a part of a name, case and ё/е ignored; empty = every one), ranked by output (largest first) or,
--   with $order = 'productivity_growth', by the change of output per employee (largest first; enterprises
--   without that change left out): what «Производство» draws; its download has every enterprise.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
--   $search     VARCHAR    INN start or part of the name; '' = all
--   $order      VARCHAR    'output' or 'productivity_growth'
--   $limit      INTEGER    how many enterprises
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, output_rub DOUBLE,
--   output_prev_rub DOUBLE, output_growth DOUBLE, employees_avg DOUBLE, employees_avg_prev DOUBLE,
--   productivity_rub DOUBLE, productivity_prev_rub DOUBLE, productivity_growth DOUBLE
SELECT *
FROM enterprise_output($date_from, $date_to, $munis, $divisions)
WHERE matches_enterprise(inn, name, $search)
  AND ($order <> 'productivity_growth' OR productivity_growth IS NOT NULL)
ORDER BY CASE WHEN $order = 'productivity_growth' THEN productivity_growth ELSE output_rub END DESC, inn
LIMIT $limit
