-- Answers: ФРП loans decided in the chosen months (borrower's municipality and sector filtered), in total, per
--   fund, programme, status, year and fund, and municipality (column `dimension`): number, amount and the
--   amount-weighted average rate and term. The portfolio leaves out refused applications (is_refused); the
--   columns *_all count every decision, refusals included (for the breakdown by status). borrowers: the distinct
--   enterprises (INN) with a loan of the portfolio in the row, borrowers_all with any decision.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes of the borrowers; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits) of the borrowers; empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: borrowers: loans, amount_rub, rate_avg_pct, term_avg_years
-- Suppress: borrowers_all: loans_all, amount_all_rub
-- Returns: dimension VARCHAR, fund VARCHAR, programme VARCHAR, status VARCHAR, year INTEGER, oktmo VARCHAR,
--   municipality VARCHAR, lat DOUBLE, lon DOUBLE, loans BIGINT, amount_rub DOUBLE, rate_avg_pct DOUBLE,
--   term_avg_years DOUBLE, loans_all BIGINT, amount_all_rub DOUBLE, borrowers BIGINT, borrowers_all BIGINT
WITH chosen AS (
    SELECT inn, fund, programme, status, year(decision_date)::INTEGER AS year, oktmo, amount_rub, rate_pct, term_years,
           is_refused(status) AS refused
    FROM loans
    WHERE in_months(decision_date, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
agg AS (
    SELECT CASE WHEN GROUPING(year) = 0 THEN 'year'
                WHEN GROUPING(fund) = 0 THEN 'fund'
                WHEN GROUPING(programme) = 0 THEN 'programme'
                WHEN GROUPING(status) = 0 THEN 'status'
                WHEN GROUPING(oktmo) = 0 THEN 'municipality'
                ELSE 'total' END AS dimension,
           fund, programme, status, year, oktmo,
           count(*) FILTER (WHERE NOT refused) AS loans,
           sum(amount_rub) FILTER (WHERE NOT refused) AS amount_rub,
           sum(amount_rub * rate_pct) FILTER (WHERE NOT refused)
               / NULLIF(sum(amount_rub) FILTER (WHERE NOT refused), 0) AS rate_avg_pct,
           sum(amount_rub * term_years) FILTER (WHERE NOT refused)
               / NULLIF(sum(amount_rub) FILTER (WHERE NOT refused), 0) AS term_avg_years,
           count(*) AS loans_all,
           sum(amount_rub) AS amount_all_rub,
           -- distinct INNs: a list (two count(DISTINCT ...) plan ~20 ms slower)
           coalesce(len(list_distinct(list(CASE WHEN NOT refused THEN inn END))), 0) AS borrowers,
           coalesce(len(list_distinct(list(inn))), 0) AS borrowers_all
    FROM chosen
    GROUP BY GROUPING SETS ((), (fund), (programme), (status), (year, fund), (oktmo))
)
SELECT a.dimension, a.fund, a.programme, a.status, a.year, a.oktmo, m.name AS municipality, m.lat, m.lon,
       a.loans, a.amount_rub, a.rate_avg_pct, a.term_avg_years, a.loans_all, a.amount_all_rub, a.borrowers,
       a.borrowers_all
FROM agg AS a
LEFT JOIN municipalities AS m ON a.dimension = 'municipality' AND m.oktmo = a.oktmo
ORDER BY CASE a.dimension WHEN 'total' THEN 0 WHEN 'fund' THEN 1 WHEN 'programme' THEN 2 WHEN 'status' THEN 3
                          WHEN 'year' THEN 4 ELSE 5 END,
         a.year, a.amount_all_rub DESC, a.fund, a.programme, a.status, a.oktmo
