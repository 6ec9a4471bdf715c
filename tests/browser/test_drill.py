"""The questions managers are asked, in Chromium: the enterprise card found by a search on the demo data, and a
click on the «Отгрузка» map that opens the municipality's passport, the browser's Back returning (issue 19).

Figures of the small fixture (tests/fixtures/small, millions of rubles; default view 2025-01..2025-12):
Кореновский район shipped 300 of the krai's 1 290 (23,3 %), second after Краснодар (870).
"""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect

from kuban import texts as T
from kuban.paths import DEFAULT_DATA

from .conftest import open_app, plotly_chart, serve, wait_for_app
from .test_production_loans_subsidies import MAP_SHIPMENTS, click_municipality

NB = "\u00a0"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    assert (DEFAULT_DATA / "loans" / "loans.csv").is_file(), "the demo data set in data/ is missing: `make demo`"
    data_dir = tmp_path_factory.mktemp("kuban-drill-demo") / "data"
    shutil.copytree(DEFAULT_DATA, data_dir, ignore=shutil.ignore_patterns("access"))
    with serve(data_dir) as url:
        yield url


def test_search_zeskmi_opens_its_card_with_its_loan(page: Page, demo_url):
    open_app(page, demo_url + "/enterprise")
    expect(page.get_by_role("heading", name=T.ENTERPRISE_TITLE)).to_be_visible()
    box = page.get_by_test_id("stTextInput").filter(has_text=T.ENTERPRISE_FIND).locator("input")
    box.fill("ЗЭСКМИ")
    box.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="ЗЭСКМИ")).to_be_visible()
    assert "inn=2399356047" in page.url                      # a link to this card
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    support = page.get_by_test_id("stDataFrame").first
    expect(support).to_contain_text("Машиностроение")
    expect(support).to_contain_text("Заём ФРП")
    # the address alone opens the same card (a new session, as a shared link would)
    url = page.url
    other = page.context.new_page()
    other.goto(url)
    wait_for_app(other)
    expect(other.get_by_role("heading", name="ЗЭСКМИ")).to_be_visible()
    other.close()


def test_a_click_on_the_map_opens_the_passport_and_back_returns(page: Page):
    open_app(page, "/shipments")
    heading = page.get_by_role("heading", name="Отгрузка товаров собственного производства")
    expect(heading).to_be_visible()
    click_municipality(page, plotly_chart(page, MAP_SHIPMENTS), "Кореновский")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=T.MUNICIPALITY_TITLE)).to_be_visible()
    expect(page.get_by_role("heading", name="Кореновский район")).to_be_visible()
    assert "/municipality" in page.url and "oktmo=03621000" in page.url
    table = page.get_by_test_id("stTable").first
    expect(table).to_contain_text(f"300,0{NB}млн{NB}₽")
    expect(table).to_contain_text(f"23,3{NB}%")
    expect(table).to_contain_text("2 из 44")
    page.go_back()
    wait_for_app(page)
    expect(heading).to_be_visible()
    assert "/shipments" in page.url and "oktmo=" not in page.url


def test_a_click_on_an_enterprise_row_opens_its_card(page: Page):
    """«Отгрузка»'s largest enterprises: a click on the first row (Краснодар's B, 870 mln in 2025) opens B's card."""
    open_app(page, "/shipments")
    table = page.get_by_test_id("stDataFrame").filter(has_text="ИНН").first
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = table.bounding_box()
    assert box
    # the row selector is the grid's first column (canvas): header ~35 px, a row ~35 px
    page.mouse.click(box["x"] + 17, box["y"] + 35 + 17)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=T.ENTERPRISE_TITLE)).to_be_visible()
    expect(page.get_by_role("heading", name="АО «Бета-Тест»")).to_be_visible()
    assert "inn=2310000029" in page.url
    page.go_back()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Отгрузка товаров собственного производства")).to_be_visible()
