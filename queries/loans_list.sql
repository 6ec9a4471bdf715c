-- Answers: every ФРП loan decided in the chosen months (borrower's municipality and sector filtered), refusals
--   included, with the borrower's shipments in the 12 months before the decision month against the latest
--   12 months of shipments data (the last month any enterprise reported), and how many months of data
--   there are after the decision month.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the borrowers; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the borrowers; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Level: enterprises
-- Returns: loan_id VARCHAR, inn VARCHAR, name VARCHAR, municipality VARCHAR, fund VARCHAR, programme VARCHAR,
--   amount_rub DOUBLE, rate_pct DOUBLE, term_years DOUBLE, decision_date DATE, status VARCHAR,
--   shipped_before_rub DOUBLE, shipped_latest_rub DOUBLE, shipped_change DOUBLE, months_after BIGINT,
--   latest_from DATE, latest_to DATE
WITH chosen AS (
    SELECT loan_id, inn, oktmo, fund, programme, amount_rub, rate_pct, term_years, decision_date, status,
           date_trunc('month', decision_date)::DATE AS decision_month
    FROM loans
    WHERE in_months(decision_date, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
latest AS (
    SELECT max(period) AS last_period, (max(period) - INTERVAL 11 MONTH)::DATE AS latest_from FROM shipments
),
ship AS (
    SELECT c.loan_id,
           sum(s.shipped_rub) FILTER (WHERE s.period >= (c.decision_month - INTERVAL 12 MONTH)::DATE
                                        AND s.period < c.decision_month) AS shipped_before_rub,
           sum(s.shipped_rub) FILTER (WHERE s.period >= l.latest_from) AS shipped_latest_rub
    FROM chosen AS c
    CROSS JOIN latest AS l
    JOIN shipments AS s ON s.inn = c.inn
    WHERE s.period >= least((c.decision_month - INTERVAL 12 MONTH)::DATE, l.latest_from)
    GROUP BY c.loan_id
)
SELECT c.loan_id, c.inn, e.name, m.name AS municipality, c.fund, c.programme, c.amount_rub, c.rate_pct,
       c.term_years, c.decision_date, c.status, s.shipped_before_rub, s.shipped_latest_rub,
       s.shipped_latest_rub / NULLIF(s.shipped_before_rub, 0) - 1 AS shipped_change,
       greatest(datediff('month', c.decision_month, l.last_period), 0) AS months_after,
       l.latest_from, l.last_period AS latest_to
FROM chosen AS c
CROSS JOIN latest AS l
LEFT JOIN ship AS s USING (loan_id)
LEFT JOIN enterprises AS e ON e.inn = c.inn
LEFT JOIN municipalities AS m ON m.oktmo = c.oktmo
ORDER BY c.decision_date DESC, c.loan_id
