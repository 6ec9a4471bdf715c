"""The «Кластер» page's figures shaped for display and download (kuban/app/cluster_view.py), and its charts on
an empty analysis, on tests/fixtures/cluster (figures worked out BY HAND in its README).

Default view: 2025-01..2025-12 (only December 2025 has data). Municipalities: X Краснодар, W Новороссийск,
Y Кореновский район, Z Абинский район.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kuban.app import charts, cluster_view
from kuban.data.cluster_definitions import Definition
from kuban.model import cluster as C
from kuban.model import queries

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cluster"
X = "03701000"
M = 1_000_000
PERIOD = (date(2025, 1, 1), date(2025, 12, 1))


@pytest.fixture(scope="module")
def run():
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    database = Database(load_folder(FIXTURE))
    yield lambda name, params: queries.run(database, name, params)
    database.close()


def analyse(run, d=None):
    return C.analyse(run, d or Definition(), [], *PERIOD)


def test_lq_download_has_exactly_the_documented_columns(run):
    out = cluster_view.lq_download(analyse(run).lqs)
    assert list(out.columns) == ["oktmo", "municipality", "division", "lq_employment", "lq_output",
                                 "employees", "output_rub"]
    x = out[(out["oktmo"] == X) & (out["division"] == "кластер")].iloc[0]
    assert (x["lq_employment"], x["lq_output"], x["employees"], x["output_rub"]) == \
        (pytest.approx(1.5), pytest.approx(1.4), 600, 1400 * M)
    assert set(out["division"]) == {"26", "27", "28", "29", "30", "33", "кластер"}


def test_members_download_leaves_out_only_the_krai_rank(run):
    members = analyse(run).members
    out = cluster_view.members_download(members)
    assert list(out.columns) == [c for c in members.columns if c != "shipped_rank"]
    assert len(out) == 9


def test_saved_definitions_side_by_side(run):
    a = Definition(name="Машиностроение", codes=("28", "29"), lq_threshold=1.5, min_enterprises=2,
                   min_employees=50, anchor_large=False, anchor_top_n=3, min_participants=9, years_back=2)
    b = Definition(name="Только 28.2", codes=("28.2",))
    table = cluster_view.comparison([analyse(run, d) for d in (a, b)])
    assert list(table.columns) == ["Показатель", "Машиностроение", "Только 28.2"]
    rows = table.set_index("Показатель")
    assert rows.loc["Участников", "Машиностроение"] == "9"
    assert rows.loc["Участников", "Только 28.2"] == "2"                    # X1 28.25, X2 28.29
    assert rows.loc["Требование о числе участников", "Машиностроение"] == "выполнено (9 из 9)"
    assert rows.loc["Специализированные МО (LQ по численности)", "Машиностроение"] == "Краснодар (1,50); Новороссийск (1,50)"
    assert rows.loc["Якорные", "Машиностроение"] == "топ-3 по отгрузке"
    assert rows.loc["Якорные", "Только 28.2"] == "крупные или топ-5 по отгрузке"
    # two definitions of one name get two columns
    assert list(cluster_view.comparison([analyse(run, b), analyse(run, b)]).columns) == \
        ["Показатель", "Только 28.2", "Только 28.2 (2)"]


def test_anchor_rule_in_words():
    assert cluster_view.anchor_rule(Definition()) == "крупные или топ-5 по отгрузке"
    assert cluster_view.anchor_rule(Definition(anchor_top_n=0)) == "крупные"
    assert cluster_view.anchor_rule(Definition(anchor_large=False, anchor_top_n=0)) == "не выделяются"


def test_heat_map_order_and_columns(run):
    a = analyse(run)
    heat = cluster_view.display_order(a.lqs)
    # enough data first (Краснодар 1.5, Новороссийск 1.5, in OKTMO order), then the thin ones by LQ
    assert list(dict.fromkeys(heat["municipality"])) == ["Краснодар", "Новороссийск", "Абинский район",
                                                          "Кореновский район"]
    columns = cluster_view.heatmap_columns(Definition(), a.headline["codes_without_data"])
    assert columns == {"28": "<b>28</b><br>машины и<br>оборудование", "29": "<b>29</b><br>автомобили,<br>прицепы",
                       "cluster": "КЛАСТЕР<br>в целом"}
    assert cluster_view.heatmap_columns(Definition(codes=("28.25",))) == {"28.25": "<b>28.25</b>",
                                                                          "cluster": "КЛАСТЕР<br>в целом"}


def test_a_period_without_data_gives_empty_charts_not_errors(run):
    a = C.analyse(run, Definition(), [], date(2030, 1, 1), date(2030, 12, 1))
    empty = C.versus_rest(pd.DataFrame(columns=["years_back", "window_from", "window_to", "in_cluster",
                                                "shipped_rub", "output_rub", "employees", "support_rub"]))
    for fig in (charts.bars_over_time(empty, series={"c_growth": "a", "r_growth": "b"}, title="t", kind="change",
                                      empty_text="нет"),
                charts.shares_over_time(empty, series={"share_shipped": "x"}, title="t", empty_text="нет"),
                charts.lq_heatmap(a.lqs, value="lq_employment", columns=cluster_view.heatmap_columns(Definition()),
                                  title="t", thin_text="м", empty_text="нет"),
                charts.lq_quadrant(cluster_view.quadrant_frame(a.lqs), threshold=1.25, names={"thin": "м"}, title="t",
                                   x_title="x", y_title="y", size_unit="ч", empty_text="нет")):
        assert fig.layout.annotations[0].text == "нет"
