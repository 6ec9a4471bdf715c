"""Issue 7, «text is text», in Chromium.

1. What the browser makes of kuban.app.fmt.md(): hostile and generated strings through st.markdown, st.caption,
   st.info, st.table and a metric label (tests/browser/md_probe_app.py) read back exactly as written, with
   no image, link, formula, emphasis, code or heading made of them.
2. Every page on tests/textdata.py (municipality, enterprise, fund, programme, status and budget names,
   a file name and saved cluster definitions holding Markdown, HTML and LaTeX), with two hostile
   municipalities chosen in the URL: no <img> or <a> leads off the server, no request leaves it (not even
   to 127.0.0.1:9, where the names point), no exception, and the names appear literally.
"""
from __future__ import annotations

import json
import random
import shutil
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect

from kuban import texts as T
from kuban.app.fmt import WORD_JOINER
from tests import textdata

from .conftest import FIXTURE, go_to, plotly_chart, run_server, wait_for_app

ATOMS = ["http://", "https://", "www.", "@", ":", "smile", "$", "**", "*", "_", "[", "](", ")", "<", ">", "a", "Ж",
         " ", "\\", "`", "~~", "|", "#", "-", "!", "&", "amp;", "copy;", "material/", "red[", "]", "\n", "1.", "%{"]


def generated(n: int = 120, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(ATOMS) for _ in range(rnd.randint(1, 12))) for _ in range(n)]


def norm(text: str) -> str:
    """Text as compared: no word joiners, runs of white space as one space, no space at the ends."""
    return " ".join(text.replace(WORD_JOINER, "").split())


# Everything on the page that leads elsewhere: images, links (HTML and SVG), frames, scripts, styles.
OFF_SERVER = """() => {
  const out = [];
  const outside = (u) => { try { const x = new URL(u, location.href);
      return !['data:', 'blob:', 'about:'].includes(x.protocol) && x.origin !== location.origin; } catch (e) { return true; } };
  for (const el of document.querySelectorAll('img, iframe, script, source, video, audio, embed, object, link')) {
    const u = el.getAttribute('src') || el.getAttribute('href') || el.getAttribute('data');
    if (u && outside(u)) out.push(el.tagName + ' ' + u);
  }
  for (const a of document.querySelectorAll('a')) {
    const u = a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
    if (u && !u.startsWith('#') && outside(u)) out.push('A ' + u);
  }
  return out;
}"""
MADE_FROM_DATA = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid=stMain] img, [data-testid=stSidebar] img, .katex, .stMarkdownBadge')) out.push(el.outerHTML.slice(0, 120));
  for (const el of document.querySelectorAll('strong, b, em, code, del, h4, h5, h6, blockquote, li')) {
    const t = el.textContent.trim();
    if (['bold', 'b', 'x', 'link', 'code', 's', 'd'].includes(t)) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""


def watch_requests(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    return urls


def off_server(urls: list[str], origin: str) -> list[str]:
    here = urlsplit(origin).netloc
    return sorted({u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                   and urlsplit(u).netloc != here})


# --- 1. Streamlit's Markdown and kuban.app.fmt.md() ----------------------------------------------------------------

@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    data = folder / "data"
    shutil.copytree(FIXTURE, data)
    strings = [*textdata.EXAMPLES, *generated()]
    (folder / "strings.json").write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
    with run_server(data, script="tests/browser/md_probe_app.py",
                    env={"KUBAN_MD_PROBE": str(folder / "strings.json")}) as server:
        yield server.url, strings


def test_markdown_shows_escaped_text_as_written(page: Page, probe):
    url, strings = probe
    requests = watch_requests(page)
    page.goto(url)
    wait_for_app(page)
    expect(page.locator(".st-key-probe-metric")).to_be_visible()
    wrong = []
    for i, text in enumerate(strings):
        shown = page.locator(f".st-key-probe-{i}").inner_text()
        if norm(shown) != norm(text):
            wrong.append((text, shown))
    assert wrong == []
    caption = page.locator(".st-key-probe-caption")
    assert norm(caption.inner_text()) == norm(f"{strings[0]} · {strings[1]}")
    assert [norm(t) for t in caption.locator("strong").all_inner_texts()] == [norm(strings[0])]   # the template's bold only
    assert norm(page.locator(".st-key-probe-info").inner_text()) == norm(strings[2])
    cells = page.locator(".st-key-probe-table").locator("th, td").all_inner_texts()
    assert [norm(c) for c in cells if norm(c)] == [norm(x) for x in [strings[3], *strings[:10]] if norm(x)]
    assert norm(page.get_by_test_id("stMetricLabel").inner_text()) == norm(strings[4])
    assert page.evaluate(OFF_SERVER) == []
    assert page.evaluate(MADE_FROM_DATA) == []
    assert off_server(requests, url) == []


# --- 2. Every page on a folder of hostile names --------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    data = textdata.build(tmp_path_factory.mktemp("hostile") / "data")
    with run_server(data) as server:
        yield server.url


PAGE_TITLES = [(T.PAGE_OVERVIEW, T.OVERVIEW_TITLE), (T.PAGE_SHIPMENTS, T.SHIPMENTS_TITLE),
               (T.PAGE_PRODUCTION, T.PRODUCTION_TITLE), (T.PAGE_LOANS, T.LOANS_TITLE),
               (T.PAGE_SUBSIDIES, T.SUBSIDIES_TITLE), (T.PAGE_CLUSTER, T.CLUSTER_TITLE), (T.PAGE_DATA, T.DATA_TITLE)]


def svg_texts(page: Page) -> str:
    return "\n".join(page.locator("[data-testid=stPlotlyChart] svg text").all_text_contents())


def test_every_page_shows_hostile_names_as_text(page: Page, hostile):
    requests = watch_requests(page)
    page.goto(hostile + "/?" + urlencode([("mo", textdata.IMAGE), ("mo", textdata.LATEX)]))
    wait_for_app(page)
    for nav, title in PAGE_TITLES:
        go_to(page, nav)
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        assert page.evaluate(OFF_SERVER) == [], nav
        assert page.evaluate(MADE_FROM_DATA) == [], nav
        if nav != T.PAGE_DATA:       # the caption under the title names the chosen municipalities as written
            caption = norm(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first.inner_text())
            assert caption.startswith(f"{textdata.IMAGE}, {textdata.LATEX} · "), caption
        if nav == T.PAGE_OVERVIEW:   # the map labels the municipalities literally (no MathJax for «$x$»)
            expect(plotly_chart(page, T.MAP_SHIPMENTS).locator("text").filter(has_text=textdata.LATEX)).to_have_count(1)
            assert textdata.IMAGE in svg_texts(page)
        if nav == T.PAGE_LOANS:      # fund, programme and status on the axes as written
            texts = svg_texts(page)
            for name in (textdata.LOAN_FUND, textdata.LOAN_PROGRAMME, textdata.LOAN_STATUS):
                assert name in texts, (name, texts[:500])
        if nav == T.PAGE_CLUSTER:    # broken saved definitions: a warning each, the page goes on
            alerts = "\n".join(norm(t) for t in page.get_by_test_id("stAlert").all_inner_texts())
            assert f"«{textdata.HTML_BOLD}» — не коды ОКВЭД" in alerts, alerts
            assert "«deep.json»: файл больше 64 КБ" in alerts and "«pipe.json»: это не обычный файл" in alerts
            expect(page.get_by_test_id("stTable").last).to_contain_text(f"{textdata.BOLD} {textdata.LATEX}")
    # with no municipality chosen, the whole krai: every renamed municipality on the overview's bars
    page.goto(hostile + "/")
    wait_for_app(page)
    ticks = plotly_chart(page, T.CHART_SHIPMENTS_BY_MUNI).locator(".ytick").all_text_contents()
    assert set(textdata.MUNI_NAMES.values()) <= set(ticks), ticks
    assert page.evaluate(OFF_SERVER) == []
    assert off_server(requests, hostile) == []
