"""Shared fixtures: the small hand-made data set (tests/fixtures/small) and its figures.

The figures below are worked out by hand from the fixture's rows (see its README):
default view = 2025-01..2025-12 (the last 12 months with data), a year earlier = 2024-01..2024-12.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

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
