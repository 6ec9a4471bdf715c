-- Answers: the candidate members of a cluster: enterprises of the register whose OKVED falls under a cluster
--   code and that reported shipments or production in the chosen months, with municipality, size, shipments
--   and their change against the same months a year earlier, average monthly headcount (the mean of the months
--   that report it), output per employee (output of the months that report headcount / that average, as in
--   production_summary.sql, from the sums of enterprise_production: average_headcount, per_employee), export
--   share (shipments per enterprise from enterprise_shipments, aggregates.sql) and support received in the
--   period (the view support: ФРП loans not refused, plus subsidies). shipped_rank ranks every member of the krai
--   by shipments (before the municipality filter), for the anchor rule.
-- Params:
--   $cluster_codes  VARCHAR[]  OKVED codes of the cluster: divisions NN, groups NN.N, classes NN.NN (prefixes)
--   $munis          VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $date_from      DATE       first month of the period
--   $date_to        DATE       last month of the period, inclusive
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, oktmo VARCHAR, municipality VARCHAR, okved VARCHAR, size VARCHAR,
--   shipped_rub DOUBLE, shipped_prev_rub DOUBLE, growth DOUBLE, employees DOUBLE, output_rub DOUBLE,
--   productivity_rub DOUBLE, export_rub DOUBLE, export_share DOUBLE, loans_rub DOUBLE, subsidies_rub DOUBLE,
--   support_rub DOUBLE, shipped_rank BIGINT
WITH members AS (
    SELECT DISTINCT e.inn, e.name, e.okved, e.oktmo, e.size
    FROM enterprises AS e
    JOIN (SELECT unnest($cluster_codes::VARCHAR[]) AS code) AS c ON starts_with(e.okved, c.code)
),
sums AS (       -- per member: shipments (and a year earlier) and production in the chosen months
    SELECT inn, sum(shipped_rub) AS shipped_rub, sum(export_rub) AS export_rub,
           sum(shipped_earlier_rub) AS shipped_prev_rub, sum(output_rub) AS output_rub,
           sum(staffed_output_rub) AS staffed_rub, average_headcount(sum(employees), sum(headcount_months)) AS employees
    FROM (
        SELECT inn, shipped_rub, export_rub, shipped_earlier_rub, NULL::DOUBLE AS output_rub,
               NULL::DOUBLE AS staffed_output_rub, NULL::DOUBLE AS employees, NULL::DOUBLE AS headcount_months
        FROM enterprise_shipments($date_from, $date_to, 1)
        UNION ALL
        SELECT inn, NULL, NULL, NULL, output_rub, staffed_output_rub, employees, headcount_months
        FROM enterprise_production($date_from, $date_to, 0)
    )
    WHERE inn IN (SELECT inn FROM members)
    GROUP BY inn
),
support_received AS (
    SELECT x.inn, sum(x.amount_rub) FILTER (WHERE x.kind = 'loan') AS loans_rub,
           sum(x.amount_rub) FILTER (WHERE x.kind = 'subsidy') AS subsidies_rub
    FROM support AS x
    WHERE x.inn IN (SELECT inn FROM members) AND in_months(x.decision_date, $date_from, $date_to)
    GROUP BY x.inn
),
active AS (
    SELECT m.inn, m.name, m.oktmo, m.okved, m.size,
           s.shipped_rub, s.shipped_prev_rub, s.export_rub, s.employees, s.output_rub,
           per_employee(s.staffed_rub, s.employees) AS productivity_rub,
           coalesce(sr.loans_rub, 0) AS loans_rub, coalesce(sr.subsidies_rub, 0) AS subsidies_rub
    FROM members AS m
    JOIN sums AS s USING (inn)
    LEFT JOIN support_received AS sr USING (inn)
    WHERE s.shipped_rub IS NOT NULL OR s.output_rub IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (ORDER BY coalesce(shipped_rub, 0) DESC, inn) AS shipped_rank
    FROM active
)
SELECT r.inn, r.name, r.oktmo, mu.name AS municipality, r.okved, r.size,
       r.shipped_rub::DOUBLE AS shipped_rub, r.shipped_prev_rub::DOUBLE AS shipped_prev_rub,
       (r.shipped_rub / NULLIF(r.shipped_prev_rub, 0) - 1)::DOUBLE AS growth,
       r.employees::DOUBLE AS employees, r.output_rub::DOUBLE AS output_rub,
       r.productivity_rub::DOUBLE AS productivity_rub,
       coalesce(r.export_rub, 0)::DOUBLE AS export_rub,
       (coalesce(r.export_rub, 0) / NULLIF(r.shipped_rub, 0))::DOUBLE AS export_share,
       r.loans_rub::DOUBLE AS loans_rub, r.subsidies_rub::DOUBLE AS subsidies_rub,
       (r.loans_rub + r.subsidies_rub)::DOUBLE AS support_rub,
       r.shipped_rank
FROM ranked AS r
LEFT JOIN municipalities AS mu ON mu.oktmo = r.oktmo
WHERE chosen_place(r.oktmo, $munis)
ORDER BY r.shipped_rank
