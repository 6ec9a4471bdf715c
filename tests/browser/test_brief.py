"""«Справка» in one click (the issue's acceptance), in Chromium: «Займы ФРП» filtered to Кореновский район on the demo
data (data/, a copy: it has «Техноиндустрия», a machine-building loan of Кореновский район).

«Справка (Word)» is read back with python-docx: the filter in words, the headline figures equal to the page's, one
picture per chart of the page, the loans table with Техноиндустрия. «Справка (HTML)» is opened in a new browser
context with the network cut off: every chart draws, no request leaves the file, no console error. Both downloads are
in the audit log.
"""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from playwright.sync_api import Browser, Page, expect

from kuban import texts as T
from kuban.access import audit
from kuban.paths import DEFAULT_DATA
from tests.documents import docx_text as text_of

from . import conftest as cf

KOREN = "Кореновский район"
TECHNO = "Техноиндустрия"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard (open mode, 127.0.0.1) on a copy of the demo data."""
    assert (DEFAULT_DATA / "loans" / "loans.csv").is_file(), "the demo data set in data/ is missing: `make demo`"
    data_dir = tmp_path_factory.mktemp("brief") / "data"
    shutil.copytree(DEFAULT_DATA, data_dir, ignore=shutil.ignore_patterns("access"))
    with cf.local_server(data_dir) as srv:
        yield srv


@pytest.fixture(scope="module")
def shown(browser: Browser, server, tmp_path_factory):
    """Open «Займы ФРП» for Кореновский район by its URL, read what the page shows, download both documents."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(cf.ACTION_TIMEOUT_MS)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and not cf._expected_console_error(
        m.text, (m.location or {}).get("url", "")) and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/loans?mo=" + quote(KOREN))
    cf.wait_for_app(page)
    expect(page.get_by_role("heading", name=T.LOANS_TITLE)).to_be_visible()
    cf.expect_chosen(page, [KOREN])
    charts = page.get_by_test_id("stPlotlyChart")
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached()
    n_charts = charts.count()
    expect(page.locator(".js-plotly-plot")).to_have_count(n_charts)
    sidebar = page.get_by_test_id("stSidebar")
    period = (sidebar.get_by_role("combobox", name="С месяца", exact=True).input_value(),
              sidebar.get_by_role("combobox", name="До месяца включительно", exact=True).input_value())
    out = tmp_path_factory.mktemp("brief-downloads")
    files, seconds = {}, {}
    for label, ext in ((T.BRIEF_DOCX, "docx"), (T.BRIEF_HTML, "html")):
        button = page.get_by_test_id("stDownloadButton").filter(has_text=label)
        expect(button).to_have_count(1)
        started = time.monotonic()
        with page.expect_download() as info:
            button.get_by_role("button").click()
        d = info.value
        files[ext] = out / d.suggested_filename
        d.save_as(files[ext])
        seconds[ext] = time.monotonic() - started
    print(f"\n«Справка» of «Займы ФРП» ({KOREN}, demo data) from click to file: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
    result = {"metrics": cf.metrics(page), "charts": n_charts, "period": period, "files": files,
              "names": {k: v.name for k, v in files.items()}, "errors": errors}
    context.close()
    return result


def test_word_holds_what_the_page_shows(shown):
    assert shown["errors"] == []
    assert shown["names"]["docx"].endswith(".docx") and "Кореновский" in shown["names"]["docx"]
    d = docx.Document(str(shown["files"]["docx"]))         # python-docx reads it back
    text = text_of(d)
    assert T.LOANS_TITLE in text
    first, last = shown["period"]
    assert T.BRIEF_FILTER.format(munis=KOREN, divisions=T.BRIEF_ALL_DIVISIONS, period=f"{first} — {last}") in text
    # the headline figures as the page shows them
    table = next(t for t in d.tables if [c.text for c in t.rows[0].cells] == list(T.BRIEF_METRICS_COLUMNS))
    in_doc = {r.cells[0].text.split("\n")[0]: r.cells[1].text.split("\n")[0] for r in table.rows[1:]}
    assert shown["metrics"] and in_doc == shown["metrics"]
    # one picture per chart of the page (7 on «Займы ФРП», the map among them)
    assert shown["charts"] == 7
    assert len(d.inline_shapes) == shown["charts"]
    assert T.BRIEF_NO_PICTURES not in text
    # the loans table, with Техноиндустрия of Кореновский район
    loans = [t for t in d.tables if T.COL["name"] in [c.text for c in t.rows[0].cells]]
    assert len(loans) == 1
    header = [c.text for c in loans[0].rows[0].cells]
    rows = [[c.text for c in r.cells] for r in loans[0].rows[1:]]
    techno = [r for r in rows if r[header.index(T.COL["name"])] == TECHNO]
    assert len(techno) == 1, rows
    assert techno[0][header.index(T.COL["municipality"])] == KOREN
    assert {r[header.index(T.COL["municipality"])] for r in rows} == {KOREN}


def test_html_draws_every_chart_offline(browser: Browser, shown):
    """The HTML file in a fresh context with the network off and every request refused: all charts draw."""
    path = Path(shown["files"]["html"])
    assert path.suffix == ".html"
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    requests: list[str] = []
    context.route(re.compile(r"^(?!file:).*"), lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: r.url.startswith("file:") or requests.append(r.url))
    page.goto(path.as_uri())
    plots = page.locator(".js-plotly-plot").filter(has=page.locator(".main-svg"))
    expect(plots).to_have_count(shown["charts"])
    for i in range(shown["charts"]):
        plot = plots.nth(i)
        plot.scroll_into_view_if_needed()
        expect(plot.locator(".gtitle")).to_have_count(1)                 # its title drawn
        expect(plot.locator(".trace .point").first).to_be_attached()      # and its bars or circles
    assert page.locator("body").inner_text().count(TECHNO) >= 1
    assert requests == []
    assert errors == []
    context.close()


def test_both_downloads_are_audited(shown, server):
    entries = [json.loads(line) for line in audit.path(server.data_dir).read_text(encoding="utf-8").splitlines()]
    briefs = [e for e in entries if e["action"] == "download" and e["what"] == f"займы-ФРП-{T.BRIEF_FILE}"]
    assert sorted(e["detail"] for e in briefs) == ["docx", "html"], entries
    assert all(KOREN in e["filter"] for e in briefs), briefs
