"""Downloads: the rows behind a view as CSV for Russian Excel and as plain CSV.

Excel form: UTF-8 with BOM, `;` delimiter, decimal comma — Russian Excel
opens it correctly by double-click. Plain form: UTF-8, `,`, decimal point.
Both end rows with CRLF (RFC 4180), so a CR or LF inside a cell is always quoted.
A text cell starting with = + - @ tab or CR gets a leading apostrophe, so a
spreadsheet shows it as text and never runs it as a formula. In the Excel form,
code columns (ИНН, ОКВЭД, ОКТМО) are written as ="…" so Excel keeps them as text.
"""
from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FLOAT_DECIMALS = 6
# Code columns: Russian Excel would turn ОКВЭД 10.11 into the date 10 November, drop the
# leading zero of ОКТМО 03621000 and show a 12-digit INN as 2,31E+11. In the Excel form
# they are written as ="10.11", which Excel shows as the text 10.11.
CODE_COLUMNS = {"inn", "okved", "oktmo", "division"}
_CODE = re.compile(r"^[0-9][0-9.]*$")


def neutralize(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        s = out[name]
        if pd.api.types.is_float_dtype(s):
            out[name] = s.round(FLOAT_DECIMALS)
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[name] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[name] = s.map(neutralize)
    return out


def _excel_text(value):
    if isinstance(value, str) and _CODE.match(value):
        return f'="{value}"'
    return value


def to_excel_csv(frame: pd.DataFrame) -> bytes:
    out = _prepare(frame)
    for name in CODE_COLUMNS.intersection(out.columns):
        out[name] = out[name].map(_excel_text)
    text = out.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_plain_csv(frame: pd.DataFrame) -> bytes:
    text = _prepare(frame).to_csv(sep=",", decimal=".", index=False, lineterminator="\r\n")
    return text.encode("utf-8")


def file_name(what: str, filter_label: str, form: str) -> str:
    """«отгрузка_Кореновский-район_2025-11_2026-10_excel.csv» — safe on every OS."""
    text = f"{what}_{filter_label}_{form}"
    text = re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE).strip("-")
    return text[:150] + ".csv"
