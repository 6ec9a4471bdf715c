"""«Производство», «Займы ФРП», «Субсидии» (and the map on «Отгрузка») in Chromium, on a copy of tests/fixtures/small.

Figures worked out by hand from the fixture rows (tests/fixtures/small, millions of rubles).
Default view 2025-01..2025-12, a year earlier 2024-01..2024-12.
  production 2025: A (Кореновский) 140 + 135 = 275, headcount 200 and 200; B (Краснодар) 460 + 410 = 870, 3000 and 3000
             2024: A 110 + 115 = 225, headcount 190 and 190
    krai:        output 1145 -> «1,1 млрд ₽»; headcount (200+200+3000+3000) / 2 = 3200 -> «3 200 чел.»;
                 per employee 1145 / 3200 = 0,3578 mln -> «357,8 тыс. ₽»
    Кореновский: output 275 -> «275,0 млн ₽» (225 a year earlier: +22,2 %); headcount 200 -> «200 чел.»;
                 per employee 275 / 200 = 1,375 mln -> «1,4 млн ₽» (225 / 190 = 1,1842 a year earlier: +16,1 %)
  loans decided in 2025: L1 A 50 (3 %, 5 years), L3 D 10 (2 %, 3 years), both Кореновский (L2 is 2024)
    portfolio 60 -> «60,0 млн ₽»; rate (150 + 20) / 60 = 2,83 % -> «2,8 %»; term (250 + 30) / 60 = 4,67 -> «4,7»
  subsidies decided in 2025: S1 A 2, S2 C (Абинский) 1,5 -> «3,5 млн ₽», 2 subsidies, 2 recipients
    intensity krai (60 + 3,5) / 1290 mln of shipments = 49 224,8 -> «49 225 ₽»
    Кореновский: subsidies 2 -> «2,0 млн ₽»; (60 + 2) / 300 = 206 666,7 -> «206 667 ₽»
"""
from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    FIXTURE,
    choose_municipality,
    chosen_municipalities,
    expect_metric,
    go_to,
    metrics,
    munis_select,
    open_app,
    plotly_chart,
    serve,
    wait_for_app,
)

NB = "\u00a0"
KOREN = "Кореновский район"

MAP_OUTPUT = "Карта: производство по муниципальным образованиям"              # texts.MAP_OUTPUT
MAP_LOANS = "Карта: займы ФРП по муниципальным образованиям заёмщиков"        # texts.MAP_LOANS
MAP_INTENSITY = "Карта: интенсивность поддержки (₽ на 1 млн ₽ отгрузки)"              # texts.MAP_INTENSITY
MAP_SHIPMENTS = "Карта: отгрузка по муниципальным образованиям"               # texts.MAP_SHIPMENTS

PATHS = {"Производство": "/production", "Займы ФРП": "/loans", "Субсидии": "/subsidies", "Отгрузка": "/shipments"}

PAGES = {
    # title in the navigation: (heading, number of charts, map title, figures for the krai, for Кореновский)
    "Производство": ("Производство и производительность труда", 8, MAP_OUTPUT,
                     {"Производство": f"1,1{NB}млрд{NB}₽", "Выработка на работника": f"357,8{NB}тыс.{NB}₽",
                      "Среднемесячная численность": f"3{NB}200{NB}чел."},
                     {"Производство": f"275,0{NB}млн{NB}₽", "Выработка на работника": f"1,4{NB}млн{NB}₽",
                      "Среднемесячная численность": f"200{NB}чел."}),
    "Займы ФРП": ("Займы Фонда развития промышленности", 7, MAP_LOANS,
                  {"Портфель займов": f"60,0{NB}млн{NB}₽", "Число займов": "2", "Средняя ставка": f"2,8{NB}%",
                   "Средний срок, лет": "4,7", "Отказано заявок": "0"},
                  {"Портфель займов": f"60,0{NB}млн{NB}₽", "Число займов": "2", "Средняя ставка": f"2,8{NB}%",
                   "Средний срок, лет": "4,7", "Отказано заявок": "0"}),
    "Субсидии": ("Субсидии промышленным предприятиям", 6, MAP_INTENSITY,
                 {"Субсидии": f"3,5{NB}млн{NB}₽", "Число субсидий": "2", "Получателей": "2",
                  "Интенсивность поддержки": f"49{NB}225{NB}₽"},
                 {"Субсидии": f"2,0{NB}млн{NB}₽", "Число субсидий": "1", "Получателей": "1",
                  "Интенсивность поддержки": f"206{NB}667{NB}₽"}),
}


def charts_drawn(page: Page, count: int) -> None:
    """`count` Plotly charts, each drawn (an SVG with its plot area), none left as an empty box."""
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(count)
    for i in range(count):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
        box = charts.nth(i).bounding_box()
        assert box and box["height"] > 150 and box["width"] > 300, (i, box)


def chips(page: Page):
    """The chosen municipalities' chips in the sidebar multiselect (for waiting on their number)."""
    return munis_select(page).get_by_role("group", name="Selected values").locator("[data-tag]")


def map_points(chart):
    """The circles of the municipalities on a map chart (Plotly scatter points)."""
    return chart.locator(".scatterlayer .trace .points path")


def click_municipality(page: Page, chart, label: str) -> None:
    """Click the circle whose text label is `label` (the map labels districts without « район»).

    The points and their labels are drawn in the same order within a trace; Plotly takes clicks on its
    drag layer above the points, so the mouse clicks the point's position rather than the element."""
    for trace in chart.locator(".scatterlayer .trace").all():
        texts = [t.strip() for t in trace.locator(".textpoint text").all_text_contents()]
        if label in texts:
            point = trace.locator(".points path").nth(texts.index(label))
            point.scroll_into_view_if_needed()          # the mouse can only click inside the viewport
            page.wait_for_timeout(200)
            box = point.bounding_box()
            assert box, label
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            wait_for_app(page)
            return
    raise AssertionError(f"no circle labelled {label!r} on the map")


@pytest.mark.parametrize("title", list(PAGES))
def test_page_renders_for_the_krai_and_one_municipality(page: Page, title: str):
    heading, n_charts, map_title, krai, koren = PAGES[title]
    open_app(page)
    go_to(page, title)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    charts_drawn(page, n_charts)
    assert metrics(page) == krai
    the_map = plotly_chart(page, map_title)
    expect(the_map).to_have_count(1)
    expect(map_points(the_map)).to_have_count(44)            # every municipality has its circle
    expect(page.get_by_test_id("stDownloadButton").first).to_be_visible()

    choose_municipality(page, KOREN)
    assert chosen_municipalities(page) == [KOREN]
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    charts_drawn(page, n_charts)
    for label, value in koren.items():
        expect_metric(page, label, value)


@pytest.mark.parametrize("title,map_title", [
    ("Производство", MAP_OUTPUT), ("Займы ФРП", MAP_LOANS), ("Субсидии", MAP_INTENSITY), ("Отгрузка", MAP_SHIPMENTS),
])
def test_click_on_the_map_opens_the_passport(page: Page, title, map_title):
    open_app(page, PATHS[title])
    click_municipality(page, plotly_chart(page, map_title), "Кореновский")
    expect(page.get_by_role("heading", name="Паспорт муниципального образования")).to_be_visible()
    expect(page.get_by_role("heading", name=KOREN)).to_be_visible()
    assert "oktmo=03621000" in page.url


# --- The map with a boundaries file (a separate server on a copy of the fixture with GeoJSON) -------------

SQUARES = {"03621000": (39.46, 45.46), "03701000": (38.98, 45.04), "03601000": (38.16, 44.87)}


def _squares(half: float = 0.12) -> str:
    features = []
    for oktmo, (lon, lat) in SQUARES.items():
        ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
                [lon - half, lat + half], [lon - half, lat - half]]
        features.append({"type": "Feature", "properties": {"oktmo": oktmo},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return json.dumps({"type": "FeatureCollection", "features": features})


@pytest.fixture(scope="module")
def boundaries_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("kuban-geo") / "data"
    shutil.copytree(FIXTURE, data_dir)
    (data_dir / "municipalities").mkdir()
    (data_dir / "municipalities" / "boundaries.geojson").write_text(_squares(), encoding="utf-8")
    with serve(data_dir) as url:
        yield url


@pytest.mark.parametrize("title,map_title", [("Производство", MAP_OUTPUT), ("Займы ФРП", MAP_LOANS),
                                             ("Субсидии", MAP_INTENSITY), ("Отгрузка", MAP_SHIPMENTS)])
def test_map_draws_polygons_from_a_boundaries_file(page: Page, boundaries_url, title, map_title):
    open_app(page, boundaries_url + PATHS[title])
    the_map = plotly_chart(page, map_title)
    expect(the_map).to_have_count(1)
    # three filled squares (Plotly draws a fill="toself" trace as path.js-fill), the 44 circles on top
    expect(the_map.locator(".scatterlayer path.js-fill")).to_have_count(3)
    expect(map_points(the_map)).to_have_count(44)
    click_municipality(page, the_map, "Кореновский")
    expect(page.get_by_role("heading", name=KOREN)).to_be_visible()      # its passport
