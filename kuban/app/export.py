"""Downloads: the rows behind a view as CSV for Russian Excel, as plain CSV and as an Excel workbook (.xlsx).

Excel form: UTF-8 with BOM, `;` delimiter, decimal comma — Russian Excel
opens it correctly by double-click. Plain form: UTF-8, `,`, decimal point.
Both end rows with CRLF (RFC 4180), so a CR or LF inside a cell is always quoted.
A text cell starting with = + - @ tab or CR gets a leading apostrophe, so a
spreadsheet shows it as text and never runs it as a formula. In the Excel form,
code columns (ИНН, ОКВЭД, ОКТМО) are written as ="…" so Excel keeps them as text.
The workbook: see `to_xlsx`.
"""
from __future__ import annotations

import math
import os
import re
import tempfile
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from kuban import texts as T

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
    """«отгрузка_Кореновский-район_2025-11_2026-10_excel.csv» (form "excel", "utf8") or
    «отгрузка_Кореновский-район_2025-11_2026-10.xlsx» (form "xlsx") — safe on every OS."""
    text = f"{what}_{filter_label}" if form == "xlsx" else f"{what}_{filter_label}_{form}"
    text = re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE).strip("-")
    return text[:150] + (".xlsx" if form == "xlsx" else ".csv")


# --- The Excel workbook ---------------------------------------------------------------------------------
# Number formats are stored in the file in Excel's own locale-independent notation: «,» groups thousands and
# «.» marks the decimals, whatever the user's locale. Excel localises them on display, so `#,##0.0` in the
# file shows as «1 234,5» in a Russian Excel (and «1,234.5» in an English one). Writing the Russian form
# `# ##0,0` literally would be a different, wrong code. Dates are real Excel dates (days since 1899-12-30)
# with the codes `mm.yyyy` (months) and `dd.mm.yyyy` (days), which Excel keeps as written.
XLSX_MAX_ROWS = 1_048_576             # Excel's rows per sheet, the header row included
XLSX_CHUNK = 20_000                   # rows turned into Python values at a time
FMT_MONEY = "#,##0.00"                # rubles and kopecks: «1 234 567,89»
FMT_NUMBER = "#,##0.0"                # «1 234,5»
FMT_INTEGER = "#,##0"                 # «1 234»
FMT_PLAIN_INTEGER = "0"               # years, line numbers: «2025», never «2 025»
FMT_SHARE = "0.0%"                    # a share 0.123 -> «12,3%»
FMT_RATIO = "0.00"                    # location quotients
FMT_COORD = "0.000000"
FMT_MONTH = "mm.yyyy"
FMT_DATE = "dd.mm.yyyy"
FMT_DATETIME = "dd.mm.yyyy hh:mm:ss"
FMT_TEXT = "@"
MONTH_COLUMNS = {"period", "period_min", "period_max", "latest_from", "latest_to", "window_from", "window_to"}
PLAIN_INTEGER_COLUMNS = {"year", "years_back", "line"}
SHARE_COLUMNS = {"growth", "export_share", "shipped_change"}
RATIO_PREFIX = "lq_"
COORD_COLUMNS = {"lat", "lon"}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DAY = pd.Timedelta(days=1)


def header(name: str) -> str:
    """The Russian column header of a download column (kuban/texts.py XLSX_COLUMNS); unknown names stay."""
    if name in T.XLSX_COLUMNS:
        return T.XLSX_COLUMNS[name]
    for prefix, words in T.XLSX_PREFIXES.items():
        if name.startswith(prefix) and name[len(prefix):] in T.XLSX_COLUMNS:
            return words + T.XLSX_COLUMNS[name[len(prefix):]]
    return str(name)


def _kind(name: str, s: pd.Series) -> str:
    """How a column is written: code, text, month, date, datetime, bool, or a number format code."""
    bare = name[2:] if name[:2] in T.XLSX_PREFIXES else name
    if name in CODE_COLUMNS:
        return "code"
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s):
        if bare in MONTH_COLUMNS:
            return "month"
        times = s.dropna()
        return "datetime" if len(times) and (times != times.dt.normalize()).any() else "date"
    if pd.api.types.is_numeric_dtype(s):
        if bare in PLAIN_INTEGER_COLUMNS:
            return FMT_PLAIN_INTEGER
        if bare in COORD_COLUMNS:
            return FMT_COORD
        if bare in SHARE_COLUMNS or bare.endswith(("_share", "_growth")) or bare.startswith("share_"):
            return FMT_SHARE
        if bare.startswith(RATIO_PREFIX):
            return FMT_RATIO
        if bare.endswith("_rub"):
            return FMT_MONEY
        return FMT_INTEGER if pd.api.types.is_integer_dtype(s) else FMT_NUMBER
    # object columns: dates from DuckDB (datetime.date), else text
    sample = s.dropna().head(100)
    if len(sample) and all(isinstance(v, (date, pd.Timestamp)) for v in sample):
        return "month" if bare in MONTH_COLUMNS else "date"
    return "text"


def _serial(s: pd.Series) -> list:
    """Dates as Excel serial numbers (days since 1899-12-30, the time of day as a fraction); None for none."""
    t = pd.to_datetime(s, errors="coerce")
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_localize(None)
    days = (t - _EXCEL_EPOCH) / _DAY
    return [None if math.isnan(v) else v for v in days.tolist()]


def _numbers(s: pd.Series) -> list:
    """Numbers as Python floats and ints; None for NaN, NA and ±inf (an empty cell: Excel has no NaN)."""
    out = []
    for v in s.astype(object).tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
            out.append(None)
        else:
            out.append(v)
    return out


def _texts(s: pd.Series) -> list:
    return [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in s.astype(object).tolist()]


def _width(name: str, kind: str, values: list) -> float:
    """A column width in characters: the longest of the header and the first rows' values, within 8..60."""
    longest = len(header(name))
    if kind in ("text", "code"):
        longest = max([longest] + [len(v) for v in values[:1000] if v is not None])
    elif kind in ("month", "date"):
        longest = max(longest, 10)
    elif kind == "datetime":
        longest = max(longest, 19)
    else:
        longest = max(longest, 16 if kind == FMT_MONEY else 12)
    return float(min(max(longest + 2, 8), 60))


def to_xlsx(frame: pd.DataFrame, about: list[tuple[str, object]] = ()) -> bytes:
    """The frame as an Excel workbook: sheet «Данные» (more sheets beyond Excel's 1 048 575 data rows per
    sheet), then «Условия» with `about` (label, value) pairs, the number of rows and the sheets.

    Every data text is written with write_string, so a name starting with = + - @ stays text (never a
    formula or a link) and a code keeps its leading zeros; numbers are numbers with Russian display
    formats, months and dates real dates; the header row bold, frozen and with an autofilter.
    Memory: XlsxWriter's constant_memory mode flushes each finished row to a temporary file, and the frame
    is turned into Python values `XLSX_CHUNK` rows at a time, so besides the frame itself only one chunk
    and the finished file are held (the file is read back into bytes for the download button).
    """
    per_sheet = XLSX_MAX_ROWS - 1
    n = len(frame)
    sheets = max(1, -(-n // per_sheet))
    fd, path = tempfile.mkstemp(prefix="kuban-", suffix=".xlsx")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False,
                                        "tmpdir": tempfile.gettempdir()})
        bold = wb.add_format({"bold": True, "valign": "top", "bottom": 1})
        formats = {k: wb.add_format({"num_format": code}) for k, code in (
            ("code", FMT_TEXT), ("month", FMT_MONTH), ("date", FMT_DATE), ("datetime", FMT_DATETIME))}
        columns = [str(c) for c in frame.columns]
        kinds = [_kind(c, frame[c]) for c in frame.columns]
        for k in kinds:
            if k not in formats and k not in ("text", "bool"):
                formats[k] = wb.add_format({"num_format": k})
        first = frame.iloc[:1000]
        widths = [_width(c, k, _texts(first[c]) if k in ("text", "code") else []) for c, k in zip(columns, kinds)]
        names = [T.XLSX_SHEET_DATA] + [T.XLSX_SHEET_MORE.format(n=i) for i in range(2, sheets + 1)]
        for i, sheet_name in enumerate(names):
            ws = wb.add_worksheet(sheet_name)
            rows_here = min(per_sheet, n - i * per_sheet) if n else 0
            for j, (k, w) in enumerate(zip(kinds, widths)):
                ws.set_column(j, j, w, formats.get(k) if k == "code" else None)
            ws.set_row(0, None, bold)
            for j, c in enumerate(columns):
                ws.write_string(0, j, header(c), bold)
            ws.freeze_panes(1, 0)
            if columns:
                ws.autofilter(0, 0, rows_here, len(columns) - 1)
            _write_rows(ws, frame.iloc[i * per_sheet: i * per_sheet + rows_here], kinds, formats)
        _write_about(wb, about, n, names, bold)
        wb.close()
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def _write_rows(ws, part: pd.DataFrame, kinds: list[str], formats: dict) -> None:
    """Rows 1.. of a sheet, in order (constant_memory), XLSX_CHUNK rows of Python values at a time."""
    writers = []
    for k in kinds:
        if k in ("text", "code"):
            writers.append((ws.write_string, formats.get(k) if k == "code" else None, _texts))
        elif k == "bool":
            writers.append((ws.write_boolean, None, lambda s: [None if pd.isna(v) else bool(v)
                                                               for v in s.astype(object).tolist()]))
        elif k in ("month", "date", "datetime"):
            writers.append((ws.write_number, formats[k], _serial))
        else:
            writers.append((ws.write_number, formats[k], _numbers))
    for start in range(0, len(part), XLSX_CHUNK):
        chunk = part.iloc[start:start + XLSX_CHUNK]
        cols = [(j, write, fmt, convert(chunk.iloc[:, j])) for j, (write, fmt, convert) in enumerate(writers)]
        for i in range(len(chunk)):
            row = start + i + 1
            for j, write, fmt, values in cols:
                v = values[i]
                if v is not None:
                    write(row, j, v, fmt)


def _write_about(wb, about, n: int, names: list[str], bold) -> None:
    """The «Условия» sheet: what, the filter, the data date, the source, when made, rows, sheets."""
    ws = wb.add_worksheet(T.XLSX_SHEET_ABOUT)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 100)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    formats = {"month": wb.add_format({"num_format": FMT_MONTH, "align": "left"}),
               "datetime": wb.add_format({"num_format": FMT_DATETIME, "align": "left"}),
               "date": wb.add_format({"num_format": FMT_DATE, "align": "left"}),
               "integer": wb.add_format({"num_format": FMT_INTEGER, "align": "left"})}
    ws.write_string(0, 0, T.XLSX_ABOUT_TITLE, bold)
    lines = list(about) + [(T.XLSX_ABOUT_ROWS, n), (T.XLSX_ABOUT_SHEETS, ", ".join(names))]
    if len(names) > 1:
        lines.append(("", T.XLSX_ABOUT_SPLIT.format(limit=f"{XLSX_MAX_ROWS - 1:,}".replace(",", "\u00a0"))))
    for r, (label, value) in enumerate(lines, start=2):
        ws.write_string(r, 0, str(label), bold if label else wrap)
        if value is None:
            ws.write_string(r, 1, "—", wrap)
        elif isinstance(value, (pd.Timestamp, datetime)):
            ws.write_number(r, 1, (pd.Timestamp(value).tz_localize(None) - _EXCEL_EPOCH) / _DAY, formats["datetime"])
        elif isinstance(value, date):        # a month (the first day) — shown as мм.гггг
            fmt = formats["month"] if value.day == 1 else formats["date"]
            ws.write_number(r, 1, (pd.Timestamp(value) - _EXCEL_EPOCH) / _DAY, fmt)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(r, 1, value, formats["integer"])
        else:
            ws.write_string(r, 1, str(value), wrap)
