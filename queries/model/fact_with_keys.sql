-- Answers: a fact table (registered as raw_fact) with the municipality and OKVED division of its enterprise,
--   NULL when the INN is not in the register; built once per data version so page queries filter without a join.
-- Params: none
-- Returns: every column of raw_fact, oktmo VARCHAR, division VARCHAR
SELECT f.*, e.oktmo, e.division
FROM raw_fact AS f
LEFT JOIN enterprises AS e ON e.inn = f.inn
