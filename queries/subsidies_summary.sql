-- Answers: subsidies decided in the chosen months (recipient's municipality and sector filtered), in total, per
--   programme (направление), budget level, municipality, and year and budget level (column `dimension`):
--   number, amount and recipients (the distinct enterprises, INN).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the recipients; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the recipients; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: recipients: subsidies, amount_rub
-- Returns: dimension VARCHAR, programme VARCHAR, budget VARCHAR, year INTEGER, oktmo VARCHAR,
--   municipality VARCHAR, lat DOUBLE, lon DOUBLE, subsidies BIGINT, amount_rub DOUBLE, recipients BIGINT
WITH chosen AS (
    SELECT inn, programme, budget, year(decision_date)::INTEGER AS year, oktmo, amount_rub
    FROM subsidies
    WHERE in_months(decision_date, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT CASE WHEN GROUPING(year) = 0 THEN 'year'
                WHEN GROUPING(programme) = 0 THEN 'programme'
                WHEN GROUPING(budget) = 0 THEN 'budget'
                WHEN GROUPING(oktmo) = 0 THEN 'municipality'
                ELSE 'total' END AS dimension,
           programme, budget, year, oktmo,
           count(*) AS subsidies, sum(amount_rub) AS amount_rub, count(DISTINCT inn) AS recipients
    FROM chosen
    GROUP BY GROUPING SETS ((), (programme), (budget), (year, budget), (oktmo))
)
SELECT a.dimension, a.programme, a.budget, a.year, a.oktmo, m.name AS municipality, m.lat, m.lon,
       a.subsidies, a.amount_rub, a.recipients
FROM agg AS a
LEFT JOIN municipalities AS m ON a.dimension = 'municipality' AND m.oktmo = a.oktmo
ORDER BY CASE a.dimension WHEN 'total' THEN 0 WHEN 'programme' THEN 1 WHEN 'budget' THEN 2 WHEN 'year' THEN 3
                          ELSE 4 END,
         a.year, a.amount_rub DESC NULLS LAST, a.programme, a.budget, a.oktmo
