-- Answers: the first and last month that have shipments or production data (for the default period).
-- Params: none
-- Returns: first_period DATE, last_period DATE
SELECT min(period) AS first_period, max(period) AS last_period
FROM (
    SELECT period FROM shipments
    UNION ALL
    SELECT period FROM production
)
