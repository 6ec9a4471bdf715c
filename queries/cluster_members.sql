-- Answers: the candidate members of a cluster: enterprises of the register whose OKVED falls under a cluster
--   code and that reported shipments or production in the chosen months, with municipality, size, shipments
--   and their change against the same months a year earlier, average monthly headcount (the mean of the months
--   that report it), output per employee (output of the months that report headcount / that average, as in
--   production_summary.sql), export share and support received in the period (ФРП loans not refused, plus
--   subsidies). shipped_rank ranks every member of the krai by shipments (before the municipality filter), for
--   the anchor rule.
-- Params:
--   $cluster_codes  VARCHAR[]  OKVED codes of the cluster: divisions NN, groups NN.N, classes NN.NN (prefixes)
--   $munis          VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $date_from      DATE       first month of the period
--   $date_to        DATE       last month of the period, inclusive
--   $refused        VARCHAR[]  loan statuses meaning a refused application, lower case (e.g. 'отказано')
-- Returns: inn VARCHAR, name VARCHAR, oktmo VARCHAR, municipality VARCHAR, okved VARCHAR, size VARCHAR,
--   shipped_rub DOUBLE, shipped_prev_rub DOUBLE, growth DOUBLE, employees DOUBLE, output_rub DOUBLE,
--   productivity_rub DOUBLE, export_rub DOUBLE, export_share DOUBLE, loans_rub DOUBLE, subsidies_rub DOUBLE,
--   support_rub DOUBLE, shipped_rank BIGINT
WITH bounds AS (
    SELECT $date_from::DATE AS cur_from, $date_to::DATE AS cur_to,
           ($date_to::DATE + INTERVAL 1 MONTH)::DATE AS cur_end,
           ($date_from::DATE - INTERVAL 1 YEAR)::DATE AS prev_from,
           ($date_to::DATE - INTERVAL 1 YEAR)::DATE AS prev_to
),
members AS (
    SELECT DISTINCT e.inn, e.name, e.okved, e.oktmo, e.size
    FROM enterprises AS e
    JOIN (SELECT unnest($cluster_codes::VARCHAR[]) AS code) AS c ON starts_with(e.okved, c.code)
),
ship AS (
    SELECT s.inn,
           sum(s.shipped_rub) FILTER (WHERE s.period BETWEEN b.cur_from AND b.cur_to) AS shipped_rub,
           sum(s.export_rub) FILTER (WHERE s.period BETWEEN b.cur_from AND b.cur_to) AS export_rub,
           sum(s.shipped_rub) FILTER (WHERE s.period BETWEEN b.prev_from AND b.prev_to) AS shipped_prev_rub
    FROM shipments AS s, bounds AS b
    WHERE s.inn IN (SELECT inn FROM members)
      AND (s.period BETWEEN b.cur_from AND b.cur_to OR s.period BETWEEN b.prev_from AND b.prev_to)
    GROUP BY s.inn
),
prod AS (
    SELECT p.inn, avg(p.employees) AS employees, sum(p.output_rub) AS output_rub,
           sum(p.output_rub) FILTER (WHERE p.employees IS NOT NULL) AS output_staffed_rub
    FROM production AS p, bounds AS b
    WHERE p.inn IN (SELECT inn FROM members) AND p.period BETWEEN b.cur_from AND b.cur_to
    GROUP BY p.inn
),
loan AS (
    SELECT l.inn, sum(l.amount_rub) AS loans_rub
    FROM loans AS l, bounds AS b
    WHERE l.inn IN (SELECT inn FROM members)
      AND l.decision_date >= b.cur_from AND l.decision_date < b.cur_end
      AND NOT list_contains($refused::VARCHAR[], lower(trim(coalesce(l.status, ''))))
    GROUP BY l.inn
),
subsidy AS (
    SELECT x.inn, sum(x.amount_rub) AS subsidies_rub
    FROM subsidies AS x, bounds AS b
    WHERE x.inn IN (SELECT inn FROM members)
      AND x.decision_date >= b.cur_from AND x.decision_date < b.cur_end
    GROUP BY x.inn
),
active AS (
    SELECT m.inn, m.name, m.oktmo, m.okved, m.size,
           ship.shipped_rub, ship.shipped_prev_rub, ship.export_rub,
           prod.employees, prod.output_rub, prod.output_staffed_rub,
           coalesce(loan.loans_rub, 0) AS loans_rub, coalesce(subsidy.subsidies_rub, 0) AS subsidies_rub
    FROM members AS m
    LEFT JOIN ship USING (inn)
    LEFT JOIN prod USING (inn)
    LEFT JOIN loan USING (inn)
    LEFT JOIN subsidy USING (inn)
    WHERE ship.shipped_rub IS NOT NULL OR prod.output_rub IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (ORDER BY coalesce(shipped_rub, 0) DESC, inn) AS shipped_rank
    FROM active
)
SELECT r.inn, r.name, r.oktmo, mu.name AS municipality, r.okved, r.size,
       r.shipped_rub::DOUBLE AS shipped_rub, r.shipped_prev_rub::DOUBLE AS shipped_prev_rub,
       (r.shipped_rub / NULLIF(r.shipped_prev_rub, 0) - 1)::DOUBLE AS growth,
       r.employees::DOUBLE AS employees, r.output_rub::DOUBLE AS output_rub,
       (r.output_staffed_rub / NULLIF(r.employees, 0))::DOUBLE AS productivity_rub,
       coalesce(r.export_rub, 0)::DOUBLE AS export_rub,
       (coalesce(r.export_rub, 0) / NULLIF(r.shipped_rub, 0))::DOUBLE AS export_share,
       r.loans_rub::DOUBLE AS loans_rub, r.subsidies_rub::DOUBLE AS subsidies_rub,
       (r.loans_rub + r.subsidies_rub)::DOUBLE AS support_rub,
       r.shipped_rank
FROM ranked AS r
LEFT JOIN municipalities AS mu ON mu.oktmo = r.oktmo
WHERE len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], r.oktmo)
ORDER BY r.shipped_rank
