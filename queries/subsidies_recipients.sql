-- Answers: the recipients of subsidies decided in the chosen months (municipality and sector filtered): per
--   enterprise the number and amount of subsidies, their programmes and the latest decision date.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the recipients; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the recipients; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, subsidies BIGINT, amount_rub DOUBLE,
--   programmes VARCHAR, last_decision DATE
WITH chosen AS (
    SELECT inn, oktmo, programme, amount_rub, decision_date
    FROM subsidies
    WHERE in_months(decision_date, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT inn, any_value(oktmo) AS oktmo, count(*) AS subsidies, sum(amount_rub) AS amount_rub,
           string_agg(DISTINCT programme, '; ' ORDER BY programme) AS programmes,
           max(decision_date) AS last_decision
    FROM chosen
    GROUP BY inn
)
SELECT a.inn, e.name, m.name AS municipality, e.okved, a.subsidies, a.amount_rub, a.programmes, a.last_decision
FROM agg AS a
LEFT JOIN enterprises AS e USING (inn)
LEFT JOIN municipalities AS m ON m.oktmo = a.oktmo
ORDER BY a.amount_rub DESC, a.inn
