"""Shared fixtures: the small hand-made data set (tests/fixtures/small) and its figures.

The figures below are worked out by hand from the fixture's rows (see its README):
default view = 2025-01..2025-12 (the last 12 months with data), a year earlier = 2024-01..2024-12.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (`make test` must not fail on a new draw by chance);
# HYPOTHESIS_PROFILE=explore draws new ones, for a deeper search before larger changes.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small"

KORENOVSK = "03621000"
KRASNODAR = "03701000"
ABINSK = "03601000"

# Rows in millions of rubles, per enterprise (A 2310000011 Кореновский, B 2310000029 Краснодар,
# C 2310000036 Абинский, D 2310000043 Кореновский, U 2310000050 not in the register).
M = 1_000_000
SHIPPED_2025 = {"A": 150 + 130, "B": 450 + 420, "C": 50 + 60, "D": 20, "U": 10}       # 1290
SHIPPED_2024 = {"A": 100 + 120, "B": 500 + 400}                                      # 1120
EXPORT_2025 = {"A": 30 + 0, "B": 150 + 120}                                          # 300


# --- No silent skip -----------------------------------------------------------------------------------
# A skipped test reads like a passed one in a summary: here a skip (pytest.skip, skipif, importorskip, in a
# test, a fixture or a whole module) is a failure that says what was skipped and why. Deselecting with -m
# (`-m "not browser"`) is not skipping. No test of this project is meant for another platform only.

NO_SKIP = "a test was skipped, and no test here may be skipped: make it run, or fail with a reason. Skip reason: "


def _failed_instead_of_skipped(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = NO_SKIP + reason


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _failed_instead_of_skipped(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _failed_instead_of_skipped(outcome.get_result())


@pytest.fixture(scope="session")
def small_db():
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    db = Database(load_folder(SMALL))
    yield db
    db.close()


@pytest.fixture
def window():
    return {"munis": [], "divisions": [], "date_from": date(2025, 1, 1), "date_to": date(2025, 12, 1),
            "refused": ["отказано"]}


# --- The view cache -------------------------------------------------------------------------------------
# Views computed from results (kuban/model/memo.py) live for the process; a test starts without them, so a
# monkeypatched setting or text is never hidden by a view another test computed.
@pytest.fixture(autouse=True)
def _fresh_view_cache():
    from kuban.model import memo
    memo.CACHE.clear()
    yield
