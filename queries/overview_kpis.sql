-- Answers: the headline figures for the filters, for the chosen months and the same months a year earlier;
--   loans approved leave out refused applications (is_refused). Shipments and output from shipment_cells and
--   production_cells, enterprises from enterprise_years (queries/model/aggregates.sql).
--   The distinct enterprises behind each figure, for small-cell suppression (kuban/model/suppress.py): shippers
--   (shipments in the months), producers (production), borrowers (loans approved), recipients (subsidies); *_prev
--   the same a year earlier.
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions (two digits); empty list = all
--   $date_from  DATE       first month of the period (first day of month)
--   $date_to    DATE       last month of the period, inclusive (first day of month)
-- Suppress: shippers: shipped_rub, export_rub
-- Suppress: shippers_prev: shipped_prev_rub
-- Suppress: producers: output_rub
-- Suppress: producers_prev: output_prev_rub
-- Suppress: borrowers: loans_rub, loans_count
-- Suppress: borrowers_prev: loans_prev_rub, loans_prev_count
-- Suppress: recipients: subsidies_rub
-- Suppress: recipients_prev: subsidies_prev_rub
-- Returns: shipped_rub DOUBLE, shipped_prev_rub DOUBLE, export_rub DOUBLE, output_rub DOUBLE, output_prev_rub DOUBLE,
--   enterprises BIGINT, enterprises_prev BIGINT, loans_rub DOUBLE, loans_prev_rub DOUBLE,
--   loans_count BIGINT, loans_prev_count BIGINT, subsidies_rub DOUBLE, subsidies_prev_rub DOUBLE,
--   shippers BIGINT, shippers_prev BIGINT, producers BIGINT, producers_prev BIGINT, borrowers BIGINT,
--   borrowers_prev BIGINT, recipients BIGINT, recipients_prev BIGINT
WITH ship AS (
    SELECT
        sum(shipped_rub) FILTER (WHERE in_months(period, $date_from, $date_to)) AS shipped_rub,
        sum(shipped_rub) FILTER (WHERE in_year_before(period, $date_from, $date_to)) AS shipped_prev_rub,
        coalesce(sum(export_rub) FILTER (WHERE in_months(period, $date_from, $date_to)), 0) AS export_rub
    FROM shipment_cells
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
prod AS (
    SELECT
        sum(output_rub) FILTER (WHERE in_months(period, $date_from, $date_to)) AS output_rub,
        sum(output_rub) FILTER (WHERE in_year_before(period, $date_from, $date_to)) AS output_prev_rub
    FROM production_cells
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
reporting AS (
    -- An enterprise reports in a period when it has a shipments or a production row in it: counted once, on
    -- the first of its data years that has such a month (enterprise_years, queries/model/aggregates.sql).
    SELECT count(*) FILTER (WHERE first_report_in_months(first, shipment_months | production_months,
                                                         reported_before, $date_from, $date_to, 0)) AS enterprises,
           count(*) FILTER (WHERE first_report_in_months(first, shipment_months | production_months,
                                                         reported_before, $date_from, $date_to, 1)) AS enterprises_prev,
           count(*) FILTER (WHERE first_report_in_months(first, shipment_months, shipments_before,
                                                         $date_from, $date_to, 0)) AS shippers,
           count(*) FILTER (WHERE first_report_in_months(first, shipment_months, shipments_before,
                                                         $date_from, $date_to, 1)) AS shippers_prev,
           count(*) FILTER (WHERE first_report_in_months(first, production_months, production_before,
                                                         $date_from, $date_to, 0)) AS producers,
           count(*) FILTER (WHERE first_report_in_months(first, production_months, production_before,
                                                         $date_from, $date_to, 1)) AS producers_prev
    FROM enterprise_years
    WHERE (block_meets_months(first, $date_from, $date_to, 0) OR block_meets_months(first, $date_from, $date_to, 1))
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
loan AS (
    SELECT
        sum(amount_rub) FILTER (WHERE in_months(decision_date, $date_from, $date_to)) AS loans_rub,
        sum(amount_rub) FILTER (WHERE in_year_before(decision_date, $date_from, $date_to)) AS loans_prev_rub,
        count(*) FILTER (WHERE in_months(decision_date, $date_from, $date_to)) AS loans_count,
        count(*) FILTER (WHERE in_year_before(decision_date, $date_from, $date_to)) AS loans_prev_count,
        -- distinct INNs: a list (count(DISTINCT ...) FILTER plans several milliseconds slower)
        coalesce(len(list_distinct(list(CASE WHEN in_months(decision_date, $date_from, $date_to)
                                             THEN inn END))), 0) AS borrowers,
        coalesce(len(list_distinct(list(CASE WHEN in_year_before(decision_date, $date_from, $date_to)
                                             THEN inn END))), 0) AS borrowers_prev
    FROM loans
    WHERE NOT is_refused(status)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
),
subsidy AS (
    SELECT
        sum(amount_rub) FILTER (WHERE in_months(decision_date, $date_from, $date_to)) AS subsidies_rub,
        sum(amount_rub) FILTER (WHERE in_year_before(decision_date, $date_from, $date_to)) AS subsidies_prev_rub,
        coalesce(len(list_distinct(list(CASE WHEN in_months(decision_date, $date_from, $date_to)
                                             THEN inn END))), 0) AS recipients,
        coalesce(len(list_distinct(list(CASE WHEN in_year_before(decision_date, $date_from, $date_to)
                                             THEN inn END))), 0) AS recipients_prev
    FROM subsidies
    WHERE chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
)
SELECT ship.shipped_rub, ship.shipped_prev_rub, ship.export_rub, prod.output_rub, prod.output_prev_rub,
       reporting.enterprises, reporting.enterprises_prev,
       coalesce(loan.loans_rub, 0) AS loans_rub, coalesce(loan.loans_prev_rub, 0) AS loans_prev_rub,
       loan.loans_count, loan.loans_prev_count,
       coalesce(subsidy.subsidies_rub, 0) AS subsidies_rub, coalesce(subsidy.subsidies_prev_rub, 0) AS subsidies_prev_rub,
       reporting.shippers, reporting.shippers_prev, reporting.producers, reporting.producers_prev,
       loan.borrowers, loan.borrowers_prev, subsidy.recipients, subsidy.recipients_prev
FROM ship, prod, reporting, loan, subsidy
