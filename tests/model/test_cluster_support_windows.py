"""«Кластер и остальная промышленность»: support counts only decisions inside each window (issue 8).

`queries/cluster_vs_rest.sql` counted, for a period that is not the latest, every loan and subsidy decided in
the eleven months after the period as support of the chosen months (DuckDB's `//` truncates toward zero, so a
decision month after the window's end fell into window 0). The hand-worked data below has decisions before,
inside and after the chosen months; every expected figure is worked out in the comments.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kuban import paths
from kuban.model import cluster as C
from kuban.model import queries
from kuban.model.db import Database
from tests.oracle.randomdata import Dataset

M = 1_000_000
KRASNODAR, ABINSK = "03701000", "03601000"
C1, R1, C2, R2, U = "2310000010", "2310000011", "2310000012", "2310000013", "2399999901"
PERIOD = (date(2025, 1, 1), date(2025, 6, 1))       # January-June 2025; a year earlier: January-June 2024
CODES = ["28"]


def month(y: int, m: int) -> int:
    """Month number as tests/oracle/randomdata.py counts them (0 = January 2023)."""
    return (y - 2023) * 12 + m - 1


def kop(rubles: float) -> int:
    return int(round(rubles * 100))


def build() -> Database:
    enterprises = (
        (C1, "28.25", KRASNODAR, "large"),      # cluster
        (R1, "10.11", KRASNODAR, "medium"),     # rest
        (C2, "28.99", ABINSK, "small"),         # cluster
        (R2, "10.51", ABINSK, "small"),         # rest, no shipments or production at all
    )
    # Shipments every month of 2024 and 2025: C1 10 M, R1 30 M, C2 1 M; no production (not needed here).
    shipments = tuple((inn, month(y, m), kop(amount), None)
                      for inn, amount in ((C1, 10 * M), (R1, 30 * M), (C2, 1 * M))
                      for y in (2024, 2025) for m in range(1, 13))
    d = date
    loans = (
        # id, inn, fund, programme, amount, rate, term, decision date, status
        ("L1", C1, "ФРП", "Приоритет", kop(100 * M), 1.0, 5.0, d(2024, 12, 20), "Выдан"),   # before the period, after window 1: none
        ("L2", C1, "ФРП", "Приоритет", kop(40 * M), 1.0, 5.0, d(2024, 3, 15), "Выдан"),     # window 1 (Jan-Jun 2024)
        ("L3", C1, "ФРП", "Приоритет", kop(50 * M), 1.0, 5.0, d(2025, 1, 1), "Одобрен"),    # inside: window 0
        ("L4", C1, "ФРП", "Приоритет", kop(20 * M), 1.0, 5.0, d(2025, 6, 30), "Отказано"),  # inside but refused
        ("L5", U, "ФРП", "Приоритет", kop(3 * M), 1.0, 5.0, d(2025, 2, 1), None),           # inside, rest (unregistered)
        ("L6", C1, "ФРП", "Приоритет", kop(200 * M), 1.0, 5.0, d(2025, 7, 1), "Выдан"),     # after: 1 month (was window 0)
        ("L7", C1, "ФРП", "Приоритет", kop(300 * M), 1.0, 5.0, d(2026, 5, 1), "Выдан"),     # after: 11 months (was window 0)
        ("L8", R1, "ФРП", "Приоритет", kop(1000 * M), 1.0, 5.0, d(2026, 6, 15), "Выдан"),   # after: 12 months (never counted)
    )
    subsidies = (
        ("S1", C1, "Оборудование", kop(5 * M), d(2025, 6, 30), None),        # inside, cluster
        ("S2", R1, "Оборудование", kop(7 * M), d(2025, 3, 10), None),        # inside, rest
        ("S3", R1, "Оборудование", kop(11 * M), d(2025, 12, 31), None),      # after: 6 months (was window 0)
        ("S4", R2, "Лизинг", kop(8 * M), d(2025, 4, 1), None),               # inside, rest, R2 has no facts
        ("S5", C2, "Лизинг", kop(2 * M), d(2025, 5, 5), None),               # inside, cluster (Абинский)
    )
    data = Dataset(enterprises, shipments, (), loans, subsidies)
    return Database(data.load_result("hand-worked-support-windows"))


@pytest.fixture(scope="module")
def db():
    database = build()
    yield database
    database.close()


def params(munis=()):
    return C.params(C.Definition(codes=tuple(CODES)), list(munis), *PERIOD)


def side(frame, years_back, in_cluster):
    row = frame[(frame["years_back"] == years_back) & (frame["in_cluster"] == in_cluster)]
    assert len(row) == 1, (years_back, in_cluster)
    return row.iloc[0]


def test_support_counts_only_decisions_inside_each_window(db):
    f = queries.run(db, "cluster_vs_rest", params())
    # Windows: Jan-Jun 2025 (0) and Jan-Jun 2024 (1); shipments exist in both.
    assert sorted(f["years_back"].unique()) == [0, 1]
    # Window 0, cluster: L3 50 + S1 5 + S5 2 (C2, Абинский) = 57 M (L4 refused; L6 July 2025 and
    # L7 May 2026 are after the period: before the fix they made it 557 M).
    assert side(f, 0, True)["support_rub"] == 57 * M
    # Window 0, rest: S2 7 + L5 3 (unregistered INN, unknown status: not a refusal) + S4 8 = 18 M
    # (S3 December 2025 and L8 June 2026 are after the period: before the fix S3 made it 29 M).
    assert side(f, 0, False)["support_rub"] == 18 * M
    # Window 1 (Jan-Jun 2024), cluster: L2 40 M; L1 (December 2024) lies between the windows.
    assert side(f, 1, True)["support_rub"] == 40 * M
    assert side(f, 1, False)["support_rub"] == 0
    # Shipments of window 0: cluster C1 + C2 = 6 * 11 M = 66 M; rest R1 6 * 30 M = 180 M.
    assert side(f, 0, True)["shipped_rub"] == 66 * M
    assert side(f, 0, False)["shipped_rub"] == 180 * M


def test_headline_share_of_support(db):
    a = C.analyse(lambda name, p: queries.run(db, name, p), C.Definition(codes=tuple(CODES)), [], *PERIOD)
    assert a.headline["c_support_rub"] == 57 * M
    assert a.headline["share_support"] == pytest.approx(57 / (57 + 18))     # 0.76 (before the fix 557 / 586)


def test_a_side_with_support_but_no_facts_still_counts(db):
    # Абинский район: only C2 (cluster) reports shipments; R2 (rest) reports nothing but got S4 8 M in April 2025.
    f = queries.run(db, "cluster_vs_rest", params([ABINSK]))
    rest = side(f, 0, False)
    assert rest["support_rub"] == 8 * M
    assert pd.isna(rest["shipped_rub"]) and pd.isna(rest["output_rub"])
    assert side(f, 0, True)["support_rub"] == 2 * M           # S5
    a = C.analyse(lambda name, p: queries.run(db, name, p), C.Definition(codes=tuple(CODES)), [ABINSK], *PERIOD)
    assert a.headline["share_support"] == pytest.approx(2 / (2 + 8))   # 0.2 (before the fix 100 %)


def test_demo_data_2025_support_equals_loans_and_subsidies_decided_in_2025():
    """The issue's check on the demo data: «Кластер», January-December 2025 (2026 has data too, so the period
    is not the latest): the cluster's and the rest's support are the loans (not refused) and subsidies decided
    in 2025, split by whether the recipient's OKVED falls under the default cluster codes."""
    from kuban.data.ingest import load_folder
    from kuban.texts import LOAN_REFUSED_STATUSES
    result = load_folder(paths.DEFAULT_DATA)
    database = Database(result)
    try:
        period = (date(2025, 1, 1), date(2025, 12, 1))
        d = C.Definition()
        frame = queries.run(database, "cluster_vs_rest", C.params(d, [], *period))
        now = frame[frame["years_back"] == 0].set_index("in_cluster")["support_rub"]
    finally:
        database.close()

    t = result.tables
    okved = dict(zip(t["enterprises"]["inn"], t["enterprises"]["okved"]))
    refused = {s.lower() for s in LOAN_REFUSED_STATUSES}
    loans = t["loans"][~t["loans"]["status"].fillna("").str.strip().str.lower().isin(refused)]
    support = pd.concat([loans[["inn", "amount_rub", "decision_date"]],
                         t["subsidies"][["inn", "amount_rub", "decision_date"]]])
    support = support[support["decision_date"].dt.year == 2025]
    member = support["inn"].map(lambda inn: any(str(okved.get(inn, "")).startswith(c) for c in d.codes)
                                if inn in okved else False)
    assert len(support) > 0 and support["decision_date"].max() < pd.Timestamp("2026-01-01")
    assert abs(now[True] - support.loc[member, "amount_rub"].sum()) < 0.005
    assert abs(now[False] - support.loc[~member, "amount_rub"].sum()) < 0.005
    assert abs(now.sum() - support["amount_rub"].sum()) < 0.005
