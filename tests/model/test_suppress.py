"""Small-cell suppression (kuban/model/suppress.py) and the Level / Suppress lines of every queries/*.sql.

Every expected value below is written by hand from the frames and headers of the test (or from the hand-made
data set `TINY`), never taken from the program's output.
"""
from __future__ import annotations

import re
import time
from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from kuban.model import queries, suppress
from kuban.model.db import Database
from tests.oracle.randomdata import Dataset

NAN = np.nan


def statement(*lines: str) -> SimpleNamespace:
    """A query as `apply` sees it: a name and the file's text (header lines, then the statement)."""
    return SimpleNamespace(name="test", sql="\n".join(["-- Answers: a test.", "-- Params: none", *lines,
                                                      "SELECT 1"]))


def frame_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)


SHIPPED = statement("-- Suppress: enterprises: shipped_rub, export_rub",
                    "-- Returns: oktmo VARCHAR, shipped_rub DOUBLE, export_rub DOUBLE, enterprises BIGINT")


# --- Primary suppression ----------------------------------------------------------------------------------------

def test_a_figure_of_two_enterprises_is_hidden_and_of_three_shown():
    frame = pd.DataFrame({"oktmo": ["a", "b", "c", "d", "e"],
                          "shipped_rub": [100.0, 200.0, 300.0, 400.0, NAN],
                          "export_rub": [10.0, 20.0, 30.0, 40.0, 0.0],
                          "enterprises": [1, 2, 3, 10, 0]})
    out = suppress.apply(SHIPPED, frame)
    # a (1) and b (2) hidden; c (3) and d (10) shown; e has no enterprise: nothing to hide, its 0 stays.
    # Two rows hidden: no secondary suppression.
    frame_equal(out, pd.DataFrame({"oktmo": ["a", "b", "c", "d", "e"],
                                   "shipped_rub": [NAN, NAN, 300.0, 400.0, NAN],
                                   "export_rub": [NAN, NAN, 30.0, 40.0, 0.0],
                                   "enterprises": [1, 2, 3, 10, 0],
                                   "suppressed": [True, True, False, False, False]}))


def test_the_threshold_is_three_and_can_be_given():
    assert suppress.THRESHOLD == 3
    frame = pd.DataFrame({"oktmo": ["a", "b", "c"], "shipped_rub": [1.0, 2.0, 3.0], "export_rub": [0.0, 0.0, 0.0],
                          "enterprises": [3, 4, 5]})
    out = suppress.apply(SHIPPED, frame, threshold=5)
    # 3 and 4 are below 5: two hidden, 5 shown
    assert out["shipped_rub"].tolist()[2] == 3.0
    assert out["shipped_rub"].isna().tolist() == [True, True, False]


def test_several_suppress_lines_each_hide_their_own_columns():
    query = statement("-- Suppress: enterprises: output_rub, growth",
                      "-- Suppress: enterprises_prev: output_prev_rub, growth",
                      "-- Returns: period DATE, output_rub DOUBLE, output_prev_rub DOUBLE, growth DOUBLE, "
                      "enterprises BIGINT, enterprises_prev BIGINT")
    frame = pd.DataFrame({"period": ["m0", "m1", "m2", "m3", "m4"],
                          "output_rub": [10.0, 20.0, 30.0, 40.0, 50.0],
                          "output_prev_rub": [5.0, 10.0, 15.0, 20.0, 25.0],
                          "growth": [1.0, 1.0, 1.0, 1.0, 1.0],
                          "enterprises": [1, 2, 6, 7, 8],
                          "enterprises_prev": [5, 4, 1, 2, 9]})
    out = suppress.apply(query, frame)
    # now: m0 (1), m1 (2) hidden; a year earlier: m2 (1), m3 (2) hidden; growth goes with either; m4 shown whole
    assert out["output_rub"].isna().tolist() == [True, True, False, False, False]
    assert out["output_prev_rub"].isna().tolist() == [False, False, True, True, False]
    assert out["growth"].isna().tolist() == [True, True, True, True, False]
    assert out["suppressed"].tolist() == [True, True, True, True, False]
    assert out["output_prev_rub"].tolist()[:2] == [5.0, 10.0]
    assert out["output_rub"].tolist()[2:] == [30.0, 40.0, 50.0]


def test_a_missing_count_hides_and_a_zero_count_hides_nothing():
    frame = pd.DataFrame({"oktmo": ["a", "b", "c", "d"], "shipped_rub": [1.0, 2.0, NAN, 4.0],
                          "export_rub": [1.0, 2.0, 0.0, 4.0],
                          "enterprises": pd.array([None, 5, 0, 2], dtype="Int64")})
    out = suppress.apply(SHIPPED, frame)
    # a: count unknown -> hidden (fail closed); c: 0 -> kept; d: 2 -> hidden. Two hidden: no secondary.
    assert out["shipped_rub"].isna().tolist() == [True, False, True, True]
    assert out["export_rub"].tolist()[1:3] == [2.0, 0.0]
    assert out["suppressed"].tolist() == [True, False, False, True]


def test_hidden_values_are_nan_in_number_columns_and_none_in_others():
    query = statement("-- Suppress: borrowers: loans, amount_rub, fund_label",
                      "-- Returns: fund VARCHAR, loans BIGINT, amount_rub DOUBLE, fund_label VARCHAR, borrowers BIGINT")
    frame = pd.DataFrame({"fund": ["x", "y", "z"], "loans": np.array([4, 7, 9], dtype="int64"),
                          "amount_rub": [1.5, 2.5, 3.5], "fund_label": ["p", "q", "r"], "borrowers": [1, 2, 5]})
    out = suppress.apply(query, frame)
    # an integer column becomes float with NaN (never pd.NA: pages call bool() and compare)
    assert out["loans"].dtype == np.float64 and out["loans"].isna().tolist() == [True, True, False]
    assert out["loans"].iloc[2] == 9
    assert out["amount_rub"].dtype == np.float64 and out["amount_rub"].isna().tolist() == [True, True, False]
    assert out["fund_label"].tolist()[0] is None and out["fund_label"].tolist()[2] == "r"
    assert out["borrowers"].tolist() == [1, 2, 5] and out["fund"].tolist() == ["x", "y", "z"]


# --- Secondary suppression --------------------------------------------------------------------------------------

SUMMARY = statement("-- Suppress: enterprises: output_rub",
                    "-- Returns: dimension VARCHAR, key VARCHAR, output_rub DOUBLE, enterprises BIGINT")


def test_a_lone_hidden_row_of_a_breakdown_takes_the_next_smallest_of_its_dimension_only():
    frame = pd.DataFrame({
        "dimension": ["total", "municipality", "municipality", "municipality", "municipality", "division", "division"],
        "key": [None, "m1", "m2", "m3", "m4", "d1", "d2"],
        "output_rub": [100.0, 10.0, 50.0, 40.0, NAN, 30.0, 70.0],
        "enterprises": [20, 2, 9, 4, 0, 3, 17]})
    out = suppress.apply(SUMMARY, frame)
    # municipality: m1 (2) is hidden alone, so total - the others would give it: m3 (4) goes too, the smallest
    # count of at least 3 (m4 has none: hiding it protects nothing). division: nothing hidden, d1 (3) stays,
    # though it is the smallest count of the result. total: alone in its group, 20: shown.
    assert out["output_rub"].tolist()[0] == 100.0
    assert out["output_rub"].isna().tolist() == [False, True, False, True, True, False, False]
    assert out["output_rub"].tolist()[5:] == [30.0, 70.0]
    assert out["suppressed"].tolist() == [False, True, False, True, False, False, False]


def test_two_hidden_rows_need_no_more_and_ties_take_the_first():
    frame = pd.DataFrame({"dimension": ["municipality"] * 4 + ["division"] * 3,
                          "key": ["m1", "m2", "m3", "m4", "d1", "d2", "d3"],
                          "output_rub": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                          "enterprises": [1, 2, 3, 3, 6, 2, 6]})
    out = suppress.apply(SUMMARY, frame)
    # municipality: m1 and m2 hidden, two: m3 and m4 (3 each) stay.
    # division: d2 alone; d1 and d3 tie at 6: the first in the result's order, d1, goes.
    assert out["suppressed"].tolist() == [True, True, False, False, True, True, False]


def test_without_a_dimension_the_whole_result_is_one_breakdown():
    query = statement("-- Suppress: enterprises: shipped_rub",
                      "-- Returns: period DATE, shipped_rub DOUBLE, enterprises BIGINT")
    frame = pd.DataFrame({"period": ["m1", "m2", "m3", "m4"], "shipped_rub": [5.0, 2.0, 8.0, 3.0],
                          "enterprises": [5, 2, 8, 3]})
    out = suppress.apply(query, frame)
    # m2 (2) alone: m4 (3) goes too
    assert out["shipped_rub"].tolist()[0::2] == [5.0, 8.0]
    assert out["suppressed"].tolist() == [False, True, False, True]


def test_suppress_within_names_the_breakdown_groups():
    rows = pd.DataFrame({"years_back": [0, 0, 1, 1], "in_cluster": [True, False, True, False],
                         "shipped_rub": [1.0, 2.0, 3.0, 4.0], "shippers": [2, 40, 5, 30]})
    returns = "-- Returns: years_back INTEGER, in_cluster BOOLEAN, shipped_rub DOUBLE, shippers BIGINT"
    within = statement("-- Suppress: shippers: shipped_rub", "-- Suppress within: years_back", returns)
    whole = statement("-- Suppress: shippers: shipped_rub", returns)
    # within a window the cluster (2) and the rest add up to the window's total: the rest (40) goes with it
    assert suppress.apply(within, rows)["suppressed"].tolist() == [True, True, False, False]
    # as one group the next smallest would be the cluster a year earlier (5)
    assert suppress.apply(whole, rows)["suppressed"].tolist() == [True, False, True, False]


def test_two_groupings_are_applied_until_no_group_has_one_hidden_row():
    query = statement("-- Suppress: enterprises: employees",
                      "-- Suppress within: oktmo",
                      "-- Suppress within: industry",
                      "-- Returns: oktmo VARCHAR, industry VARCHAR, employees DOUBLE, enterprises BIGINT")
    counts = {("A", "x"): 2, ("A", "y"): 5, ("A", "z"): 9,
              ("B", "x"): 6, ("B", "y"): 7, ("B", "z"): 8,
              ("C", "x"): 3, ("C", "y"): 10, ("C", "z"): 4}
    frame = pd.DataFrame([{"oktmo": o, "industry": i, "employees": 100.0, "enterprises": n}
                          for (o, i), n in counts.items()])
    out = suppress.apply(query, frame)
    # primary: A-x (2).
    # pass 1, by oktmo: A has one hidden -> A-y (5). By industry: x has A-x alone -> C-x (3, smaller than B-x 6);
    #   y has A-y alone -> B-y (7, smaller than C-y 10); z: none.
    # pass 2, by oktmo: B has B-y alone -> B-x (6, smaller than B-z 8); C has C-x alone -> C-z (4).
    #   By industry: x has 3, y has 2, z has C-z alone -> B-z (8, smaller than A-z 9).
    # pass 3: every group has 0, 2 or 3 hidden. Shown: A-z and C-y.
    shown = {(r.oktmo, r.industry) for r in out.itertuples() if not r.suppressed}
    assert shown == {("A", "z"), ("C", "y")}
    assert out.loc[out["suppressed"], "employees"].isna().all()


# --- The frame itself -------------------------------------------------------------------------------------------

def test_the_input_frame_is_never_modified():
    frame = pd.DataFrame({"oktmo": ["a", "b", "c"], "shipped_rub": [1.0, 2.0, 3.0], "export_rub": [1.0, 1.0, 1.0],
                          "enterprises": [1, 5, 6]})
    before = frame.copy(deep=True)
    out = suppress.apply(SHIPPED, frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out is not frame and "suppressed" not in frame.columns
    out.loc[1, "shipped_rub"] = -1.0
    assert frame.loc[1, "shipped_rub"] == 2.0


def test_a_statement_without_suppress_lines_gets_its_frame_back_unchanged():
    query = statement("-- Returns: oktmo VARCHAR, name VARCHAR")
    frame = pd.DataFrame({"oktmo": ["a"], "name": ["x"]})
    assert suppress.rules(query) == []
    assert suppress.apply(query, frame) is frame
    assert list(frame.columns) == ["oktmo", "name"]


def test_a_suppress_line_naming_a_column_the_result_lacks_is_an_error():
    query = statement("-- Suppress: enterprises: shipped_rub, nothing_rub", "-- Returns: shipped_rub DOUBLE")
    with pytest.raises(KeyError, match="nothing_rub"):
        suppress.apply(query, pd.DataFrame({"shipped_rub": [1.0], "enterprises": [1]}))


def test_an_empty_result_gets_an_empty_flag():
    out = suppress.apply(SHIPPED, pd.DataFrame({"oktmo": [], "shipped_rub": [], "export_rub": [], "enterprises": []}))
    assert out.empty and "suppressed" in out.columns


def test_header_lines_are_read_with_their_continuations():
    query = statement("-- Params:", "--   $munis  VARCHAR[]  OKTMO codes", "-- Level: enterprises",
                      "-- Suppress: enterprises: a, b,", "--   c", "-- Suppress: enterprises_prev: d",
                      "-- Suppress within: dimension, oktmo", "-- Returns: a DOUBLE, b DOUBLE, c DOUBLE, d DOUBLE,",
                      "--   enterprises BIGINT, enterprises_prev BIGINT")
    assert suppress.rules(query) == [suppress.Rule("enterprises", ("a", "b", "c")),
                                     suppress.Rule("enterprises_prev", ("d",))]
    assert suppress.groupings(query) == [("dimension", "oktmo")]
    assert suppress.level(query) == "enterprises"
    assert suppress.level(SHIPPED) == ""
    assert suppress.groupings(SHIPPED, ["dimension", "x"]) == [("dimension",)]
    assert suppress.groupings(SHIPPED, ["x"]) == [()]


def test_tens_of_thousands_of_rows_are_quick():
    # 120 000 rows: 3 breakdowns × 40 000 cells with counts 0..9; a bound far above the time it takes (tens of
    # milliseconds) that a loop over rows would not meet.
    rng = np.random.default_rng(5)
    n = 120_000
    frame = pd.DataFrame({"dimension": np.repeat(["a", "b", "c"], n // 3), "key": np.arange(n),
                          "output_rub": rng.random(n), "enterprises": rng.integers(0, 10, n)})
    started = time.monotonic()
    out = suppress.apply(SUMMARY, frame)
    assert time.monotonic() - started < 5
    primary = (frame["enterprises"] > 0) & (frame["enterprises"] < 3)
    assert (out["suppressed"] == primary).all()          # many hidden in every group: no secondary
    assert out.loc[primary, "output_rub"].isna().all() and out.loc[~primary, "output_rub"].notna().all()


# --- The headers of queries/ ------------------------------------------------------------------------------------

def returned(query) -> list[str]:
    """The column names of the header's Returns."""
    return [c.split()[0] for c in query.returns.split(",")]


def returned_types(query) -> dict[str, str]:
    return {c.split()[0]: c.split()[1] for c in query.returns.split(",")}


ALL = queries.names()
ENTERPRISE_LEVEL = [n for n in ALL if suppress.level(queries.load(n)) == suppress.LEVEL_ENTERPRISES]
AGGREGATE = [n for n in ALL if n not in ENTERPRISE_LEVEL]

# Statements whose `name` column names a place or a code, not an enterprise.
NAMES_OF_PLACES_OR_CODES = {
    "municipality_list",        # the municipality's name
    "division_list",            # the OKVED division's name
    "cluster_code_options",     # the OKVED division's name ('' for a class)
    "production_summary",       # the municipality's or division's name of a row of that dimension
}

# Aggregate statements that return figures and need no Suppress line, with the reason.
EXEMPT = {
    "municipality_list": "reference: municipalities, their centres and coordinates",
    "period_bounds": "the first and last month of the data",
    "load_files": "files loaded: rows kept and refused per file, not figures of enterprises",
    "division_list": "counts of enterprises of the register per division: counts are shown (suppress.py)",
    "cluster_code_options": "counts of enterprises of the register per OKVED code: counts are shown (suppress.py)",
    **{f"upload_totals_{t}": "an upload's preview: run only for users who may upload (Scope.can_upload, full detail)"
       for t in ("shipments", "production", "loans", "subsidies")},
}

# A figure made from enterprises' data: money, headcount, shares and changes made from them, loan terms and the
# numbers of loans and subsidies.
FIGURE = re.compile(r"(_rub$|^employees|_share$|growth$|^intensity$|_pct$|_years$|^loans|^subsidies$)")


def test_the_level_and_suppress_lines_stand_before_returns():
    # queries.parse_header appends every comment line after `-- Returns:` to the returned columns.
    for name in ALL:
        header = suppress._header(queries.load(name))
        at = next(i for i, line in enumerate(header) if line.startswith("-- Returns:"))
        late = [line for line in header[at:] if re.match(r"^--\s*(Level|Suppress)", line)]
        assert not late, f"{name}.sql: {late} after Returns"


@pytest.mark.parametrize("name", ALL)
def test_statements_returning_inns_or_enterprise_names_are_enterprise_level(name):
    query = queries.load(name)
    columns = returned(query)
    if "inn" in columns or ("name" in columns and name not in NAMES_OF_PLACES_OR_CODES):
        assert name in ENTERPRISE_LEVEL, f"{name}.sql returns single enterprises: `-- Level: enterprises`"
    assert suppress.level(query) in ("", suppress.LEVEL_ENTERPRISES)


def test_the_enterprise_level_statements_are_these():
    assert sorted(ENTERPRISE_LEVEL) == sorted([
        "shipments_rows", "production_rows", "subsidies_rows", "shipments_top_enterprises", "production_enterprises",
        "production_top_enterprises",
        "loans_list", "subsidies_recipients", "cluster_members",
        # the enterprise card: one enterprise's figures, whatever they are
        "enterprise_search", "enterprise_profile", "enterprise_summary", "enterprise_monthly", "enterprise_support",
        "load_problems",        # reasons quote the INN and month of single rows
        *(f"upload_existing_{t}" for t in ("shipments", "production", "loans", "subsidies", "enterprises")),
    ])
    level = getattr(queries.load("shipments_rows"), "level", None)      # as kuban.model.queries reads it
    if level is not None:
        assert [n for n in ALL if queries.load(n).level == "enterprises"] == sorted(ENTERPRISE_LEVEL)
    assert {n for n in AGGREGATE if "name" in returned(queries.load(n))} == NAMES_OF_PLACES_OR_CODES


@pytest.mark.parametrize("name", ALL)
def test_suppress_lines_name_columns_the_statement_returns(name):
    query = queries.load(name)
    columns, types = returned(query), returned_types(query)
    found = suppress.rules(query)
    if name in ENTERPRISE_LEVEL:
        assert not found, "an enterprise-level statement is refused whole: no Suppress lines"
    counts = [r.count for r in found]
    assert len(counts) == len(set(counts)), "one line per count"
    for rule in found:
        assert rule.count in columns and rule.columns, rule
        assert types[rule.count] == "BIGINT", f"{rule.count} must be a number of enterprises"
        assert set(rule.columns) <= set(columns), set(rule.columns) - set(columns)
        assert rule.count not in {c for r in found for c in r.columns}, "counts of enterprises are shown"
    if found:
        for keys in suppress.groupings(query, columns):
            assert set(keys) <= set(columns)


@pytest.mark.parametrize("name", AGGREGATE)
def test_every_figure_from_enterprise_data_has_a_suppress_rule(name):
    query = queries.load(name)
    figures = [c for c in returned(query) if FIGURE.search(c)]
    covered = {c for r in suppress.rules(query) for c in r.columns}
    if name in EXEMPT:
        assert not covered
        return
    assert figures, f"{name}.sql returns no figures: add it to EXEMPT with the reason"
    assert not set(figures) - covered, f"{name}.sql: figures without a Suppress rule: {set(figures) - covered}"


# --- The counts on a hand-made data set ---------------------------------------------------------------------------

KRASNODAR, KORENOVSK, ABINSK = "03701000", "03621000", "03601000"
E1, E2, E3, E4, E5, E6 = (f"23100000{i}" for i in range(10, 16))
M = 100_000_000          # a million rubles in kopecks


def month(year: int, mon: int) -> int:
    """The data set's month number (0: January 2023)."""
    return (year - 2023) * 12 + mon - 1


# Enterprises report in several months, so a sum of per-month counts would over-count:
#   shipments 2025: Краснодар E1 (Jan, Feb, Mar), E2 (Jan, Jul), E3 (Dec); Кореновский E4 (Jan..Apr), E5 (Jul);
#                   Абинский E6 (Aug, Sep)  -> 6 enterprises in 13 rows;  2024: E1 (Jan), E4 (Feb)
#   production 2025: E1 (Jan, Feb), E2 (Jan), E3 (Oct) in Краснодар; E4 (Jan..Jun) in Кореновский; none in 2024
#   loans 2025 (fund ФРП): E1 two in March, E2 one in March, E4 one refused and one approved in May
#   subsidies 2025: E1 two, E3 one, E6 one
TINY = Dataset(
    enterprises=((E1, "28.25", KRASNODAR, "small"), (E2, "28.99", KRASNODAR, "small"),
                 (E3, "10.11", KRASNODAR, "small"), (E4, "28.25", KORENOVSK, "small"),
                 (E5, "24.10", KORENOVSK, "small"), (E6, "10.11", ABINSK, "small")),
    shipments=tuple(
        (inn, month(y, m), 10 * M, 0)
        for inn, y, m in [(E1, 2024, 1), (E1, 2025, 1), (E1, 2025, 2), (E1, 2025, 3), (E2, 2025, 1), (E2, 2025, 7),
                          (E3, 2025, 12), (E4, 2024, 2), (E4, 2025, 1), (E4, 2025, 2), (E4, 2025, 3), (E4, 2025, 4),
                          (E5, 2025, 7), (E6, 2025, 8), (E6, 2025, 9)]),
    production=tuple(
        (inn, month(2025, m), 20 * M, 100)
        for inn, m in [(E1, 1), (E1, 2), (E2, 1), (E3, 10), (E4, 1), (E4, 2), (E4, 3), (E4, 4), (E4, 5), (E4, 6)]),
    loans=(("L1", E1, "ФРП", "Приоритет", 10 * M, 1.0, 5.0, date(2025, 3, 5), "Одобрен"),
           ("L2", E1, "ФРП", "Приоритет", 20 * M, 1.0, 5.0, date(2025, 3, 20), "Выдан"),
           ("L3", E2, "ФРП", "Приоритет", 30 * M, 1.0, 5.0, date(2025, 3, 25), "Одобрен"),
           ("L4", E4, "ФРП", "Приоритет", 40 * M, 1.0, 5.0, date(2025, 5, 10), "Отказано"),
           ("L5", E4, "ФРП", "Приоритет", 50 * M, 1.0, 5.0, date(2025, 5, 12), "Одобрен")),
    subsidies=(("S1", E1, "Лизинг", 1 * M, date(2025, 2, 1), "региональный"),
               ("S2", E1, "Лизинг", 2 * M, date(2025, 4, 1), "региональный"),
               ("S3", E6, "Лизинг", 3 * M, date(2025, 6, 1), "федеральный"),
               ("S4", E3, "Лизинг", 4 * M, date(2025, 7, 1), "региональный")),
)
YEAR_2025 = {"munis": [], "divisions": [], "date_from": date(2025, 1, 1), "date_to": date(2025, 12, 1),
             "cluster_codes": ["28"], "years_back": 1}


@pytest.fixture(scope="module")
def tiny():
    db = Database(TINY.load_result("suppress-tiny"))
    yield db
    db.close()


def rows(db, name, key, params=YEAR_2025) -> dict:
    """The result of `name` by its key column(s), each row a dict; missing values (NaN, <NA>) as None."""
    frame = queries.run(db, name, params).astype(object)
    records = [{c: (None if pd.isna(v) else v) for c, v in r.items()} for r in frame.to_dict("records")]
    return {tuple(r[k] for k in key) if isinstance(key, tuple) else r[key]: r for r in records}


def test_overview_counts_distinct_enterprises_per_figure(tiny):
    k = queries.run(tiny, "overview_kpis", YEAR_2025).iloc[0]
    assert (k.shippers, k.shippers_prev) == (6, 2)          # 13 rows of shipments in 2025; E1, E4 in 2024
    assert (k.producers, k.producers_prev) == (4, 0)        # E1, E2, E3, E4 in 10 rows
    assert (k.borrowers, k.borrowers_prev) == (3, 0)        # E1 (2 loans), E2, E4 (L4 refused)
    assert k.loans_count == 4
    assert (k.recipients, k.recipients_prev) == (3, 0)      # E1 (2 subsidies), E3, E6


def test_shipments_counts_are_distinct_over_the_period(tiny):
    by_muni = rows(tiny, "shipments_by_municipality", "oktmo")
    assert {o: (r["enterprises"], r["enterprises_prev"]) for o, r in by_muni.items()} == \
        {KRASNODAR: (3, 1), KORENOVSK: (2, 1), ABINSK: (1, 0)}
    by_division = rows(tiny, "shipments_by_division", "division")
    assert {d: r["enterprises"] for d, r in by_division.items()} == {"28": 3, "10": 2, "24": 1}
    monthly = rows(tiny, "shipments_monthly", "period")
    jan, feb = monthly[pd.Timestamp("2025-01-01")], monthly[pd.Timestamp("2025-02-01")]
    assert (jan["enterprises"], jan["enterprises_prev"]) == (3, 1)        # E1, E2, E4; E1 in January 2024
    assert (feb["enterprises"], feb["enterprises_prev"]) == (2, 1)        # E1, E4; E4 in February 2024


def test_production_counts_are_distinct_over_the_period(tiny):
    summary = rows(tiny, "production_summary", ("dimension", "oktmo", "division"))
    assert summary[("total", None, None)]["enterprises"] == 4
    assert summary[("municipality", KRASNODAR, None)]["enterprises"] == 3
    assert summary[("municipality", KORENOVSK, None)]["enterprises"] == 1      # E4 in six months
    assert summary[("division", None, "28")]["enterprises"] == 3
    assert all(r["enterprises_prev"] == 0 for r in summary.values())
    monthly = rows(tiny, "production_monthly", "period")
    assert monthly[pd.Timestamp("2025-01-01")]["enterprises"] == 3


def test_loans_and_subsidies_count_recipients_not_decisions(tiny):
    portfolio = rows(tiny, "loans_portfolio", ("dimension", "fund", "programme", "status", "year", "oktmo"))
    total = portfolio[("total", None, None, None, None, None)]
    assert (total["loans"], total["borrowers"], total["loans_all"], total["borrowers_all"]) == (4, 3, 5, 3)
    muni = portfolio[("municipality", None, None, None, None, KRASNODAR)]
    assert (muni["loans"], muni["borrowers"]) == (3, 2)
    refused = portfolio[("status", None, None, "Отказано", None, None)]
    assert (refused["loans"], refused["borrowers"], refused["loans_all"], refused["borrowers_all"]) == (0, 0, 1, 1)
    monthly = rows(tiny, "loans_monthly", ("period", "fund"))
    assert {p.month: (r["loans"], r["borrowers"]) for (p, _), r in monthly.items()} == {3: (3, 2), 5: (1, 1)}
    subsidies = rows(tiny, "subsidies_summary", ("dimension", "oktmo"))
    assert (subsidies[("total", None)]["subsidies"], subsidies[("total", None)]["recipients"]) == (4, 3)
    assert subsidies[("municipality", KRASNODAR)]["recipients"] == 2       # E1 (2 subsidies), E3
    intensity = rows(tiny, "support_intensity", ("dimension", "oktmo"))
    assert {k: (r["borrowers"], r["recipients"], r["shippers"]) for k, r in intensity.items()} == {
        ("total", None): (3, 3, 6), ("municipality", KRASNODAR): (2, 2, 3),
        ("municipality", KORENOVSK): (1, 0, 2), ("municipality", ABINSK): (0, 1, 1)}


def test_cluster_counts_per_window_and_side(tiny):
    trend = rows(tiny, "cluster_vs_rest", ("years_back", "in_cluster"))
    assert {k: (r["shippers"], r["producers"], r["supported"]) for k, r in trend.items()} == {
        (0, True): (3, 3, 3),       # E1, E2, E4 (28.x): shipments, production, a loan or subsidy each
        (0, False): (3, 1, 2),      # E3, E5, E6; production E3; support E3, E6
        (1, True): (2, 0, 0),       # 2024: E1, E4; the rest has nothing that year: no row
    }
    spec = rows(tiny, "cluster_specialisation", ("oktmo", "industry"))
    assert (spec[(KRASNODAR, "28")]["enterprises"], spec[(KRASNODAR, "total")]["enterprises"]) == (2, 3)


def test_suppression_of_real_results(tiny):
    by_muni = suppress.apply(queries.load("shipments_by_municipality"),
                             queries.run(tiny, "shipments_by_municipality", YEAR_2025)).set_index("oktmo")
    # now: Кореновский (2) and Абинский (1) hidden, Краснодар (3) shown; a year earlier: Краснодар (1) and
    # Кореновский (1) hidden, Абинский has none
    assert by_muni.loc[KRASNODAR, "shipped_rub"] == 6 * 10_000_000            # six rows of 10 mln rubles
    assert by_muni["shipped_rub"].isna().to_dict() == {KRASNODAR: False, KORENOVSK: True, ABINSK: True}
    assert by_muni["shipped_prev_rub"].isna().all()
    assert by_muni["suppressed"].all()

    trend = suppress.apply(queries.load("cluster_vs_rest"),
                           queries.run(tiny, "cluster_vs_rest", YEAR_2025)).set_index(["years_back", "in_cluster"])
    # window 0: shipments 3 and 3 shown; production of the rest (1) hidden and so the cluster's (3) with it;
    # support of the rest (2) hidden and the cluster's (3) with it. Window 1: the cluster's shipments (2) hidden.
    assert trend.loc[(0, True), "shipped_rub"] == 9 * 10_000_000          # E1 3 rows, E2 2, E4 4
    assert trend.loc[(0, False), "shipped_rub"] == 4 * 10_000_000         # E3 1, E5 1, E6 2
    assert trend[["output_rub", "employees", "support_rub"]].loc[[(0, True), (0, False)]].isna().all().all()
    assert pd.isna(trend.loc[(1, True), "shipped_rub"])

    loans = suppress.apply(queries.load("loans_monthly"), queries.run(tiny, "loans_monthly", YEAR_2025))
    assert loans["loans"].isna().all() and loans["amount_rub"].isna().all()     # 2 and 1 borrowers
