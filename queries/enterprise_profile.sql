-- Answers: one enterprise of the register, for the head of its card: name, OKVED code and its division (with the
--   division's name), municipality and size. No row: the INN is not in the register (or the user's access does
--   not reach its municipality; the card does not tell the two apart).
-- Params:
--   $inn  VARCHAR  the enterprise's INN
-- Level: enterprises
-- Returns: inn VARCHAR, name VARCHAR, okved VARCHAR, division VARCHAR, division_name VARCHAR, oktmo VARCHAR,
--   municipality VARCHAR, size VARCHAR
SELECT e.inn, e.name, e.okved, e.division, d.name AS division_name, e.oktmo, m.name AS municipality, e.size
FROM enterprises AS e
LEFT JOIN okved_divisions AS d USING (division)
LEFT JOIN municipalities AS m USING (oktmo)
WHERE e.inn = $inn
