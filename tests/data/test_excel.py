"""Excel workbooks load like CSV, through every rule of the data contract (issue 12, part 1).

Workbooks are built here with openpyxl as offices send them; zips and OLE2 files for the hostile cases are
made by hand. Every expected figure and refusal is worked out by hand below, never taken from the program.
"""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from kuban.data import excel
from kuban.data.contract import MAX_CELL_BYTES, TABLES
from kuban.data.ingest import load_folder
from kuban.data.readers import FileRefused, read_file, recognise_table, sniff
from tests.office import (
    SHIP_RU,
    A,
    B,
    C,
    assert_russian,
    line,
    problems,
    put,
    put_parquet,
    register,
    rows,
)

ROOT = Path(__file__).resolve().parents[2]
NBSP, NNBSP = "\u00a0", "\u202f"
SHIPMENTS = TABLES["shipments"]


def save(wb: openpyxl.Workbook, folder: Path, rel: str) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def workbook(rows_: list[list], title: str = "Лист1") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows_:
        ws.append(r)
    return wb


def shipped(res) -> set:
    return rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub")


def refused(res) -> list[tuple]:
    return sorted((p["file"], p["line"], p["column"]) for p in problems(res, "refused_row"))


def refused_file(res) -> str:
    found = problems(res, "refused_file")
    assert len(found) == 1, found
    return found[0]["reason"]


# --- An office workbook -----------------------------------------------------------------------

def office_workbook() -> openpyxl.Workbook:
    """Title and empty rows above the header; a header merged over two rows (ИНН, Период) with a group title
    over the two money columns; numbers as text with spaces, no-break spaces and decimal commas; dates as
    serial numbers, as date cells and as text; an empty row; an Excel error; a hidden column; a total row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Отгрузка март 2025"
    ws["A1"] = "Сведения об отгрузке товаров собственного производства, март 2025 года"
    ws.merge_cells("A1:F1")
    # rows 2 and 3 are empty
    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["F4"] = "№ п/п", "ИНН", "Период", "Показатели, руб.", "Примечание"
    for rng in ("A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5"):
        ws.merge_cells(rng)
    ws["D5"], ws["E5"] = "Отгружено, руб.", "Экспорт, руб."
    ws.column_dimensions["E"].hidden = True
    data = {
        6: [1, A, "март 2025", f"1 234{NBSP}567,89", f"100{NBSP}000", None],
        7: [2, float(B), 45717, 2000000, 0, "проверено"],        # 45717 = 01.03.2025 (1900 system)
        # row 8 is empty
        9: [3, C, datetime(2025, 3, 1), f"1{NNBSP}500,5", None, None],
        10: [4, A, "01.02.2025", "#DIV/0!", None, None],         # an Excel error in «Отгружено»
        11: [5, B, 45689, 45717, "2,5", None],                   # period 01.02.2025; 45717 rubles stay rubles
        12: [None, "Итого", None, 3282285.39, 100002.5, None],
    }
    for r, values in data.items():
        for col, v in zip("ABCDEF", values):
            if v is not None:
                ws[f"{col}{r}"] = v
    ws["C9"].number_format = "DD.MM.YYYY"
    return wb


def test_office_workbook_loads_with_exactly_the_refusals_the_contract_implies(tmp_path):
    register(tmp_path, [A, B, C])
    save(office_workbook(), tmp_path, "shipments/otgruzka.xlsx")
    res = load_folder(tmp_path)
    assert shipped(res) == {
        (A, "2025-03-01", 1234567.89, 100000.0),
        (B, "2025-03-01", 2000000.0, 0.0),
        (C, "2025-03-01", 1500.5, None),
        (B, "2025-02-01", 45717.0, 2.5),
    }
    file = "shipments/otgruzka.xlsx"
    assert refused(res) == [(file, 10, "Отгружено, руб."), (file, 12, "ИНН")]
    reasons = {p["line"]: p["reason"] for p in problems(res, "refused_row")}
    assert_russian(reasons[10], "ошибка Excel", "#ДЕЛ/0!")
    assert_russian(reasons[12], "Итого")
    warnings = sorted((p["line"], p["column"]) for p in problems(res, "warning"))
    assert warnings == [(4, "Примечание"), (4, "№ п/п")]
    assert not problems(res, "refused_file")


def test_lines_in_refusals_are_the_sheet_row_numbers(tmp_path):
    register(tmp_path, [A, B, C])
    wb = workbook([["Отчёт"], [], [], SHIP_RU, [A, "2025-13", 1, None], [], [B, "2025-01", -5, None],
                   [C, "2025-01", "н/д", None]])
    save(wb, tmp_path, "shipments/x.xlsx")
    res = load_folder(tmp_path)
    assert refused(res) == [("shipments/x.xlsx", 5, "Период"), ("shipments/x.xlsx", 7, "Отгружено, руб."),
                            ("shipments/x.xlsx", 8, "Отгружено, руб.")]
    assert shipped(res) == set()


def test_cells_as_text():
    assert excel.cell_text(2310000011.0) == "2310000011"
    assert excel.cell_text(1234.5) == "1234.5"
    assert excel.cell_text(1e-05) == "0.00001"
    assert excel.cell_text(1e15) == "1000000000000000"
    assert excel.cell_text(123456789012345.0) == "123456789012345"
    assert excel.cell_text(date(2025, 3, 14)) == "2025-03-14"
    assert excel.cell_text(datetime(2025, 3, 1, 12, 30)) == "2025-03-01"
    # 1900 system: serial 1 = 01.01.1900, and Excel counts a 29.02.1900, so 45717 = 01.03.2025:
    # 1900-01-01 + 45716 days would be 02.03.2025; the phantom day takes one away.
    assert excel.cell_text(45717.0, dates=True) == "2025-03-01"
    assert excel.cell_text(32874.0, dates=True) == "1990-01-01"
    assert excel.cell_text(45717.0, dates=True, date1904=True) == "2029-03-02"   # 1904-01-01 + 45717 days
    assert excel.cell_text(45717.0) == "45717"                # not a month or date column: a number
    assert excel.cell_text(202503.0, dates=True) == "202503"  # no plausible date: left for the month parser
    assert excel.cell_text(True) == "ИСТИНА"


def test_typed_cells_and_serials_per_column_kind(tmp_path):
    register(tmp_path, [A, B])
    wb = workbook([["Номер займа", "ИНН", "Фонд", "Программа", "Сумма, руб.", "Ставка, %", "Срок, лет",
                    "Дата решения"],
                   ["З-1", A, "ФРП", "Машиностроение", 45717, 3, 5, 45730],      # 45730 = 14.03.2025
                   ["З-2", B, "ФРП", "Машиностроение", 1000000, 1.5, 3, "14.03.2025"],
                   ["З-3", B, "ФРП", "Машиностроение", 1000000, 1.5, 3, 12],     # 12: not a plausible date
                   ["З-4", B, "ФРП", "Машиностроение", True, 1.5, 3, "2025-03-14"]])
    save(wb, tmp_path, "loans/l.xlsx")
    res = load_folder(tmp_path)
    assert rows(res, "loans", "loan_id", "amount_rub", "rate_pct", "decision_date") == {
        ("З-1", 45717.0, 3.0, "2025-03-14"), ("З-2", 1000000.0, 1.5, "2025-03-14")}
    reasons = {p["line"]: (p["column"], p["reason"]) for p in problems(res, "refused_row")}
    assert reasons[4][0] == "Дата решения"
    assert_russian(reasons[4][1], "«12»")
    assert reasons[5][0] == "Сумма, руб."
    assert_russian(reasons[5][1], "ИСТИНА")


def test_cell_over_100_kb_refuses_its_row(tmp_path):
    register(tmp_path, [A, B])
    wb = workbook([SHIP_RU, [A, "2025-01", "1" * (MAX_CELL_BYTES + 1), None], [B, "2025-01", 10, None]])
    save(wb, tmp_path, "shipments/x.xlsx")
    res = load_folder(tmp_path)
    assert shipped(res) == {(B, "2025-01-01", 10.0, None)}
    assert refused(res) == [("shipments/x.xlsx", 2, "Отгружено, руб.")]


# --- Sheets ------------------------------------------------------------------------------------

def test_sheet_picked_by_name_then_by_headers_hidden_last(tmp_path):
    register(tmp_path, [A, B, C])
    wb = workbook([["Пояснения к отчёту"]], title="Пояснения")
    ws = wb.create_sheet("Отгрузка")
    for r in ([*SHIP_RU], [A, "2025-01", 100, None]):
        ws.append(r)
    save(wb, tmp_path, "shipments/by_name.xlsx")

    wb = workbook([["ИНН", "Наименование"], [A, "x"]], title="Реестр")
    ws = wb.create_sheet("Лист3")
    for r in (["Сводка"], [], [*SHIP_RU], [B, "2025-01", 200, None]):
        ws.append(r)
    hidden = wb.create_sheet("Скрытый")
    hidden.sheet_state = "hidden"
    for r in ([*SHIP_RU], [C, "2025-01", 999, None]):
        hidden.append(r)
    save(wb, tmp_path, "shipments/by_headers.xlsx")

    res = load_folder(tmp_path)
    assert shipped(res) == {(A, "2025-01-01", 100.0, None), (B, "2025-01-01", 200.0, None)}
    assert not problems(res, "refused_file") and not problems(res, "refused_row")


def test_only_a_hidden_sheet_fits(tmp_path):
    register(tmp_path, [A])
    wb = workbook([["Пояснения"]], title="Пояснения")
    hidden = wb.create_sheet("данные")
    hidden.sheet_state = "veryHidden"
    for r in ([*SHIP_RU], [A, "2025-01", 7, None]):
        hidden.append(r)
    save(wb, tmp_path, "shipments/x.xlsx")
    assert shipped(load_folder(tmp_path)) == {(A, "2025-01-01", 7.0, None)}


def test_workbook_with_no_sheet_that_fits_is_refused_naming_the_sheets(tmp_path):
    register(tmp_path, [A])
    wb = workbook([["ИНН", "Наименование", "ОКВЭД"], [A, "x", "10.11"]], title="Реестр")
    wb.create_sheet("Заметки").append(["что-то"])
    save(wb, tmp_path, "shipments/x.xlsx")
    res = load_folder(tmp_path)
    assert_russian(refused_file(res), "«Реестр»", "«Заметки»", "Отгрузка")
    assert shipped(res) == set()


def test_single_sheet_missing_a_column_gets_the_usual_refusal(tmp_path):
    register(tmp_path, [A])
    save(workbook([["Отчёт"], ["ИНН", "Период"], [A, "2025-01"]]), tmp_path, "shipments/x.xlsx")
    assert_russian(refused_file(load_folder(tmp_path)), "«Отгружено, руб.»")


# --- Content, not extension --------------------------------------------------------------------

def test_a_workbook_named_csv_and_csv_named_xlsx_are_read_for_what_they_are(tmp_path):
    register(tmp_path, [A, B])
    wb = workbook([SHIP_RU, [A, "2025-01", 100, None]])
    buf = io.BytesIO()
    wb.save(buf)
    put(tmp_path, "shipments/a.csv", buf.getvalue())
    put(tmp_path, "shipments/b.xlsx", [line(SHIP_RU), f"{B};2025-01;1 500,5;"])
    res = load_folder(tmp_path)
    assert shipped(res) == {(A, "2025-01-01", 100.0, None), (B, "2025-01-01", 1500.5, None)}
    assert sniff(tmp_path / "shipments/a.csv") == "xlsx"
    assert sniff(tmp_path / "shipments/b.xlsx") == "csv"
    assert sniff(buf.getvalue()) == "xlsx"


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors): one FAT sector, one directory sector,
    then each stream (padded to 4096 bytes, so that none lives in the mini stream)."""
    sector = 512
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    bodies = [d + b"\0" * (max(4096, -(-len(d) // sector) * sector) - len(d)) for d in streams.values()]
    fat = [fatsect, end]
    starts = []
    for body in bodies:
        n = len(body) // sector
        starts.append(len(fat))
        fat += [len(fat) + k + 1 for k in range(n - 1)] + [end]
    assert len(fat) <= sector // 4
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child=free, right=free, start=end, size=0) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", free, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    names = list(streams)
    entries = [entry("Root Entry", 5, child=1)]
    for i, name in enumerate(names):
        entries.append(entry(name, 2, right=i + 2 if i + 1 < len(names) else free, start=starts[i],
                             size=len(streams[name])))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


def test_files_that_are_no_workbook_or_no_table_are_refused_with_a_reason(tmp_path):
    register(tmp_path, [A])
    put(tmp_path, "shipments/a_ok.csv", [line(SHIP_RU), f"{A};2025-01;1;"])
    cases = {
        "b_empty.xlsx": b"",
        "c_docx.xlsx": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "d_encrypted.xlsx": ole2({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x40" * 200,
                                  "EncryptedPackage": b"\x10" * 5000}),
        "e_truncated.xlsx": None,
        "f_ods.xlsx": _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                            "content.xml": b"<office:document-content/>"}),
        "g_png.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    }
    buf = io.BytesIO()
    workbook([SHIP_RU, [A, "2025-02", 1, None]]).save(buf)
    cases["e_truncated.xlsx"] = buf.getvalue()[: len(buf.getvalue()) // 2]
    for name, data in cases.items():
        put(tmp_path, f"shipments/{name}", data)
    res = load_folder(tmp_path)
    assert shipped(res) == {(A, "2025-01-01", 1.0, None)}
    reasons = {p["file"].split("/")[1]: p["reason"] for p in problems(res, "refused_file")}
    assert set(reasons) == set(cases)
    assert_russian(reasons["b_empty.xlsx"], "пуст")
    assert_russian(reasons["c_docx.xlsx"], "не книга Excel")
    assert_russian(reasons["d_encrypted.xlsx"], "защищена паролем")
    assert_russian(reasons["e_truncated.xlsx"], "повреждена")
    assert_russian(reasons["f_ods.xlsx"], ".ods")
    assert_russian(reasons["g_png.csv"], "двоичные данные")
    for name in cases:
        with pytest.raises(FileRefused) as err:
            sniff(tmp_path / "shipments" / name)
        assert str(err.value) == reasons[name]


def test_workbook_with_garbage_xml_is_refused_as_damaged(tmp_path):
    register(tmp_path, [A])
    buf = io.BytesIO()
    workbook([SHIP_RU, [A, "2025-02", 1, None]]).save(buf)
    with zipfile.ZipFile(buf) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99</v></c></row></x>"
    put(tmp_path, "shipments/x.xlsx", _zip(parts))
    res = load_folder(tmp_path)
    reason = refused_file(res)
    assert_russian(reason, "повреждена")
    assert "Traceback" not in reason and "Error" not in reason.split("(")[0]


def _bomb_zip(size: int, declared: int | None = None) -> bytes:
    """A workbook whose sheet part inflates to `size` bytes of XML; `declared`: the size its zip directory
    claims instead (a lying central directory)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b'<workbook><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
                                       b"</workbook>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b" " * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
    data = bytearray(buf.getvalue())
    if declared is not None:
        name = b"xl/worksheets/sheet1.xml"
        at = 0
        while True:
            at = data.index(b"PK\x01\x02", at)
            n = struct.unpack("<H", data[at + 28:at + 30])[0]
            if bytes(data[at + 46:at + 46 + n]) == name:
                break
            at += 4
        extra_len = struct.unpack("<H", data[at + 30:at + 32])[0]
        extra = data[at + 46 + n:at + 46 + n + extra_len]
        if struct.unpack("<I", data[at + 24:at + 28])[0] == 0xFFFFFFFF:   # zip64: the size is in the extra field
            k = extra.index(b"\x01\x00")
            data[at + 46 + n + k + 4:at + 46 + n + k + 12] = struct.pack("<Q", declared)
        else:
            data[at + 24:at + 28] = struct.pack("<I", declared)
    return bytes(data)


def test_zip_bombs_are_refused_without_inflating(tmp_path):
    register(tmp_path, [A])
    put(tmp_path, "shipments/a_ok.csv", [line(SHIP_RU), f"{A};2025-01;1;"])
    honest = _bomb_zip(200 << 20)                 # 200 MB of XML from a file of ~200 KB: over the 64 MB floor
    assert len(honest) < 1 << 20
    put(tmp_path, "shipments/b_bomb.xlsx", honest)
    put(tmp_path, "shipments/c_liar.xlsx", _bomb_zip(200 << 20, declared=1000))
    res = load_folder(tmp_path)
    reasons = {p["file"]: p["reason"] for p in problems(res, "refused_file")}
    # limit: max(100 × ~200 KB, 64 MB floor) = 64 MB
    assert_russian(reasons["shipments/b_bomb.xlsx"], "ZIP-бомбы", "распаковывается в 200", "(64\u00a0МБ)")
    assert_russian(reasons["shipments/c_liar.xlsx"], "ZIP-бомбы", "sheet1.xml")
    assert shipped(res) == {(A, "2025-01-01", 1.0, None)}


def test_sheet_of_absurd_dimensions_is_refused_before_calamine_allocates_it(tmp_path):
    register(tmp_path, [A])
    wb = workbook([SHIP_RU, [A, "2025-01", 1, None]])
    wb.active["XFD1048576"] = "x"                 # 2^34 cells: calamine would try to allocate 512 GB
    save(wb, tmp_path, "shipments/x.xlsx")
    reason = refused_file(load_folder(tmp_path))
    assert_russian(reason, "1\u00a0048\u00a0576 строк × 16384 столбцов")


def test_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    register(tmp_path, [A])
    wb = workbook([SHIP_RU] + [[A, f"{2000 + k // 12}-{k % 12 + 1:02d}", k, None] for k in range(12 * 20)])
    save(wb, tmp_path, "shipments/x.xlsx")
    monkeypatch.setenv("KUBAN_MAX_FILE_MB", str(4 / 1024))          # 4 KB
    assert_russian(refused_file(load_folder(tmp_path)), "больше допустимого размера")


# --- The same tables as CSV -----------------------------------------------------------------------

def test_load_folder_gives_the_same_tables_and_problems_as_the_equivalent_csv(tmp_path):
    cells = [SHIP_RU, [A, "2025-01", "1 000,5", "10"], [B, "2025-01", "2000", ""], [C, "2025-13", "5", ""],
             [A, "2025-02", "-1", ""], ["Итого", "", "3000,5", "10"], [A, "2025-01", "999", ""]]
    for kind in ("csv", "xlsx"):
        folder = tmp_path / kind
        register(folder, [A, B])
        if kind == "csv":
            put(folder, "shipments/s.csv", [line(r) for r in cells])
        else:
            save(workbook([[v if v != "" else None for v in r] for r in cells]), folder, "shipments/s.xlsx")
    got = {kind: load_folder(tmp_path / kind) for kind in ("csv", "xlsx")}
    frames = {k: r.tables["shipments"].drop(columns="_file") for k, r in got.items()}
    assert frames["csv"].equals(frames["xlsx"])
    assert shipped(got["xlsx"]) == {(A, "2025-01-01", 999.0, None), (B, "2025-01-01", 2000.0, None)}

    def report(res):
        return sorted((p["line"], p["column"], p["kind"], p["reason"].replace("s.csv", "s.xlsx"))
                      for p in problems(res) if p["table"] == "shipments")
    assert report(got["csv"]) == report(got["xlsx"])
    # Refused: month 13 (line 4), negative money (5), the total row (6); superseded: line 2 by line 7;
    # a warning: C is not in the register... refused anyway, so no warning.
    assert [(ln, kind) for ln, _c, kind, _r in report(got["xlsx"])] == [
        (2, "superseded"), (4, "refused_row"), (5, "refused_row"), (6, "refused_row")]


def test_check_command_on_a_folder_with_a_workbook(tmp_path):
    register(tmp_path, [A, B])
    save(office_workbook(), tmp_path, "shipments/otgruzka.xlsx")
    python = ROOT / ".venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "KUBAN_DATA_DIR"}
    r = subprocess.run([str(python if python.exists() else sys.executable), "-m", "kuban", "check", "--json",
                        "--data-dir", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in r.stderr, r.stderr
    report = json.loads(r.stdout)
    assert report["tables"]["shipments"]["rows"] == 4
    assert report["tables"]["shipments"]["refused"] == 2
    lines = sorted(p["line"] for p in report["problems"] if p["kind"] == "refused_row")
    assert lines == [10, 12]


# --- Recognising a file's table -------------------------------------------------------------------

def test_recognise_table_for_csv_excel_and_parquet(tmp_path):
    put(tmp_path, "a.csv", [line(SHIP_RU), f"{A};2025-01;1;"])
    put(tmp_path, "b.csv", ["ИНН,Период,Объём производства, руб.,Численность"])       # «,» inside a header
    put(tmp_path, "c.csv", ["inn;period;output_rub;employees", f"{A};2025-01;1;2"])
    put(tmp_path, "d.csv", ["ИНН;Период", f"{A};2025-01"])                          # fits no table
    save(office_workbook(), tmp_path, "e.xlsx")
    wb = workbook([["Пояснения"]], title="Пояснения")
    for r in (["Номер займа", "ИНН", "Фонд", "Программа", "Сумма, руб.", "Ставка, %", "Срок, лет", "Дата решения"],):
        wb.create_sheet("Займы").append(r)
    save(wb, tmp_path, "f.xlsx")
    put_parquet(tmp_path, "g.parquet", pa.table({"subsidy_id": ["1"], "inn": [A], "programme": ["x"],
                                                 "amount_rub": [1.0], "decision_date": ["2025-01-01"]}))
    put(tmp_path, "h.csv", ["ОКТМО;Наименование;Вид", "03621000;Кореновский район;муниципальный район"])
    expected = {"a.csv": "shipments", "b.csv": None, "c.csv": "production", "d.csv": None, "e.xlsx": "shipments",
                "f.xlsx": "loans", "g.parquet": "subsidies", "h.csv": "municipalities"}
    assert {name: recognise_table(tmp_path / name) for name in expected} == expected
    put(tmp_path, "i.csv", b"")
    with pytest.raises(FileRefused):
        recognise_table(tmp_path / "i.csv")


def test_read_file_gives_raw_text_and_sheet_lines(tmp_path):
    path = save(office_workbook(), tmp_path, "x.xlsx")
    raw = read_file(path, SHIPMENTS)
    assert raw.header_line == 4
    assert raw.headers == ["№ п/п", "ИНН", "Период", "Отгружено, руб.", "Экспорт, руб.", "Примечание"]
    assert raw.frame["_line"].tolist() == [6, 7, 9, 11, 12]
    assert raw.frame[1].tolist() == [A, B, C, B, "Итого"]
    assert raw.frame[2].tolist() == ["март 2025", "2025-03-01", "2025-03-01", "2025-02-01", ""]
    assert raw.frame[3].tolist() == [f"1 234{NBSP}567,89", "2000000", f"1{NNBSP}500,5", "45717", "3282285.39"]
    assert [(ln, col) for ln, _r, col in raw.problems] == [(10, "Отгружено, руб.")]


# --- The old binary format (.xls, BIFF8), written with xlwt ------------------------------------------------------

def test_an_xls_workbook_loads_with_the_same_rules(tmp_path):
    """Row numbers as Excel shows them: a title in row 1, an empty row 2, the header in row 3."""
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Отгрузка")
    ws.write(0, 0, "Отгрузка за ноябрь 2025")
    for c, h in enumerate(["ИНН", "Период", "Отгружено, руб.", "Экспорт, руб."]):
        ws.write(2, c, h)
    ws.write(3, 0, "2310000011")                                                     # row 4: a date cell
    ws.write(3, 1, datetime(2025, 11, 1), xlwt.easyxf(num_format_str="DD.MM.YYYY"))
    ws.write(3, 2, 160000000.0)
    ws.write(4, 0, 2310000043)                                                       # row 5: INN as a number,
    ws.write(4, 1, "11.2025")                                                        # month and money as text
    ws.write(4, 2, "5\u00a0000\u00a0000,5")
    ws.write(5, 0, 2310000029)                                                       # row 6: export above
    ws.write(5, 1, "ноябрь 2025")                                                    # shipments → refused
    ws.write(5, 2, 10.0)
    ws.write(5, 3, 20.0)
    ws.write(6, 0, "Итого")                                                          # row 7: a total row
    ws.write(6, 2, 165000010.5)
    path = tmp_path / "data" / "shipments" / "ноябрь.xls"
    path.parent.mkdir(parents=True)
    wb.save(str(path))
    assert sniff(path) == "xls"
    assert recognise_table(path) == "shipments"
    result = load_folder(tmp_path / "data")
    s = result.tables["shipments"]
    assert s[["inn", "period", "shipped_rub", "_line"]].values.tolist() == [
        ["2310000011", pd_ts("2025-11-01"), 160_000_000.0, 4], ["2310000043", pd_ts("2025-11-01"), 5_000_000.5, 5]]
    refused = result.problems[result.problems["kind"] == "refused_row"]
    assert refused[["line", "column"]].values.tolist() == [[6, "Экспорт, руб."], [7, "ИНН"]]
    assert "Итого" in refused.iloc[1]["reason"]


def pd_ts(text: str):
    import pandas as pd
    return pd.Timestamp(text)


def test_cells_right_of_the_header_refuse_their_row_naming_the_cells(tmp_path):
    """A row with values to the right of the header's last named column is a CSV row with extra fields
    («лишнее;поле»): refused with the cells' addresses, as the contract refuses more fields than the header has.
    The other rows load; an empty cell there (formatting only) is no value."""
    register(tmp_path, [A, B, C])
    wb = workbook([SHIP_RU, [A, "2025-01", 100, None], [B, "2025-01", 200, None, None, "лишнее", "поле"],
                   [C, "2025-01", 300, None]])
    ws = wb.active
    ws["F4"].number_format = "0.00"            # a formatted but empty cell right of the header: nothing
    save(wb, tmp_path, "shipments/x.xlsx")
    res = load_folder(tmp_path)
    assert shipped(res) == {(A, "2025-01-01", 100.0, None), (C, "2025-01-01", 300.0, None)}
    (p,) = problems(res, "refused_row")
    assert (p["file"], p["line"]) == ("shipments/x.xlsx", 3)
    assert_russian(p["reason"], "F3, G3", "правее последнего столбца заголовка")
