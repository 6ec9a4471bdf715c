-- Defines: the measures several queries share, once (created with the model by kuban/model/db.py, after
--   the tables and the table loan_refused_statuses, whose column status_lower holds
--   kuban.texts.LOAN_REFUSED_STATUSES trimmed and in lower case).
-- Macros and views:
--   reports_headcount(employees)                  a production row reports headcount (employees present)
--   average_headcount(employees, months)          average monthly headcount from sums: headcount summed over
--                                                 months, divided by the number of those months that report it
--                                                 (NULL without any)
--   per_employee(staffed_output, headcount)       output per employee (labour productivity) from sums: output of
--                                                 the rows that report headcount / average monthly headcount,
--                                                 NULL without headcount
--   headcount_avg(employees, period, chosen)      aggregate: average monthly headcount of the rows where
--                                                 `chosen` holds = their headcount summed, divided by the number
--                                                 of distinct months that report headcount
--   staffed_output(output_rub, employees, chosen) aggregate: output of the rows where `chosen` holds that report
--                                                 headcount
--   output_per_employee(output_rub, employees, period, chosen)
--                                                 aggregate: output per employee = staffed_output / headcount_avg
--   The aggregates (aggregates.sql) keep the sums these need (output of the rows that report headcount,
--   headcount summed, months that report it), and queries reading them call average_headcount and
--   per_employee on those sums.
--   is_refused(status)                            a loan status meaning a refused application: trimmed and in
--                                                 lower case it is in loan_refused_statuses (missing: not refused)
--   support (view)                                the support an enterprise received: every ФРП loan that is
--                                                 not refused (kind 'loan') and every subsidy (kind 'subsidy'),
--                                                 with inn, oktmo, division, decision_date, amount_rub
CREATE MACRO reports_headcount(employees) AS
    employees IS NOT NULL;

CREATE MACRO average_headcount(employees, months) AS
    employees / NULLIF(months, 0);

CREATE MACRO per_employee(staffed_output, headcount) AS
    staffed_output / NULLIF(headcount, 0);

CREATE MACRO headcount_avg(employees, period, chosen) AS
    average_headcount(sum(employees) FILTER (WHERE chosen),
                      count(DISTINCT period) FILTER (WHERE chosen AND reports_headcount(employees)));

CREATE MACRO staffed_output(output_rub, employees, chosen) AS
    sum(output_rub) FILTER (WHERE chosen AND reports_headcount(employees));

CREATE MACRO output_per_employee(output_rub, employees, period, chosen) AS
    per_employee(staffed_output(output_rub, employees, chosen), headcount_avg(employees, period, chosen));

CREATE MACRO is_refused(status) AS
    lower(trim(coalesce(status, ''))) IN (SELECT status_lower FROM loan_refused_statuses);

CREATE VIEW support AS
SELECT 'loan' AS kind, inn, oktmo, division, decision_date, amount_rub
FROM loans
WHERE NOT is_refused(status)
UNION ALL
SELECT 'subsidy' AS kind, inn, oktmo, division, decision_date, amount_rub
FROM subsidies;
