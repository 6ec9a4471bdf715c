"""The aggregates prepared once per data version (queries/model/aggregates.sql) on a small hand-worked data set.

Months below are counted from January 2023 (month 0); data runs from March 2023 (2) to October 2024 (21), so the data
years are November 2022 .. October 2023 (first -2, its second part from January 2023: split 0) and November 2023 ..
October 2024 (first 10, split 12). In month_index terms month n is 2023 * 12 + n.

    A 2310000010 (28.25, Краснодар)   shipments  Mar 23 100, Dec 23 200 (export 50), Jan 24 300, Oct 24 400
                                      production Dec 23 100 (10 employees), Jan 24 200 (no headcount), Sep 24 300 (20)
    B 2310000011 (29.10, Кореновский) shipments  Jun 23 10, Apr 24 20 (export 5)
                                      production Oct 23 50 (5)
    U 2399999901 (not in the register) shipments Oct 24 10; production Apr 23 7 (1)
"""
from __future__ import annotations

from datetime import date

import pytest

from kuban.model.db import Database
from tests.oracle.randomdata import Dataset

A, B, U = "2310000010", "2310000011", "2399999901"
KRASNODAR, KORENOVSK = "03701000", "03621000"
M0 = 2023 * 12          # month_index of January 2023


def rub(r: float) -> int:
    return int(round(r * 100))          # the data set takes kopecks


DATA = Dataset(
    enterprises=((A, "28.25", KRASNODAR, "large"), (B, "29.10", KORENOVSK, "small")),
    shipments=((A, 2, rub(100), None), (A, 11, rub(200), rub(50)), (A, 12, rub(300), None), (A, 21, rub(400), None),
               (B, 5, rub(10), None), (B, 15, rub(20), rub(5)), (U, 21, rub(10), None)),
    production=((A, 11, rub(100), 10), (A, 12, rub(200), None), (A, 20, rub(300), 20), (B, 9, rub(50), 5),
                (U, 3, rub(7), 1)),
    loans=(), subsidies=())


@pytest.fixture(scope="module")
def db():
    database = Database(DATA.load_result("aggregates-hand-worked"))
    yield database
    database.close()


def rows(db, sql: str, params: dict | None = None) -> list[tuple]:
    cur = db.cursor()
    try:
        return cur.execute(sql, params or {}).fetchall()
    finally:
        cur.close()


def test_fact_months(db):
    assert rows(db, "SELECT first_data_month - ?, last_data_month - ? FROM fact_months", [M0, M0]) == [(2, 21)]


def test_cells_sum_the_rows_of_each_month_municipality_and_okved(db):
    got = rows(db, "SELECT period, oktmo, okved, shipped_rub, export_rub, enterprises FROM shipment_cells "
                   "WHERE period = DATE '2024-10-01' ORDER BY oktmo NULLS LAST")
    assert got == [(date(2024, 10, 1), KRASNODAR, "28.25", 400.0, None, 1), (date(2024, 10, 1), None, None, 10.0, None, 1)]
    got = rows(db, "SELECT period, division, output_rub, staffed_output_rub, employees, enterprises FROM production_cells "
                   "ORDER BY period, division")
    assert got == [(date(2023, 4, 1), None, 7.0, 7.0, 1, 1), (date(2023, 10, 1), "29", 50.0, 50.0, 5, 1),
                   (date(2023, 12, 1), "28", 100.0, 100.0, 10, 1), (date(2024, 1, 1), "28", 200.0, None, None, 1),
                   (date(2024, 9, 1), "28", 300.0, 300.0, 20, 1)]


def test_enterprise_years(db):
    got = rows(db, """
        SELECT inn, first - ?, split - ?, shipment_months, production_months,
               shipments_before - ?, production_before - ?, reported_before - ?, oktmo, division
        FROM enterprise_years ORDER BY inn, first""", [M0] * 5)
    assert got == [
        # A: Mar 23 is bit 4 of the year from Nov 22; Dec 23, Jan 24, Oct 24 bits 1, 2, 11 of the year from Nov 23
        (A, -2, 0, 16, 0, None, None, None, KRASNODAR, "28"),
        (A, 10, 12, 2 + 4 + 2048, 2 + 4 + 1024, 2, None, 2, KRASNODAR, "28"),
        (B, -2, 0, 128, 2048, None, None, None, KORENOVSK, "29"),
        (B, 10, 12, 32, 0, 5, 9, 9, KORENOVSK, "29"),
        (U, -2, 0, 0, 32, None, None, None, None, None),
        (U, 10, 12, 2048, 0, None, 3, 3, None, None),
    ]


def test_enterprise_years_sum_each_part(db):
    got = rows(db, """
        SELECT inn, first - ?, shipped_rub_1, shipped_rub_2, export_rub_1, export_rub_2, output_rub_1, output_rub_2,
               staffed_output_rub_1, staffed_output_rub_2, employees_1, employees_2, headcount_months_1,
               headcount_months_2
        FROM enterprise_years ORDER BY inn, first""", [M0])
    assert got == [
        (A, -2, None, 100.0, None, None, None, None, None, None, None, None, None, None),
        # Dec 23 in the first part; Jan 24 (no headcount), Sep and Oct 24 in the second
        (A, 10, 200.0, 700.0, 50.0, None, 100.0, 500.0, 100.0, 300.0, 10, 20, 1, 1),
        (B, -2, None, 10.0, None, None, None, 50.0, None, 50.0, None, 5, 0, 1),
        (B, 10, None, 20.0, None, 5.0, None, None, None, None, None, None, None, None),
        (U, -2, None, None, None, None, None, 7.0, None, 7.0, None, 1, 0, 1),
        (U, 10, None, 10.0, None, None, None, None, None, None, None, None, None, None),
    ]


def months(first: int, last: int) -> dict:
    def day(n):
        return date(2023 + n // 12, n % 12 + 1, 1)
    return {"f": day(first), "t": day(last)}


def left_over(db, first, last, years):
    return rows(db, "SELECT month_index(period) - $m0, now, earlier FROM left_over_months($f, $t, $y) "
                    "ORDER BY 2 DESC, 1", {**months(first, last), "y": years, "m0": M0})


def test_left_over_months_are_the_months_outside_whole_parts(db):
    assert left_over(db, 10, 21, 1) == []                         # a data year and the one before it
    assert left_over(db, 12, 23, 1) == []                         # 2024 (Nov, Dec 24: no data) and 2023
    assert left_over(db, 14, 19, 1) == [(m, True, False) for m in range(14, 20)] \
        + [(m, False, True) for m in range(2, 8)]                 # Mar .. Aug 2024 and 2023: no whole part
    # Oct 23 .. Oct 24: the data year from Nov 23 and Oct 23 left over; a year earlier Oct 22 is before the data
    # and Nov 22 .. Oct 23 is a data year whole
    assert left_over(db, 9, 21, 1) == [(9, True, False)]
    assert left_over(db, 11, 12, 0) == [(11, True, True), (12, True, True)]


def sums(db, macro: str, first: int, last: int, years: int, column: str):
    """Per INN: `column` summed over the rows of the macro, and its *_earlier counterpart."""
    earlier = column[:-4] + "_earlier_rub" if column.endswith("_rub") else column + "_earlier"
    got = rows(db, f"SELECT inn, sum({column}), sum({earlier}) FROM {macro}($f, $t, $y) GROUP BY inn ORDER BY inn",
               {**months(first, last), "y": years})
    return {inn: (now, then) for inn, now, then in got}


def test_enterprise_shipments(db):
    assert sums(db, "enterprise_shipments", 10, 21, 1, "shipped_rub") == \
        {A: (900.0, 100.0), B: (20.0, 10.0), U: (10.0, None)}
    # 2024: the second part of the data year from Nov 23; 2023: the second part of the one before and the first
    # part of this one
    assert sums(db, "enterprise_shipments", 12, 23, 1, "shipped_rub") == \
        {A: (700.0, 300.0), B: (20.0, 10.0), U: (10.0, None)}
    assert sums(db, "enterprise_shipments", 14, 19, 1, "shipped_rub") == {A: (None, 100.0), B: (20.0, 10.0)}
    # Oct 23 .. Oct 24: a data year whole plus Oct 23 (no shipments); three years earlier nothing
    assert sums(db, "enterprise_shipments", 9, 21, 3, "shipped_rub") == {A: (900.0, None), B: (20.0, None),
                                                                       U: (10.0, None)}
    assert sums(db, "enterprise_shipments", 10, 21, 1, "export_rub") == \
        {A: (50.0, None), B: (5.0, None), U: (None, None)}
    # Dec 23 .. Oct 24: the second part whole, Dec 23 left over
    assert sums(db, "enterprise_shipments", 11, 21, 1, "shipped_rub") == \
        {A: (900.0, 100.0), B: (20.0, 10.0), U: (10.0, None)}


def test_enterprise_production(db):
    assert sums(db, "enterprise_production", 10, 21, 1, "output_rub") == \
        {A: (600.0, None), B: (None, 50.0), U: (None, 7.0)}
    assert sums(db, "enterprise_production", 10, 21, 1, "staffed_output_rub") == \
        {A: (400.0, None), B: (None, 50.0), U: (None, 7.0)}
    assert sums(db, "enterprise_production", 10, 21, 1, "employees") == {A: (30, None), B: (None, 5), U: (None, 1)}
    assert sums(db, "enterprise_production", 10, 21, 1, "headcount_months") == \
        {A: (2, None), B: (None, 1), U: (None, 1)}
    assert sums(db, "enterprise_production", 12, 23, 1, "employees") == {A: (20, 10), B: (None, 5), U: (None, 1)}
    # Dec 23 .. Jan 24 (left over): A reports headcount in one of its two months
    assert sums(db, "enterprise_production", 11, 12, 0, "headcount_months") == {A: (1, 1)}
    assert sums(db, "enterprise_production", 11, 12, 0, "staffed_output_rub") == {A: (100.0, 100.0)}


@pytest.mark.parametrize("first, last, mask, before, expected", [
    (11, 12, "shipment_months", "shipments_before", [A]),           # Dec 23 .. Jan 24
    (5, 15, "shipment_months", "shipments_before", [A, B]),         # A once (block 10), B once (block -2, not 10)
    (0, 21, "shipment_months | production_months", "reported_before", [A, B, U]),
    (3, 3, "shipment_months | production_months", "reported_before", [U]),
    (6, 8, "production_months", "production_before", []),
    (9, 11, "production_months", "production_before", [A, B]),
])
def test_first_report_counts_each_enterprise_once(db, first, last, mask, before, expected):
    got = rows(db, f"""
        SELECT inn FROM enterprise_years
        WHERE first_report_in_months(first, {mask}, {before}, $f, $t, 0)
        ORDER BY inn""", months(first, last))
    assert [r[0] for r in got] == expected
    # the same a year later, asked as "years = 1 back" of a window 12 months later
    shifted = rows(db, f"""
        SELECT inn FROM enterprise_years
        WHERE first_report_in_months(first, {mask}, {before}, $f, $t, 1)
        ORDER BY inn""", months(first + 12, last + 12))
    assert shifted == got
