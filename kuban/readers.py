"""Reading one data file into a frame of raw text cells, with editor line numbers.

CSV is read by our own structural pass (not DuckDB's sniffer): DuckDB swallows
the lines after an unterminated quote and hides damaged rows, and the
contract promises that only the broken line is lost. Values are parsed later,
column by column, in `kuban.ingest`.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .contract import Table, header_map, normalize_header
from .texts import R

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xls"}
DELIMITERS = (";", "\t", ",")
MAX_QUOTED_LINES = 20        # a quoted field may span at most this many lines
_BLANK = " \t\u00a0\u202f"
_LINE_BREAK = re.compile(r"\r\n|\n|\r")


class FileRefused(Exception):
    """The whole file cannot be used; the message is the Russian reason."""


@dataclass
class RawFile:
    frame: pd.DataFrame                 # one text column per header position, plus `_line`
    headers: list[str]                  # headers as written in the file
    header_line: int | None             # line of the header (None for Parquet)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason): structural refusals


def read_file(path: Path, table: Table) -> RawFile:
    ext = path.suffix.lower()
    if ext in PARQUET_EXTENSIONS:
        return read_parquet(path)
    if ext in CSV_EXTENSIONS:
        return read_csv(path, table)
    if ext in EXCEL_EXTENSIONS:
        raise FileRefused(R["file_excel_later"])
    raise FileRefused(R["file_unsupported"].format(ext=ext or path.name))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251."""
    if not data.strip():
        raise FileRefused(R["file_empty"])
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:65536]:
        raise FileRefused(R["file_binary"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise FileRefused(R["file_encoding"]) from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 0:
        raise FileRefused(R["file_binary"])
    return text


def _split(line: str, delimiter: str) -> list[str]:
    if '"' not in line:
        return line.split(delimiter)
    return next(csv.reader([line], delimiter=delimiter))


def _strict(text: str, delimiter: str) -> list[str] | None:
    """Fields of one record, or None when its quoting is malformed (e.g. a quote never closed)."""
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error:
        return None


def sniff_delimiter(header: str, table: Table) -> str:
    """The delimiter under which most header cells are known column names."""
    known = header_map(table)

    def score(d: str):
        cells = _split(header, d)
        return (sum(normalize_header(c) in known for c in cells), len(cells))

    return max(DELIMITERS, key=score)


def read_csv(path: Path, table: Table) -> RawFile:
    text = decode(path.read_bytes())
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    h = next((i for i, line in enumerate(lines) if line.strip(_BLANK)), None)
    if h is None:
        raise FileRefused(R["file_empty"])
    delimiter = sniff_delimiter(lines[h], table)
    if lines[h].count('"') % 2:
        raise FileRefused(R["file_no_header"])
    headers = [c.strip(_BLANK) for c in _split(lines[h], delimiter)]
    n_fields = len(headers)

    if not any('"' in line for line in lines[h + 1:]):
        frame, problems = _rows_without_quotes(lines, h + 1, delimiter, n_fields)
        return RawFile(frame, headers, h + 1, problems)

    rows: list[list[str]] = []
    line_numbers: list[int] = []
    problems: list[tuple[int, str]] = []
    i, n = h + 1, len(lines)
    blank = _BLANK + delimiter
    while i < n:
        line = lines[i]
        start = i
        i += 1
        if not line.strip(blank):
            continue  # a blank line or a line of bare delimiters (Excel's empty row): no row at all
        if '"' in line and line.count('"') % 2:
            fields = _strict(line, delimiter)  # a stray quote inside an unquoted field (1/2") is a literal
            if fields is not None and len(fields) != n_fields:
                fields = None
            if fields is None and len(line.split(delimiter)) < n_fields:
                # A quoted field may contain line breaks; accept only if closing it gives a whole,
                # well-formed row. A line that already holds a whole row is a broken row, never the
                # start of a multi-line cell: joining it would swallow the good lines after it.
                joined, j = line, i
                while j < n and j - start <= MAX_QUOTED_LINES:
                    joined += "\n" + lines[j]
                    j += 1
                    if joined.count('"') % 2 == 0:
                        candidate = _strict(joined, delimiter)
                        if candidate is not None and len(candidate) == n_fields:
                            fields = candidate
                            i = j
                        break
            if fields is None:
                problems.append((start + 1, R["unterminated_quote"]))
                continue
        else:
            fields = _split(line, delimiter)
        if len(fields) != n_fields:
            if not any(f.strip(_BLANK) for f in fields):
                continue  # a blank line or a line of bare delimiters
            problems.append((start + 1, R["field_count"].format(found=len(fields), expected=n_fields)))
            continue
        rows.append(fields)
        line_numbers.append(start + 1)

    columns = list(zip(*rows)) if rows else [()] * n_fields
    frame = pd.DataFrame({k: pd.array(list(col), dtype="string") for k, col in enumerate(columns)})
    frame["_line"] = pd.array(line_numbers, dtype="int64")
    return RawFile(frame, headers, h + 1, problems)


def _rows_without_quotes(lines: list[str], start: int, delimiter: str, n_fields: int):
    """The fast path for files with no quote at all (most big monthly files): every line is one row.

    Lines are checked by counting delimiters; the well-formed ones are parsed by Arrow's CSV reader
    in one go (as text: values are parsed later, column by column).
    """
    expected = n_fields - 1
    blank = _BLANK + delimiter
    good: list[int] = []
    problems: list[tuple[int, str]] = []
    for i in range(start, len(lines)):
        line = lines[i]
        count = line.count(delimiter)
        if not line.strip(blank):
            continue  # a blank line or a line of bare delimiters (Excel's empty row)
        if count == expected:
            good.append(i)
        else:
            problems.append((i + 1, R["field_count"].format(found=count + 1, expected=n_fields)))
    names = [str(k) for k in range(n_fields)]
    if good:
        body = "\n".join([lines[i] for i in good]).encode("utf-8")
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False,
                                              escape_char=False, newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={k: pa.string() for k in names},
                                                  strings_can_be_null=False),
        )
        frame = pd.DataFrame({k: pd.Series(pd.arrays.ArrowStringArray(table.column(str(k)).combine_chunks()))
                              for k in range(n_fields)})
    else:
        frame = pd.DataFrame({k: pd.array([], dtype="string") for k in range(n_fields)})
    frame["_line"] = np.asarray(good, dtype=np.int64) + 1
    return frame, problems


def read_parquet(path: Path) -> RawFile:
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise FileRefused(R["file_unreadable"].format(error=str(exc).splitlines()[0][:200])) from None
    headers = list(table.column_names)
    frame = pd.DataFrame({
        k: _arrow_column(table.column(k)) for k in range(table.num_columns)
    })
    frame["_line"] = pd.array(range(1, table.num_rows + 1), dtype="int64")
    return RawFile(frame, headers, None, [])


def _arrow_column(col: pa.ChunkedArray) -> pd.Series:
    """Typed numbers and dates stay typed (parsed directly); everything else becomes text."""
    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return pd.Series(col.cast(pa.float64()).to_pandas(), dtype="Float64")
    if pa.types.is_timestamp(t) and t.tz is not None:
        col = pc.local_timestamp(col)   # 2025-03-01 00:00 MSK is the 1st of March, not 28.02 21:00 UTC
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        # safe=False: a fraction of a second must not refuse the file (the day is what counts).
        return pd.Series(col.cast(pa.timestamp("s"), safe=False).to_pandas(), dtype="datetime64[s]")
    if pa.types.is_dictionary(t):
        col = col.cast(t.value_type)
    return pd.Series(col.cast(pa.string()).to_pandas(), dtype="string")
