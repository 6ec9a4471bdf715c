"""One test per rule of the data contract (../shared/DATA_CONTRACT.md, the shared folder).

Every test writes the files it needs into tmp_path, byte for byte as an office
would produce them (Windows-1251, BOMs, CRLF, no-break spaces, quoted fields),
loads the folder and compares with results worked out by hand from the
contract. Nothing here is copied from the loader's output.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuban.data.ingest import load_folder
from tests.office import (
    ADYGEA,
    ENT_RU,
    IP,
    LOAN_RU,
    ORG,
    PROD_RU,
    SHIP_EN,
    SHIP_RU,
    STRANGER,
    STRANGER2,
    SUBS_RU,
    A,
    B,
    C,
    D,
    E,
    F,
    P,
    assert_russian,
    broken,
    inn10,
    inn12,
    line,
    plain,
    problems,
    put,
    put_parquet,
    register,
    rows,
    where,
)

ROOT = Path(__file__).resolve().parents[2]


def test_inn_helper_matches_published_inns():
    # Published INNs: Sberbank (10 digits) and a textbook sole-proprietor example (12 digits).
    assert inn10("770708389") == "7707083893"
    assert inn12("5001007322") == "500100732259"
    assert broken("7707083893") != "7707083893"


# =====================================================================================
# Formats
# =====================================================================================

@pytest.mark.parametrize("dec", [".", ","], ids=["point", "comma"])
@pytest.mark.parametrize("delim", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "cp1251"], ids=["utf8", "utf8-bom", "cp1251"])
def test_csv_encoding_delimiter_decimal_mark(tmp_path, enc, delim, dec):
    register(tmp_path, [A, B, P])
    put(tmp_path, "shipments/otgruzka_2025.csv", [
        line(SHIP_RU, delim),
        line([A, "2025-01", f"1234567{dec}5", "1000"], delim),
        line([B, "2025-02", f"0{dec}25", ""], delim),
        line([P, "2025-03", f"12{dec}75", f"12{dec}75"], delim),   # export equal to shipments is allowed
    ], enc=enc)
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub") == {
        (A, "2025-01-01", 1234567.5, 1000.0),
        (B, "2025-02-01", 0.25, None),
        (P, "2025-03-01", 12.75, 12.75),
    }


@pytest.mark.parametrize("dec", [",", "."], ids=["comma", "point"])
@pytest.mark.parametrize("sep,enc", [(" ", "cp1251"), ("\u00a0", "cp1251"), ("\u00a0", "utf-8"), ("\u202f", "utf-8")],
                         ids=["space-cp1251", "nbsp-cp1251", "nbsp-utf8", "narrow-nbsp-utf8"])
def test_thousands_separators(tmp_path, sep, enc, dec):
    register(tmp_path, [A, B, C])
    put(tmp_path, "production/proizvodstvo.csv", [
        line(PROD_RU),
        line([A, "2025-03", f"1{sep}234{sep}567{dec}89", f"1{sep}200"]),
        line([B, "2025-03", f"12{sep}000", "7"]),
        line([C, "2025-03", f"999{dec}5", ""]),
    ], enc=enc)
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "production", "inn", "output_rub", "employees") == {
        (A, 1234567.89, 1200.0), (B, 12000.0, 7.0), (C, 999.5, None),
    }


def test_quoted_fields_with_delimiter_and_doubled_quotes(tmp_path):
    put(tmp_path, "enterprises/reestr.csv", [
        "inn,name,okved,municipality,size",
        f'{A},"ООО ""Кубань, Агро""",10.11,"Кореновский район",малое',
        f'{B},"АО ""Завод «Прогресс»""",28.29,Краснодар,"крупное"',
    ])
    # Some programs quote every field.
    put(tmp_path, "shipments/2025.csv", [
        '"ИНН";"Период";"Отгружено, руб.";"Экспорт, руб."',
        f'"{A}";"2025-03";"1 234,50";""',
        f'"{B}";"март 2025";"2 000";"1 000,5"',
    ], enc="cp1251")
    put(tmp_path, "production/2025.csv", [
        'ИНН,Период,"Объём производства, руб."',
        f'{A},2025-03,"1 000,25"',
    ])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "enterprises", "inn", "name", "size") == {
        (A, 'ООО "Кубань, Агро"', "small"), (B, 'АО "Завод «Прогресс»"', "large"),
    }
    assert rows(res, "shipments", "inn", "shipped_rub", "export_rub") == {(A, 1234.5, None), (B, 2000.0, 1000.5)}
    assert rows(res, "production", "inn", "output_rub") == {(A, 1000.25)}


def test_quoted_cell_spanning_two_lines_loads(tmp_path):
    # Excel writes LF inside a cell and CRLF at the end of a row.
    data = ("\r\n".join([
        ";".join(ENT_RU),
        f'{A};"ООО ""Ромашка""\nфилиал «Юг»";10.11;Кореновский район;малое',   # lines 2-3
        f"{B};ООО Лес;16.10;Сочи;микро",                                       # line 4
        f"{C};ООО Поле;10-11;Сочи;малое",                                      # line 5: bad ОКВЭД
        f"{D};ООО Луг;01.11;Сочи;малое",                                       # line 6
    ]) + "\r\n").encode("utf-8")
    put(tmp_path, "enterprises/reestr.csv", data)
    res = load_folder(tmp_path)
    assert rows(res, "enterprises", "inn", "name", "_line") == {
        (A, 'ООО "Ромашка"\nфилиал «Юг»', 2.0), (B, "ООО Лес", 4.0), (D, "ООО Луг", 6.0),
    }
    assert where(res) == [("enterprises", "enterprises/reestr.csv", 5, "ОКВЭД", "refused_row")]


@pytest.mark.parametrize("inn_type", ["string", "int64"])
def test_parquet_typed_columns(tmp_path, inn_type):
    register(tmp_path, [A, B])
    inns = [A, B, A]
    put_parquet(tmp_path, "shipments/2025.parquet", pa.table({
        "inn": pa.array(inns if inn_type == "string" else [int(x) for x in inns],
                        pa.string() if inn_type == "string" else pa.int64()),
        "period": pa.array([date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 15)], pa.date32()),
        "shipped_rub": pa.array([1234567.5, 100.0, 5.0], pa.float64()),
        "export_rub": pa.array([1000, None, None], pa.int64()),
    }))
    put_parquet(tmp_path, "production/2025.parquet", pa.table({
        "ИНН": pa.array([A], pa.string()),
        "Период": pa.array([pd.Timestamp("2025-03-01")], pa.timestamp("ms")),
        "Объём производства, руб.": pa.array([Decimal("1000.50")], pa.decimal128(18, 2)),
        "Численность, чел.": pa.array([12], pa.int32()),
    }))
    res = load_folder(tmp_path)
    assert rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub") == {
        (A, "2025-01-01", 1234567.5, 1000.0), (B, "2025-02-01", 100.0, None),
    }
    assert rows(res, "production", "inn", "period", "output_rub", "employees") == {(A, "2025-03-01", 1000.5, 12.0)}
    # A date that is not the first of a month is not a month. Parquet has no header line: rows count from 1.
    assert where(res) == [("shipments", "shipments/2025.parquet", 3, "period", "refused_row")]


def test_parquet_timestamps_are_read_as_the_day_written(tmp_path):
    # pandas writes tz-aware columns with their zone: midnight of the 1st in Moscow is that month.
    # A time of day (even with milliseconds) does not change the date, and never refuses the file.
    register(tmp_path, [A, B])
    msk = "Europe/Moscow"
    put_parquet(tmp_path, "shipments/2025.parquet", pa.table({
        "inn": pa.array([A, B]),
        "period": pa.array([pd.Timestamp("2025-03-01", tz=msk), pd.Timestamp("2025-04-01", tz=msk)],
                           pa.timestamp("us", tz=msk)),
        "shipped_rub": pa.array([1.0, 2.0]),
    }))
    put_parquet(tmp_path, "loans/2025.parquet", pa.table({
        "loan_id": pa.array(["Л-1", "Л-2"]), "inn": pa.array([A, B]), "fund": pa.array(["ФРП", "ФРП"]),
        "programme": pa.array(["Лизинг", "Лизинг"]), "amount_rub": pa.array([1e6, 2e6]),
        "rate_pct": pa.array([1.0, 3.0]), "term_years": pa.array([5, 7], pa.int8()),
        "decision_date": pa.array([pd.Timestamp("2025-03-14 10:30:15.250"), pd.Timestamp("2025-03-15")],
                                  pa.timestamp("ms")),
    }))
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "shipments", "inn", "period") == {(A, "2025-03-01"), (B, "2025-04-01")}
    assert res.tables["loans"]["decision_date"].tolist() == [pd.Timestamp("2025-03-14"), pd.Timestamp("2025-03-15")]


def test_parquet_text_columns(tmp_path):
    register(tmp_path, [A, B, P])
    put_parquet(tmp_path, "shipments/2025.parquet", pa.table({
        "ИНН": pa.array([A, B, P], pa.string()),
        "Период": pa.array(["март 2025", "03.2025", "2025-03-01"], pa.string()),
        "Отгружено, руб.": pa.array(["1 234 567,5", "1\u00a0000", "12.25"], pa.string()),
        "Экспорт, руб.": pa.array(["1\u202f000", None, ""], pa.string()),
    }))
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub") == {
        (A, "2025-03-01", 1234567.5, 1000.0), (B, "2025-03-01", 1000.0, None), (P, "2025-03-01", 12.25, None),
    }


# =====================================================================================
# Headers
# =====================================================================================

@pytest.mark.parametrize("headers", [
    ["inn", "period", "output_rub", "employees"],
    ["ИНН", "Период", "Объём производства, руб.", "Численность, чел."],
    ["  инн ", "ПЕРИОД", "Объем  производства, руб.", " ЧИСЛЕННОСТЬ,   ЧЕЛ. "],
    ["Inn", "Period", "OUTPUT_RUB", "Employees"],
], ids=["english", "russian", "russian-messy", "english-case"])
@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 0, 1)], ids=["in-order", "reordered"])
def test_headers_english_or_russian_any_order(tmp_path, headers, order):
    register(tmp_path, [A, B])
    data = [[A, "2025-03", "1 000", "10"], [B, "2025-04", "2 000,5", ""]]
    put(tmp_path, "production/p.csv", [line([headers[i] for i in order])]
        + [line([r[i] for i in order]) for r in data])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "production", "inn", "period", "output_rub", "employees") == {
        (A, "2025-03-01", 1000.0, 10.0), (B, "2025-04-01", 2000.5, None),
    }


def test_header_yo_and_spaces_are_the_same_column(tmp_path):
    # «объём производства, руб.» and «Объем  производства, руб.» are one column: a file
    # with one spelling loads exactly like a file with the other.
    register(tmp_path, [A, B])
    put(tmp_path, "production/a.csv", ["ИНН;Период;объём производства, руб.", f"{A};2025-03;100"])
    put(tmp_path, "production/b.csv", ["ИНН;Период;Объем  производства, руб.", f"{B};2025-03;200"])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "production", "inn", "output_rub") == {(A, 100.0), (B, 200.0)}


def test_unknown_column_ignored_and_reported(tmp_path):
    register(tmp_path, [A, B])
    put(tmp_path, "shipments/s.csv", [
        "ИНН;Период;Отгружено, руб.;Комментарий;Экспорт, руб.",
        f"{A};2025-03;1 000;проверено;10",
        f"{B};2025-03;2 000;;",
    ], enc="cp1251")
    res = load_folder(tmp_path)
    frame = res.tables["shipments"]
    assert "Комментарий" not in frame.columns
    assert rows(res, "shipments", "inn", "shipped_rub", "export_rub") == {(A, 1000.0, 10.0), (B, 2000.0, None)}
    (p,) = problems(res)
    assert (p["table"], p["file"], p["line"], p["column"], p["kind"]) == (
        "shipments", "shipments/s.csv", 1, "Комментарий", "warning")
    assert_russian(p["reason"], "Комментарий")


# =====================================================================================
# Months and dates
# =====================================================================================

@pytest.mark.parametrize("form", ["2025-03", "2025-03-01", "03.2025", "01.03.2025", "март 2025", "Март 2025"])
def test_month_forms(tmp_path, form):
    register(tmp_path, [A])
    put(tmp_path, "production/p.csv", [line(PROD_RU), line([A, form, "100", "1"])], enc="cp1251")
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert res.tables["production"]["period"].tolist() == [pd.Timestamp("2025-03-01")]
    from kuban.model.db import Database
    con = Database(res).cursor()
    assert con.execute("SELECT typeof(period), period FROM production").fetchall() == [("DATE", date(2025, 3, 1))]


@pytest.mark.parametrize("form", ["2025-03-14", "14.03.2025"])
def test_date_forms(tmp_path, form):
    register(tmp_path, [A])
    put(tmp_path, "loans/l.csv", [line(LOAN_RU), line(["Л-1", A, "ФРП", "Лизинг", "1 000 000", "1", "5", form, ""])])
    put(tmp_path, "subsidies/s.csv", [line(SUBS_RU), line(["С-1", A, "Экспорт", "500", form, ""])])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert res.tables["loans"]["decision_date"].tolist() == [pd.Timestamp("2025-03-14")]
    assert res.tables["subsidies"]["decision_date"].tolist() == [pd.Timestamp("2025-03-14")]


# =====================================================================================
# Types after load
# =====================================================================================

def test_types_after_load(tmp_path):
    put(tmp_path, "enterprises/reestr.csv", [
        line(ENT_RU),
        line([A, "ООО Альфа", "10.11", "03621000", "микро"]),
        line([B, "ООО Бета", "01.11", "Кореновский район", "малое"]),
        line([C, "ООО Гамма", "28.29.1", "Кореновский район", "среднее"]),
        line([D, "ООО Дельта", "28", "Кореновский район", "крупное"]),
        line([ADYGEA, "ООО Адыгея", "10.1", "Краснодар", "large"]),
        line([P, "ИП Петров", "16.10", "Краснодар", ""]),
        line([E, "ООО Эпсилон", "28.29.11", "Краснодар", ""]),       # OKVED2's six-digit sub-class
    ], enc="cp1251")
    put(tmp_path, "shipments/s.csv", [line(SHIP_RU), line([ADYGEA, "03.2025", "1 500 000", "2 000"])])
    put(tmp_path, "loans/l.csv", [line(LOAN_RU),
                                  line(["007", A, "ФРП", "Лизинг", "20 000 000,50", "3,5", "5", "14.03.2025", "выдан"])])
    res = load_folder(tmp_path)
    assert problems(res) == []

    ent = res.tables["enterprises"]
    assert "municipality" not in ent.columns and "oktmo" in ent.columns
    assert rows(res, "enterprises", "inn", "okved", "oktmo", "size") == {
        (A, "10.11", "03621000", "micro"), (B, "01.11", "03621000", "small"),
        (C, "28.29.1", "03621000", "medium"), (D, "28", "03621000", "large"),
        (ADYGEA, "10.1", "03701000", "large"), (P, "16.10", "03701000", None), (E, "28.29.11", "03701000", None),
    }
    for col in ("inn", "okved", "oktmo", "size", "name"):
        assert pd.api.types.is_string_dtype(ent[col]), col

    ship = res.tables["shipments"]
    assert ship["inn"].tolist() == [ADYGEA] and ADYGEA.startswith("0")
    assert pd.api.types.is_string_dtype(ship["inn"])
    assert pd.api.types.is_datetime64_any_dtype(ship["period"])
    assert ship["period"].tolist() == [pd.Timestamp("2025-03-01")]
    assert pd.api.types.is_float_dtype(ship["shipped_rub"]) and pd.api.types.is_float_dtype(ship["export_rub"])
    assert ship["shipped_rub"].tolist() == [1_500_000.0]        # rubles, not thousands

    loans = res.tables["loans"]
    assert loans["loan_id"].tolist() == ["007"]                   # a text key keeps its zeros
    assert pd.api.types.is_float_dtype(loans["amount_rub"]) and loans["amount_rub"].tolist() == [20_000_000.5]
    assert loans["rate_pct"].tolist() == [3.5]

    from kuban.model.db import Database
    con = Database(res).cursor()
    assert con.execute("SELECT typeof(period), typeof(shipped_rub), typeof(inn) FROM shipments").fetchall() == [
        ("DATE", "DOUBLE", "VARCHAR")]
    assert con.execute("SELECT typeof(oktmo), oktmo FROM enterprises WHERE inn = $i", {"i": A}).fetchall() == [
        ("VARCHAR", "03621000")]


# =====================================================================================
# Municipality spellings
# =====================================================================================

@pytest.mark.parametrize("spelling,oktmo", [
    ("Кореновский район", "03621000"),
    ("Кореновский р-н", "03621000"),
    ("МО Кореновский район", "03621000"),
    ("03621000", "03621000"),
    ("г. Краснодар", "03701000"),
    ("город Краснодар", "03701000"),
    ("муниципальное образование город Краснодар", "03701000"),
    ("город-курорт Сочи", "03726000"),
    ("Сочи", "03726000"),
    ("Кущевский район", "03628000"),           # ё written as е
    ("Тимашевский р-он", "03653000"),          # another common abbreviation of «район»
])
def test_municipality_spellings(tmp_path, spelling, oktmo):
    put(tmp_path, "enterprises/reestr.csv", [line(ENT_RU), line([A, "ООО Альфа", "10.11", spelling, "малое"])],
        enc="cp1251")
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "enterprises", "inn", "oktmo") == {(A, oktmo)}


@pytest.mark.parametrize("spelling,closest", [
    ("Кореновкий район", "Кореновский район"),
    ("г. Краснадар", "Краснодар"),
    ("3621000", "Кореновский район"),          # OKTMO 03621000 after Excel dropped its leading zero
    ("03621001", "Кореновский район"),         # a mistyped OKTMO code
], ids=["typo-district", "typo-city", "code-lost-zero", "code-typo"])
def test_unknown_municipality_refused_naming_closest(tmp_path, spelling, closest):
    put(tmp_path, "enterprises/reestr.csv", [
        line(ENT_RU),
        line([A, "ООО Альфа", "10.11", "Сочи", "малое"]),
        line([B, "ООО Бета", "10.11", "Абинск", "малое"]),
        line([C, "ООО Гамма", "10.11", spelling, "малое"]),
    ])
    res = load_folder(tmp_path)
    assert rows(res, "enterprises", "inn", "oktmo") == {(A, "03726000"), (B, "03601000")}
    (p,) = problems(res)
    assert (p["table"], p["file"], p["line"], p["column"], p["kind"]) == (
        "enterprises", "enterprises/reestr.csv", 4, "Муниципальное образование", "refused_row")
    assert_russian(p["reason"], spelling, closest)


# =====================================================================================
# Row refusals
# =====================================================================================

TEMPLATES = {
    # table: (header, good rows (line 2 and line 5; line 3 is blank, the bad row is line 4), key columns, keys)
    "shipments": (SHIP_RU, [[A, "2025-01", "1 000", "100"], [B, "2025-01", "2 000", "0"]],
                  ("inn", "period"), {(A, "2025-01-01"), (B, "2025-01-01")}),
    "production": (PROD_RU, [[A, "2025-01", "1 000", "10"], [B, "2025-01", "2 000", ""]],
                   ("inn", "period"), {(A, "2025-01-01"), (B, "2025-01-01")}),
    "loans": (LOAN_RU, [["Л-1", A, "ФРП", "Проекты развития", "100 000 000", "1", "5", "14.03.2025", "выдан"],
                        ["Л-3", B, "ФРП Краснодарского края", "Комплектующие", "20 000 000,50", "3,5", "7", "2025-03-14", ""]],
              ("loan_id",), {("Л-1",), ("Л-3",)}),
    "subsidies": (SUBS_RU, [["С-1", A, "Модернизация", "5 000 000", "2025-04-01", "краевой"],
                            ["С-3", B, "Экспорт", "250 000,5", "01.04.2025", ""]],
                  ("subsidy_id",), {("С-1",), ("С-3",)}),
    "enterprises": (ENT_RU, [[A, "ООО Альфа", "10.11", "Кореновский район", "малое"],
                             [B, "ООО Бета", "28.29", "г. Краснодар", "крупное"]],
                    ("inn",), {(A,), (B,)}),
}

ROW_CASES = [
    # (id, table, bad line, column of the problem (None: the whole line), fragments of the reason)
    ("empty-money", "shipments", f"{C};2025-01;;", "Отгружено, руб.", ["Отгружено, руб."]),
    ("empty-inn", "shipments", ";2025-01;500;", "ИНН", ["ИНН"]),
    ("blank-period-nbsp", "shipments", f"{C};\u00a0 ;500;", "Период", ["Период"]),
    ("nd", "shipments", f"{C};2025-01;н/д;", "Отгружено, руб.", ["н/д"]),
    ("1e3x", "shipments", f"{C};2025-01;1e3x;", "Отгружено, руб.", ["1e3x"]),
    ("month-13", "shipments", f"{C};13.2025;500;", "Период", ["13.2025"]),
    ("month-13-iso", "shipments", f"{C};2025-13;500;", "Период", ["2025-13"]),
    ("month-word", "shipments", f"{C};мартобря 2025;500;", "Период", ["мартобря 2025"]),
    ("feb-31", "shipments", f"{C};31.02.2025;500;", "Период", ["31.02.2025"]),
    ("negative-money", "shipments", f"{C};2025-01;-1 000;", "Отгружено, руб.", ["-1 000"]),
    ("nd-optional-export", "shipments", f"{C};2025-01;500;н/д", "Экспорт, руб.", ["н/д"]),
    ("negative-export", "shipments", f"{C};2025-01;500;-1", "Экспорт, руб.", ["-1"]),
    ("export-above", "shipments", f"{C};2025-01;500;600", "Экспорт, руб.", ["600", "500"]),
    ("inn-checksum", "shipments", f"{broken(C)};2025-01;500;", "ИНН", [broken(C)]),
    ("inn-checksum-12", "shipments", f"{broken(P)};2025-01;500;", "ИНН", [broken(P)]),
    ("inn-letters", "shipments", "23100A0001;2025-01;500;", "ИНН", ["23100A0001"]),
    ("more-fields", "shipments", f"{C};2025-01;500;0;лишнее", None, ["5", "4"]),
    ("fewer-fields", "shipments", f"{C};2025-01;500", None, ["3", "4"]),
    ("total-itogo", "shipments", "Итого;;3 000;100", "ИНН", ["Итого"]),
    ("total-vsego", "shipments", "Всего;;3 000;", "ИНН", ["Всего"]),
    ("total-caps", "shipments", "ИТОГО:;;3 000;100", "ИНН", ["ИТОГО"]),
    ("total-in-period", "shipments", ";Итого по краю;3 000;", "Период", ["Итого по краю"]),
    ("employees-fraction", "production", f"{C};2025-01;500;12,5", "Численность, чел.", ["12,5"]),
    ("employees-negative", "production", f"{C};2025-01;500;-3", "Численность, чел.", ["-3"]),
    ("day-not-month", "production", f"{C};14.03.2025;500;", "Период", ["14.03.2025"]),
    ("output-empty", "production", f"{C};2025-01; ;5", "Объём производства, руб.", ["Объём производства, руб."]),
    ("rate-150", "loans", f"Л-2;{C};ФРП;Лизинг;1 000 000;150;5;14.03.2025;", "Ставка, %", ["150", "100"]),
    ("rate-negative", "loans", f"Л-2;{C};ФРП;Лизинг;1 000 000;-1;5;14.03.2025;", "Ставка, %", ["-1"]),
    ("loan-zero", "loans", f"Л-2;{C};ФРП;Лизинг;0;3;5;14.03.2025;", "Сумма, руб.", ["0"]),
    ("term-zero", "loans", f"Л-2;{C};ФРП;Лизинг;1 000;3;0;14.03.2025;", "Срок, лет", ["0"]),
    ("loan-date-feb-31", "loans", f"Л-2;{C};ФРП;Лизинг;1 000;3;5;31.02.2025;", "Дата решения", ["31.02.2025"]),
    ("loan-date-nd", "loans", f"Л-2;{C};ФРП;Лизинг;1 000;3;5;н/д;", "Дата решения", ["н/д"]),
    ("loan-fund-empty", "loans", f"Л-2;{C};;Лизинг;1 000;3;5;14.03.2025;", "Фонд", ["Фонд"]),
    ("loan-id-empty", "loans", f";{C};ФРП;Лизинг;1 000;3;5;14.03.2025;", "Номер займа", ["Номер займа"]),
    ("subsidy-zero", "subsidies", f"С-2;{C};Экспорт;0,00;2025-04-01;", "Сумма, руб.", ["0,00"]),
    ("subsidy-date-feb-30", "subsidies", f"С-2;{C};Экспорт;100;2025-02-30;", "Дата решения", ["2025-02-30"]),
    ("okved-format", "enterprises", f"{C};ООО Гамма;10-11;Сочи;малое", "ОКВЭД", ["10-11"]),
    ("okved-group-then-subclass", "enterprises", f"{C};ООО Гамма;28.2.1;Сочи;малое", "ОКВЭД", ["28.2.1"]),
    ("okved-three-digits", "enterprises", f"{C};ООО Гамма;28.291;Сочи;малое", "ОКВЭД", ["28.291"]),
    ("size-unknown", "enterprises", f"{C};ООО Гамма;10.11;Сочи;огромное", "Категория", ["огромное"]),
    ("name-empty", "enterprises", f"{C};;10.11;Сочи;малое", "Наименование", ["Наименование"]),
    ("municipality-empty", "enterprises", f"{C};ООО Гамма;10.11;;малое", "Муниципальное образование",
     ["Муниципальное образование"]),
    ("enterprise-inn-checksum", "enterprises", f"{broken(C)};ООО Гамма;10.11;Сочи;малое", "ИНН", [broken(C)]),
]


@pytest.mark.parametrize("table,bad,column,fragments", [c[1:] for c in ROW_CASES], ids=[c[0] for c in ROW_CASES])
def test_row_refused_with_place_and_reason(tmp_path, table, bad, column, fragments):
    header, good, key, keys = TEMPLATES[table]
    if table != "enterprises":
        register(tmp_path, [A, B, C, P])
    rel = f"{table}/data_2025.csv"
    put(tmp_path, rel, [line(header), line(good[0]), "", bad, line(good[1])], enc="cp1251")
    res = load_folder(tmp_path)
    assert rows(res, table, *key) == keys                       # every other row loads
    (p,) = problems(res)
    assert (p["table"], p["file"], p["line"], p["column"], p["kind"]) == (table, rel, 4, column, "refused_row")
    assert_russian(p["reason"], *fragments)
    if table == "shipments":                                    # a total row is refused, not summed
        assert res.tables["shipments"]["shipped_rub"].sum() == 3000.0


def test_unterminated_quote_refuses_only_its_line(tmp_path):
    put(tmp_path, "enterprises/reestr.csv", [
        line(ENT_RU),
        f"{A};ООО Альфа;10.11;Кореновский район;малое",          # 2
        f'{B};"ООО Бета;10.11;Кореновский район;малое',          # 3: the quote never closes
        f"{C};ООО Гамма;10.11;Сочи;малое",                        # 4
        f'{D};"ООО ""Дельта""";10.11;Сочи;малое',                # 5
        f"{E};ООО Эпсилон;10.11;Сочи;малое",                      # 6
    ], enc="cp1251")
    res = load_folder(tmp_path)
    assert rows(res, "enterprises", "inn", "name") == {
        (A, "ООО Альфа"), (C, "ООО Гамма"), (D, 'ООО "Дельта"'), (E, "ООО Эпсилон")}
    assert where(res) == [("enterprises", "enterprises/reestr.csv", 3, None, "refused_row")]
    assert_russian(problems(res)[0]["reason"])


def test_unterminated_quote_in_money_keeps_following_rows(tmp_path):
    register(tmp_path, [A, B, C, D])
    put(tmp_path, "shipments/s.csv", [
        line(SHIP_RU),
        f"{A};2025-01;1 000;",              # 2
        f'{B};2025-01;"1 000,25;0',         # 3: broken
        f"{C};2025-01;2 000;",              # 4
        f'{D};2025-01;"3 000,5";""',        # 5
        f"{A};2025-02;4 000;",              # 6
    ], enc="cp1251")
    res = load_folder(tmp_path)
    assert rows(res, "shipments", "inn", "period", "shipped_rub") == {
        (A, "2025-01-01", 1000.0), (C, "2025-01-01", 2000.0), (D, "2025-01-01", 3000.5), (A, "2025-02-01", 4000.0),
    }
    assert where(res) == [("shipments", "shipments/s.csv", 3, None, "refused_row")]


def test_two_unterminated_quotes_each_refuse_only_their_line(tmp_path):
    put(tmp_path, "enterprises/reestr.csv", [
        line(ENT_RU),
        f"{A};ООО Альфа;10.11;Кореновский район;малое",     # 2
        f'{B};"ООО Бета;10.11;Кореновский район;малое',     # 3: broken
        f"{C};ООО Гамма;10.11;Сочи;малое",                   # 4
        f"{D};ООО Дельта;10.11;Сочи;малое",                  # 5
        f'{E};"ООО Эпсилон;16.10;Сочи;малое',               # 6: broken
        f"{F};ООО Дзета;10.11;Сочи;малое",                   # 7
    ])
    res = load_folder(tmp_path)
    assert rows(res, "enterprises", "inn", "name") == {
        (A, "ООО Альфа"), (C, "ООО Гамма"), (D, "ООО Дельта"), (F, "ООО Дзета")}
    assert where(res) == [("enterprises", "enterprises/reestr.csv", 3, None, "refused_row"),
                          ("enterprises", "enterprises/reestr.csv", 6, None, "refused_row")]


def test_unterminated_quote_before_a_real_multiline_cell(tmp_path):
    put(tmp_path, "enterprises/reestr.csv", [
        line(ENT_RU),
        f"{A};ООО Альфа;10.11;Кореновский район;малое",     # 2
        f'{B};"ООО Бета;10.11;Кореновский район;малое',     # 3: broken
        f"{C};ООО Гамма;10.11;Сочи;малое",                   # 4
        f'{D};"ООО Дельта',                                  # 5: a real two-line cell
        'филиал";10.11;Сочи;малое',                          # 6
        f"{E};ООО Эпсилон;10.11;Сочи;малое",                 # 7
    ])
    res = load_folder(tmp_path)
    assert rows(res, "enterprises", "inn", "name", "_line") == {
        (A, "ООО Альфа", 2.0), (C, "ООО Гамма", 4.0), (D, "ООО Дельта\nфилиал", 5.0), (E, "ООО Эпсилон", 7.0)}
    assert where(res) == [("enterprises", "enterprises/reestr.csv", 3, None, "refused_row")]


def test_row_of_bare_delimiters_is_a_blank_line(tmp_path):
    # Excel writes ";;;" for an empty row inside the used range: like a blank line, it is no row at all.
    register(tmp_path, [A, B])
    put(tmp_path, "shipments/s.csv", [line(SHIP_RU), f"{A};2025-01;1;", ";;;", " ; ; ; ", "", f"{B};2025-01;2;", ";;"])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "shipments", "inn", "_line") == {(A, 2.0), (B, 6.0)}


def test_quote_inside_an_unquoted_field_is_a_literal(tmp_path):
    # Not a broken quote: a quote in the middle of an unquoted field (an inch mark, a name in
    # quotes) is kept as written, as Excel shows it, whether the line has one quote or two.
    put(tmp_path, "enterprises/reestr.csv", [
        line(ENT_RU),
        f'{A};ООО Трубы 1/2";10.11;Сочи;малое',
        f'{B};ООО "Ромашка";10.11;Сочи;малое',
        f"{C};ООО Луг;10.11;Сочи;малое",
    ])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "enterprises", "inn", "name") == {
        (A, 'ООО Трубы 1/2"'), (B, 'ООО "Ромашка"'), (C, "ООО Луг")}


def test_line_numbers_count_blank_lines_before_the_header(tmp_path):
    # Lines are counted as an editor counts them: here the header is on line 3.
    register(tmp_path, [A, B])
    put(tmp_path, "shipments/s.csv", ["", " ", line(SHIP_RU), f"{A};2025-01;1;", f"{B};2025-01;н/д;", "",
                                      f"{B};2025-02;2;"], eol="\n")
    res = load_folder(tmp_path)
    assert rows(res, "shipments", "inn", "_line") == {(A, 4.0), (B, 7.0)}
    assert where(res) == [("shipments", "shipments/s.csv", 5, "Отгружено, руб.", "refused_row")]


def test_files_in_sub_folders_of_a_table(tmp_path):
    register(tmp_path, [A])
    put(tmp_path, "shipments/2025/01.csv", [line(SHIP_RU), f"{A};2025-01;1;"])
    put(tmp_path, "shipments/2025/02.csv", [line(SHIP_RU), f"{A};2025-02;2;", f"{A};2025-01;3;"])
    res = load_folder(tmp_path)
    assert rows(res, "shipments", "period", "shipped_rub", "_file") == {
        ("2025-01-01", 3.0, "shipments/2025/02.csv"), ("2025-02-01", 2.0, "shipments/2025/02.csv")}
    (p,) = problems(res)
    assert (p["file"], p["line"], p["kind"]) == ("shipments/2025/01.csv", 2, "superseded")
    _superseded_names(p["reason"], "shipments/2025/02.csv", 3)


# =====================================================================================
# File refusals
# =====================================================================================

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
       b"\x00\x00\x00\x19tEXtSoftware\x00Adobe ImageReadyq\xc9e<\x00\x00\x00\x00IEND\xaeB`\x82")
_rnd = random.Random(20250314)
JUNK = bytes(_rnd.randrange(256) for _ in range(4096)) + b"\x00\x00"
NOT_CP1251 = "ИНН;Период;Отгружено, руб.\r\n".encode("cp1251") + f"{A};2025-03;1\x98000\r\n".encode("latin-1")

FILE_CASES = [
    ("png-as-csv", "a_scan.csv", PNG, []),
    ("random-bytes", "a_export.csv", JUNK, []),
    ("png-file", "a_photo.png", PNG, []),
    ("empty-file", "a_empty.csv", b"", []),
    ("unknown-encoding", "a_enc.csv", NOT_CP1251, []),
    ("missing-required-column", "a_missing.csv",
     "ИНН;Период;Экспорт, руб.\r\n2310000011;2025-03;5\r\n".encode("cp1251"), ["Отгружено, руб."]),
    ("missing-key-column", "a_missing_inn.csv",
     "period,shipped_rub\n2025-03,5\n".encode("utf-8"), ["ИНН"]),
]


@pytest.mark.parametrize("name,data,fragments", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_file_refused_whole_others_load(tmp_path, name, data, fragments):
    if name == "a_enc.csv":   # the test data itself: bytes that are neither UTF-8 nor Windows-1251
        assert _invalid_everywhere(data)
    register(tmp_path, [A, B])
    put(tmp_path, f"shipments/{name}", data)
    put(tmp_path, "shipments/b_good.csv", [line(SHIP_EN, ","), f"{A},2025-03,100,", f"{B},2025-03,200,50"])
    res = load_folder(tmp_path)
    assert rows(res, "shipments", "inn", "shipped_rub", "_file") == {
        (A, 100.0, "shipments/b_good.csv"), (B, 200.0, "shipments/b_good.csv")}
    (p,) = problems(res)
    assert (p["table"], p["file"], p["line"], p["column"], p["kind"]) == (
        "shipments", f"shipments/{name}", None, None, "refused_file")
    assert_russian(p["reason"], *fragments)
    status = dict(zip(res.files["file"], res.files["status"]))
    assert status[f"shipments/{name}"] != status["shipments/b_good.csv"]


def _invalid_everywhere(data: bytes) -> bool:
    for enc in ("utf-8", "cp1251"):
        try:
            data.decode(enc)
            return False
        except UnicodeDecodeError:
            pass
    return True


# =====================================================================================
# INN not in the register
# =====================================================================================

FACT_FILES = {
    "shipments": (SHIP_EN, lambda inn, i: [inn, f"2025-0{i}", "1 000", ""], "inn"),
    "production": (PROD_RU, lambda inn, i: [inn, f"2025-0{i}", "1 000", "5"], "ИНН"),
    "loans": (LOAN_RU, lambda inn, i: [f"Л-{i}", inn, "ФРП", "Лизинг", "1 000 000", "1", "5", "14.03.2025", ""], "ИНН"),
    "subsidies": (["subsidy_id", "Inn", "programme", "amount_rub", "decision_date", "budget"],
                  lambda inn, i: [f"С-{i}", inn, "Экспорт", "1 000", "2025-04-01", ""], "Inn"),
}


@pytest.mark.parametrize("table", list(FACT_FILES))
def test_inn_not_in_register_kept_and_warned(tmp_path, table):
    header, make, inn_header = FACT_FILES[table]
    register(tmp_path, [A])
    put(tmp_path, f"{table}/f.csv", [line(header), line(make(A, 1)), line(make(STRANGER, 2)), line(make(STRANGER, 3))])
    res = load_folder(tmp_path)
    assert len(res.tables[table]) == 3
    assert sorted(res.tables[table]["inn"]) == sorted([A, STRANGER, STRANGER])
    assert where(res) == [(table, f"{table}/f.csv", 3, inn_header, "warning"),
                          (table, f"{table}/f.csv", 4, inn_header, "warning")]
    for p in problems(res):
        assert_russian(p["reason"], STRANGER)


# =====================================================================================
# The same key twice: the last one wins
# =====================================================================================

KEY_FILES = {
    # table: header, first row (key 1), second row (key 2), correction of key 1, column to see the correction
    "shipments": (SHIP_RU, [A, "2025-03", "100", ""], [B, "2025-03", "200", ""], [A, "март 2025", "150", ""],
                  "shipped_rub"),
    "production": (PROD_RU, [A, "2025-03", "100", ""], [A, "2025-04", "200", ""], [A, "01.03.2025", "150", ""],
                   "output_rub"),
    "loans": (LOAN_RU, ["Л-1", A, "ФРП", "Лизинг", "100", "1", "5", "14.03.2025", ""],
              ["Л-2", A, "ФРП", "Лизинг", "200", "1", "5", "14.03.2025", ""],
              ["Л-1", B, "ФРП", "Лизинг", "150", "1", "5", "15.03.2025", "выдан"], "amount_rub"),
    "subsidies": (SUBS_RU, ["С-1", A, "Экспорт", "100", "2025-04-01", ""], ["С-2", A, "Экспорт", "200", "2025-04-01", ""],
                  ["С-1", A, "Экспорт", "150", "2025-04-02", ""], "amount_rub"),
    "enterprises": (ENT_RU, [A, "ООО Альфа", "10.11", "Сочи", "малое"], [B, "ООО Бета", "10.11", "Сочи", "малое"],
                    [A, "ООО Альфа (новое имя)", "10.11", "Краснодар", "среднее"], "name"),
}


def _superseded_names(reason: str, file: str, line_no: int) -> None:
    assert_russian(reason, file)
    assert re.search(rf"(?<!\d){line_no}(?!\d)", reason.replace(file, "")), reason


@pytest.mark.parametrize("table", list(KEY_FILES))
def test_same_key_across_files_last_file_wins(tmp_path, table):
    header, first, second, fix, col = KEY_FILES[table]
    if table != "enterprises":
        register(tmp_path, [A, B])
    # The correction is written first and is older on disk: the order is by file name, not by time.
    later = put(tmp_path, f"{table}/2025_b_popravka.csv", [line(header), "", line(fix)])
    earlier = put(tmp_path, f"{table}/2025_a.csv", [line(header), line(first), line(second)], enc="cp1251")
    os.utime(later, (1_700_000_000, 1_700_000_000))
    os.utime(earlier, (1_800_000_000, 1_800_000_000))
    res = load_folder(tmp_path)
    frame = res.tables[table]
    assert len(frame) == 2
    winner = frame[frame["_file"] == f"{table}/2025_b_popravka.csv"]
    assert winner["_line"].tolist() == [3]
    expected = {"shipped_rub": 150.0, "output_rub": 150.0, "amount_rub": 150.0, "name": "ООО Альфа (новое имя)"}[col]
    assert plain(winner[col].iloc[0]) == expected
    assert frame[frame["_file"] == f"{table}/2025_a.csv"]["_line"].tolist() == [3]
    (p,) = problems(res)
    assert (p["table"], p["file"], p["line"], p["column"], p["kind"]) == (
        table, f"{table}/2025_a.csv", 2, None, "superseded")
    _superseded_names(p["reason"], f"{table}/2025_b_popravka.csv", 3)


def test_same_key_within_one_file_last_line_wins(tmp_path):
    register(tmp_path, [A, B])
    put(tmp_path, "shipments/s.csv", [
        line(SHIP_RU),
        line([A, "2025-03", "100", ""]),        # 2: replaced by line 7
        line([B, "2025-03", "500", ""]),        # 3
        line([A, "март 2025", "200", "10"]),    # 4: replaced by line 7 (same month, another spelling)
        "",                                     # 5
        line([A, "2025-04", "300", ""]),        # 6
        line([A, "01.03.2025", "250", "20"]),   # 7: wins
    ], enc="cp1251")
    res = load_folder(tmp_path)
    assert rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub", "_line") == {
        (A, "2025-03-01", 250.0, 20.0, 7.0), (B, "2025-03-01", 500.0, None, 3.0), (A, "2025-04-01", 300.0, None, 6.0),
    }
    sup = problems(res, "superseded")
    assert sorted((p["file"], p["line"]) for p in sup) == [("shipments/s.csv", 2), ("shipments/s.csv", 4)]
    for p in sup:
        _superseded_names(p["reason"], "shipments/s.csv", 7)
    assert len(problems(res)) == 2


def test_superseded_chain_over_three_files(tmp_path):
    register(tmp_path, [A])
    for name, value in (("2025-03.csv", "100"), ("2025-03_v2.csv", "200"), ("2025-03_v3.csv", "300")):
        put(tmp_path, f"production/{name}", [line(PROD_RU), line([A, "2025-03", value, ""])])
    res = load_folder(tmp_path)
    assert rows(res, "production", "inn", "output_rub", "_file") == {(A, 300.0, "production/2025-03_v3.csv")}
    sup = problems(res, "superseded")
    assert sorted((p["file"], p["line"]) for p in sup) == [("production/2025-03.csv", 2), ("production/2025-03_v2.csv", 2)]
    for p in sup:
        _superseded_names(p["reason"], "production/2025-03_v3.csv", 2)


# =====================================================================================
# A messy office folder
# =====================================================================================

E1, E2, E4, E5 = ORG[20], ORG[21], ORG[22], ORG[23]
E3 = IP[5]
N1 = STRANGER2
BAD = broken(ORG[24])


def build_messy(folder: Path) -> None:
    put(folder, "enterprises/reestr_2024.csv", [
        line(ENT_RU),
        f'{E1};"ООО ""Кубань-Агро""";10.11;Кореновский р-н;малое',
        f"{E2};АО Краснодарский завод;28.29;г. Краснодар;крупное",
        f"{E3};ИП Иванов Иван Иванович;16.10;город-курорт Сочи;микро",
        f"{E4};ООО Ромашка;10.51;Кореновкий район;среднее",             # refused: unknown municipality
        f"{E5};ООО Лес;16.10;03614000;",
    ], enc="cp1251")
    put(folder, "enterprises/reestr_2025_popravki.csv", [
        "inn,name,okved,municipality,size",
        f'{E2},"АО ""Краснодарский завод""",28.29,город Краснодар,large',   # supersedes reestr_2024.csv:3
    ], enc="utf-8-sig")
    nb = "\u00a0"
    put(folder, "production/2025_q1.tsv", [
        "\t".join(PROD_RU),
        f"{E1}\tянварь 2025\t1{nb}000{nb}000,50\t120",
        f"{E1}\tФевраль 2025\t2 000 000\t121",
        "",
        f"{E2}\t01.2025\tн/д\t500",                                          # refused
        f"{E3}\t2025-01\t-5\t3",                                             # refused
        "Итого\t\t3 000 000,50\t241",                                        # refused
    ])
    put(folder, "shipments/2025-01.csv", [
        "ИНН;Период;Отгружено, руб.;Экспорт, руб.;Примечание",             # warning: unknown column
        f"{E1};2025-01;1 500 000,00;200 000;",                               # superseded by the fix
        f'{E2};2025-01;3 000 000;;"с учётом ""возвратов"""',
        f"{E3};2025-01;100;150;",                                            # refused: export above shipments
        f"{N1};2025-01;700;;",                                               # kept, warning
        f'{E5};2025-01;"1 000,25;0;',                                        # refused: unterminated quote
        f"{E1};2025-02;1 000;0;",
        "Всего;;4 501 700;200 000;",                                         # refused: total
    ], enc="cp1251")
    put(folder, "shipments/2025-01_fix.csv", ["inn,period,shipped_rub,export_rub", f"{E1},2025-01-01,1600000,250000"],
        eol="\n")
    put_parquet(folder, "shipments/2025-02.parquet", pa.table({
        "inn": pa.array([E2, E4], pa.string()),                              # E4 was refused from the register: warning
        "period": pa.array([date(2025, 2, 1), date(2025, 2, 1)], pa.date32()),
        "shipped_rub": pa.array([2_500_000.0, 1000.0], pa.float64()),
        "export_rub": pa.array([None, None], pa.float64()),
    }))
    put(folder, "shipments/scan.csv", PNG)                                   # refused file
    put(folder, "shipments/z_no_money.csv", ["ИНН;Период", f"{E1};2025-03"], enc="cp1251")   # refused file
    put(folder, "loans/zaimy.csv", [
        line(LOAN_RU),
        f"ФРП-1;{E1};ФРП;Проекты развития;100 000 000;1;5;14.03.2025;выдан",          # superseded by line 6
        f"ФРП-2;{E2};ФРП Краснодарского края;Комплектующие;0;3;5;2025-03-14;",         # refused
        f"ФРП-3;{E3};ФРП;Лизинг;50 000 000;150;5;14.03.2025;",                        # refused
        f"ФРП-4;{E5};ФРП;Проекты развития;20 000 000,5;3;7;31.02.2025;",              # refused
        f"ФРП-1;{E1};ФРП;Проекты развития;120 000 000;1;5;15.03.2025;выдан",
        f"ФРП-5;{E2};ФРП Краснодарского края;Комплектующие;30 000 000;3;5;2025-04-01;",
    ])
    put(folder, "subsidies/subsidii.csv", [
        "subsidy_id,inn,programme,amount_rub,decision_date,budget",
        f'С-1,{E1},Модернизация,"5 000 000,00",2025-04-01,краевой',
        f"С-2,{BAD},Модернизация,1000,2025-04-01,краевой",                   # refused: check digits
        f"С-3,{E3},Экспорт,250000,01.04.2025,,лишнее",                       # refused: 7 fields
        f'С-4,{E5},Экспорт,"250 000",02.04.2025,федеральный',
    ], eol="\n")


MESSY_COUNTS = {
    "municipalities": {"files": 1, "rows": 44, "refused": 0, "superseded": 0, "warnings": 0},
    "enterprises": {"files": 2, "rows": 4, "refused": 1, "superseded": 1, "warnings": 0},
    "production": {"files": 1, "rows": 2, "refused": 3, "superseded": 0, "warnings": 0},
    "shipments": {"files": 3, "rows": 6, "refused": 5, "superseded": 1, "warnings": 3},
    "loans": {"files": 1, "rows": 2, "refused": 3, "superseded": 1, "warnings": 0},
    "subsidies": {"files": 1, "rows": 2, "refused": 2, "superseded": 0, "warnings": 0},
}


def test_messy_office_folder(tmp_path):
    build_messy(tmp_path)
    res = load_folder(tmp_path)
    kinds = [p["kind"] for p in problems(res)]
    assert kinds.count("refused_row") == 12
    assert kinds.count("refused_file") == 2
    assert kinds.count("superseded") == 3
    assert kinds.count("warning") == 3
    assert len(kinds) == 20
    assert res.problem_counts() == MESSY_COUNTS

    assert rows(res, "enterprises", "inn", "oktmo", "size") == {
        (E1, "03621000", "small"), (E2, "03701000", "large"), (E3, "03726000", "micro"), (E5, "03614000", None)}
    assert rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub") == {
        (E1, "2025-01-01", 1_600_000.0, 250_000.0), (E2, "2025-01-01", 3_000_000.0, None),
        (N1, "2025-01-01", 700.0, None), (E1, "2025-02-01", 1000.0, 0.0),
        (E2, "2025-02-01", 2_500_000.0, None), (E4, "2025-02-01", 1000.0, None),
    }
    # The exact money of the good rows (the totals row and the refused rows add nothing).
    assert res.tables["shipments"]["shipped_rub"].sum() == 7_102_700.0
    assert res.tables["shipments"]["export_rub"].sum() == 250_000.0
    assert res.tables["production"]["output_rub"].sum() == 3_000_000.5
    assert res.tables["loans"]["amount_rub"].sum() == 150_000_000.0
    assert res.tables["subsidies"]["amount_rub"].sum() == 5_250_000.0

    assert sorted((p["file"], p["line"]) for p in problems(res, "superseded")) == [
        ("enterprises/reestr_2024.csv", 3), ("loans/zaimy.csv", 2), ("shipments/2025-01.csv", 2)]
    assert sorted((p["file"], p["line"], p["column"]) for p in problems(res, "warning")) == [
        ("shipments/2025-01.csv", 1, "Примечание"), ("shipments/2025-01.csv", 5, "ИНН"),
        ("shipments/2025-02.parquet", 2, "inn")]
    assert sorted((p["file"], p["line"]) for p in problems(res, "refused_row")) == [
        ("enterprises/reestr_2024.csv", 5),
        ("loans/zaimy.csv", 3), ("loans/zaimy.csv", 4), ("loans/zaimy.csv", 5),
        ("production/2025_q1.tsv", 5), ("production/2025_q1.tsv", 6), ("production/2025_q1.tsv", 7),
        ("shipments/2025-01.csv", 4), ("shipments/2025-01.csv", 6), ("shipments/2025-01.csv", 8),
        ("subsidies/subsidii.csv", 3), ("subsidies/subsidii.csv", 4)]
    assert sorted(p["file"] for p in problems(res, "refused_file")) == ["shipments/scan.csv", "shipments/z_no_money.csv"]


# =====================================================================================
# Files are never changed
# =====================================================================================

def _snapshot(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        st_ = p.stat()
        out[p.relative_to(folder).as_posix()] = (
            None if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest(), st_.st_mtime_ns, st_.st_mode)
    return out


def test_files_never_changed(tmp_path):
    build_messy(tmp_path)
    register(tmp_path, [A], rel="enterprises/zz_extra.csv")
    before = _snapshot(tmp_path)
    load_folder(tmp_path)
    load_folder(tmp_path)
    run_check(tmp_path)
    assert _snapshot(tmp_path) == before


# =====================================================================================
# check --json
# =====================================================================================

def run_check(folder: Path, *extra: str) -> tuple[int, str]:
    python = ROOT / ".venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "KUBAN_DATA_DIR"}
    proc = subprocess.run([str(python if python.exists() else sys.executable), "-m", "kuban", "check",
                           "--data-dir", str(folder), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout


ZERO = {"files": 0, "rows": 0, "refused": 0, "superseded": 0, "warnings": 0}


def test_check_json_structure(tmp_path):
    register(tmp_path, [A, B])
    put(tmp_path, "shipments/otgruzka_2025.csv", [
        "ИНН;Период;Отгружено, руб.;Примечание",
        f"{A};2025-03;1 000;",                     # 2
        f"{broken(B)};2025-03;2 000;",             # 3: refused
        f"{STRANGER};2025-03;3 000;",              # 4: warning
        f"{B};2025-03;4 000;",                     # 5: replaced by the correction
    ], enc="cp1251")
    put(tmp_path, "shipments/otgruzka_2025_popravka.csv", [line(SHIP_EN, ","), f"{B},2025-03,4500,"])
    put(tmp_path, "shipments/photo.csv", PNG)
    code, out = run_check(tmp_path, "--json")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"tables", "problems"}
    assert report["tables"] == {
        "municipalities": {"files": 1, "rows": 44, "refused": 0, "superseded": 0, "warnings": 0},
        "enterprises": {"files": 1, "rows": 2, "refused": 0, "superseded": 0, "warnings": 0},
        "production": ZERO, "loans": ZERO, "subsidies": ZERO,
        "shipments": {"files": 2, "rows": 3, "refused": 2, "superseded": 1, "warnings": 2},
    }
    for p in report["problems"]:
        assert set(p) == {"table", "file", "line", "column", "kind", "reason"}
        assert_russian(p["reason"])
    got = [(p["table"], p["file"], p["line"], p["column"], p["kind"]) for p in report["problems"]]
    assert sorted(got, key=repr) == sorted([
        ("shipments", "shipments/otgruzka_2025.csv", 1, "Примечание", "warning"),
        ("shipments", "shipments/otgruzka_2025.csv", 3, "ИНН", "refused_row"),
        ("shipments", "shipments/otgruzka_2025.csv", 4, "ИНН", "warning"),
        ("shipments", "shipments/otgruzka_2025.csv", 5, None, "superseded"),
        ("shipments", "shipments/photo.csv", None, None, "refused_file"),
    ], key=repr)
    sup = next(p for p in report["problems"] if p["kind"] == "superseded")
    _superseded_names(sup["reason"], "shipments/otgruzka_2025_popravka.csv", 2)


def _clean(folder):
    register(folder, [A])
    put(folder, "shipments/s.csv", [line(SHIP_RU), f"{A};2025-03;1 000;"])


def _warnings_only(folder):
    _clean(folder)
    put(folder, "shipments/t.csv", ["ИНН;Период;Отгружено, руб.;Заметки", f"{STRANGER};2025-03;1 000;x"])


def _refused_row(folder):
    _clean(folder)
    put(folder, "shipments/t.csv", [line(SHIP_RU), f"{A};2025-04;н/д;"])


def _refused_file(folder):
    _clean(folder)
    put(folder, "shipments/t.csv", JUNK)


@pytest.mark.parametrize("make,code,as_json", [
    (_clean, 0, True), (_warnings_only, 0, True), (_refused_row, 1, True), (_refused_file, 1, True),
    (_warnings_only, 0, False), (_refused_row, 1, False),
], ids=["clean", "warnings-only", "refused-row", "refused-file", "text-warnings-only", "text-refused-row"])
def test_check_exit_codes(tmp_path, make, code, as_json):
    make(tmp_path)
    got, out = run_check(tmp_path, *(["--json"] if as_json else []))
    assert got == code
    if as_json:
        report = json.loads(out)
        assert report["tables"]["shipments"]["rows"] == (2 if make is _warnings_only else 1)


def test_check_missing_folder_exit_2(tmp_path):
    assert run_check(tmp_path / "no_such_folder", "--json")[0] == 2
    assert run_check(tmp_path / "no_such_folder")[0] == 2


def test_check_json_messy_folder(tmp_path):
    build_messy(tmp_path)
    code, out = run_check(tmp_path, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["tables"] == MESSY_COUNTS
    assert len(report["problems"]) == 20
    assert all(p["line"] is None for p in report["problems"] if p["kind"] == "refused_file")
    assert all(isinstance(p["line"], int) for p in report["problems"] if p["kind"] != "refused_file")
    assert {p["file"] for p in report["problems"]} >= {"shipments/scan.csv", "shipments/2025-02.parquet",
                                                      "enterprises/reestr_2024.csv"}


# =====================================================================================
# Property: any contract form of the same rows loads to the same values
# =====================================================================================

MONTHS_RU = ["январь", "февраль", "март", "апрель", "май", "июнь",
             "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]
POOL = ORG[30:40] + IP[10:14]


def month_text(y: int, m: int, form: int) -> str:
    return [f"{y}-{m:02d}", f"{y}-{m:02d}-01", f"{m:02d}.{y}", f"01.{m:02d}.{y}",
            f"{MONTHS_RU[m - 1]} {y}", f"{MONTHS_RU[m - 1].capitalize()} {y}"][form]


def money_text(cents: int, dec: str, thou: str, always_fraction: bool) -> str:
    whole, frac = divmod(cents, 100)
    s = f"{whole:,}".replace(",", thou)
    if frac or always_fraction:
        s += f"{dec}{frac:02d}"
    return s


def money_value(cents: int) -> float:
    whole, frac = divmod(cents, 100)
    return float(f"{whole}.{frac:02d}")     # the correctly rounded double of the decimal text


@st.composite
def office_files(draw):
    keys = draw(st.lists(st.tuples(st.sampled_from(POOL), st.integers(1990, date.today().year + 1), st.integers(1, 12)),
                         min_size=1, max_size=8, unique=True))
    records = []
    for inn, y, m in keys:
        cents = draw(st.integers(0, 10**13))
        export = draw(st.one_of(st.none(), st.integers(0, cents)))
        records.append((inn, y, m, cents, export, draw(st.integers(0, 5)), draw(st.booleans())))
    thou = draw(st.sampled_from(["", " ", "\u00a0", "\u202f"]))
    encs = ["utf-8", "utf-8-sig"] + ([] if thou == "\u202f" else ["cp1251"])
    form = {
        "enc": draw(st.sampled_from(encs)),
        "delim": draw(st.sampled_from([",", ";", "\t"])),
        "dec": draw(st.sampled_from([".", ","])),
        "thou": thou,
        "eol": draw(st.sampled_from(["\r\n", "\n"])),
        "russian": draw(st.booleans()),
        "quote_all": draw(st.booleans()),
        "order": draw(st.permutations(range(4))),
        "blank_after": draw(st.sets(st.integers(0, len(records)))),
        "ext": draw(st.sampled_from([".csv", ".txt", ".tsv"])),
    }
    return records, form


# 40 examples per run (each loads a folder); a one-off run of 1 500 passed.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(office_files())
def test_property_any_office_form_loads_same_values(case):
    records, form = case
    delim, order = form["delim"], form["order"]
    header = SHIP_RU if form["russian"] else SHIP_EN
    lines = [line([header[i] for i in order], delim, form["quote_all"])]
    expected = set()
    for k, (inn, y, m, cents, export, mform, always_fraction) in enumerate(records):
        cells = [inn, month_text(y, m, mform), money_text(cents, form["dec"], form["thou"], always_fraction),
                 "" if export is None else money_text(export, form["dec"], form["thou"], always_fraction)]
        lines.append(line([cells[i] for i in order], delim, form["quote_all"]))
        if k in form["blank_after"]:
            lines.append("")
        expected.add((inn, f"{y}-{m:02d}-01", money_value(cents), None if export is None else money_value(export)))
    folder = Path(tempfile.mkdtemp(prefix="kuban-prop-"))
    try:
        register(folder, POOL)
        put(folder, f"shipments/data{form['ext']}", lines, enc=form["enc"], eol=form["eol"])
        res = load_folder(folder)
        assert problems(res) == []
        assert rows(res, "shipments", "inn", "period", "shipped_rub", "export_rub") == expected
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_money_values_are_exact_doubles(tmp_path):
    # Values whose nearest double needs correct rounding: parsed like Python's float(). The first rounds to
    # exactly 10^15, the largest plausible amount.
    register(tmp_path, [A, B, C, D])
    texts = ["999 999 999 999 999,99", "0,1", "1 234 567 890 123,45", "8 589 934 592,03"]
    put(tmp_path, "shipments/s.csv", [line(SHIP_RU)]
        + [line([inn, "2025-03", t, ""]) for inn, t in zip([A, B, C, D], texts)])
    res = load_folder(tmp_path)
    assert problems(res) == []
    assert rows(res, "shipments", "inn", "shipped_rub") == {
        (inn, float(t.replace(" ", "").replace(",", "."))) for inn, t in zip([A, B, C, D], texts)}
    assert not any(math.isnan(x) for x in res.tables["shipments"]["shipped_rub"])
