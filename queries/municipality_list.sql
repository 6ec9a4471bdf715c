-- Answers: the municipalities for the filter and the map, in the order the reference lists them.
-- Params: none
-- Returns: oktmo VARCHAR, name VARCHAR, kind VARCHAR, center VARCHAR, lat DOUBLE, lon DOUBLE
SELECT oktmo, name, kind, center, lat, lon
FROM municipalities
ORDER BY CASE kind WHEN 'городской округ' THEN 0 ELSE 1 END, name
