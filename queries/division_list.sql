-- Answers: the OKVED divisions for the sector filter: section C from the reference plus any other division the register uses.
-- Params: none
-- Returns: division VARCHAR, name VARCHAR, enterprises BIGINT
SELECT d.division, coalesce(r.name, '') AS name, coalesce(e.enterprises, 0) AS enterprises
FROM (SELECT division FROM okved_divisions UNION SELECT DISTINCT division FROM enterprises) AS d
LEFT JOIN okved_divisions AS r USING (division)
LEFT JOIN (SELECT division, count(*) AS enterprises FROM enterprises GROUP BY division) AS e USING (division)
ORDER BY d.division
