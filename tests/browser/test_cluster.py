"""«Кластер» in Chromium: on a copy of tests/fixtures/cluster (figures worked out by hand in its README)
and on a copy of the demo data set; saving a definition, reloading the page, loading and comparing two
saved definitions. Copies, so that saved definitions never land in the repository.

Fixture figures (default definition 26, 27, 28, 29, 30, 33; LQ threshold 1,25; «мало данных» below
3 enterprises or 100 employees; view 2025-01..2025-12 = December 2025):
  members 9 (X1-X3 Краснодар, W1-W3 Новороссийск, Y1-Y2 Кореновский, Z1 Абинский);
  cluster LQ by employment: Краснодар 600/1000 against 1200/3000 = 1,5; Новороссийск 300/500 -> 1,5;
  Кореновский 0,5 and Абинский 0,5 but «мало данных» (2 and 1 cluster enterprises);
  shares: shipments 3000/6000 = 50,0 %, employment 1200/3000 = 40,0 %; Decree 779: 9 < 10 -> «не выполнено».
  With the LQ threshold 1,6 no municipality is specialised.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ROOT, expect_metric, metrics, plotly_chart, serve, wait_for_app

FIXTURE = ROOT / "tests" / "fixtures" / "cluster"
NB = "\u00a0"
TITLE = "Кластер умной промышленности"


@pytest.fixture(scope="module")
def fixture_copy(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("kuban-cluster") / "data"
    shutil.copytree(FIXTURE, data_dir)
    return data_dir


@pytest.fixture(scope="module")
def cluster_url(fixture_copy):
    with serve(fixture_copy) as url:
        yield url


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("kuban-demo") / "data"
    shutil.copytree(ROOT / "data", data_dir)
    with serve(data_dir) as url:
        yield url


def open_cluster(page: Page, url: str) -> None:
    """Open the page and wait for its first run to finish (slow on a busy machine: data load, first queries)."""
    page.goto(url + "/cluster")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=90_000)
    wait_for_app(page, timeout=90_000)


def number_input(page: Page, label: str):
    return page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")


def set_number(page: Page, label: str, value: str) -> None:
    box = number_input(page, label)
    box.fill(value)
    box.press("Enter")
    wait_for_app(page)


def lq_box(page: Page):
    """The LQ threshold: a text box, so it reads «1,25» with a comma (a number input shows «1.25»)."""
    return page.get_by_test_id("stTextInput").filter(has_text="Порог специализации (LQ)").locator("input")


def save_as(page: Page, name: str) -> None:
    box = page.get_by_test_id("stTextInput").filter(has_text="Название определения").locator("input")
    box.fill(name)
    box.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Сохранить", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlert").filter(has_text=f"Определение «{name}» сохранено")).to_be_visible()


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def table_rows(page: Page, header: str) -> dict[str, list[str]]:
    """The st.table whose first header cell is `header`: {first cell: other cells} per row."""
    table = page.get_by_test_id("stTable").filter(has=page.locator("th", has_text=header))
    expect(table).to_have_count(1)
    out = {}
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td, th").all_inner_texts()]
        out[cells[0]] = cells[1:]
    return out


def test_cluster_page_in_the_browser(page: Page, cluster_url):
    open_cluster(page, cluster_url)
    expect_metric(page, "Участников кластера", "9")
    expect_metric(page, "МО со специализацией", "2")
    expect_metric(page, "Доля в отгрузке", f"50,0{NB}%")
    expect_metric(page, "Доля в численности", f"40,0{NB}%")
    expect(page.get_by_text("Краснодар — 1,50; Новороссийск — 1,50")).to_be_visible()
    heat = plotly_chart(page, "LQ по численности работников: муниципальное образование × отрасль")
    expect(heat).to_have_count(1)
    expect(heat.locator(".hm, .heatmaplayer image, .heatmaplayer")).not_to_have_count(0)
    quadrant = plotly_chart(page, "Квадрант: LQ кластера по численности работников и его изменение за 3 г.")
    expect(quadrant.locator(".scatterlayer .trace")).not_to_have_count(0)
    req = table_rows(page, "Требование")
    assert [cells[-1] for cells in req.values()] == ["не выполнено"] + ["данные не позволяют проверить"] * 3
    # the method is on the page
    page.get_by_text("Методика: формулы, пороги, источники").click()
    expect(page.get_by_text("US Cluster Mapping Project", exact=False)).to_be_visible()


def test_save_reload_load_and_compare_definitions(page: Page, cluster_url, fixture_copy):
    open_cluster(page, cluster_url)
    save_as(page, "Машиностроение")
    expect(lq_box(page)).to_have_value("1,25")
    lq_box(page).fill("1.6")                      # typed with a point: taken, shown back the Russian way
    lq_box(page).press("Enter")
    wait_for_app(page)
    expect(lq_box(page)).to_have_value("1,60")
    expect_metric(page, "МО со специализацией", "0")
    save_as(page, "Строгий порог")
    saved = sorted(p.name for p in (fixture_copy / "clusters").glob("*.json"))
    assert saved == ["Машиностроение.json", "Строгий порог.json"]

    # a reload is a new session: the working definition is the default again, the saved ones are read back
    page.reload()
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=90_000)
    wait_for_app(page, timeout=90_000)
    expect_metric(page, "МО со специализацией", "2")
    compare = table_rows(page, "Показатель")
    assert compare["Порог LQ"] == ["1,25", "1,60"]
    assert compare["Участников"] == ["9", "9"]
    assert compare["Специализированные МО (LQ по численности)"] == ["Краснодар (1,50); Новороссийск (1,50)", "—"]
    header = page.get_by_test_id("stTable").filter(has=page.locator("th", has_text="Показатель")).locator("th")
    assert [t.strip() for t in header.all_inner_texts()][:3] == ["Показатель", "Машиностроение", "Строгий порог"]

    # load one of them into the working definition
    choose(page, "Сохранённые определения", "Строгий порог")
    page.get_by_role("button", name="Загрузить", exact=True).click()
    wait_for_app(page)
    expect(lq_box(page)).to_have_value("1,60")
    expect_metric(page, "МО со специализацией", "0")
    assert metrics(page)["Участников кластера"] == "9"


def test_cluster_page_on_the_demo_data(page: Page, demo_url):
    open_cluster(page, demo_url)
    members = int(metrics(page)["Участников кластера"].replace(NB, ""))
    assert members > 10
    req = table_rows(page, "Требование")
    assert len(req) == 4
    assert list(req.values())[0][-1] == "выполнено"            # more than 10 industrial participants
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(6)
