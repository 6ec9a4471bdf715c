"""The .xlsx download (kuban/app/export.py to_xlsx), read back with openpyxl: hand-worked small frames."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from kuban import texts as T
from kuban.app import export, fmt
from kuban.model import queries
from kuban.model.filters import Filters
from kuban.paths import ROOT
from tests.app.apptest import start
from tests.conftest import SMALL

HOSTILE = '=HYPERLINK("http://x","y")'

ROWS = pd.DataFrame({           # shipments_rows as DuckDB returns it, with an OKTMO column and hostile names
    "inn": ["2310000011", "0012345678", "2310000043"],
    "name": ["ООО «Альфа»", HOSTILE, "+7 (861)"],
    "municipality": ["Кореновский район", "-минус", "@собака"],
    "oktmo": ["03601000", "03621000", None],
    "okved": ["10.11", "28.22", "24.10"],
    "period": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-12-01"]),
    "shipped_rub": [150_000_000.5, 0.25, float("nan")],
    "export_rub": [30_000_000.0, 0.0, 1234.5],
})


def book(frame: pd.DataFrame, about=()) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame, list(about))))


def cells(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_header_row_is_russian_bold_frozen_with_autofilter():
    wb = book(ROWS)
    assert wb.sheetnames == [T.XLSX_SHEET_DATA, T.XLSX_SHEET_ABOUT]
    ws = wb[T.XLSX_SHEET_DATA]
    assert [c.value for c in ws[1]] == ["ИНН", "Наименование", "Муниципальное образование", "ОКТМО", "ОКВЭД",
                                        "Месяц", "Отгружено, руб.", "Экспорт, руб."]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H4"
    assert ws.max_row == 4
    # widths: a name column is wider than the narrowest, none beyond 62 characters
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
    assert widths["C"] >= len("Муниципальное образование") and max(widths.values()) <= 62


def test_numbers_are_numbers_with_russian_display_codes():
    ws = book(ROWS)[T.XLSX_SHEET_DATA]
    g2, h4 = ws["G2"], ws["H4"]
    assert g2.value == 150_000_000.5 and g2.data_type == "n"
    # locale-independent codes: «,» groups, «.» decimals; Russian Excel shows 150 000 000,50
    assert g2.number_format == export.FMT_MONEY == "#,##0.00"
    assert h4.value == 1234.5 and h4.number_format == "#,##0.00"
    assert ws["G4"].value is None                       # NaN: an empty cell, not an error


def test_months_and_dates_are_real_dates():
    frame = pd.DataFrame({"period": pd.to_datetime(["2025-11-01"]), "decision_date": [date(2025, 3, 14)],
                          "last_decision": pd.to_datetime(["2024-12-31"])})
    ws = book(frame)[T.XLSX_SHEET_DATA]
    assert ws["A2"].value == datetime(2025, 11, 1) and ws["A2"].number_format == "mm.yyyy"
    assert ws["A2"].is_date
    assert ws["B2"].value == datetime(2025, 3, 14) and ws["B2"].number_format == "dd.mm.yyyy"   # object dates
    assert ws["C2"].value == datetime(2024, 12, 31) and ws["C2"].number_format == "dd.mm.yyyy"


def test_codes_are_text_with_leading_zeros():
    ws = book(ROWS)[T.XLSX_SHEET_DATA]
    assert ws["A3"].value == "0012345678" and ws["A3"].data_type == "s"
    assert ws["D2"].value == "03601000" and ws["D2"].data_type == "s" and ws["D2"].number_format == "@"
    assert ws["E2"].value == "10.11" and ws["E2"].data_type == "s"      # never the date 10 November
    assert ws["D4"].value is None


def test_formula_like_text_stays_text():
    wb = book(ROWS)
    ws = wb[T.XLSX_SHEET_DATA]
    assert ws["B3"].value == HOSTILE and ws["B3"].data_type == "s"      # "f" would be a formula
    assert ws["B4"].value == "+7 (861)" and ws["B4"].data_type == "s"
    assert ws["C3"].value == "-минус" and ws["C4"].value == "@собака"
    assert not ws["B3"].hyperlink
    raw = export.to_xlsx(ROWS)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and 't="inlineStr"' in sheet


def test_kinds_of_numbers():
    frame = pd.DataFrame({"year": [2025], "enterprises": [1234], "export_share": [0.123], "output_growth": [-0.05],
                          "employees_avg": [12.5], "lq_output": [1.234], "lat": [45.1], "in_cluster": [True],
                          "employees": pd.array([None], dtype="Int64"), "intensity": [float("inf")]})
    ws = book(frame)[T.XLSX_SHEET_DATA]
    got = {ws.cell(1, j).value: (ws.cell(2, j).value, ws.cell(2, j).number_format) for j in range(1, 11)}
    assert got == {
        "Год": (2025, "0"), "Предприятий": (1234, "#,##0"), "Доля экспорта": (0.123, "0.0%"),
        "Рост производства к году назад": (-0.05, "0.0%"), "Среднемесячная численность, чел.": (12.5, "#,##0.0"),
        "Коэффициент локализации по производству": (1.234, "0.00"), "Широта": (45.1, "0.000000"),
        "В кластере": (True, "General"), "Численность, чел.": (None, "General"),
        "Поддержка на 1 млн руб. отгрузки, руб.": (None, "General"),      # inf: empty, Excel has no infinity
    }


def test_conditions_sheet():
    about = [(T.XLSX_ABOUT_WHAT, "Отгрузка по предприятиям и месяцам"), (T.XLSX_ABOUT_FILTER, "Весь край · 2025"),
             (T.XLSX_ABOUT_DATA_TO, date(2025, 12, 1)), (T.XLSX_ABOUT_SOURCE, HOSTILE),
             (T.XLSX_ABOUT_MADE, datetime(2026, 1, 2, 3, 4, 5)), ("", T.XLSX_ABOUT_DEMO)]
    ws = book(ROWS, about)[T.XLSX_SHEET_ABOUT]
    values = {r[0]: r[1] for r in cells(ws) if r[0] is not None}
    assert ws["A1"].value == T.XLSX_ABOUT_TITLE and ws["A1"].font.b
    assert values[T.XLSX_ABOUT_WHAT] == "Отгрузка по предприятиям и месяцам"
    assert values[T.XLSX_ABOUT_FILTER] == "Весь край · 2025"
    assert values[T.XLSX_ABOUT_SOURCE] == HOSTILE                       # text, not a formula
    assert values[T.XLSX_ABOUT_ROWS] == 3
    assert values[T.XLSX_ABOUT_SHEETS] == T.XLSX_SHEET_DATA
    row = {r[0].value: r[1] for r in ws.iter_rows() if r[0].value}
    assert row[T.XLSX_ABOUT_DATA_TO].value == datetime(2025, 12, 1)
    assert row[T.XLSX_ABOUT_DATA_TO].number_format == "mm.yyyy"
    assert row[T.XLSX_ABOUT_MADE].value == datetime(2026, 1, 2, 3, 4, 5)
    assert T.XLSX_ABOUT_DEMO in [r[1] for r in cells(ws)]


def test_rows_beyond_a_sheet_continue_on_the_next_sheets(monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)         # 2 data rows a sheet (Excel: 1 048 575)
    monkeypatch.setattr(export, "XLSX_CHUNK", 1)            # chunks cross the sheets' boundaries
    frame = pd.DataFrame({"inn": [f"00{i}" for i in range(5)], "shipped_rub": [float(i) for i in range(5)]})
    wb = book(frame)
    assert wb.sheetnames == ["Данные", "Данные 2", "Данные 3", "Условия"]
    got = []
    for name in wb.sheetnames[:3]:
        ws = wb[name]
        assert [c.value for c in ws[1]] == ["ИНН", "Отгружено, руб."] and ws.freeze_panes == "A2"
        rows = cells(ws)[1:]
        assert ws.auto_filter.ref == f"A1:B{len(rows) + 1}"
        got += rows
    assert got == [[f"00{i}", float(i)] for i in range(5)]               # every row once, in order
    about = cells(wb["Условия"])
    values = {r[0]: r[1] for r in about if r[0]}
    assert values[T.XLSX_ABOUT_ROWS] == 5
    assert values[T.XLSX_ABOUT_SHEETS] == "Данные, Данные 2, Данные 3"
    assert any(r[0] == T.XLSX_ABOUT_SPLIT.format(limit="2") or r[1] == T.XLSX_ABOUT_SPLIT.format(limit="2")
               for r in about)


def test_an_empty_frame_gives_a_header_only_sheet():
    ws = book(ROWS.iloc[0:0])[T.XLSX_SHEET_DATA]
    assert ws.max_row == 1 and ws["A1"].value == "ИНН"


DOWNLOADED = ("shipments_rows", "production_rows", "subsidies_rows", "loans_list", "loans_portfolio", "loans_monthly",
              "overview_kpis", "shipments_monthly", "shipments_by_municipality", "shipments_by_division",
              "production_monthly", "production_summary", "production_enterprises", "subsidies_recipients",
              "subsidies_summary", "support_intensity", "load_files", "load_problems", "cluster_members",
              "cluster_specialisation", "cluster_vs_rest")


def test_every_column_the_pages_download_has_a_russian_header():
    missing = {}
    for name in DOWNLOADED:
        returns = queries.parse_header((ROOT / "queries" / f"{name}.sql").read_text(encoding="utf-8"))[2]
        for col in (c.strip().split()[0] for c in returns.split(",") if c.strip()):
            if export.header(col) == col and col != "shipped_rank":     # (left out of the members download)
                missing.setdefault(name, []).append(col)
    assert not missing


@pytest.mark.parametrize("name", ["c_shipped_rub", "r_growth", "share_output", "lq_employment", "what"])
def test_cluster_trend_columns_have_headers(name):
    assert export.header(name) != name


def test_file_name_of_the_workbook():
    f = Filters(("03621000",), ("Кореновский район",), (), date(2025, 1, 1), date(2025, 12, 1))
    assert export.file_name("отгрузка", fmt.file_label(f), "xlsx") == "отгрузка_Кореновский-район_2025-01_2025-12.xlsx"


@pytest.mark.parametrize("page,stems", [("shipments", ["отгрузка"]),
                                        ("subsidies", ["субсидии-получатели", "субсидии-итоги",
                                                       "интенсивность-поддержки", "субсидии"])])
def test_pages_offer_the_workbook_beside_the_two_csvs(monkeypatch, page, stems):
    at = start(monkeypatch, SMALL, page)
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    # three buttons per download, then the page's «Справка» row (tests/app/test_brief.py)
    assert labels == [T.DOWNLOAD_EXCEL, T.DOWNLOAD_PLAIN, T.DOWNLOAD_XLSX] * len(stems) + [T.BRIEF_DOCX, T.BRIEF_HTML]
    xlsx = [b for b in buttons if b.proto.label == T.DOWNLOAD_XLSX]
    assert [b.proto.id.rsplit("-dl-w-", 1)[1] for b in xlsx] == stems
    assert all(b.proto.deferred_file_id and b.proto.ignore_rerun for b in xlsx)   # built only on click
