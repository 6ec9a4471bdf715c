"""«Справка»: what each analytic page records as it is drawn (kuban/app/brief.py), and the Word and HTML documents
built from it (kuban/app/brief_docx.py, brief_html.py), read back.

Figures are the hand-worked ones of the page tests (tests/app/test_pages_*.py, tests/app/test_page_cluster.py, on
tests/fixtures/small, analytics and cluster): the documents must say what the page says, in the page's formats.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import struct
import time
import zlib
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from kuban import texts as T
from kuban.app import brief, brief_docx, brief_html
from kuban.paths import DEFAULT_DATA
from tests.app.apptest import NB, app, metrics, no_errors, start
from tests.conftest import FIXTURES, SMALL
from tests.documents import docx_text as doc_text

KOREN = "Кореновский район"
ANALYTICS = FIXTURES / "analytics"
CLUSTER = FIXTURES / "cluster"
HOSTILE = "<img src=x onerror=alert(1)>"


def png(width: int = 40, height: int = 20) -> bytes:
    """A small grey PNG (a stand-in for a rendered chart)."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def take(at) -> brief.Brief:
    b = at.session_state[brief.KEY]
    assert isinstance(b, brief.Brief)
    return b


def read_docx(b: brief.Brief, pictures=None) -> docx.document.Document:
    pictures = [png() for _ in b.figures] if pictures is None else pictures
    return docx.Document(io.BytesIO(brief_docx.to_docx(b, pictures)))


class Tags(HTMLParser):
    """The start tags of an HTML file and their attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: bytes) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(page.decode("utf-8"))
    return p.tags


# --- Each page: the record equals what the page shows ---------------------------------------------------------

PAGES = [   # page, fixture, municipalities chosen, {label: value} as the page tests worked out, charts, main table
    ("overview", SMALL, [KOREN], {"Отгрузка": f"300,0{NB}млн{NB}₽", "Предприятий отчитались": "2",
                                  "Займы ФРП одобрены": f"60,0{NB}млн{NB}₽", "Субсидии": f"2,0{NB}млн{NB}₽"}, 3, None),
    ("shipments", SMALL, [KOREN], {"Отгрузка": f"300,0{NB}млн{NB}₽", "Доля экспорта": f"10,0{NB}%"}, 5, T.TABLE_TOP),
    ("production", ANALYTICS, [KOREN], {"Производство": f"364,0{NB}млн{NB}₽", "Среднемесячная численность":
                                        f"80{NB}чел.", "Выработка на работника": f"4,1{NB}млн{NB}₽"}, 8,
     T.TABLE_TOP_OUTPUT),
    ("loans", ANALYTICS, [KOREN], {"Портфель займов": f"90,0{NB}млн{NB}₽", "Число займов": "2",
                                   "Средняя ставка": f"2,8{NB}%", "Средний срок, лет": "5,7", "Отказано заявок": "0"},
     7, T.TABLE_LOANS),
    ("subsidies", ANALYTICS, [KOREN], {"Субсидии": f"7,0{NB}млн{NB}₽", "Число субсидий": "3", "Получателей": "2",
                                       "Интенсивность поддержки": f"259{NB}358{NB}₽"}, 6, T.TABLE_RECIPIENTS),
    ("cluster", CLUSTER, [], {"Участников кластера": "9", "Из них якорных": "5",
                              "Отгрузка кластера": f"3,0{NB}млрд{NB}₽", "Доля в отгрузке": f"50,0{NB}%"}, None,
     "Участники кластера"),
]


@pytest.mark.parametrize("page,folder,munis,expected,charts,table", PAGES, ids=[p[0] for p in PAGES])
def test_the_brief_holds_what_the_page_shows(monkeypatch, tmp_path, page, folder, munis, expected, charts, table):
    data = tmp_path / "data"
    shutil.copytree(folder, data)             # the cluster page may write definitions; every page the same way
    at = start(monkeypatch, data, page, munis=munis)
    b = take(at)
    assert b.page == page and b.title == at.title[0].value
    shown = metrics(at)
    assert {m.label: m.value for m in b.metrics} == shown                  # every metric, as the page shows it
    assert all(shown[k] == v for k, v in expected.items())                 # … and those are the hand-worked ones
    assert {m.label: m.delta for m in b.metrics} == {m.label: m.delta or None for m in at.metric}
    drawn = len(at.get("plotly_chart"))
    assert len(b.figures) == drawn and (charts is None or drawn == charts)
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text") for c in at.get("plotly_chart")]
    assert [f.title for f in b.figures][:1] == [brief.plot_text(titles[0])]
    if table:
        assert b.tables and b.tables[0].title == table
        assert b.tables[0].total_rows == len(b.tables[0].frame) <= brief.MAX_TABLE_ROWS
    for name in munis:
        assert name in b.filter_text
    if not munis:
        assert T.WHOLE_KRAI in b.filter_text
    assert "январь 2025 — декабрь 2025" in b.filter_text and b.data_to == "декабрь 2025"
    assert not b.demo and b.user == T.BRIEF_USER_OPEN
    # the Справка row: once, after the CSV rows, built only on click
    buttons = at.get("download_button")
    labels = [x.proto.label for x in buttons]
    assert labels.count(T.BRIEF_DOCX) == 1 and labels.count(T.BRIEF_HTML) == 1
    assert labels[-2:] == [T.BRIEF_DOCX, T.BRIEF_HTML]
    assert all(x.proto.deferred_file_id and x.proto.ignore_rerun for x in buttons[-2:])

    d = read_docx(b)
    text = doc_text(d)
    assert b.title in text and b.filter_text in text
    for label, value in shown.items():
        assert label in text and value in text
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    assert captions == [f"Рисунок {n} — {f.title}" for n, f in enumerate(b.figures, start=1)]
    assert len(d.inline_shapes) == len(b.figures)

    page_html = brief_html.to_html(b).decode("utf-8")
    assert page_html.count("Plotly.newPlot(") == len(b.figures)
    for n, f in enumerate(b.figures, start=1):
        assert f"Рисунок {n} — " in page_html


def test_loans_documents_of_one_municipality(monkeypatch):
    """The acceptance case, on the hand-worked fixture: «Займы ФРП», «Кореновский район»."""
    at = start(monkeypatch, ANALYTICS, "loans", munis=[KOREN])
    b = take(at)
    d = read_docx(b)
    text = doc_text(d)
    assert "Муниципальные образования: Кореновский район." in text
    # the headline figures, as on the page, in the two-column table with their labels
    kpi = d.tables[0]
    assert [c.text for c in kpi.rows[0].cells] == list(T.BRIEF_METRICS_COLUMNS)
    rows = {r.cells[0].text.split("\n")[0]: r.cells[1].text.split("\n")[0] for r in kpi.rows[1:]}
    assert rows == metrics(at)
    assert "Средняя ставка, взвешенная по сумме займа." in kpi.rows[3].cells[0].text     # the metric's help
    # one picture per chart, numbered captions in order
    assert len(d.inline_shapes) == 7
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    assert captions[0] == f"Рисунок 1 — {T.CHART_LOANS_MONTHLY}" and captions[-1] == f"Рисунок 7 — {T.CHART_LOANS_BY_MUNI}"
    # the loans table: Russian headers, the page's formats, header row repeated on each page
    loans = d.tables[1]
    header = [c.text for c in loans.rows[0].cells]
    assert "Предприятие" in header and "Сумма, млн ₽" in header
    firms = [r.cells[header.index("Предприятие")].text for r in loans.rows[1:]]
    assert firms == ["ООО «Пищевик-Аналитика»", "ООО «Прибор-Аналитика»"]      # as the page test lists them
    assert sorted(r.cells[header.index("Сумма, млн ₽")].text for r in loans.rows[1:]) == ["30,0", "60,0"]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", loans.rows[1].cells[header.index("Дата решения")].text)
    assert loans.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in loans.rows[1:])
    # A4 portrait, the margins, Times New Roman 13 pt, a PAGE field in the footer
    sec = d.sections[0]
    assert abs(sec.page_width - Cm(21)) < Cm(0.01) and abs(sec.page_height - Cm(29.7)) < Cm(0.01)
    assert abs(sec.left_margin - Cm(3)) < Cm(0.01) and abs(sec.right_margin - Cm(1.5)) < Cm(0.01)
    normal = d.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 13
    footer = sec.footer._element.xml
    assert "PAGE" in "".join(x.text or "" for x in sec.footer._element.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in footer
    # the caption's number is a SEQ field (Word renumbers and lists figures)
    assert "SEQ Рисунок" in d.element.xml
    # the method note of the page
    assert brief.plain(T.LOANS_NOTE) in text


def test_number_formats_in_the_documents(monkeypatch):
    """«1 000 чел.», «1,3 млрд ₽», «+24,9 %», «900,0» as the production page shows them (whole krai)."""
    at = start(monkeypatch, ANALYTICS, "production")
    b = take(at)
    text = doc_text(read_docx(b))
    page_html = brief_html.to_html(b).decode("utf-8")
    for shown in (f"1{NB}000{NB}чел.", f"1,3{NB}млрд{NB}₽", f"+24,9{NB}%", f"-6,5{NB}%", "900,0", f"5{NB}000"):
        assert shown in text, shown
        assert shown in page_html, shown
    assert T.BRIEF_DELTA.format(delta=f"+24,9{NB}%") in text
    # two tables (largest output, growth of output per employee) with their titles and the second's note
    assert [t.title for t in b.tables] == [T.TABLE_TOP_OUTPUT, T.TABLE_TOP_PRODUCTIVITY]
    assert b.tables[1].note == T.TABLE_TOP_PRODUCTIVITY_NOTE and T.TABLE_TOP_PRODUCTIVITY_NOTE in text
    assert f"Таблица 2 — {T.TABLE_TOP_PRODUCTIVITY}" in text


def test_a_long_table_is_cut_with_a_note(monkeypatch):
    at = start(monkeypatch, SMALL, "shipments")
    b = brief.snapshot(take(at))
    big = b.tables[0].frame
    import pandas as pd
    frame = pd.concat([big] * 160, ignore_index=True).head(160)
    b.tables = [brief.Table("Т", frame.head(brief.MAX_TABLE_ROWS), len(frame))]
    note = T.BRIEF_ROWS_CUT.format(shown="50", total="160")
    assert brief.rows_note(b.tables[0]) == note == "Показаны первые 50 из 160; все строки — в CSV."
    d = read_docx(b)
    assert len(d.tables[1].rows) == 51 and note in doc_text(d)
    assert note in brief_html.to_html(b).decode("utf-8")


def test_the_html_file_is_self_contained_and_escapes_data(monkeypatch, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    register = data / "enterprises" / "enterprises.csv"
    text = register.read_text(encoding="utf-8-sig").replace("ООО «Альфа-Тест»", HOSTILE)
    register.write_text(text, encoding="utf-8-sig")
    (data / "demo.json").write_text('{"demo": true}', encoding="utf-8")
    at = start(monkeypatch, data, "shipments", munis=[KOREN])
    b = take(at)
    assert b.demo
    assert HOSTILE in b.tables[0].frame.to_csv()                           # recorded as written …
    page = brief_html.to_html(b)
    s = page.decode("utf-8")
    assert s.startswith("<!DOCTYPE html>") and '<html lang="ru">' in s
    assert HOSTILE not in s and "&lt;img src=x onerror=alert(1)&gt;" in s   # … and escaped in the table
    assert not any(tag == "img" for tag, _ in tags(page))
    # Plotly's JavaScript once, one plot per figure, nothing loaded from elsewhere
    assert s.count("plotly.js v") == 1 or s.count("Plotly.register") == 1
    assert len(re.findall(r"<script[^>]*>", s)) == 2 + len(b.figures)
    assert s.count("Plotly.newPlot(") == len(b.figures) == 5
    for tag, attrs in tags(page):
        for name in ("src", "href"):
            assert attrs.get(name) is None, (tag, attrs)
    assert "<link" not in s and "@import" not in s
    # the demo notice first, print rules
    assert s.index(T.XLSX_ABOUT_DEMO) < s.index("<h1>")
    assert "@page { size: A4" in s and "break-inside: avoid" in s
    # and in Word: the notice first, the name as text
    d = read_docx(b)
    assert d.paragraphs[0].text == T.XLSX_ABOUT_DEMO
    assert HOSTILE in doc_text(d)


def test_document_copies_of_charts_have_room_for_labels_and_fit_a_printed_page(monkeypatch):
    import plotly.graph_objects as go
    at = start(monkeypatch, ANALYTICS, "production")
    b = take(at)
    fig = go.Figure(go.Bar(x=[1], y=["a"]))
    fig.update_layout(height=1500, title=dict(text="Высокий"), margin=dict(l=10))
    b.figures.append(brief.Figure("Высокий", fig))
    s = brief_html.to_html(b).decode("utf-8")
    assert '"height":1500' not in s and f"height:{brief_html.MAX_CHART_PX}px" in s
    out = brief.printable(fig, 900)
    assert out.layout.height == 900 and out.layout.xaxis.automargin and out.layout.yaxis.automargin
    assert fig.layout.height == 1500 and fig.layout.yaxis.automargin is None     # the page's figure is not changed


def test_without_pictures_the_word_document_says_so(monkeypatch):
    at = start(monkeypatch, SMALL)
    b = take(at)
    d = docx.Document(io.BytesIO(brief_docx.to_docx(b, None)))
    assert not d.inline_shapes and T.BRIEF_NO_PICTURES in doc_text(d)
    assert [p.text for p in d.paragraphs if p.style.name == "Caption"][0].startswith("Рисунок 1 — ")


def test_data_page_has_no_brief_buttons(monkeypatch):
    at = start(monkeypatch, SMALL, "shipments")
    at.switch_page("pages/data.py").run()
    no_errors(at)
    labels = [x.proto.label for x in at.get("download_button")]
    assert labels and T.BRIEF_DOCX not in labels and T.BRIEF_HTML not in labels


def test_a_download_is_audited(monkeypatch, tmp_path):
    """The button's callable (what Streamlit runs when the browser fetches the file) builds the file and logs it."""
    from streamlit.delta_generator import DeltaGenerator
    seen_buttons = {}
    original = DeltaGenerator.download_button

    def spy(self, label, data, *args, **kwargs):
        seen_buttons[label] = (data, kwargs.get("file_name"))
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    start(monkeypatch, data, "overview", munis=[KOREN])
    build, name = seen_buttons[T.BRIEF_HTML]
    assert name == "справка_обзор_Кореновский-район_2025-01_2025-12.html"
    assert seen_buttons[T.BRIEF_DOCX][1] == "справка_обзор_Кореновский-район_2025-01_2025-12.docx"
    assert not (data / "access" / "audit.jsonl").exists()          # nothing built, nothing logged, until clicked
    page = build()
    assert b"Plotly.newPlot(" in page
    log = [json.loads(x) for x in (data / "access" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["what"], e["filter"], e["detail"]) for e in log] == [
        ("download", "обзор-справка", "Кореновский район_2025-01_2025-12", "html")]


# --- Access: a restricted user's documents -------------------------------------------------------------------

def test_a_municipal_users_brief_holds_only_their_municipality(monkeypatch, tmp_path):
    from tests.app.test_signin import ACCESS, PASSWORD, submit
    from kuban.access import users
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    users.add(data, "ivanova", PASSWORD)
    (data / "access").mkdir(exist_ok=True)
    (data / "access" / "access.toml").write_text(ACCESS, encoding="utf-8")
    at = submit(app(monkeypatch, data).run(), "ivanova")
    no_errors(at)
    at.switch_page("pages/shipments.py").run()
    no_errors(at)
    b = take(at)
    assert b.user == "ivanova"
    assert {m.label: m.value for m in b.metrics}["Отгрузка"] == f"300,0{NB}млн{NB}₽"   # not the krai's 1,3 млрд
    assert "Кореновский район" in b.filter_text and "Краснодар" not in b.filter_text
    page = brief_html.to_html(b).decode("utf-8")
    text = doc_text(read_docx(b))
    for other in ("2310000029", "2310000036", "Бета-Тест", "Краснодар", "Абинский"):
        assert other not in page and other not in text, other
    assert list(b.tables[0].frame["ИНН"]) == ["2310000011", "2310000043"]


# --- Timing (reported, not asserted) ---------------------------------------------------------------------------

def test_time_to_build_the_overview_documents_on_the_demo_data(monkeypatch, capsys):
    at = start(monkeypatch, DEFAULT_DATA, "overview")
    b = take(at)
    assert b.demo
    started = time.perf_counter()
    brief_docx.to_docx(b, [png(1800, 950) for _ in b.figures])
    t_docx = time.perf_counter() - started
    started = time.perf_counter()
    brief_html.to_html(b)
    t_html = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n«Обзор», demo data: to_docx {t_docx:.2f} s (pictures given), to_html {t_html:.2f} s")
