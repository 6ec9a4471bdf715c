"""The «Производство», «Займы ФРП» and «Субсидии» pages through AppTest, the map (with and without GeoJSON
boundaries) and the loans page on the demo data.

Figures on tests/fixtures/analytics are worked out by hand in tests/model/test_queries_analytics.py (rows in the
fixture's README); here they are checked as the page shows them (how money and percent are written: tests/app/apptest.py).
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date

import pandas as pd
import pytest

from kuban import texts as T
from kuban.app import charts, export
from kuban.model import queries
from kuban.model.filters import Filters, default_window
from kuban.paths import DEFAULT_DATA, ROOT
from tests.app.apptest import NB, deltas, figures, map_points, metrics, start, titled
from tests.conftest import FIXTURES, KORENOVSK, KRASNODAR

ANALYTICS = FIXTURES / "analytics"
KOREN = "Кореновский район"


# --- «Производство» ------------------------------------------------------------------------------------

def test_production_whole_krai(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "production")
    # output 1324; a year earlier 1060 -> +24,9 %; headcount (2000 / 2) = 1000 against 1070 -> -6,5 %;
    # output per employee 1290 / 1000 = 1,29 mln against 1060 / 1070 = 0,9907 mln -> +30,2 %
    assert metrics(at) == {"Производство": f"1,3{NB}млрд{NB}₽", "Среднемесячная численность": f"1{NB}000{NB}чел.",
                           "Выработка на работника": f"1,3{NB}млн{NB}₽"}
    assert any(c.value == "Отчитались о производстве предприятий: 4." for c in at.caption)
    d = deltas(at)
    assert d["Производство"] == f"+24,9{NB}%"
    assert d["Среднемесячная численность"] == f"-6,5{NB}%"
    assert d["Выработка на работника"] == f"+30,2{NB}%"
    assert any("Выработка на работника" in c.value and "среднемесячную численность" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 8
    # monthly output: 630 and 694 mln (bars), 500 and 560 a year earlier (line)
    monthly = titled(at, T.CHART_OUTPUT_MONTHLY)
    assert [round(y, 1) for y in monthly["data"][0]["y"]] == [630.0, 694.0]
    assert [round(y, 1) for y in monthly["data"][1]["y"]] == [500.0, 560.0]
    # the axis spans the chosen months (January to December 2025), bars only where there is data
    assert monthly["layout"]["xaxis"]["ticktext"] == ["янв<br>2025", "мар", "май", "июл", "сен", "ноя"]
    assert len(monthly["data"][0]["x"]) == 2
    # productivity per municipality, млн ₽ per employee: Кореновский 4,125, Абинский 1,5, Краснодар 1,0
    prod = titled(at, T.CHART_PRODUCTIVITY_BY_MUNI)["data"][0]
    assert dict(zip(prod["y"], [round(x, 3) for x in prod["x"]])) == {
        "Кореновский район": 4.125, "Абинский район": 1.5, "Краснодар": 1.0}
    assert titled(at, T.CHART_PRODUCTIVITY_BY_MUNI)["layout"]["xaxis"]["title"]["text"] == f"млн{NB}₽ на работника"
    # the map: output per municipality, 900, 364 and 60 mln
    assert map_points(titled(at, T.MAP_OUTPUT)) == {
        "Краснодар": f"900,0{NB}млн{NB}₽", "Кореновский район": f"364,0{NB}млн{NB}₽", "Абинский район": f"60,0{NB}млн{NB}₽"}
    top, growth = at.dataframe[0].value, at.dataframe[1].value
    assert list(top["ИНН"]) == ["2310001022", "2310001015", "2310001030", "2310001047"]    # 900, 300, 64, 60
    assert list(growth["ИНН"]) == ["2310001022", "2310001047", "2310001015"]               # +25 %, +20 %, +19 %
    # +25 %, +20 %, 5 / 4,2 - 1 = +19,05 %; output per employee in тыс. ₽: 1000, 1500, 5000
    assert growth["Рост выработки"].tolist() == [f"+25,0{NB}%", f"+20,0{NB}%", f"+19,0{NB}%"]
    assert growth["Выработка на работника, тыс. ₽"].tolist() == [f"1{NB}000", f"1{NB}500", f"5{NB}000"]
    assert top["Производство, млн ₽"].tolist() == ["900,0", "300,0", "64,0", "60,0"]


def test_production_one_municipality(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "production", [KOREN])
    assert at.sidebar.multiselect(key="mo").value == [KOREN]
    # P1 + P3: output 364 (a year earlier 210 -> +73,3 %); headcount (60+60+40) / 2 = 80 (50 -> +60 %);
    # per employee 330 / 80 = 4,125 mln (4,2 a year earlier -> -1,8 %)
    assert metrics(at) == {"Производство": f"364,0{NB}млн{NB}₽", "Среднемесячная численность": f"80{NB}чел.",
                           "Выработка на работника": f"4,1{NB}млн{NB}₽"}
    assert any(c.value == "Отчитались о производстве предприятий: 2." for c in at.caption)
    d = deltas(at)
    assert (d["Производство"], d["Среднемесячная численность"], d["Выработка на работника"]) == \
        (f"+73,3{NB}%", f"+60,0{NB}%", f"-1,8{NB}%")
    assert list(at.dataframe[0].value["ИНН"]) == ["2310001015", "2310001030"]
    assert map_points(titled(at, T.MAP_OUTPUT)) == {"Кореновский район": f"364,0{NB}млн{NB}₽"}


# --- «Займы ФРП» -------------------------------------------------------------------------------------------

def test_loans_whole_krai(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "loans")
    # 2025 decisions without the refused LA2: LA1 60 + LF2 200 + LA3 30 = 290; rate 855 / 290 = 2,95 %;
    # term 1110 / 290 = 3,83 years; one refusal (LA2)
    assert metrics(at) == {"Портфель займов": f"290,0{NB}млн{NB}₽", "Число займов": "3",
                           "Средняя ставка": f"2,9{NB}%", "Средний срок, лет": "3,8", "Отказано заявок": "1"}
    assert len(at.get("plotly_chart")) == 7
    fund = titled(at, T.CHART_LOANS_BY_FUND)["data"][0]
    assert dict(zip(fund["y"], fund["x"])) == {"ФРП": 200.0, "ФРП Краснодарского края": 90.0}
    status = titled(at, T.CHART_LOANS_BY_STATUS)["data"][0]
    assert dict(zip(status["y"], status["x"])) == {"Одобрен": 230.0, "Выдан": 60.0, "Отказано": 20.0}
    monthly = titled(at, T.CHART_LOANS_MONTHLY)
    assert {t["name"]: t["y"] for t in monthly["data"]} == {"ФРП": [200.0], "ФРП Краснодарского края": [60.0, 30.0]}
    assert map_points(titled(at, T.MAP_LOANS)) == {"Краснодар": f"200,0{NB}млн{NB}₽", "Кореновский район": f"90,0{NB}млн{NB}₽"}
    table = at.dataframe[0].value
    # newest decision first: LA3 (P3), LF2 (P2), LA2 (P4, refused), LA1 (P1)
    assert list(table["Предприятие"]) == ["ООО «Пищевик-Аналитика»", "АО «Металл-Аналитика»",
                                          "ООО «Станок-Аналитика»", "ООО «Прибор-Аналитика»"]
    assert list(table["Состояние"]) == ["Одобрен", "Одобрен", "Отказано", "Выдан"]
    la1 = table.set_index("Предприятие").loc["ООО «Прибор-Аналитика»"]
    assert (la1["Муниципальное образование"], la1["Программа"], la1["Дата решения"]) == \
        (KOREN, "Машиностроение", "14.03.2025")
    assert (la1["Ставка, %"], la1["Срок, лет"], la1["Сумма, млн ₽"]) == ("3,0", "5,0", "60,0")
    # shipments 12 months before (2024-03..2025-02) 80 + 100 + 90 = 270; latest 12 months 90 + 120 + 130 = 340;
    # 340 / 270 - 1 = +25,9 %; 2025-03 -> 2025-12 = 9 months after
    assert la1["До решения, 12 мес., млн ₽"] == "270,0"
    assert la1["Последние 12 мес., млн ₽"] == "340,0"
    assert (la1["Изменение отгрузки"], la1["Месяцев после решения"]) == (f"+25,9{NB}%", "9")
    # LA3 (P3): nothing shipped in the 12 months before -> «—»
    assert table.set_index("Предприятие").loc["ООО «Пищевик-Аналитика»", "До решения, 12 мес., млн ₽"] == "—"
    assert any("январь 2025 — декабрь 2025" in c.value for c in at.caption)


def test_loans_one_municipality(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "loans", [KOREN])
    # LA1 60 (3 %, 5 y) + LA3 30 (2,5 %, 7 y): rate 255 / 90 = 2,83 %, term 510 / 90 = 5,67 years
    assert metrics(at) == {"Портфель займов": f"90,0{NB}млн{NB}₽", "Число займов": "2",
                           "Средняя ставка": f"2,8{NB}%", "Средний срок, лет": "5,7", "Отказано заявок": "0"}
    assert list(at.dataframe[0].value["Предприятие"]) == ["ООО «Пищевик-Аналитика»", "ООО «Прибор-Аналитика»"]


# --- «Субсидии» ---------------------------------------------------------------------------------------------

def test_subsidies_whole_krai(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "subsidies")
    # 2025: SA1 4 + SA3 10 + SA2 2 + SA5 1 = 17 mln, recipients P1, P2, P3;
    # intensity (290 + 17) / 1464 mln of shipments = 209 699,45 ₽ per 1 mln ₽
    assert metrics(at) == {"Субсидии": f"17,0{NB}млн{NB}₽", "Число субсидий": "4", "Получателей": "3",
                           "Интенсивность поддержки": f"209{NB}699{NB}₽"}
    assert len(at.get("plotly_chart")) == 6
    budget = titled(at, T.CHART_SUBSIDIES_BY_BUDGET)["data"][0]
    assert dict(zip(budget["y"], budget["x"])) == {"федеральный": 10.0, "региональный": 6.0, "Бюджет не указан": 1.0}
    intensity = titled(at, T.CHART_INTENSITY)["data"][0]
    # Кореновский 97 / 374 = 259 358,3; Краснодар 210 / 980 = 214 285,7; Абинский 0 / 110 = 0
    assert dict(zip(intensity["y"], [round(x, 1) for x in intensity["x"]])) == {
        "Кореновский район": 259358.3, "Краснодар": 214285.7, "Абинский район": 0.0}
    # (Абинский's 0 is drawn as a small grey circle, its value text still says 0)
    assert map_points(titled(at, T.MAP_INTENSITY)) == {
        "Кореновский район": f"259{NB}358,3{NB}₽ на 1 млн ₽", "Краснодар": f"214{NB}285,7{NB}₽ на 1 млн ₽",
        "Абинский район": f"0,0{NB}₽ на 1 млн ₽"}
    recipients = at.dataframe[0].value
    assert list(recipients["ИНН"]) == ["2310001022", "2310001015", "2310001030"]
    assert recipients["Сумма, млн ₽"].tolist() == ["10,0", "6,0", "1,0"]
    assert recipients["Последнее решение"].tolist() == ["15.06.2025", "01.09.2025", "01.12.2025"]


def test_subsidies_one_municipality(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "subsidies", [KOREN])
    # P1 4 + 2, P3 1 = 7 mln in 3 subsidies to 2 recipients; (90 + 7) / 374 = 259 358,3 ₽
    assert metrics(at) == {"Субсидии": f"7,0{NB}млн{NB}₽", "Число субсидий": "3", "Получателей": "2",
                           "Интенсивность поддержки": f"259{NB}358{NB}₽"}


@pytest.mark.parametrize("page", ["production", "loans", "subsidies", "shipments"])
def test_pages_with_no_rows_for_the_filter(monkeypatch, page):
    # Сочи has no enterprise in the fixture: every page still draws (empty charts say so), no exception.
    at = start(monkeypatch, ANALYTICS, page, ["Сочи"])
    assert len(at.get("plotly_chart")) >= 4
    texts = json.dumps(figures(at), ensure_ascii=False)
    assert T.NO_ROWS in texts


def test_shipments_page_has_the_map(monkeypatch):
    at = start(monkeypatch, ANALYTICS, "shipments")
    # shipments 2025: Краснодар 480 + 500 = 980, Кореновский 340 + 34 = 374, Абинский 110
    assert map_points(titled(at, T.MAP_SHIPMENTS)) == {
        "Краснодар": f"980,0{NB}млн{NB}₽", "Кореновский район": f"374,0{NB}млн{NB}₽", "Абинский район": f"110,0{NB}млн{NB}₽"}


# --- The map with GeoJSON boundaries ------------------------------------------------------------------------

def square_boundaries(centres: dict[str, tuple[float, float]], half: float = 0.1) -> dict:
    """A FeatureCollection of squares around (lon, lat) centres, matched by their «oktmo» property."""
    features = []
    for oktmo, (lon, lat) in centres.items():
        ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
                [lon - half, lat + half], [lon - half, lat - half]]
        features.append({"type": "Feature", "properties": {"oktmo": oktmo},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


CENTRES = {KORENOVSK: (39.46, 45.46), KRASNODAR: (38.98, 45.04), "03601000": (38.16, 44.87)}


def _matcher():
    from kuban.data.parse import MunicipalityMatcher
    munis = pd.read_csv(ROOT / "kuban" / "reference" / "municipalities.csv", dtype=str)
    return MunicipalityMatcher(munis)


def test_geo_load_boundaries(tmp_path):
    from kuban.data.geo import load_boundaries
    gj = square_boundaries(CENTRES)
    gj["features"].append({"type": "Feature", "properties": {"name": "Нигдеград"},
                           "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}})
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps(gj, ensure_ascii=False), encoding="utf-8")
    b = load_boundaries([path], _matcher())
    assert set(b.rings) == set(CENTRES)
    ring = b.rings[KORENOVSK][0]
    assert len(ring) == 5 and ring[0] == pytest.approx((39.36, 45.36))
    assert b.unmatched == ("Нигдеград",)
    assert load_boundaries([tmp_path / "missing.geojson"], _matcher()) is None


def test_map_figure_draws_polygons_with_boundaries(tmp_path):
    from kuban.data.geo import load_boundaries
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps(square_boundaries(CENTRES)), encoding="utf-8")
    b = load_boundaries([path], _matcher())
    munis = pd.read_csv(ROOT / "kuban" / "reference" / "municipalities.csv", dtype={"oktmo": str})
    data = munis.rename(columns={"name": "municipality"}).assign(value=None)
    data.loc[data["oktmo"] == KORENOVSK, "value"] = 90e6
    data["value"] = data["value"].astype(float)
    plain = charts.municipality_map(data, value="value", title="t", value_label="v")
    assert not [t for t in plain.data if t.fill == "toself"]
    fig = charts.municipality_map(data, value="value", title="t", value_label="v", boundaries=b)
    polygons = [t for t in fig.data if t.fill == "toself"]
    assert len(polygons) == 3
    assert {round(min(t.x), 2) for t in polygons} == {39.36, 38.88, 38.06}
    # the circles are still there (and clickable) on top of the polygons
    assert sum(len(t.x) for t in fig.data if t.mode == "markers+text") == 44


def test_pages_draw_polygons_when_the_data_folder_has_boundaries(monkeypatch, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(ANALYTICS, folder)
    (folder / "municipalities").mkdir()
    (folder / "municipalities" / "boundaries.geojson").write_text(json.dumps(square_boundaries(CENTRES)),
                                                                   encoding="utf-8")
    for page, title in (("production", T.MAP_OUTPUT), ("loans", T.MAP_LOANS),
                        ("subsidies", T.MAP_INTENSITY), ("shipments", T.MAP_SHIPMENTS)):
        at = start(monkeypatch, folder, page)
        fig = titled(at, title)
        assert len([t for t in fig["data"] if t.get("fill") == "toself"]) == 3, page


# --- The demo data: the two «Машиностроение» loans of the news --------------------------------------------------

def test_demo_loans_page_shows_the_machine_building_loans(monkeypatch):
    for table in ("shipments/shipments.parquet", "loans/loans.csv"):
        assert (DEFAULT_DATA / table).is_file(), f"the demo data set in data/ has no {table}: `make demo`"
    at = start(monkeypatch, DEFAULT_DATA, "loans")
    assert any(i.value.startswith("**Демонстрационные данные") for i in at.info)
    assert at.sidebar.selectbox(key="from").value == "2025-11" and at.sidebar.selectbox(key="to").value == "2026-10"
    table = at.dataframe[0].value
    machine = table[table["Программа"] == "Машиностроение"].set_index("Предприятие")
    assert set(machine.index) == {"ЗЭСКМИ", "Техноиндустрия"}
    assert machine.loc["ЗЭСКМИ", "Муниципальное образование"] == "Краснодар"
    assert machine.loc["Техноиндустрия", "Муниципальное образование"] == KOREN
    assert machine["Ставка, %"].tolist() == ["3,0", "3,0"]
    assert (machine.loc["ЗЭСКМИ", "Срок, лет"], machine.loc["Техноиндустрия", "Срок, лет"]) == ("3,0", "5,0")
    assert sum(float(v.replace(",", ".")) for v in machine["Сумма, млн ₽"]) * 1e6 == 102_000_000
    assert all(pd.Timestamp("2025-11-01") <= pd.to_datetime(d, dayfirst=True) < pd.Timestamp("2026-11-01")
               for d in machine["Дата решения"])

    # The download holds them: the page's loan download is the `loans_list` rows for the filters shown.
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    db = Database(load_folder(DEFAULT_DATA))
    try:
        bounds = queries.run(db, "period_bounds").iloc[0]
        d_from, d_to = default_window(bounds["last_period"].date(), bounds["first_period"].date())
        assert (d_from, d_to) == (date(2025, 11, 1), date(2026, 10, 1))
        f = Filters((), (), (), d_from, d_to)
        rows = queries.run(db, "loans_list", f.params(refused=[s.lower() for s in T.LOAN_REFUSED_STATUSES]))
        assert len(rows) == len(table)
        excel = list(csv.DictReader(io.StringIO(export.to_excel_csv(rows).decode("utf-8-sig")), delimiter=";"))
        plain = list(csv.DictReader(io.StringIO(export.to_plain_csv(rows).decode("utf-8")), delimiter=","))
    finally:
        db.close()
    for form, parsed, num in (("excel", excel, lambda s: float(s.replace(",", "."))), ("plain", plain, float)):
        got = {r["name"]: r for r in parsed if r["programme"] == "Машиностроение"}
        assert set(got) == {"ЗЭСКМИ", "Техноиндустрия"}, form
        assert sum(num(r["amount_rub"]) for r in got.values()) == 102_000_000, form
        assert [num(got[n]["rate_pct"]) for n in ("ЗЭСКМИ", "Техноиндустрия")] == [3.0, 3.0], form
        assert [num(got[n]["term_years"]) for n in ("ЗЭСКМИ", "Техноиндустрия")] == [3.0, 5.0], form
        assert {r["municipality"] for r in got.values()} == {"Краснодар", KOREN}, form
        assert {r["fund"] for r in got.values()} == {"ФРП Краснодарского края"}, form
