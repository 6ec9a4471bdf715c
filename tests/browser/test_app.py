"""The dashboard in a real browser, on a copy of tests/fixtures/small.

Every expected figure is worked out by hand from the fixture rows (tests/fixtures/small),
in millions of rubles. Enterprises: A 2310000011 and D 2310000043 in Кореновский район,
B 2310000029 in г. Краснодар, C 2310000036 in Абинский район; U 2310000050 is not in the register.

Default view = 2025-01..2025-12 (the last 12 months with data; the first month is 2024-11).
  shipped 2025:   A 150+130, B 450+420, C 50+60, D 20, U 10          = 1290   -> «1,3 млрд ₽»
  shipped 2024:   A 100+120, B 500+400                                 = 1120
  change:         1290 / 1120 - 1 = 0.15178...                                 -> «+15,2 %»
  Кореновский:    A 150+130 + D 20 = 300 -> «300,0 млн ₽»; a year earlier A 100+120 = 220
  change:         300 / 220 - 1 = 0.3636...                                    -> «+36,4 %»
  export 2025:    A 30+0, B 150+120, C and D 0, U none = 300; Кореновский A 30 + D 0 = 30
  export share:   Кореновский 30 / 300 = 10,0 %; krai 300 / 1290 = 0.23255... -> «23,3 %»

How kuban/app/fmt.py writes them: money(x) picks the largest unit with |x| >= unit (1e9 «млрд ₽»,
1e6 «млн ₽»), one decimal, decimal comma, then a NO-BREAK space, then the unit — whose own
space («млрд ₽») is a no-break space too. percent(): one decimal, «+» when signed and positive,
a no-break space before «%».
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

import openpyxl
from playwright.sync_api import Page, expect

from kuban import texts as T

from .conftest import (
    LOCAL_HOSTS,
    bars,
    choose_municipality,
    dataframe_rows,
    expect_chosen,
    expect_metric,
    expect_period,
    go_to,
    metrics,
    open_app,
    page_path,
    plotly_chart,
    wait_for_app,
)

NB = "\u00a0"
KOREN = "Кореновский район"
SHIPPED = T.KPI_SHIPPED                               # «Отгрузка»

KRAI_SHIPPED = f"1,3{NB}млрд{NB}₽"                       # 1 290 000 000
KRAI_SHIPPED_DELTA = f"+15,2{NB}%"                    # 1290 / 1120 - 1
KOREN_SHIPPED = f"300,0{NB}млн{NB}₽"                     # 300 000 000
KOREN_SHIPPED_DELTA = f"+36,4{NB}%"                   # 300 / 220 - 1
KOREN_SHIPPED_RUB = 300_000_000                       # A 150 + 130, D 20 (millions)

DEMO_TEXT = "Демонстрационные данные."                # the start of T.DEMO_BANNER
LOAD_NOTICE = T.LOAD_NOTICE.format(refused="1")


def delta_of(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)).get_by_test_id("stMetricDelta")


def expect_delta(page: Page, label: str, value: str) -> None:
    loc = delta_of(page, label)
    expect(loc).to_have_text(value)
    assert loc.inner_text().strip() == value, f"{label}: {loc.inner_text()!r} != {value!r}"


def alerts(page: Page, text: str):
    return page.get_by_test_id("stAlert").filter(has_text=text)


def expect_filter_in_url(page: Page, names: list[str]) -> None:
    """The URL's query carries the municipalities (`mo=` once per name)."""
    assert parse_qs(urlsplit(page.url).query).get("mo") == names, page.url


# --- a. The overview ---------------------------------------------------------------------------

def test_overview_renders_figures_and_charts(page: Page):
    open_app(page)
    expect(page.get_by_role("heading", name=T.OVERVIEW_TITLE)).to_be_visible()
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_have_text("Весь край · январь 2025 — декабрь 2025")
    expect_period(page, "январь 2025", "декабрь 2025")

    expect_metric(page, SHIPPED, KRAI_SHIPPED)
    expect_delta(page, SHIPPED, KRAI_SHIPPED_DELTA)
    # The other figures of the default view, by hand:
    #   production 2025-11..12: A 140+135, B 460+410 = 1145 -> «1,1 млрд ₽»
    #   enterprises with shipments or production in 2025: A, B, C, D, U = 5
    #   FRP loans approved in 2025: L1 50 + L3 10 = 60 -> «60,0 млн ₽»
    #   subsidies decided in 2025: S1 2 + S2 1,5 = 3,5 -> «3,5 млн ₽»
    #   export share: 300 / 1290 = 0.23255... -> «23,3 %»
    assert metrics(page) == {
        T.KPI_SHIPPED: KRAI_SHIPPED,
        T.KPI_OUTPUT: f"1,1{NB}млрд{NB}₽",
        T.KPI_ENTERPRISES: "5",
        T.KPI_LOANS: f"60,0{NB}млн{NB}₽",
        T.KPI_SUBSIDIES: f"3,5{NB}млн{NB}₽",
        T.KPI_EXPORT_SHARE: f"23,3{NB}%",
    }

    # The two charts, found by title (other charts on the page, e.g. the map, do not matter here).
    # Months with shipments in the view: 2025-11 and 2025-12 -> 2 bars.
    expect(bars(plotly_chart(page, T.CHART_SHIPMENTS_MONTHLY))).to_have_count(2)
    # Municipalities: Краснодар (B), Кореновский (A, D), Абинский (C), «Не указано» (U) -> 4 bars.
    expect(bars(plotly_chart(page, T.CHART_SHIPMENTS_BY_MUNI))).to_have_count(4)

    # No demo.json in this folder: no demo banner; nothing refused: no load notice.
    expect(alerts(page, DEMO_TEXT)).to_have_count(0)
    expect(alerts(page, LOAD_NOTICE)).to_have_count(0)


def test_demo_banner_follows_demo_marker(page: Page, data_files):
    open_app(page)
    expect_metric(page, SHIPPED, KRAI_SHIPPED)
    expect(alerts(page, DEMO_TEXT)).to_have_count(0)

    data_files.add("demo.json", '{"demo": true}')      # the app notices new files without a restart
    page.reload()
    wait_for_app(page)
    expect(alerts(page, DEMO_TEXT)).to_have_count(1)
    expect_metric(page, SHIPPED, KRAI_SHIPPED)           # the marker changes no figure
    go_to(page, T.PAGE_SHIPMENTS)
    expect(alerts(page, DEMO_TEXT)).to_have_count(1)     # on every page


# --- b. Choosing a municipality -------------------------------------------------------------------

def test_choose_municipality_changes_figures_and_url(page: Page):
    open_app(page)
    expect_metric(page, SHIPPED, KRAI_SHIPPED)
    assert "mo=" not in page.url

    choose_municipality(page, KOREN)

    expect_chosen(page, [KOREN])
    expect_metric(page, SHIPPED, KOREN_SHIPPED)
    expect_delta(page, SHIPPED, KOREN_SHIPPED_DELTA)
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_have_text(f"{KOREN} · январь 2025 — декабрь 2025")
    expect_filter_in_url(page, [KOREN])
    by_muni = plotly_chart(page, T.CHART_SHIPMENTS_BY_MUNI)
    expect(bars(by_muni)).to_have_count(1)
    expect(by_muni.locator(".ytick")).to_have_text([KOREN])
    # Кореновский has shipments in 2025-11 (A) and 2025-12 (A, D): still 2 monthly bars.
    expect(bars(plotly_chart(page, T.CHART_SHIPMENTS_MONTHLY))).to_have_count(2)


# --- c. Downloads ----------------------------------------------------------------------------------

def _download(page: Page, index: int):
    button = page.get_by_test_id("stDownloadButton").nth(index).get_by_role("button")
    with page.expect_download() as info:
        button.click()
    d = info.value
    assert d.failure() is None, d.failure()
    with open(d.path(), "rb") as fh:
        return d.suggested_filename, fh.read()


def test_shipments_downloads_match_the_page(page: Page):
    open_app(page)
    go_to(page, T.PAGE_SHIPMENTS)
    choose_municipality(page, KOREN)
    expect_metric(page, SHIPPED, KOREN_SHIPPED)
    expect_metric(page, T.KPI_EXPORT, f"30,0{NB}млн{NB}₽")          # A 30 + 0, D 0
    expect_metric(page, T.KPI_EXPORT_SHARE, f"10,0{NB}%")         # 30 / 300
    buttons = page.get_by_test_id("stDownloadButton")
    expect(buttons).to_have_count(5)         # one download: CSV for Excel, CSV, .xlsx; then the page's «Справка»
    expect(buttons.first).to_contain_text(T.DOWNLOAD_EXCEL)
    expect(buttons.nth(1)).to_contain_text(T.DOWNLOAD_PLAIN)
    expect(buttons.nth(2)).to_contain_text(T.DOWNLOAD_XLSX)
    expect(buttons.nth(3)).to_contain_text(T.BRIEF_DOCX)
    expect(buttons.nth(4)).to_contain_text(T.BRIEF_HTML)

    # CSV for Excel: BOM, «;», decimal comma, CRLF.
    name, raw = _download(page, 0)
    assert name.endswith(".csv") and "Кореновский" in name, name
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.split("\r\n")[0] == "inn;name;municipality;okved;period;shipped_rub;export_rub"
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    # Кореновский in 2025: A 2025-11, A 2025-12, D 2025-12.
    # codes are written ="…" in the Excel form so Excel keeps them as text
    assert [(r["inn"], r["period"]) for r in rows] == [
        ('="2310000011"', "2025-11-01"), ('="2310000011"', "2025-12-01"), ('="2310000043"', "2025-12-01")]
    assert {r["name"] for r in rows} == {"ООО «Альфа-Тест»", "ООО «Дельта-Тест»"}
    assert {r["municipality"] for r in rows} == {KOREN}
    for r in rows:
        for col in ("shipped_rub", "export_rub"):
            assert "," in r[col] and "." not in r[col], (col, r[col])
    shipped = sum(float(r["shipped_rub"].replace(",", ".")) for r in rows)
    assert shipped == KOREN_SHIPPED_RUB                 # 150 + 130 + 20 millions
    assert sum(float(r["export_rub"].replace(",", ".")) for r in rows) == 30_000_000   # 30 + 0 + 0
    expect_metric(page, SHIPPED, KOREN_SHIPPED)          # the page shows the same total

    # Plain CSV: UTF-8 without BOM, «,», decimal point.
    name, raw = _download(page, 1)
    assert name.endswith(".csv") and "Кореновский" in name, name
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == "inn,name,municipality,okved,period,shipped_rub,export_rub"
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=","))
    assert len(rows) == 3
    assert {r["name"] for r in rows} == {"ООО «Альфа-Тест»", "ООО «Дельта-Тест»"}
    for r in rows:
        assert "." in r["shipped_rub"] and "," not in r["shipped_rub"], r["shipped_rub"]
    assert sum(float(r["shipped_rub"]) for r in rows) == KOREN_SHIPPED_RUB


def test_shipments_xlsx_download_matches_the_page(page: Page):
    """«Excel (.xlsx)» of the shipment rows for Кореновский район, read back with openpyxl."""
    open_app(page)
    go_to(page, T.PAGE_SHIPMENTS)
    choose_municipality(page, KOREN)
    expect_metric(page, SHIPPED, KOREN_SHIPPED)
    expect(page.get_by_test_id("stDownloadButton").nth(2)).to_contain_text(T.DOWNLOAD_XLSX)
    name, raw = _download(page, 2)
    assert name.endswith(".xlsx") and "Кореновский" in name, name
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == [T.XLSX_SHEET_DATA, T.XLSX_SHEET_ABOUT]
    ws = wb[T.XLSX_SHEET_DATA]
    assert [c.value for c in ws[1]] == ["ИНН", "Наименование", "Муниципальное образование", "ОКВЭД", "Месяц",
                                        "Отгружено, руб.", "Экспорт, руб."]
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G4"
    rows = [[c for c in r] for r in ws.iter_rows(min_row=2)]
    # Кореновский in 2025: A 2025-11, A 2025-12, D 2025-12; INNs as text, months as dates, rubles as numbers.
    assert [(r[0].value, r[4].value) for r in rows] == [
        ("2310000011", datetime(2025, 11, 1)), ("2310000011", datetime(2025, 12, 1)),
        ("2310000043", datetime(2025, 12, 1))]
    assert all(r[0].data_type == "s" and r[4].number_format == "mm.yyyy" for r in rows)
    assert {r[2].value for r in rows} == {KOREN}
    assert all(r[5].data_type == "n" and r[5].number_format == "#,##0.00" for r in rows)
    assert sum(r[5].value for r in rows) == KOREN_SHIPPED_RUB
    assert sum(r[6].value or 0 for r in rows) == 30_000_000
    about = {r[0]: r[1] for r in wb[T.XLSX_SHEET_ABOUT].iter_rows(values_only=True) if r[0]}
    assert about[T.XLSX_ABOUT_WHAT] == T.DL_SHIPMENT_ROWS
    assert about[T.XLSX_ABOUT_FILTER].startswith(KOREN + " · ")
    assert about[T.XLSX_ABOUT_DATA_TO] == datetime(2025, 12, 1)          # the fixture's last month
    assert about[T.XLSX_ABOUT_ROWS] == 3
    assert T.TABLE_LABELS["shipments"] in about[T.XLSX_ABOUT_SOURCE]
    assert "/" not in about[T.XLSX_ABOUT_SOURCE]                          # no server paths
    assert isinstance(about[T.XLSX_ABOUT_MADE], datetime)


# --- d. The filter survives page switches -----------------------------------------------------------

def test_filter_kept_across_pages(page: Page):
    open_app(page)
    choose_municipality(page, KOREN)
    expect_metric(page, SHIPPED, KOREN_SHIPPED)

    go_to(page, T.PAGE_SHIPMENTS)
    expect(page.get_by_role("heading", name=T.SHIPMENTS_TITLE)).to_be_visible()
    expect_chosen(page, [KOREN])
    expect_metric(page, SHIPPED, KOREN_SHIPPED)
    expect_filter_in_url(page, [KOREN])

    go_to(page, T.PAGE_DATA)
    expect(page.get_by_role("heading", name=T.DATA_TITLE)).to_be_visible()
    expect_chosen(page, [KOREN])

    go_to(page, T.PAGE_OVERVIEW)
    expect(page.get_by_role("heading", name=T.OVERVIEW_TITLE)).to_be_visible()
    expect_chosen(page, [KOREN])
    expect_metric(page, SHIPPED, KOREN_SHIPPED)
    expect(bars(plotly_chart(page, T.CHART_SHIPMENTS_BY_MUNI))).to_have_count(1)
    expect_filter_in_url(page, [KOREN])


# --- e. A URL carrying filters -------------------------------------------------------------------

def test_url_with_filters_applies_them(page: Page):
    # Overview (the default page, at "/") with municipality and period in the URL: only 2025-12.
    # Кореновский: A 130 + D 20 = 150 -> «150,0 млн ₽»; 2024-12: A 120 -> 150 / 120 - 1 = +25,0 %.
    # The app writes months into the URL as they are shown (Streamlit binds a selectbox's
    # format_func label): from=декабрь+2025.
    open_app(page, "/?" + urlencode({"mo": KOREN, "from": "декабрь 2025", "to": "декабрь 2025"}))
    expect(page.get_by_role("heading", name=T.OVERVIEW_TITLE)).to_be_visible()
    expect_chosen(page, [KOREN])
    expect_period(page, "декабрь 2025", "декабрь 2025")
    expect_metric(page, SHIPPED, f"150,0{NB}млн{NB}₽")
    expect_delta(page, SHIPPED, f"+25,0{NB}%")
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_have_text(f"{KOREN} · декабрь 2025")
    expect(bars(plotly_chart(page, T.CHART_SHIPMENTS_MONTHLY))).to_have_count(1)

    # A sub-page opened directly (its path read from the sidebar link, e.g. /shipments).
    open_app(page, page_path(page, T.PAGE_SHIPMENTS) + "?mo=" + quote_plus(KOREN))
    expect(page.get_by_role("heading", name=T.SHIPMENTS_TITLE)).to_be_visible()
    expect_chosen(page, [KOREN])
    expect_period(page, "январь 2025", "декабрь 2025")
    expect_metric(page, SHIPPED, KOREN_SHIPPED)
    expect_delta(page, SHIPPED, KOREN_SHIPPED_DELTA)


# --- f. The data page and a bad file -------------------------------------------------------------------

FIXTURE_FILES = {
    "enterprises/enterprises.csv", "loans/loans.csv", "production/production.tsv", "shipments/2024.csv",
    "shipments/2025_extra.parquet", "shipments/2025_nov-dec_cp1251.csv", "subsidies/subsidies.csv",
}
BAD_FILE = "shipments/2026_bad.csv"
BAD_CSV = ("inn,period,shipped_rub,export_rub\n"
           "2310000011,2026-01,70000000,0\n"        # line 2: good, A in 2026-01
           "2310000029,2026-01,н/д,0\n")            # line 3: refused, «н/д» is not a number


def _tables(page: Page):
    # Files, problems, and the audit log: with no sign-in configured the dashboard is open on this computer
    # only, and whoever sits at it is its administrator.
    frames = page.get_by_test_id("stDataFrame")
    expect(frames).to_have_count(3)
    return dataframe_rows(frames.nth(0)), dataframe_rows(frames.nth(1))


def test_data_page_reports_files_and_refused_rows(page: Page, data_files):
    open_app(page)
    go_to(page, T.PAGE_DATA)
    expect(page.get_by_role("heading", name=T.DATA_TITLE)).to_be_visible()
    # 7 files in the fixture + the project's municipality reference = 8 loaded;
    # 1 warning (U's row in the Parquet file); nothing refused or superseded.
    expect_metric(page, T.DATA_WARNINGS, "1")
    m = metrics(page)
    assert (m[T.DATA_FILES_COUNT], m[T.DATA_REFUSED], m[T.DATA_SUPERSEDED], m[T.DATA_WARNINGS]) == \
        ("8", "0", "0", "1")
    files, problems = _tables(page)
    by_file = {r[1]: r for r in files}
    assert FIXTURE_FILES <= set(by_file), sorted(by_file)
    assert all(by_file[f][2] == "загружен" for f in FIXTURE_FILES)
    assert by_file["shipments/2025_nov-dec_cp1251.csv"][3] == "6"          # its 6 rows
    assert len(problems) == 1
    assert problems[0][1] == "shipments/2025_extra.parquet"
    assert problems[0][4] == T.KIND_LABELS["warning"]
    assert "ИНН 2310000050 нет в реестре предприятий" in problems[0][5]
    expect(alerts(page, LOAD_NOTICE)).to_have_count(0)

    data_files.add(BAD_FILE, BAD_CSV)
    page.reload()
    wait_for_app(page)
    expect_metric(page, T.DATA_REFUSED, "1")
    m = metrics(page)
    assert (m[T.DATA_FILES_COUNT], m[T.DATA_REFUSED], m[T.DATA_WARNINGS]) == ("9", "1", "1")
    files, problems = _tables(page)
    bad = {r[1]: r for r in files}[BAD_FILE]
    assert bad[2:5] == ["загружен", "1", "1"]            # 1 row loaded, 1 refused
    refused = [r for r in problems if r[1] == BAD_FILE]
    assert refused == [["Отгрузка", BAD_FILE, "3", "shipped_rub", "строка отклонена", "«н/д» — не число"]]
    expect(alerts(page, LOAD_NOTICE)).to_have_count(1)

    # The notice is on every page; the good row counts: the period now reaches январь 2026,
    # the default view is 2025-02..2026-01: 1290 + 70 (A, 2026-01) = 1360 -> «1,4 млрд ₽»;
    # a year earlier 2024-02..2025-01: 1120 -> 1360 / 1120 - 1 = 0.2142... -> «+21,4 %».
    go_to(page, T.PAGE_OVERVIEW)
    expect(alerts(page, LOAD_NOTICE)).to_have_count(1)
    expect_period(page, "февраль 2025", "январь 2026")
    expect_metric(page, SHIPPED, f"1,4{NB}млрд{NB}₽")
    expect_delta(page, SHIPPED, f"+21,4{NB}%")
    go_to(page, T.PAGE_SHIPMENTS)
    expect(alerts(page, LOAD_NOTICE)).to_have_count(1)


# --- g. Nothing leaves the machine -----------------------------------------------------------------

def test_no_request_leaves_the_machine(page: Page):
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    open_app(page)
    expect(bars(plotly_chart(page, T.CHART_SHIPMENTS_BY_MUNI))).to_have_count(4)
    go_to(page, T.PAGE_SHIPMENTS)
    expect(bars(plotly_chart(page, T.CHART_BY_DIVISION))).to_have_count(4)   # divisions 28, 24, 10 and none (U)
    go_to(page, T.PAGE_DATA)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(3)     # files, problems, audit log

    assert any(urlsplit(u).scheme in ("ws", "wss") for u in urls), "no websocket recorded"
    outside = sorted({u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(u).hostname not in LOCAL_HOSTS})
    # (Before commit 4957580 the favicon, page_icon=":material/factory:", came from fonts.gstatic.com.)
    assert outside == [], f"requests leaving the machine: {outside}"


def test_on_a_phone_the_map_has_no_overlapping_names(page: Page):
    """390 px: the names a wide page places apart would overlap, so the map shows circles (a tap names one);
    at 1440 px they are there. Chart titles fit their chart."""
    page.set_viewport_size({"width": 390, "height": 900})
    open_app(page, "/shipments")
    chart = page.locator('[class*="st-key-map-shipments"]')
    expect(chart.locator(".scatterlayer .textpoint").first).to_be_attached()
    assert chart.locator(".scatterlayer .textpoint").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).display !== 'none').length") == 0
    widths = page.get_by_test_id("stPlotlyChart").evaluate_all("""charts => charts.map(c => {
        const t = c.querySelector('.gtitle'); return t ? [t.getBBox().width, c.getBoundingClientRect().width] : [0, 1]; })""")
    assert widths and all(title <= width for title, width in widths), widths
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(chart.locator(".scatterlayer .textpoint").first).to_be_visible()
