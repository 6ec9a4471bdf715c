"""Every query against the small fixture; expected figures worked out by hand (see conftest)."""
from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import pandas as pd
import pytest

from kuban import paths
from kuban.model import queries
from tests.conftest import ABINSK, EXPORT_2025, KORENOVSK, KRASNODAR, SHIPPED_2024, SHIPPED_2025, SMALL, M


def q(db, name, **params):
    return queries.run(db, name, params)


@pytest.mark.parametrize("name", queries.names())
def test_every_sql_file_has_a_header_and_runs(small_db, name, window):
    query = queries.load(name)
    text = (paths.QUERIES / f"{name}.sql").read_text(encoding="utf-8")
    assert text.startswith("-- Answers:"), "header must say what the statement answers"
    assert query.answers and query.returns
    assert set(query.declared) == set(query.params), "declared $parameters must be exactly those used"
    assert len(duckdb.extract_statements(text)) == 1
    params = window | {"limit": 10, "kinds": [], "cluster_codes": ["28", "29.10"], "years_back": 3,
              "inns": ["2310000011"], "ids": ["L-1"], "months": [date(2025, 11, 1)], "search": "", "order": "output",
              "inn": "2310000011"}
    frame = queries.run(small_db, name, params)
    declared_cols = [c.split()[0] for c in query.returns.split(",")]
    assert list(frame.columns) == declared_cols


def test_runner_binds_only_the_statement_parameters_and_refuses_missing(small_db):
    # Extra keys are ignored; a missing one is a clear error, not a SQL error.
    assert len(q(small_db, "period_bounds", unused=1)) == 1
    with pytest.raises(KeyError, match="date_to"):
        q(small_db, "shipments_monthly", munis=[], divisions=[], date_from=date(2025, 1, 1))


def test_values_are_bound_not_formatted(small_db, window):
    # A hostile "municipality" is just a value that matches nothing.
    frame = q(small_db, "shipments_monthly", **(window | {"munis": ["x'); DROP TABLE shipments; --"]}))
    assert frame.empty
    assert q(small_db, "period_bounds").iloc[0]["last_period"] == pd.Timestamp("2025-12-01")


def test_period_bounds(small_db):
    row = q(small_db, "period_bounds").iloc[0]
    assert row["first_period"] == pd.Timestamp("2024-11-01")
    assert row["last_period"] == pd.Timestamp("2025-12-01")


def test_overview_kpis_whole_krai(small_db, window):
    k = q(small_db, "overview_kpis", **window).iloc[0]
    assert k.shipped_rub == sum(SHIPPED_2025.values()) * M == 1_290 * M
    assert k.shipped_prev_rub == sum(SHIPPED_2024.values()) * M == 1_120 * M
    assert k.export_rub == sum(EXPORT_2025.values()) * M == 300 * M
    assert k.output_rub == (140 + 135 + 460 + 410) * M        # A and B, Nov-Dec 2025
    assert k.output_prev_rub == (110 + 115) * M               # A, Nov-Dec 2024
    assert k.enterprises == 5                                 # A, B, C, D and the unregistered INN
    assert k.enterprises_prev == 2                            # A, B
    assert k.loans_rub == (50 + 10) * M and k.loans_count == 2   # L1 15.11.2025, L3 01.12.2025
    assert k.loans_prev_rub == 300 * M and k.loans_prev_count == 1  # L2 10.12.2024
    assert k.subsidies_rub == (2 + 1.5) * M                   # S1 2025-11-20, S2 2025-03-05
    assert k.subsidies_prev_rub == 5 * M                      # S3 2024-06-01


def test_overview_kpis_leave_out_refused_loans(window):
    # The same fixture with L2 (300 mln, 10.12.2024, «Выдан») refused: it drops out of the year before.
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    result = load_folder(SMALL)
    loans = result.tables["loans"].copy()
    loans.loc[loans["loan_id"] == "L2", "status"] = "  ОТКАЗАНО "       # trimmed and case-insensitive
    db = Database(dataclasses.replace(result, tables=result.tables | {"loans": loans},
                                      fingerprint="small-with-L2-refused"))
    try:
        k = q(db, "overview_kpis", **window).iloc[0]
    finally:
        db.close()
    assert k.loans_prev_rub == 0 and k.loans_prev_count == 0
    assert k.loans_rub == 60 * M                               # L1 and L3 are «Одобрен»


def test_overview_kpis_one_municipality(small_db, window):
    k = q(small_db, "overview_kpis", **(window | {"munis": [KORENOVSK]})).iloc[0]
    assert k.shipped_rub == (SHIPPED_2025["A"] + SHIPPED_2025["D"]) * M == 300 * M
    assert k.shipped_prev_rub == SHIPPED_2024["A"] * M == 220 * M
    assert k.enterprises == 2
    assert k.loans_rub == 60 * M and k.loans_count == 2
    assert k.subsidies_rub == 2 * M


def test_overview_kpis_sector_filter(small_db, window):
    k = q(small_db, "overview_kpis", **(window | {"divisions": ["28"]})).iloc[0]
    assert k.shipped_rub == 300 * M                           # A (28.25) and D (28.96)
    k = q(small_db, "overview_kpis", **(window | {"divisions": ["24"], "munis": [KORENOVSK]})).iloc[0]
    assert pd.isna(k.shipped_rub) and k.enterprises == 0


def test_shipments_monthly(small_db, window):
    f = q(small_db, "shipments_monthly", **window)
    assert list(f["period"]) == [pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01")]
    assert list(f["shipped_rub"]) == [(150 + 450 + 50) * M, (130 + 420 + 60 + 20 + 10) * M]
    assert list(f["shipped_prev_rub"]) == [(100 + 500) * M, (120 + 400) * M]
    assert list(f["export_rub"]) == [(30 + 150) * M, (0 + 120) * M]
    assert list(f["enterprises"]) == [3, 5]


def test_shipments_by_municipality_keeps_unregistered_rows(small_db, window):
    f = q(small_db, "shipments_by_municipality", **window).set_index("municipality")
    assert f.loc["Краснодар", "shipped_rub"] == 870 * M
    assert f.loc["Кореновский район", "shipped_rub"] == 300 * M
    assert f.loc["Кореновский район", "shipped_prev_rub"] == 220 * M
    assert f.loc["Абинский район", "shipped_rub"] == 110 * M
    unknown = f[f.index.isna()]
    assert len(unknown) == 1 and unknown["shipped_rub"].iloc[0] == 10 * M
    assert f["shipped_rub"].sum() == 1_290 * M


def test_shipments_by_division(small_db, window):
    f = q(small_db, "shipments_by_division", **window).set_index("division")
    assert f.loc["24", "shipped_rub"] == 870 * M
    assert f.loc["24", "export_share"] == pytest.approx(270 / 870)
    assert f.loc["28", "shipped_rub"] == 300 * M
    assert f.loc["28", "export_share"] == pytest.approx(30 / 300)
    assert f.loc["28", "division_name"].startswith("Производство машин")
    assert f.loc["10", "shipped_rub"] == 110 * M


def test_shipments_top_enterprises(small_db, window):
    f = q(small_db, "shipments_top_enterprises", **(window | {"limit": 3}))
    assert list(f["inn"]) == ["2310000029", "2310000011", "2310000036"]
    b = f.iloc[0]
    assert b["name"] == "АО «Бета-Тест»" and b["municipality"] == "Краснодар"
    assert b["growth"] == pytest.approx(870 / 900 - 1)
    assert b["export_share"] == pytest.approx(270 / 870)
    assert f.iloc[1]["growth"] == pytest.approx(280 / 220 - 1)
    assert pd.isna(f.iloc[2]["growth"])                      # C has no shipments a year earlier


def test_shipments_rows_are_what_the_page_shows(small_db, window):
    f = q(small_db, "shipments_rows", **(window | {"munis": [KORENOVSK]}))
    assert list(f.columns) == ["inn", "name", "municipality", "okved", "period", "shipped_rub", "export_rub"]
    assert len(f) == 3                                        # A Nov, A Dec, D Dec
    assert f["shipped_rub"].sum() == 300 * M
    assert set(f["municipality"]) == {"Кореновский район"}
    everything = q(small_db, "shipments_rows", **window)
    assert everything["shipped_rub"].sum() == 1_290 * M
    assert everything["municipality"].isna().sum() == 1     # the unregistered INN


def test_shipments_multi_municipality_and_period(small_db):
    f = q(small_db, "overview_kpis", munis=[KORENOVSK, ABINSK], divisions=[],
          date_from=date(2025, 12, 1), date_to=date(2025, 12, 1)).iloc[0]
    assert f.shipped_rub == (130 + 20 + 60) * M               # December 2025: A, D, C
    assert f.shipped_prev_rub == 120 * M                      # December 2024: A


def test_division_list_covers_section_c(small_db):
    f = q(small_db, "division_list").set_index("division")
    assert [f"{d}" for d in range(10, 34)] == [d for d in f.index if d.isdigit() and 10 <= int(d) <= 33]
    assert f.loc["28", "enterprises"] == 2


def test_municipality_list(small_db):
    f = q(small_db, "municipality_list")
    assert len(f) == 44
    assert f.set_index("name").loc["Кореновский район", "oktmo"] == KORENOVSK
    assert f.set_index("oktmo").loc[KRASNODAR, "lat"] == pytest.approx(45.04)


def test_load_report_queries(small_db):
    files = q(small_db, "load_files")
    ship = files[files["table"] == "shipments"]
    assert ship["rows"].sum() == 12 and (ship["status"] == "loaded").all()
    problems = q(small_db, "load_problems", kinds=["warning"])
    assert len(problems) == 1
    row = problems.iloc[0]
    assert (row["file"], row["line"], row["column"]) == ("shipments/2025_extra.parquet", 2, "inn")
    assert q(small_db, "load_problems", kinds=["refused_row"]).empty


def test_result_cache_is_keyed_by_data_version(small_db, window):
    queries.CACHE.clear()
    a = q(small_db, "shipments_monthly", **window)
    b = q(small_db, "shipments_monthly", **window)
    assert a is b
    assert queries.CACHE.hits >= 1


def test_result_cache_is_bounded():
    cache = queries.ResultCache(max_bytes=10_000)
    frame = pd.DataFrame({"x": range(200)})                  # 1.6 KB
    for i in range(20):
        cache.put(("k", i), frame)
    assert cache._bytes <= 10_000
    assert cache.get(("k", 0)) is None and cache.get(("k", 19)) is not None
