-- Defines: the measures several queries share, once (created with the model by kuban/model/db.py, after
--   the tables and the table loan_refused_statuses, whose column status_lower holds
--   kuban.texts.LOAN_REFUSED_STATUSES trimmed and in lower case).
-- Macros and views:
--   headcount_avg(employees, period, chosen)      aggregate: average monthly headcount of the rows where
--                                                 `chosen` holds = their headcount summed, divided by the number
--                                                 of distinct months that report headcount
--   enterprise_headcount_avg(employees, chosen)   aggregate: the same for the rows of one enterprise (grouped by
--                                                 inn: one row per month), where it is the plain average of
--                                                 the headcounts; faster (no distinct count)
--   staffed_output(output_rub, employees, chosen) aggregate: output of the rows where `chosen` holds that report
--                                                 headcount
--   output_per_employee(output_rub, employees, period, chosen)
--                                                 aggregate: output per employee (labour productivity) =
--                                                 staffed_output / headcount_avg, NULL without headcount
--   is_refused(status)                            a loan status meaning a refused application: trimmed and in
--                                                 lower case it is in loan_refused_statuses (missing: not refused)
--   support (view)                                the support an enterprise received: every ФРП loan that is
--                                                 not refused (kind 'loan') and every subsidy (kind 'subsidy'),
--                                                 with inn, oktmo, division, decision_date, amount_rub
CREATE MACRO headcount_avg(employees, period, chosen) AS
    sum(employees) FILTER (WHERE chosen)
        / NULLIF(count(DISTINCT period) FILTER (WHERE chosen AND employees IS NOT NULL), 0);

CREATE MACRO enterprise_headcount_avg(employees, chosen) AS
    avg(employees) FILTER (WHERE chosen);

CREATE MACRO staffed_output(output_rub, employees, chosen) AS
    sum(output_rub) FILTER (WHERE chosen AND employees IS NOT NULL);

CREATE MACRO output_per_employee(output_rub, employees, period, chosen) AS
    staffed_output(output_rub, employees, chosen) / NULLIF(headcount_avg(employees, period, chosen), 0);

CREATE MACRO is_refused(status) AS
    lower(trim(coalesce(status, ''))) IN (SELECT status_lower FROM loan_refused_statuses);

CREATE VIEW support AS
SELECT 'loan' AS kind, inn, oktmo, division, decision_date, amount_rub
FROM loans
WHERE NOT is_refused(status)
UNION ALL
SELECT 'subsidy' AS kind, inn, oktmo, division, decision_date, amount_rub
FROM subsidies;
