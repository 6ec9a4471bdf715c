"""Russian number formatting, CSV downloads and filter labels."""
from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kuban.app import export, fmt
from kuban.model.filters import Filters, default_window, month_range

NB = "\u00a0"


def test_money_picks_the_unit_and_uses_decimal_comma():
    # no-break spaces between digits groups, the number and its unit, and inside the unit
    assert fmt.money(1_234_500_000) == f"1,2{NB}млрд{NB}₽"
    assert fmt.money(300_000_000) == f"300,0{NB}млн{NB}₽"
    assert fmt.money(1_234_567_890_123) == f"1,2{NB}трлн{NB}₽"
    assert fmt.money(1_234_500_000_000_000) == f"1{NB}234,5{NB}трлн{NB}₽"
    assert fmt.money(950) == f"950{NB}₽"
    assert fmt.money(None) == "—"


def test_plural():
    words = ("строка", "строки", "строк")
    assert [fmt.plural(n, *words) for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == [
        "строка", "строки", "строки", "строк", "строк", "строк", "строк", "строка", "строки", "строк",
        "строка", "строк"]


def test_number_and_percent():
    assert fmt.number(1234567.89, 1) == f"1{NB}234{NB}567,9"
    assert fmt.number(-1500) == f"-1{NB}500"
    assert fmt.percent(0.1518) == f"15,2{NB}%"
    assert fmt.percent(0.1518, signed=True) == f"+15,2{NB}%"
    assert fmt.percent(-0.05, signed=True) == f"-5,0{NB}%"
    assert fmt.change(1290, 1120) == 1290 / 1120 - 1
    assert fmt.change(10, 0) is None and fmt.change(None, 5) is None


def test_months_are_russian():
    assert fmt.month(date(2025, 3, 1)) == "март 2025"
    assert fmt.period(date(2025, 1, 1), date(2025, 12, 1)) == "январь 2025 — декабрь 2025"
    assert fmt.month_short(pd.Timestamp("2026-10-01")) == "окт 2026"


FRAME = pd.DataFrame({
    "inn": ["2310000011", "2310000029"],
    "name": ["ООО «Альфа»", "=HYPERLINK(\"http://x\")"],
    "period": pd.to_datetime(["2025-11-01", "2025-12-01"]),
    "shipped_rub": [150_000_000.5, 0.25],
})


def test_excel_csv_is_bom_semicolon_decimal_comma():
    data = export.to_excel_csv(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["inn", "name", "period", "shipped_rub"]
    assert rows[1] == ['="2310000011"', "ООО «Альфа»", "2025-11-01", "150000000,5"]   # a code stays text
    assert rows[2][3] == "0,25"


def test_excel_keeps_codes_as_text_and_plain_csv_leaves_them():
    frame = pd.DataFrame({"okved": ["10.11", "24.10"], "oktmo": ["03621000", "03701000"], "name": ["10.11", "x"]})
    rows = list(csv.reader(io.StringIO(export.to_excel_csv(frame).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ['="10.11"', '="03621000"', "10.11"]   # only code columns are wrapped
    rows = list(csv.reader(io.StringIO(export.to_plain_csv(frame).decode("utf-8"))))
    assert rows[1] == ["10.11", "03621000", "10.11"]


def test_plain_csv_is_comma_and_point():
    text = export.to_plain_csv(FRAME).decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][3] == "150000000.5"


@settings(deadline=None)
@given(st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text(max_size=20))
def test_formula_cells_are_neutralised(start, rest):
    value = start + rest
    frame = pd.DataFrame({"name": [value], "n": [-5.0]})
    for data, sep in ((export.to_excel_csv(frame), ";"), (export.to_plain_csv(frame), ",")):
        text = data.decode("utf-8-sig")
        row = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))[1]
        assert row[0] == "'" + value                        # shown as text, never run
        assert row[1] == "-5" or row[1] in ("-5,0", "-5.0")   # negative numbers stay numbers


def test_file_names_say_what_and_for_which_filter():
    f = Filters(("03621000",), ("Кореновский район",), ("28",), date(2025, 1, 1), date(2025, 12, 1))
    name = export.file_name("отгрузка", fmt.file_label(f), "excel")
    assert name == "отгрузка_Кореновский-район_2025-01_2025-12_ОКВЭД-28_excel.csv"
    whole = Filters((), (), (), date(2025, 1, 1), date(2025, 12, 1))
    assert export.file_name("отгрузка", fmt.file_label(whole), "utf8") == "отгрузка_край_2025-01_2025-12_utf8.csv"


def test_filter_params_and_default_window():
    f = Filters(("03621000",), ("Кореновский район",), (), date(2025, 1, 1), date(2025, 12, 1))
    params = f.params(limit=5)
    assert "отказано" in params.pop("refused")
    assert params == {"munis": ["03621000"], "divisions": [], "date_from": date(2025, 1, 1),
                      "date_to": date(2025, 12, 1), "limit": 5}
    assert default_window(date(2026, 10, 1), date(2019, 1, 1)) == (date(2025, 11, 1), date(2026, 10, 1))
    assert default_window(date(2025, 12, 1), date(2025, 6, 1)) == (date(2025, 6, 1), date(2025, 12, 1))
    assert len(month_range(date(2019, 1, 1), date(2026, 10, 1))) == 94
