-- Answers: shipments and exports per month for the filters, with the same month a year earlier.
--   Read from shipment_cells (month × municipality × OKVED code; queries/model/aggregates.sql).
--   enterprises: the enterprises with shipments in the month (an INN has one row per month), enterprises_prev
--   in the month a year earlier (0 without any).
-- Params:
--   $munis      VARCHAR[]  OKTMO codes; empty list = the whole krai
--   $divisions  VARCHAR[]  OKVED divisions; empty list = all
--   $date_from  DATE       first month of the period
--   $date_to    DATE       last month of the period, inclusive
-- Suppress: enterprises: shipped_rub, export_rub
-- Suppress: enterprises_prev: shipped_prev_rub
-- Returns: period DATE, shipped_rub DOUBLE, export_rub DOUBLE, shipped_prev_rub DOUBLE, enterprises BIGINT,
--   enterprises_prev BIGINT
WITH monthly AS (   -- an INN has one row per month and one municipality and division: its cells' rows add up
    SELECT period, sum(shipped_rub) AS shipped_rub, sum(export_rub) AS export_rub,
           sum(enterprises)::BIGINT AS enterprises
    FROM shipment_cells
    WHERE since_year_before(period, $date_from, $date_to)
      AND chosen_place(oktmo, $munis)
      AND chosen_division(division, $divisions)
    GROUP BY period
)
SELECT cur.period, cur.shipped_rub, coalesce(cur.export_rub, 0) AS export_rub,
       prev.shipped_rub AS shipped_prev_rub, cur.enterprises, coalesce(prev.enterprises, 0) AS enterprises_prev
FROM monthly AS cur
LEFT JOIN monthly AS prev ON prev.period = (cur.period - INTERVAL 1 YEAR)::DATE
WHERE in_months(cur.period, $date_from, $date_to)
ORDER BY cur.period
