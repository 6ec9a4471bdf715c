"""Adding files on «Данные» in a real browser (the issue's acceptance test): a Windows-1251 «;» CSV and an .xlsx
workbook are uploaded, previewed with their refused rows, accepted; «Отгрузка» shows the new figures without a
restart; withdrawing a file (history section) takes its figures back out, restoring brings them again; the
history table lists all of it.

The server runs in open mode (no access file, served on 127.0.0.1: everybody is an administrator, recorded as
«локальный пользователь») on its own copy of tests/fixtures/small, so the files added here touch no other test.

Figures worked out by hand from the fixture (tests/conftest.py, tests/data/test_uploads.py):
  November 2025: А (2310000011) 150 M + Б (2310000029) 450 M + В (2310000036) 50 M = 650 M.
  The CSV: line 2 А 11.2025 160 M (replaces 150 M), line 3 Д (2310000043) 11.2025 5 M (new),
  line 4 month 13 (refused, «Период»)  ->  November 650 - 150 + 160 + 5 = 665 M.
  December 2025: А 130 + Б 420 + В 60 + Д 20 + 2310000050 10 = 640 M.
  The workbook: line 1 a title, line 2 the header, line 3 В 12.2025 70 M (replaces 60 M), line 4 Б with -5
  (refused: a negative amount, «Отгружено, руб.»), line 5 «Итого» (refused: a total row)
  ->  December 640 - 60 + 70 = 650 M.
«Отгрузка» with the period one month .. the same month (in the URL: from=декабрь+2025) shows the krai's shipments
of that month.
"""
from __future__ import annotations

import io
import re
import shutil
import time
from urllib.parse import urlencode

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from kuban import texts as T
from tests.data.test_uploads import CORRECTION

from . import conftest as cf
from .conftest import FIXTURE, dataframe_rows, expect_metric, metric_value, wait_for_app

NB = "\u00a0"
CSV_NAME = "Отгрузка ноябрь.csv"
CSV = CORRECTION     # Windows-1251 «;»: А's November 150 → 160 M (line 2), Д's new 5 M (3), month 13 refused (4)
XLSX_NAME = "Отгрузка декабрь.xlsx"
NOV_BEFORE, NOV_AFTER = f"650,0{NB}млн{NB}₽", f"665,0{NB}млн{NB}₽"
DEC_BEFORE, DEC_AFTER = f"640,0{NB}млн{NB}₽", f"650,0{NB}млн{NB}₽"
REBUILD_S = 90          # the data version is rebuilt in the background after a change: seconds


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Отгрузка"
    ws.append(["Отгрузка предприятий за декабрь 2025 года"])               # line 1: a title above the header
    ws.append(["ИНН", "Период", "Отгружено, руб.", "Экспорт, руб."])        # line 2
    ws.append(["2310000036", "12.2025", 70_000_000, 0])                     # line 3: В's December, 60 M → 70 M
    ws.append(["2310000029", "12.2025", -5, 0])                             # line 4: negative → refused
    ws.append(["Итого", None, 70_000_000, 0])                               # line 5: a total row → refused
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("upload")
    data_dir = root / "data"
    shutil.copytree(FIXTURE, data_dir)
    with cf.local_server(data_dir) as srv:
        yield srv


# --- Helpers ----------------------------------------------------------------------------------------------------

def open_data(page: Page, server) -> None:
    page.goto(server.url + "/")
    wait_for_app(page)
    cf.go_to(page, T.PAGE_DATA)
    expect(page.get_by_role("heading", name=T.UPLOAD_HEADER, exact=True)).to_be_visible()


def shipments_url(page: Page, server, month: str) -> str:
    path = cf.page_path(page, T.PAGE_SHIPMENTS)
    return server.url + path + "?" + urlencode({"from": month, "to": month})


def expect_shipments(page: Page, server, month: str, value: str) -> None:
    """«Отгрузка» for `month` .. `month` shows `value` (the page is opened anew until it does: after a change of
    the folder the new data version is built in the background, and a page only shows it on its next run)."""
    url = shipments_url(page, server, month)
    deadline = time.monotonic() + REBUILD_S
    while True:
        page.goto(url)
        wait_for_app(page)
        shown = metric_value(page, T.KPI_SHIPPED).inner_text().strip()
        if shown == value or time.monotonic() > deadline:
            break
        page.wait_for_timeout(1000)
    expect_metric(page, T.KPI_SHIPPED, value)


def upload(page: Page, name: str, data: bytes, mime: str) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])
    wait_for_app(page)
    expect(page.get_by_test_id("stMarkdown").filter(has_text=f"Файл «{name}»")).to_be_visible()


def refused_rows(page: Page) -> list[list[str]]:
    """The rows of the preview's tab «Отклонённые строки» (Строка, Столбец, Причина)."""
    page.get_by_role("tab", name=T.UPLOAD_TAB_REFUSED).click()
    panel = page.get_by_role("tabpanel").filter(visible=True)
    expect(panel.get_by_test_id("stDataFrame")).to_have_count(1)
    return dataframe_rows(panel.get_by_test_id("stDataFrame"))


def grid(page: Page, header: str):
    """The st.dataframe whose column headers include `header`."""
    for frame in page.get_by_test_id("stDataFrame").all():
        canvas = frame.get_by_test_id("data-grid-canvas")
        canvas.scroll_into_view_if_needed()
        canvas.focus()
        expect(canvas.locator("[role=columnheader]").first).to_be_attached()
        if header in [t.strip() for t in canvas.locator("[role=columnheader]").all_text_contents()]:
            return frame
    raise AssertionError(f"no table with the column {header!r}")


def history_rows(page: Page) -> list[list[str]]:
    frame = grid(page, T.HISTORY_COLUMNS["user"])
    canvas = frame.get_by_test_id("data-grid-canvas")
    headers = [t.strip() for t in canvas.locator("[role=columnheader]").all_text_contents()]
    assert headers == list(T.HISTORY_COLUMNS.values()), headers
    return dataframe_rows(frame)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the selectbox `label`: a click here only focuses it; typing opens the (filtered) list."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).get_by_role("combobox")
    box.click()
    box.press_sequentially(option.rsplit("/", 1)[-1])
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app(page)


def accept(page: Page, server, name: str) -> str:
    """Click «Принять»; the path the file got in the data folder (read from the success message)."""
    before = set(p.name for p in (server.data_dir / "shipments" / "загрузки").glob("*")) \
        if (server.data_dir / "shipments" / "загрузки").is_dir() else set()
    click(page, T.UPLOAD_ACCEPT)
    expect(page.get_by_test_id("stAlert").filter(has_text=f"Файл «{name}» принят")).to_be_visible()
    added = sorted(set(p.name for p in (server.data_dir / "shipments" / "загрузки").glob("*")) - before)
    assert len(added) == 1, added
    return f"shipments/загрузки/{added[0]}"


# --- The acceptance test ------------------------------------------------------------------------------------------

def test_upload_preview_accept_withdraw_restore(page: Page, server):
    open_data(page, server)
    # Streamlit writes the uploader's button and limit in English: the page holds ours in their place (its DOM,
    # not only what is drawn: a screen reader and a copy read Russian too)
    zone = page.get_by_test_id("stFileUploaderDropzone")
    expect(zone.get_by_role("button", name=T.UPLOAD_DROPZONE_BUTTON, exact=True)).to_be_visible()
    expect(zone.get_by_test_id("stFileUploaderDropzoneInstructions")).to_have_text(
        T.UPLOAD_DROPZONE_LIMIT.format(limit="200\u00a0МБ"))
    words = zone.evaluate("""z => { const w = document.createTreeWalker(z, NodeFilter.SHOW_TEXT), out = [];
        for (let n = w.nextNode(); n; n = w.nextNode())      // icons are ligatures (text «upload»), never read out
            if (!n.parentElement.closest('[data-testid="stIconMaterial"], [aria-hidden="true"]')) out.push(n.nodeValue);
        return out; }""")
    assert words and not [w for w in words if re.search(r"[A-Za-z]", w)], words
    expect_shipments(page, server, "ноябрь 2025", NOV_BEFORE)
    expect_shipments(page, server, "декабрь 2025", DEC_BEFORE)

    # 1. The CSV (Windows-1251, «;»): previewed with its refused line, then accepted
    open_data(page, server)
    upload(page, CSV_NAME, CSV, "text/csv")
    expect_metric(page, T.UPLOAD_ROWS, "2")
    expect_metric(page, T.UPLOAD_REFUSED_ROWS, "1")
    expect_metric(page, T.UPLOAD_SUPERSEDES, "1")
    expect_metric(page, T.UPLOAD_NEW_KEYS, "1")
    rows = refused_rows(page)
    assert [r[:2] for r in rows] == [["4", "Период"]], rows
    assert "13" in rows[0][2], rows
    csv_stored = accept(page, server, CSV_NAME)
    assert (server.data_dir / csv_stored).read_bytes() == CSV
    expect_shipments(page, server, "ноябрь 2025", NOV_AFTER)
    expect_shipments(page, server, "декабрь 2025", DEC_BEFORE)

    # 2. The workbook: a title row above the header, a negative amount and a total row refused
    open_data(page, server)
    upload(page, XLSX_NAME, workbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    expect_metric(page, T.UPLOAD_ROWS, "1")
    expect_metric(page, T.UPLOAD_REFUSED_ROWS, "2")
    expect_metric(page, T.UPLOAD_SUPERSEDES, "1")
    expect_metric(page, T.UPLOAD_NEW_KEYS, "0")
    rows = refused_rows(page)
    assert [r[:2] for r in rows] == [["4", "Отгружено, руб."], ["5", "ИНН"]], rows
    assert "-5" in rows[0][2] and "Итого" in rows[1][2], rows
    xlsx_stored = accept(page, server, XLSX_NAME)
    assert xlsx_stored.endswith(".xlsx")
    expect_shipments(page, server, "декабрь 2025", DEC_AFTER)
    expect_shipments(page, server, "ноябрь 2025", NOV_AFTER)

    # 3. Withdraw the CSV in the history section: November is back to the fixture's
    open_data(page, server)
    choose(page, T.HISTORY_WITHDRAW_LABEL, csv_stored)
    click(page, T.HISTORY_WITHDRAW_BUTTON)
    expect(page.get_by_test_id("stAlert").filter(has_text="отозван")).to_be_visible()
    assert not (server.data_dir / csv_stored).exists()
    expect_shipments(page, server, "ноябрь 2025", NOV_BEFORE)
    expect_shipments(page, server, "декабрь 2025", DEC_AFTER)

    # 4. Restore it: November's correction is back
    open_data(page, server)
    choose(page, T.HISTORY_RESTORE_LABEL, csv_stored)
    click(page, T.HISTORY_RESTORE_BUTTON)
    expect(page.get_by_test_id("stAlert").filter(has_text="восстановлен")).to_be_visible()
    assert (server.data_dir / csv_stored).read_bytes() == CSV
    expect_shipments(page, server, "ноябрь 2025", NOV_AFTER)

    # 5. The history, newest first: who, what, which file, where it is now (a wide window: the grid draws, and
    # gives screen readers, only the columns in view)
    page.set_viewport_size({"width": 3200, "height": 1200})
    open_data(page, server)
    rows = history_rows(page)
    cols = list(T.HISTORY_COLUMNS)
    seen = [(r[cols.index("user")], r[cols.index("action")], r[cols.index("original")], r[cols.index("stored")],
             r[cols.index("now")]) for r in rows]
    assert seen == [
        (T.OPEN_USER, "восстановлен", CSV_NAME, csv_stored, "в данных"),
        (T.OPEN_USER, "отозван", CSV_NAME, csv_stored, "в данных"),
        (T.OPEN_USER, "добавлен", XLSX_NAME, xlsx_stored, "в данных"),
        (T.OPEN_USER, "добавлен", CSV_NAME, csv_stored, "в данных"),
    ], seen
    added = {r[cols.index("stored")]: (r[cols.index("rows")], r[cols.index("refused")]) for r in rows
             if r[cols.index("action")] == "добавлен"}
    assert added == {csv_stored: ("2", "1"), xlsx_stored: ("1", "2")}, added
