-- Defines: what "the chosen municipalities, divisions and months" means, once, as macros every query calls
--   (created with the model by kuban/model/db.py; a query never writes these conditions out itself).
--   The sidebar passes $munis and $divisions (empty list = all) and $date_from, $date_to (first days of the
--   first and the last chosen month).
-- Macros:
--   chosen_place(oktmo, munis)                 the row's municipality is chosen (empty list = every one; a row
--                                              whose municipality is unknown is in none when some are chosen)
--   chosen_division(division, divisions)       the row's OKVED division is chosen (empty list = every one)
--   in_months(day, first_month, last_month)    a period or a date lies in the months first_month..last_month
--   not_after(day, last_month)                 a period or a date lies in last_month or before it
--   in_months_years_before(day, first_month, last_month, years)
--                                              ... in the same months `years` years earlier (every month minus 12k)
--   in_year_before(day, first_month, last_month)    ... in the same months a year earlier
--   since_year_before(day, first_month, last_month) ... from the first month a year earlier to the last month
--                                              (what a query comparing with a year earlier scans)
CREATE MACRO chosen_place(oktmo, munis) AS
    len(munis::VARCHAR[]) = 0 OR list_contains(munis::VARCHAR[], oktmo);

CREATE MACRO chosen_division(division, divisions) AS
    len(divisions::VARCHAR[]) = 0 OR list_contains(divisions::VARCHAR[], division);

CREATE MACRO not_after(day, last_month) AS
    day < (last_month::DATE + INTERVAL 1 MONTH)::DATE;

CREATE MACRO in_months(day, first_month, last_month) AS
    day >= first_month::DATE AND not_after(day, last_month);

CREATE MACRO in_months_years_before(day, first_month, last_month, years) AS
    in_months(day, (first_month::DATE - to_years(years::INTEGER))::DATE,
              (last_month::DATE - to_years(years::INTEGER))::DATE);

CREATE MACRO in_year_before(day, first_month, last_month) AS
    in_months_years_before(day, first_month, last_month, 1);

CREATE MACRO since_year_before(day, first_month, last_month) AS
    in_months(day, (first_month::DATE - INTERVAL 1 YEAR)::DATE, last_month);
