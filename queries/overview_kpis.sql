-- Answers: the headline figures for the filters, for the chosen months and the same months a year earlier.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
--   $refused    VARCHAR[]  loan statuses meaning a refused application, lower case: left out of loans approved
-- Returns: shipped_rub DOUBLE, shipped_prev_rub DOUBLE, export_rub DOUBLE, output_rub DOUBLE, output_prev_rub DOUBLE,
--   enterprises BIGINT, enterprises_prev BIGINT, loans_rub DOUBLE, loans_prev_rub DOUBLE,
--   loans_count BIGINT, loans_prev_count BIGINT, subsidies_rub DOUBLE, subsidies_prev_rub DOUBLE
WITH bounds AS (
    SELECT $date_from::DATE AS cur_from,
           ($date_to::DATE + INTERVAL 1 MONTH)::DATE AS cur_end,
           ($date_from::DATE - INTERVAL 1 YEAR)::DATE AS prev_from,
           ($date_to::DATE + INTERVAL 1 MONTH - INTERVAL 1 YEAR)::DATE AS prev_end
),
ship AS (
    SELECT
        sum(shipped_rub) FILTER (WHERE period >= cur_from AND period < cur_end) AS shipped_rub,
        sum(shipped_rub) FILTER (WHERE period >= prev_from AND period < prev_end) AS shipped_prev_rub,
        coalesce(sum(export_rub) FILTER (WHERE period >= cur_from AND period < cur_end), 0) AS export_rub
    FROM shipments, bounds
    WHERE period >= prev_from AND period < cur_end
      AND (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
      AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
),
prod AS (
    SELECT
        sum(output_rub) FILTER (WHERE period >= cur_from AND period < cur_end) AS output_rub,
        sum(output_rub) FILTER (WHERE period >= prev_from AND period < prev_end) AS output_prev_rub
    FROM production, bounds
    WHERE period >= prev_from AND period < cur_end
      AND (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
      AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
),
reporting AS (
    -- An enterprise reports in a period when it has a shipments or a production row in it
    -- (grouping by INN is about twice as fast as two count(DISTINCT) over the union at 10M rows).
    SELECT count(*) FILTER (WHERE in_cur) AS enterprises, count(*) FILTER (WHERE in_prev) AS enterprises_prev
    FROM (
        SELECT inn,
               bool_or(period >= cur_from AND period < cur_end) AS in_cur,
               bool_or(period >= prev_from AND period < prev_end) AS in_prev
        FROM (
            SELECT inn, period, oktmo, division FROM shipments
            UNION ALL
            SELECT inn, period, oktmo, division FROM production
        ), bounds
        WHERE period >= prev_from AND period < cur_end
          AND (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
          AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
        GROUP BY inn
    )
),
loan AS (
    SELECT
        sum(amount_rub) FILTER (WHERE decision_date >= cur_from AND decision_date < cur_end) AS loans_rub,
        sum(amount_rub) FILTER (WHERE decision_date >= prev_from AND decision_date < prev_end) AS loans_prev_rub,
        count(*) FILTER (WHERE decision_date >= cur_from AND decision_date < cur_end) AS loans_count,
        count(*) FILTER (WHERE decision_date >= prev_from AND decision_date < prev_end) AS loans_prev_count
    FROM loans, bounds
    WHERE NOT list_contains($refused::VARCHAR[], lower(trim(coalesce(status, ''))))
      AND (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
      AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
),
subsidy AS (
    SELECT
        sum(amount_rub) FILTER (WHERE decision_date >= cur_from AND decision_date < cur_end) AS subsidies_rub,
        sum(amount_rub) FILTER (WHERE decision_date >= prev_from AND decision_date < prev_end) AS subsidies_prev_rub
    FROM subsidies, bounds
    WHERE (len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))
      AND (len($divisions::VARCHAR[]) = 0 OR list_contains($divisions::VARCHAR[], division))
)
SELECT ship.shipped_rub, ship.shipped_prev_rub, ship.export_rub, prod.output_rub, prod.output_prev_rub,
       reporting.enterprises, reporting.enterprises_prev,
       coalesce(loan.loans_rub, 0) AS loans_rub, coalesce(loan.loans_prev_rub, 0) AS loans_prev_rub,
       loan.loans_count, loan.loans_prev_count,
       coalesce(subsidy.subsidies_rub, 0) AS subsidies_rub, coalesce(subsidy.subsidies_prev_rub, 0) AS subsidies_prev_rub
FROM ship, prod, reporting, loan, subsidy
