-- Answers: the enterprises of the register a search text finds, for the search box of «Предприятие»: the start of
--   an INN or a part of the name, case and ё/е ignored (matches_enterprise, aggregates.sql). An INN typed whole
--   comes first, then names that start with the text, then the others, each by name (enterprises without a
--   name last) and INN; at most $limit rows. A text of spaces only finds nothing.
-- Params:
--   $search  VARCHAR  what the user typed
--   $limit   INTEGER  at most this many rows
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, municipality VARCHAR, okved VARCHAR, size VARCHAR
SELECT e.inn, e.name, m.name AS municipality, e.okved, e.size
FROM enterprises AS e
LEFT JOIN municipalities AS m USING (oktmo)
WHERE trim(coalesce($search, '')) <> ''
  AND matches_enterprise(e.inn, e.name, $search)
ORDER BY e.inn = trim($search) DESC,
         starts_with(replace(lower(coalesce(e.name, '')), 'ё', 'е'), replace(lower(trim($search)), 'ё', 'е')) DESC,
         e.name NULLS LAST, e.inn
LIMIT $limit
