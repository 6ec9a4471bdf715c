"""«Данные»: the upload and history sections (kuban/app/upload_ui.py) through Streamlit's AppTest, on a copy of
the small hand-made fixture (tests/fixtures/small/README.md).

Figures worked out by hand from the fixture (tests/conftest.py, tests/data/test_uploads.py):
shipments 2025-11 = А (2310000011) 150 M + Б (2310000029) 450 M + В (2310000036) 50 M = 650 M in 3 rows.
The correction CORRECTION (Windows-1251, «;», decimal comma) has three lines of data:
  line 2: А, 11.2025, 160 M  -> supersedes А's November 150 M (А's export 30 M is not in the file: «—»);
  line 3: Д (2310000043), 11.2025, 5 M  -> a key the data does not have;
  line 4: А, 13.2025  -> refused (column «Период», there is no month 13).
November after it: 650 - 150 + 160 + 5 = 665 M in 4 rows, a change of +15 M.

On «Отгрузка» with the period November 2025 .. November 2025 the KPI «Отгрузка» is the krai's shipments of
that month (every enterprise, the one not in the register too): 650 M -> «650,0 млн ₽», 665 M -> «665,0 млн ₽».
"""
from __future__ import annotations

import hashlib
import io
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kuban import texts as T
from kuban.access import users
from kuban.app import fmt
from kuban.data import uploads
from tests.app.apptest import NB, app, metrics, no_errors, start
from tests.conftest import SMALL
from tests.data.test_uploads import CORRECTION     # Windows-1251 «;»: А's November 150 → 160 M, Д's new 5 M, line 4 refused

M = 1_000_000
NAME = "Отгрузка ноябрь.csv"
NOV_BEFORE = f"650,0{NB}млн{NB}₽"          # 150 + 450 + 50
NOV_AFTER = f"665,0{NB}млн{NB}₽"           # 650 - 150 + 160 + 5
POLL_S = 60                                # the new data version is built in the background: seconds, not minutes

PASSWORD = "правильный-пароль-1"
ACCESS = """
[users.redaktor]
role = "editor"

[users.boss]
role = "admin"

[users.petrov]
role = "krai"

[users.svodka]
role = "krai"
detail = "aggregates"

[users.ivanova]
role = "municipal"
municipalities = ["Кореновский р-н"]
"""


@pytest.fixture(autouse=True)
def fresh_throttle():
    from kuban.app import signin
    signin._throttle.clear()
    yield


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(SMALL, d)
    return d


def snapshot(d: Path) -> dict[str, str]:
    """Every file under the data folder with its content's checksum (the data versions' store `.kuban/` and the
    audit log aside: neither is data)."""
    out = {}
    for p in sorted(d.rglob("*")):
        rel = p.relative_to(d)
        if p.is_file() and ".kuban" not in rel.parts and rel.as_posix() != "access/audit.jsonl":
            out[rel.as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# --- Reading the page -----------------------------------------------------------------------------------------

def frame(at, column: str | list[str]) -> pd.DataFrame:
    """The one dataframe of the page that has the column `column` (a list: exactly these columns)."""
    found = [df.value for df in at.dataframe
             if (list(df.value.columns) == column if isinstance(column, list) else column in df.value.columns)]
    assert len(found) == 1, [list(df.value.columns) for df in at.dataframe]
    return found[0]


def buttons(at) -> list[str]:
    return [b.label for b in at.button]


def texts(at) -> str:
    return "\n".join(e.value for e in (*at.info, *at.success, *at.error, *at.warning, *at.caption))


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, data, mime)).run()
    return at


def has_upload_section(at) -> bool:
    return any(s.value == T.UPLOAD_HEADER for s in at.subheader) or len(at.get("file_uploader")) > 0


def november_shipments(at, want: str | None = None) -> str:
    """The KPI «Отгрузка» of «Отгрузка» for November 2025 .. November 2025; with `want`, rerun until it shows
    that (the data version rebuilds in the background after a change of the folder)."""
    at.switch_page("pages/shipments.py").run()
    at.sidebar.selectbox(key="from").set_value("2025-11").run()
    at.sidebar.selectbox(key="to").set_value("2025-11").run()
    no_errors(at)
    value = metrics(at)["Отгрузка"]
    deadline = time.monotonic() + POLL_S
    while want is not None and value != want and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
        value = metrics(at)["Отгрузка"]
    return value


def to_data(at):
    at.switch_page("pages/data.py").run()
    no_errors(at)
    return at


def with_users(folder: Path) -> Path:
    """The folder with sign-in set up (ACCESS): no more open mode."""
    for name in ("redaktor", "boss", "petrov", "svodka", "ivanova"):
        users.add(folder, name, PASSWORD)
    (folder / "access").mkdir(exist_ok=True)
    (folder / "access" / "access.toml").write_text(ACCESS, encoding="utf-8")
    return folder


def sign_in(monkeypatch, folder: Path, login: str):
    at = app(monkeypatch, folder).run()
    at.text_input(key="signin-login").input(login)
    at.text_input(key="signin-password").input(PASSWORD)
    [b for b in at.button if b.label == T.SIGNIN_BUTTON][0].click()
    at.run()
    no_errors(at)
    assert at.metric, f"{login} is not signed in"
    return to_data(at)


# --- The preview ----------------------------------------------------------------------------------------------

def test_preview_of_a_correction(monkeypatch, folder):
    at = start(monkeypatch, folder, "data")
    assert has_upload_section(at)                      # open mode on 127.0.0.1: everybody is an administrator
    before = snapshot(folder)
    upload(at, NAME, CORRECTION)
    no_errors(at)
    m = metrics(at)
    assert (m[T.UPLOAD_ROWS], m[T.UPLOAD_REFUSED_ROWS], m[T.UPLOAD_SUPERSEDES], m[T.UPLOAD_NEW_KEYS]) == (
        "2", "1", "1", "1")        # lines 2 and 3 load, line 4 refused; А's November replaced, Д's new
    assert at.selectbox(key=[s.key for s in at.selectbox if s.label == T.UPLOAD_TABLE_CHOICE][0]).value \
        == "shipments"
    assert [t.label for t in at.tabs] == [T.UPLOAD_TAB_TOTALS, T.UPLOAD_TAB_REFUSED, T.UPLOAD_TAB_SUPERSEDED,
                                          T.UPLOAD_TAB_ROWS]
    assert T.UPLOAD_ACCEPT in buttons(at) and T.UPLOAD_CANCEL in buttons(at)
    assert any(c.value.startswith("Будет сохранён как shipments\\/загрузки\\/") for c in at.caption)

    refused = frame(at, ["Строка", "Столбец", "Причина"])
    assert list(refused["Строка"]) == [4]
    assert "13" in refused["Причина"].iloc[0]

    old, new = f"Отгружено, руб. {T.UPLOAD_OLD}", f"Отгружено, руб. {T.UPLOAD_NEW}"
    superseded = frame(at, old)
    assert superseded[["ИНН", "Период", old, new]].values.tolist() == [
        ["2310000011", "11.2025", f"150{NB}000{NB}000,00", f"160{NB}000{NB}000,00"]]
    # the correction has no export column: А's November export (30 M) would become empty
    assert superseded[["Экспорт, руб. (было)", "Экспорт, руб. (станет)"]].values.tolist() == [
        [f"30{NB}000{NB}000,00", "—"]]

    totals = frame(at, "Сейчас, руб.")
    assert totals.to_dict("records") == [{
        "Месяц": "ноябрь 2025", "Сейчас, руб.": f"650{NB}000{NB}000,00", "Станет, руб.": f"665{NB}000{NB}000,00",
        "Изменение, руб.": f"+15{NB}000{NB}000,00", "Строк сейчас": 3, "Строк станет": 4}]

    rows = frame(at, "Отгружено, руб.")
    assert rows[["Строка", "ИНН", "Отгружено, руб."]].values.tolist() == [
        [2, "2310000011", f"160{NB}000{NB}000,00"], [3, "2310000043", f"5{NB}000{NB}000,00"]]
    assert snapshot(folder) == before, "a preview writes nothing into the data folder"


def test_preview_of_a_workbook_with_stray_cells_names_them(monkeypatch, folder):
    """The preview of an .xlsx whose row 3 holds values right of the header: that row is refused, its reason
    names the cells (E3, F3), as `kuban add` and «Данные» say it."""
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    for row in (["ИНН", "Период", "Отгружено, руб."], ["2310000011", "2026-01", 5_000_000],
                ["2310000029", "2026-01", 7_000_000, None, "лишнее", "поле"]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    at = start(monkeypatch, folder, "data")
    upload(at, "отгрузка.xlsx", buf.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    no_errors(at)
    m = metrics(at)
    assert (m[T.UPLOAD_ROWS], m[T.UPLOAD_REFUSED_ROWS]) == ("1", "1")
    refused = frame(at, ["Строка", "Столбец", "Причина"])
    assert list(refused["Строка"]) == [3] and "E3, F3" in refused["Причина"].iloc[0]


def test_cancel_changes_nothing_and_removes_the_preview(monkeypatch, folder):
    at = start(monkeypatch, folder, "data")
    before = snapshot(folder)
    upload(at, NAME, CORRECTION)
    assert T.UPLOAD_ROWS in metrics(at)
    [b for b in at.button if b.label == T.UPLOAD_CANCEL][0].click()
    at.run()
    no_errors(at)
    assert [i.value for i in at.info if i.value == T.UPLOAD_CANCELLED] == [T.UPLOAD_CANCELLED]
    assert T.UPLOAD_ROWS not in metrics(at) and not at.tabs
    assert T.UPLOAD_ACCEPT not in buttons(at)
    assert snapshot(folder) == before, "cancelling leaves every file of the data folder as it was"
    assert not (folder / "shipments" / uploads.UPLOADS_FOLDER).exists()
    assert not (folder / uploads.HISTORY_FOLDER).exists()
    at.run()                                             # and the preview does not come back on the next run
    assert T.UPLOAD_ROWS not in metrics(at)
    assert november_shipments(at) == NOV_BEFORE


# --- Accept, withdraw, restore, history -----------------------------------------------------------------------

def test_accept_withdraw_restore_change_the_figures_and_the_history_says_so(monkeypatch, folder):
    at = start(monkeypatch, folder, "data")
    assert november_shipments(at) == NOV_BEFORE
    to_data(at)
    upload(at, NAME, CORRECTION)
    [b for b in at.button if b.label == T.UPLOAD_ACCEPT][0].click()
    at.run()
    no_errors(at)
    stored = [p.relative_to(folder).as_posix() for p in (folder / "shipments" / "загрузки").iterdir()]
    assert len(stored) == 1 and stored[0].endswith("_Отгрузка_ноябрь.csv")
    stored = stored[0]
    assert (folder / stored).read_bytes() == CORRECTION
    ok = [s.value for s in at.success]
    assert len(ok) == 1 and "Отгрузка ноябрь" in ok[0] and "(2 строки)" in ok[0], ok   # lines 2 and 3
    assert T.UPLOAD_ROWS not in metrics(at)              # the preview is gone
    assert [u.value for u in at.file_uploader] == [[]] or [u.value for u in at.file_uploader] == [None], \
        "every file handled: the uploader is emptied"

    assert november_shipments(at, NOV_AFTER) == NOV_AFTER

    to_data(at)
    h = frame(at, "Кто")
    assert h[["Кто", "Действие", "Исходное имя", "Файл в папке данных", "Строк", "Отклонено", "Сейчас"]
             ].values.tolist() == [[T.OPEN_USER, "добавлен", NAME, stored, 2, 1, "в данных"]]
    withdraw = at.selectbox(key="history-withdraw")
    assert stored in withdraw.options
    withdraw.set_value(stored).run()
    at.button(key="history-withdraw-button").click().run()
    no_errors(at)
    assert [s.value for s in at.success] == [fmt.md_format(T.HISTORY_WITHDRAWN_OK, stored=stored)]
    assert not (folder / stored).exists()
    assert (folder / "_history" / "withdrawn" / stored).read_bytes() == CORRECTION
    assert november_shipments(at, NOV_BEFORE) == NOV_BEFORE

    to_data(at)
    assert at.selectbox(key="history-restore").options == [stored]
    at.selectbox(key="history-restore").set_value(stored).run()
    at.button(key="history-restore-button").click().run()
    no_errors(at)
    assert [s.value for s in at.success] == [fmt.md_format(T.HISTORY_RESTORED_OK, stored=stored)]
    assert (folder / stored).read_bytes() == CORRECTION
    assert november_shipments(at, NOV_AFTER) == NOV_AFTER

    to_data(at)
    h = frame(at, "Кто")                                 # newest first
    assert h[["Кто", "Действие", "Файл в папке данных", "Сейчас"]].values.tolist() == [
        [T.OPEN_USER, "восстановлен", stored, "в данных"],
        [T.OPEN_USER, "отозван", stored, "в данных"],
        [T.OPEN_USER, "добавлен", stored, "в данных"]]
    assert at.selectbox(key="history-restore").options == []


# --- Files that change nothing --------------------------------------------------------------------------------

def _zip_not_a_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "не книга Excel")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + bytes(64)


@pytest.mark.parametrize("name, data", [("пусто.csv", b""), ("картинка.csv", PNG), ("архив.xlsx", _zip_not_a_workbook())],
                         ids=["empty", "png", "zip"])
def test_a_bad_file_shows_an_error_and_changes_nothing(monkeypatch, folder, name, data):
    at = start(monkeypatch, folder, "data")
    before = snapshot(folder)
    upload(at, name, data, "application/octet-stream")
    assert not at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    assert T.UPLOAD_ROWS not in metrics(at) and T.UPLOAD_ACCEPT not in buttons(at)
    if name == "пусто.csv":
        assert "пуст" in at.error[0].value
    [b for b in at.button if b.label == T.UPLOAD_CANCEL][0].click()
    at.run()
    no_errors(at)
    assert snapshot(folder) == before


def test_headers_of_no_table_leave_the_table_to_choose(monkeypatch, folder):
    at = start(monkeypatch, folder, "data")
    before = snapshot(folder)
    upload(at, "прочее.csv", "Фамилия;Должность\nИванов;инженер\n".encode("utf-8"))
    no_errors(at)
    table = [s for s in at.selectbox if s.label == T.UPLOAD_TABLE_CHOICE][0]
    assert table.value is None
    assert any(i.value == T.UPLOAD_NOT_RECOGNISED for i in at.info)
    assert T.UPLOAD_ROWS not in metrics(at) and T.UPLOAD_ACCEPT not in buttons(at)
    # Chosen by hand, the file is refused whole (no known column) and still changes nothing.
    table.set_value("shipments").run()
    assert not at.exception
    assert at.error and T.UPLOAD_ACCEPT not in buttons(at)
    assert any(c.value == T.UPLOAD_NOTHING_CHANGED for c in at.caption)
    assert snapshot(folder) == before


# --- Who sees what ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["petrov", "ivanova", "svodka"])
def test_viewers_cannot_upload(monkeypatch, folder, login):
    """A krai viewer (full detail or aggregates only) and a municipal user may not upload; they do not see the
    load report either. (An editor always sees the whole krai: an editor's entry cannot narrow it.)"""
    at = sign_in(monkeypatch, with_users(folder), login)
    assert not has_upload_section(at)
    assert any(i.value == T.DATA_REPORT_EDITORS for i in at.info)
    assert not any(s.value == T.HISTORY_HEADER for s in at.subheader)
    assert T.UPLOAD_ACCEPT not in buttons(at) and T.HISTORY_WITHDRAW_BUTTON not in buttons(at)


def test_an_editor_uploads_and_sees_only_their_own_history(monkeypatch, folder):
    # The administrator added a file earlier (through the command line's code path)
    other = uploads.check(folder, uploads.stage(folder, "декабрь.csv",
                                                "ИНН;Период;Отгружено, руб.\n2310000036;12.2025;61000000\n"
                                                .encode("utf-8")))
    boss_file = uploads.accept(folder, other, "boss")["stored"]

    at = sign_in(monkeypatch, with_users(folder), "redaktor")
    assert has_upload_section(at)
    assert any(c.value == T.HISTORY_OWN_ONLY for c in at.caption)
    assert not any("Кто" in df.value.columns for df in at.dataframe)
    assert any(c.value == T.HISTORY_EMPTY for c in at.caption)
    assert at.selectbox(key="history-withdraw").options == []      # not the administrator's, not the fixture's

    upload(at, NAME, CORRECTION)
    [b for b in at.button if b.label == T.UPLOAD_ACCEPT][0].click()
    at.run()
    no_errors(at)
    mine = [e["stored"] for e in uploads.history(folder) if e["user"] == "redaktor"]
    assert len(mine) == 1
    h = frame(at, "Кто")
    assert h[["Кто", "Действие", "Файл в папке данных"]].values.tolist() == [["redaktor", "добавлен", mine[0]]]
    assert boss_file not in h["Файл в папке данных"].tolist()
    assert at.selectbox(key="history-withdraw").options == mine

    at.selectbox(key="history-withdraw").set_value(mine[0]).run()
    at.button(key="history-withdraw-button").click().run()
    no_errors(at)
    assert [(e["user"], e["action"]) for e in uploads.history(folder)] == [
        ("boss", "accepted"), ("redaktor", "accepted"), ("redaktor", "withdrawn")]

    # the administrator sees everybody's
    admin = sign_in(monkeypatch, folder, "boss")
    assert sorted(frame(admin, "Кто")["Кто"]) == ["boss", "redaktor", "redaktor"]
