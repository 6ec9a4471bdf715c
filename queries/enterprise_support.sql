-- Answers: every ФРП loan (refused applications too, marked refused) and every subsidy of one enterprise, whenever
--   decided, with its shipments in the 12 months before the decision month and in the 12 months after it (the
--   decision month itself in neither) and how many of those months have a shipments row; newest first.
--   source: the loan's fund or the subsidy's budget.
-- Params:
--   $inn  VARCHAR  the enterprise's INN
-- Level: enterprises
-- Returns: kind VARCHAR, id VARCHAR, programme VARCHAR, source VARCHAR, amount_rub DOUBLE, decision_date DATE,
--   status VARCHAR, refused BOOLEAN, shipped_before_rub DOUBLE, months_before BIGINT, shipped_after_rub DOUBLE,
--   months_after BIGINT
WITH decided AS (
    SELECT 'loan' AS kind, loan_id AS id, programme, fund AS source, amount_rub, decision_date, status,
           is_refused(status) AS refused
    FROM loans
    WHERE inn = $inn
    UNION ALL
    SELECT 'subsidy', subsidy_id, programme, budget, amount_rub, decision_date, NULL, false
    FROM subsidies
    WHERE inn = $inn
),
shipped AS (
    SELECT month, shipped_rub FROM enterprise_months WHERE inn = $inn AND shipped
)
SELECT d.kind, d.id, d.programme, d.source, d.amount_rub, d.decision_date, d.status, d.refused,
       sum(s.shipped_rub) FILTER (WHERE s.month < month_index(d.decision_date)) AS shipped_before_rub,
       count(s.month) FILTER (WHERE s.month < month_index(d.decision_date)) AS months_before,
       sum(s.shipped_rub) FILTER (WHERE s.month > month_index(d.decision_date)) AS shipped_after_rub,
       count(s.month) FILTER (WHERE s.month > month_index(d.decision_date)) AS months_after
FROM decided AS d
LEFT JOIN shipped AS s ON s.month BETWEEN month_index(d.decision_date) - 12 AND month_index(d.decision_date) + 12
GROUP BY ALL
ORDER BY d.decision_date DESC, d.kind, d.id
