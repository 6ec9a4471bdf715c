-- Answers: the OKVED codes a cluster can be defined by: every division of section C (and any other the
--   register uses) and every class NN.NN the register uses, with the number of enterprises of each.
-- Params: none
-- Returns: code VARCHAR, name VARCHAR, enterprises BIGINT
WITH divisions AS (
    SELECT division FROM okved_divisions
    UNION
    SELECT DISTINCT division FROM enterprises WHERE division IS NOT NULL
),
classes AS (
    SELECT left(okved, 5) AS code, count(*) AS enterprises
    FROM enterprises
    WHERE regexp_matches(okved, '^[0-9]{2}\.[0-9]{2}')     -- NN.NN...; not a group code such as 28.2.1
    GROUP BY left(okved, 5)
)
SELECT d.division AS code, coalesce(r.name, '') AS name, count(e.inn) AS enterprises
FROM divisions AS d
LEFT JOIN okved_divisions AS r ON r.division = d.division
LEFT JOIN enterprises AS e ON e.division = d.division
GROUP BY d.division, r.name
UNION ALL
SELECT code, '' AS name, enterprises FROM classes
ORDER BY code
