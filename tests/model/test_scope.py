"""Access applied where data is read: a restricted scope sees, through every query, exactly what a data set
holding only its municipalities would show; an aggregates-only scope gets no enterprise-level statement.

Figures are the hand-worked ones of tests/conftest.py (the small fixture)."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from kuban.access.scope import AGGREGATES, Scope
from kuban.data.ingest import load_folder
from kuban.model import queries
from kuban.model.db import Database
from tests.conftest import ABINSK, KORENOVSK, KRASNODAR, M, SHIPPED_2025, SMALL

PARAMS = {"munis": [], "divisions": [], "date_from": date(2025, 1, 1), "date_to": date(2025, 12, 1),
          "kinds": [], "limit": 50, "cluster_codes": ["10", "28"], "years_back": 1, "search": "", "order": "output",
          "inn": "2310000011",      # A, Кореновский район
          # the upload preview's statements: every INN, loan and subsidy of the fixture, its last two months
          "inns": ["2310000011", "2310000029", "2310000036", "2310000043", "2310000050"],
          "ids": ["L1", "L2", "L3", "S1", "S2", "S3"], "months": [date(2025, 11, 1), date(2025, 12, 1)]}


def municipal(*munis: str, detail: str = "full") -> Scope:
    return Scope(user="u", role="municipal", munis=munis, detail=detail)


def world_of(munis: set[str]) -> Database:
    """The small fixture as if its folder held only these municipalities' enterprises and their facts."""
    full = load_folder(SMALL)
    t = dict(full.tables)
    t["municipalities"] = t["municipalities"][t["municipalities"]["oktmo"].isin(munis)]
    t["enterprises"] = t["enterprises"][t["enterprises"]["oktmo"].isin(munis)]
    inns = set(t["enterprises"]["inn"])
    for name in ("production", "shipments", "loans", "subsidies"):
        t[name] = t[name][t[name]["inn"].isin(inns)]
    return Database(replace(full, tables=t, fingerprint=full.fingerprint + "-world",
                            problems=full.problems.iloc[0:0], files=full.files.iloc[0:0]))


@pytest.fixture(scope="module")
def korenovsk_world():
    db = world_of({KORENOVSK})
    yield db
    db.close()


def test_restricted_totals_are_the_municipality_s_own(small_db):
    scoped = small_db.for_scope(municipal(KORENOVSK))
    kpis = queries.run(scoped, "overview_kpis", PARAMS).iloc[0]
    assert kpis["shipped_rub"] == pytest.approx((SHIPPED_2025["A"] + SHIPPED_2025["D"]) * M)     # 300 M
    whole = queries.run(small_db, "overview_kpis", PARAMS).iloc[0]
    assert whole["shipped_rub"] == pytest.approx(sum(SHIPPED_2025.values()) * M)                   # 1 290 M


@pytest.mark.parametrize("name", [n for n in queries.names()])
def test_every_query_sees_only_the_permitted_municipality(small_db, korenovsk_world, name):
    scoped = small_db.for_scope(municipal(KORENOVSK))
    got = queries.run(scoped, name, PARAMS)
    expected = queries.run(korenovsk_world, name, PARAMS)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("name", ["shipments_rows", "shipments_by_municipality", "municipality_list",
                                  "cluster_members", "loans_list", "subsidies_rows"])
def test_a_chosen_municipality_outside_the_scope_shows_nothing(small_db, name):
    scoped = small_db.for_scope(municipal(KORENOVSK))
    frame = queries.run(scoped, name, PARAMS | {"munis": [KRASNODAR]})
    if "oktmo" in frame:
        assert set(frame["oktmo"].dropna()) <= {KORENOVSK}
    if name != "municipality_list":
        assert frame.empty or not frame.select_dtypes("number").fillna(0).any().any()


def test_two_municipalities_and_an_empty_scope(small_db):
    two = queries.run(small_db.for_scope(municipal(KORENOVSK, ABINSK)), "shipments_by_municipality", PARAMS)
    assert set(two["oktmo"]) == {KORENOVSK, ABINSK}
    assert two["shipped_rub"].sum() == pytest.approx((SHIPPED_2025["A"] + SHIPPED_2025["D"] + SHIPPED_2025["C"]) * M)
    none = small_db.for_scope(municipal())
    assert queries.run(none, "shipments_rows", PARAMS).empty
    assert queries.run(none, "overview_kpis", PARAMS)["shipped_rub"].fillna(0).sum() == 0


def test_the_load_report_is_empty_for_a_restricted_scope(small_db):
    scoped = small_db.for_scope(municipal(KORENOVSK))
    assert queries.run(scoped, "load_files", PARAMS).empty
    assert not queries.run(small_db, "load_files", PARAMS).empty


def test_scopes_never_share_cached_results(small_db):
    a = small_db.for_scope(municipal(KORENOVSK))
    b = small_db.for_scope(municipal(KRASNODAR))
    assert len({small_db.fingerprint, a.fingerprint, b.fingerprint}) == 3
    ra = queries.run(a, "shipments_by_municipality", PARAMS)
    rb = queries.run(b, "shipments_by_municipality", PARAMS)
    assert set(ra["oktmo"]) == {KORENOVSK} and set(rb["oktmo"]) == {KRASNODAR}


def test_restricted_and_whole_krai_users_at_once(small_db):
    """Threads of two sessions, one restricted, each get their own figures on every run."""
    scoped = small_db.for_scope(municipal(KORENOVSK))
    errors, seen = [], {"r": set(), "w": set()}

    def session(db, key):
        try:
            for i in range(40):
                queries.CACHE.clear() if i % 10 == 0 else None
                frame = queries.run(db, "shipments_by_municipality", PARAMS | {"date_from": date(2025, 1 + i % 6, 1)})
                seen[key] |= set(frame["oktmo"].dropna())
        except Exception as e:      # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=session, args=(scoped, "r")), threading.Thread(target=session, args=(small_db, "w")),
               threading.Thread(target=session, args=(scoped, "r"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert seen["r"] == {KORENOVSK}
    assert {KORENOVSK, KRASNODAR, ABINSK} <= seen["w"]


def test_aggregates_only_refuses_enterprise_statements(small_db):
    scoped = small_db.for_scope(Scope(user="u", role="krai", detail=AGGREGATES))
    enterprise_level = [n for n in queries.names() if queries.load(n).level == queries.LEVEL_ENTERPRISES]
    assert {"shipments_rows", "loans_list", "production_enterprises", "cluster_members"} <= set(enterprise_level)
    for name in enterprise_level:
        with pytest.raises(queries.NotPermitted):
            queries.run(scoped, name, PARAMS)
    assert not queries.run(scoped, "municipality_list", PARAMS).empty


def test_a_whole_krai_full_scope_is_the_version_itself(small_db):
    assert small_db.for_scope(Scope(user="a", role="admin")) is small_db
    assert small_db.for_scope(Scope(user="k", role="krai")) is small_db


def test_statements_run_at_once_answer_as_one_at_a_time(small_db):
    """queries.run_many (the cluster page's three statements side by side) gives each scope what run gives it,
    and a NotPermitted in place of an enterprise-level statement for an aggregates-only scope."""
    names = ["cluster_specialisation", "cluster_members", "cluster_vs_rest"]
    for db in (small_db, small_db.for_scope(municipal(KORENOVSK))):
        queries.CACHE.clear()
        together = queries.run_many(db, [(n, PARAMS) for n in names])
        queries.CACHE.clear()
        for name, frame in zip(names, together):
            pd.testing.assert_frame_equal(frame, queries.run(db, name, PARAMS))
    queries.CACHE.clear()
    spec, members, trend = queries.run_many(small_db.for_scope(municipal(KORENOVSK, detail=AGGREGATES)),
                                            [(n, PARAMS) for n in names])
    assert isinstance(members, queries.NotPermitted)
    assert isinstance(spec, pd.DataFrame) and isinstance(trend, pd.DataFrame)


ENTERPRISE_STATEMENTS = ("enterprise_profile", "enterprise_summary", "enterprise_monthly", "enterprise_support")


@pytest.mark.parametrize("inn", ["2310000029", "2310000036", "2310000050", "0000000000"])
def test_an_enterprise_outside_the_scope_answers_as_one_that_does_not_exist(small_db, inn):
    """A Кореновский user asking (a crafted link) for Краснодар's B, Абинский's C, an INN missing from the register or
    one that does not exist gets the same: no profile, no summary, no support, and a month list without figures —
    nothing that tells them apart. The search suggests none of them."""
    scoped = small_db.for_scope(municipal(KORENOVSK))
    answers = []
    for name in ENTERPRISE_STATEMENTS:
        frame = queries.run(scoped, name, PARAMS | {"inn": inn})
        figures = frame.drop(columns=["period"], errors="ignore")
        answers.append((name, len(frame), int(figures.notna().sum().sum())))
    assert answers == [("enterprise_profile", 0, 0), ("enterprise_summary", 0, 0), ("enterprise_monthly", 12, 0),
                       ("enterprise_support", 0, 0)]
    for text in (inn, inn[:6], "Бета", "Гамма", "тест"):
        found = queries.run(scoped, "enterprise_search", PARAMS | {"search": text, "limit": 10})
        assert set(found["inn"]) <= {"2310000011", "2310000043"}, (text, list(found["inn"]))
