"""The cluster arithmetic (kuban/model/cluster.py + queries/cluster_*.sql) against figures worked out BY HAND
on tests/fixtures/cluster (rows and arithmetic in its README). Definitions and their files:
tests/data/test_cluster_definitions.py; the figures shaped for display: tests/app/test_cluster_view.py.

Default view: 2025-01..2025-12 (only December 2025 has data); 3 years back: December 2022.
Municipalities: X Краснодар, W Новороссийск, Y Кореновский район, Z Абинский район.
"""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kuban.data.cluster_definitions import Definition
from kuban.model import cluster as C
from kuban.model import queries
from kuban.model.cluster import CLUSTER

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cluster"
X, W, Y, Z = "03701000", "03720000", "03621000", "03601000"
M = 1_000_000
PERIOD = (date(2025, 1, 1), date(2025, 12, 1))


@pytest.fixture(scope="module")
def db():
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    database = Database(load_folder(FIXTURE))
    yield database
    database.close()


@pytest.fixture(scope="module")
def run(db):
    return lambda name, params: queries.run(db, name, params)


def analyse(run, d=None, munis=(), basis="employment"):
    return C.analyse(run, d or Definition(), list(munis), *PERIOD, basis=basis)


def cell(lqs, oktmo, industry):
    row = lqs[(lqs["oktmo"] == oktmo) & (lqs["industry"] == industry)]
    assert len(row) == 1, (oktmo, industry)
    return row.iloc[0]


# --- The formula ------------------------------------------------------------------------------

def test_lq_formula():
    # (e_ij / e_j) / (E_i / E): 400 of 1000 in the municipality, 600 of 3000 in the krai -> 0.4 / 0.2 = 2
    assert C.lq(400, 1000, 600, 3000) == 2.0
    assert C.lq(600, 1000, 1200, 3000) == 1.5            # 0.6 / 0.4, exact (computed as 600*3000 / (1000*1200))
    assert C.lq(0, 500, 600, 3000) == 0.0                # no such industry here: 0, not missing
    assert math.isnan(C.lq(10, 0, 600, 3000))            # no data in the municipality
    assert math.isnan(C.lq(0, 500, 0, 3000))             # industry absent from the krai


# --- Location quotients on the fixture ---------------------------------------------------------

EMPLOYMENT_LQ = {   # README: employment December 2025
    (X, "28"): 2.0, (W, "28"): 1.0, (Y, "28"): 0.5, (Z, "28"): 0.0,
    (X, "29"): 1.0, (W, "29"): 2.0, (Y, "29"): 0.5, (Z, "29"): 1.0,
    (X, CLUSTER): 1.5, (W, CLUSTER): 1.5, (Y, CLUSTER): 0.5, (Z, CLUSTER): 0.5,
}
OUTPUT_LQ = {       # README: output December 2025
    (X, "28"): 2.5, (W, "28"): 0.5, (Y, "28"): 0.25, (Z, "28"): 0.0,
    (X, "29"): 2 / 3, (W, "29"): 2.0, (Y, "29"): 1.0, (Z, "29"): 2 / 3,
    (X, CLUSTER): 1.4, (W, CLUSTER): 1.4, (Y, CLUSTER): 0.7, (Z, CLUSTER): 0.4,
}


def test_location_quotients_by_employment_and_output(run):
    lqs = analyse(run).lqs
    for (oktmo, industry), expected in EMPLOYMENT_LQ.items():
        assert cell(lqs, oktmo, industry)["lq_employment"] == pytest.approx(expected), (oktmo, industry)
    for (oktmo, industry), expected in OUTPUT_LQ.items():
        assert cell(lqs, oktmo, industry)["lq_output"] == pytest.approx(expected), (oktmo, industry)
    # the aggregates behind them
    x = cell(lqs, X, CLUSTER)
    assert (x["employees"], x["output_rub"], x["enterprises"]) == (600, 1400 * M, 3)
    # divisions of the definition without any data in the krai have no LQ (and are reported as such)
    assert math.isnan(cell(lqs, X, "26")["lq_employment"])
    assert analyse(run).headline["codes_without_data"] == ["26", "27", "30", "33"]


def test_lq_change_over_years_and_quadrants(run):
    lqs = analyse(run, Definition(min_enterprises=2)).lqs
    # December 2022: cluster X 400/800, W 600/800, Y 100/800, Z 100/600; krai 1200/3000 = 0.4
    then = {X: 1.25, W: 1.875, Y: 0.3125, Z: 5 / 12}
    change = {X: 0.25, W: -0.375, Y: 0.1875, Z: 0.5 - 5 / 12}
    quadrant = {X: "leading", W: "mature", Y: "emerging", Z: "thin"}   # Z: one cluster enterprise
    for m in (X, W, Y, Z):
        row = cell(lqs, m, CLUSTER)
        assert row["lq_employment_then"] == pytest.approx(then[m])
        assert row["change_employment"] == pytest.approx(change[m])
        assert row["quadrant_employment"] == quadrant[m]
    # by output the same months: X 1.4 now, 800/1600 / (2400/6000) = 1.25 then -> +0.15, still leading
    assert cell(lqs, X, CLUSTER)["change_output"] == pytest.approx(0.15)
    assert cell(lqs, X, CLUSTER)["quadrant_output"] == "leading"


def test_quadrant_rule():
    t = 1.25
    assert C.quadrant(1.5, 0.1, t) == "leading"          # high, growing
    assert C.quadrant(1.5, -0.1, t) == "mature"          # high, shrinking
    assert C.quadrant(0.8, 0.1, t) == "emerging"         # low, growing
    assert C.quadrant(0.8, -0.1, t) == "transforming"    # low, shrinking
    assert C.quadrant(1.25, 0.1, t) == "leading"         # at the threshold counts as high
    assert C.quadrant(1.5, 0.0, t) == "mature"           # no change is not growth
    assert C.quadrant(float("nan"), 0.1, t) is None and C.quadrant(1.0, None, t) is None


def test_too_little_data_is_marked_not_shown_as_extreme(run):
    # default rule: fewer than 3 cluster enterprises or 100 cluster employees
    a = analyse(run)
    lqs = a.lqs
    assert [bool(cell(lqs, m, CLUSTER)["thin"]) for m in (X, W, Y, Z)] == [False, False, True, True]
    assert cell(lqs, Y, CLUSTER)["quadrant_employment"] == "thin"
    assert a.headline["thin"] == ["Абинский район", "Кореновский район"]
    # cells: X-28 has 2 enterprises (thin under the default 3), X-29 one, W-29 two
    assert all(bool(cell(lqs, m, i)["thin"]) for m, i in ((X, "28"), (X, "29"), (W, "29")))
    lqs2 = analyse(run, Definition(min_enterprises=2)).lqs
    assert not cell(lqs2, X, "28")["thin"] and not cell(lqs2, W, "29")["thin"] and cell(lqs2, X, "29")["thin"]
    # the employee floor: W has 300 cluster employees, X 600
    lqs3 = analyse(run, Definition(min_enterprises=1, min_employees=400)).lqs
    assert [bool(cell(lqs3, m, CLUSTER)["thin"]) for m in (X, W, Y, Z)] == [False, True, True, True]
    # a thin municipality is never «specialised», however high its LQ: Z's LQ 0.5 reaches a threshold of 0.4
    a4 = analyse(run, Definition(lq_threshold=0.4))
    assert a4.headline["specialised"] == ["Краснодар", "Новороссийск"]
    assert C.thin(None, None, Definition()) and not C.thin(3, 100, Definition())


def test_specialised_municipalities(run):
    a = analyse(run)
    assert a.headline["specialised"] == ["Краснодар", "Новороссийск"]    # 1.5 and 1.5 >= 1.25
    assert a.headline["specialised_lq"] == [pytest.approx(1.5), pytest.approx(1.5)]
    assert analyse(run, Definition(lq_threshold=1.6)).headline["specialised"] == []
    by_output = analyse(run, basis="output").headline
    assert by_output["specialised_lq"] == [pytest.approx(1.4), pytest.approx(1.4)]


def test_municipality_filter_keeps_the_krai_as_the_base(run):
    lqs = analyse(run, munis=[Y]).lqs
    assert set(lqs["oktmo"]) == {Y}
    assert cell(lqs, Y, CLUSTER)["lq_employment"] == pytest.approx(0.5)   # same as against the whole krai
    assert cell(lqs, Y, "29")["lq_output"] == pytest.approx(1.0)


def test_classes_and_groups_as_codes(run):
    # 28.25 = X1 only (250 employees); group 29.3 = W2 29.32 + W3 29.31 (200) and Z1 29.32 (100)
    d = Definition(codes=("28.25", "29.3"))
    a = analyse(run, d)
    lqs = a.lqs
    assert cell(lqs, X, "28.25")["employees"] == 250
    assert cell(lqs, W, "29.3")["employees"] == 200 and cell(lqs, Z, "29.3")["employees"] == 100
    # cluster: X 250, W 200, Z 100, Y 0 -> 550 of 3000
    # X (250/1000) / (550/3000) = 15/11; W (200/500) / (550/3000) = 24/11; Z (100/500)/(550/3000) = 12/11
    assert cell(lqs, X, CLUSTER)["lq_employment"] == pytest.approx(15 / 11)
    assert cell(lqs, W, CLUSTER)["lq_employment"] == pytest.approx(24 / 11)
    assert cell(lqs, Z, CLUSTER)["lq_employment"] == pytest.approx(12 / 11)
    assert cell(lqs, Y, CLUSTER)["lq_employment"] == 0
    assert sorted(a.members["inn"]) == ["2320000109", "2320000606", "2320000701", "2320001208"]


# --- Members, anchors ----------------------------------------------------------------------------

def test_members(run):
    m = analyse(run).members.set_index("inn")
    assert len(m) == 9                                          # X1-X3, W1-W3, Y1, Y2, Z1
    x1 = m.loc["2320000109"]
    assert x1["name"] == "АО «Станкомаш-Тест»" and x1["municipality"] == "Краснодар" and x1["size"] == "large"
    assert x1["shipped_rub"] == 700 * M and x1["shipped_prev_rub"] == 500 * M
    assert x1["growth"] == pytest.approx(700 / 500 - 1)        # +40 %
    assert x1["employees"] == 250 and x1["productivity_rub"] == pytest.approx(700 * M / 250)   # 2.8 mln
    assert x1["export_share"] == pytest.approx(350 / 700)
    assert x1["support_rub"] == 100 * M                          # loan LX1
    assert m.loc["2320000500", "support_rub"] == 0               # W1: its only loan was refused
    assert m.loc["2320000606", "support_rub"] == 10 * M          # W2: subsidy SW2
    assert m.loc["2320000606", "export_share"] == pytest.approx(70 / 350)
    assert m.loc["2320001208", "growth"] == pytest.approx(1.0)   # Z1 200 against 100
    assert list(analyse(run, munis=[Y]).members["inn"]) == ["2320001007", "2320000902"]


def test_anchor_marking(run):
    # shipments 2025: X1 700, Y2 600, X3 400, W2 350, X2 300, ... ; large: X1 only
    d = Definition(anchor_top_n=2)
    m = analyse(run, d).members.set_index("inn")
    assert set(m.index[m["anchor"]]) == {"2320000109", "2320001007"}
    assert m.loc["2320000109", "anchor_reason"] == "крупное, топ-2 по отгрузке"
    assert m.loc["2320001007", "anchor_reason"] == "топ-2 по отгрузке"
    assert m.loc["2320000300", "anchor_reason"] == ""
    only_large = analyse(run, Definition(anchor_top_n=0)).members
    assert list(only_large[only_large["anchor"]]["inn"]) == ["2320000109"]
    none = analyse(run, Definition(anchor_top_n=0, anchor_large=False)).members
    assert not none["anchor"].any()
    # the rank is the krai's: in Кореновский район alone, top-1 is still X1 (Краснодар), so no anchor there
    local = analyse(run, Definition(anchor_top_n=1, anchor_large=False), munis=[Y]).members
    assert not local["anchor"].any()
    assert analyse(run, d).headline["anchors"] == 2


# --- The cluster against the rest ----------------------------------------------------------------

def test_cluster_against_the_rest(run):
    a = analyse(run)
    h = a.headline
    assert h["share_shipped"] == pytest.approx(3000 / 6000)      # 0.5
    assert h["share_employees"] == pytest.approx(1200 / 3000)    # 0.4
    assert h["share_support"] == pytest.approx(160 / 250)        # 0.64
    assert h["c_growth"] == pytest.approx(3000 / 2500 - 1)       # +20 %
    assert h["r_growth"] == pytest.approx(0.0)
    assert h["c_productivity_rub"] == pytest.approx(3000 * M / 1200)   # 2.5 mln per employee
    assert h["r_productivity_rub"] == pytest.approx(3000 * M / 1800)   # 1.667 mln
    t = a.trend
    assert list(t["years_back"]) == [3, 1, 0]                    # 2022, 2024, 2025 (no data for 2023)
    assert list(t["share_shipped"]) == pytest.approx([2400 / 6000, 2500 / 5500, 0.5])
    assert pd.isna(t.iloc[1]["c_growth"])                        # 2024: nothing a year earlier
    assert t.iloc[1]["c_support_rub"] == 20 * M                  # loan LX3 in 2024
    # one municipality: Кореновский район — cluster Y1+Y2 700 of 2000 shipped
    k = analyse(run, munis=[Y]).headline
    assert k["share_shipped"] == pytest.approx(700 / 2000) and k["share_support"] == pytest.approx(1.0)


# --- Decree 779 -------------------------------------------------------------------------------------

def test_requirements_check(run):
    req = analyse(run).requirements
    first = req.iloc[0]
    assert (first["threshold"], first["value"], first["result"]) == ("не менее 10", "9", "не выполнено")
    assert not first["passed"]
    assert list(req["result"][1:]) == ["данные не позволяют проверить"] * 3
    assert all(v == "—" for v in req["value"][1:])
    assert "договор" in req.iloc[1]["requirement"] and "20 %" in req.iloc[2]["threshold"]
    ok = analyse(run, Definition(min_participants=9)).requirements.iloc[0]
    assert (ok["value"], ok["result"]) == ("9", "выполнено")


def test_a_period_without_data_gives_empty_answers_not_errors(run):
    a = C.analyse(run, Definition(), [], date(2030, 1, 1), date(2030, 12, 1))
    assert a.lqs.empty and a.members.empty
    assert a.headline["members"] == 0 and a.headline["share_shipped"] is None
    assert a.requirements.iloc[0]["result"] == "не выполнено"
    assert list(a.trend["years_back"]) == [8, 6, 5]                     # 2022, 2024, 2025 seen from 2030
    empty = C.versus_rest(pd.DataFrame(columns=["years_back", "window_from", "window_to", "in_cluster",
                                                "shipped_rub", "output_rub", "employees", "support_rub"]))
    assert empty.empty                      # its charts: tests/app/test_cluster_view.py
