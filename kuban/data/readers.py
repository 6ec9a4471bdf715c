"""Reading one data file into a frame of raw text cells, with editor line numbers.

CSV is read by our own structural pass (not DuckDB's sniffer): DuckDB swallows
the lines after an unterminated quote and hides damaged rows, and the
contract promises that only the broken line is lost. Values are parsed later,
column by column, in `kuban.data.ingest`.

Every limit of the contract that protects the server (file size, header cells,
line length, cell size, Parquet types) is checked here, before the expensive
work, so a hostile file costs time and memory in proportion to what it really
holds, never to what it pretends to hold.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kuban.data.contract import (
    MAX_CELL_BYTES,
    MAX_HEADER_CELLS,
    MAX_LINE_BYTES,
    Table,
    header_map,
    max_file_bytes,
    normalize_header,
)
from kuban.texts import R

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xls"}
DELIMITERS = (";", "\t", ",")
MAX_QUOTED_LINES = 20        # a quoted field may span at most this many lines
_BLANK = " \t\u00a0\u202f"
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_BLANK_LINES = re.compile(r"(?:[ \t\u00a0\u202f]*(?:\r\n|\n|\r))*")
# Two Cyrillic letters in UTF-8 (D0/D1 + continuation byte, twice): never seen in Windows-1251 text.
_UTF8_CYRILLIC = re.compile(rb"(?:[\xd0\xd1][\x80-\xbf]){2}")

# A line is at most 1 MB, and a quoted cell may span MAX_QUOTED_LINES lines: the csv module's
# own limit (128 KB by default) must never be what refuses a file.
csv.field_size_limit(2**31 - 1)


class FileRefused(Exception):
    """The whole file cannot be used; the message is the Russian reason."""


@dataclass
class RawFile:
    frame: pd.DataFrame                 # one text column per header position, plus `_line`
    headers: list[str]                  # headers as written in the file
    header_line: int | None             # line of the header (None for Parquet)
    # (line, reason, column header or None): rows refused for their structure or size
    problems: list[tuple[int, str, str | None]] = field(default_factory=list)


def read_file(path: Path, table: Table) -> RawFile:
    """A data file by what it holds (`sniff`), not by its name: a workbook named .csv is read as a workbook.
    Only names with a data extension are read at all."""
    ext = path.suffix.lower()
    if ext not in CSV_EXTENSIONS | PARQUET_EXTENSIONS | EXCEL_EXTENSIONS:
        raise FileRefused(R["file_unsupported"].format(ext=ext or path.name))
    kind = sniff(path)
    if kind == "parquet":
        return read_parquet(path, table)
    if kind in ("xlsx", "xls"):
        from kuban.data.excel import read_excel
        return read_excel(path, table, kind)
    return read_csv(path, table)


# --- What a file is, by its content ------------------------------------------------------------

SNIFF_BYTES = 1 << 16
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def sniff(source: Path | bytes) -> str:
    """What a file holds: "csv" (text), "parquet", "xlsx" (also .xlsm) or "xls", by its content alone.

    `source` is a path (a regular file within the size limit; only what is needed is read: the first
    64 KB, a zip's directory, the whole file for an OLE2 compound file) or the file's whole content as bytes
    (with only its first bytes, a zip cannot be told from a damaged one). Raises FileRefused with the Russian
    reason for: an empty file, a zip that is not an Excel workbook (an .ods or .xlsb says so), a
    password-protected workbook (OLE2 holding an encrypted package), an OLE2 file that is not a workbook,
    a damaged zip, and binary data that is no table. Text is "csv" here; its encoding is checked on reading.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return _sniff(data[:SNIFF_BYTES], lambda: io.BytesIO(data), lambda: data)
    path = Path(source)
    with open_regular(path) as fh:
        head = fh.read(SNIFF_BYTES)

        def whole() -> bytes:
            fh.seek(0)
            return fh.read(max_file_bytes() + 1)
        return _sniff(head, lambda: fh, whole)


def _sniff(head: bytes, stream, whole) -> str:
    if not head:
        raise FileRefused(R["file_empty"])
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(_ZIP):
        return _zip_kind(stream())
    if head.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in whole():
            raise FileRefused(R["excel_encrypted"])
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"            # UTF-16 text (decode() reads it)
    if b"\x00" in head:
        raise FileRefused(R["file_binary"])
    return "csv"


def _zip_kind(fh) -> str:
    try:
        with zipfile.ZipFile(fh) as zf:
            names = {n.lower().lstrip("/") for n in zf.namelist()}
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                raise FileRefused(R["excel_xlsb"])
            if "mimetype" in names:
                info = zf.getinfo(next(n for n in zf.namelist() if n.lower() == "mimetype"))
                if info.file_size <= 200 and zf.read(info).startswith(_ODS_MIMETYPE):
                    raise FileRefused(R["excel_ods"])
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises several types for a damaged archive
        raise FileRefused(R["excel_corrupt"].format(error=short_error(exc))) from None
    raise FileRefused(R["excel_zip_not_workbook"])


def _fit(table: Table, headers: list[str]) -> tuple[bool, int]:
    """(every required column named, columns named) by a header."""
    known = header_map(table)
    named = {known[h] for h in (normalize_header(x) for x in headers) if h in known}
    return all(c.name in named for c in table.columns if c.required), len(named)


def recognise_table(path: Path) -> str | None:
    """The contract table whose columns a file's headers name (CSV, Excel or Parquet): of the tables whose
    every required column is named, the one with most columns named; None when no table fits, or two fit
    equally. The header is found as loading finds it (CSV: the first non-blank line; Excel: the best-fitting
    sheet and row). Raises FileRefused (Russian reason) when the file cannot be read as a table at all."""
    from kuban.data.contract import TABLES
    path = Path(path)
    kind = sniff(path)
    tables = list(TABLES.values())
    heads: dict[str, list[str]] = {}
    if kind == "parquet":
        with open_regular(path) as fh:
            try:
                names = list(pq.ParquetFile(fh).schema_arrow.names)
            except Exception as exc:  # noqa: BLE001
                raise FileRefused(R["file_unreadable"].format(error=short_error(exc, path))) from None
        heads = {t.name: names for t in tables}
    elif kind in ("xlsx", "xls"):
        from kuban.data.excel import headers_for_tables
        heads = {name: (h.cells if h else []) for name, h in headers_for_tables(path, kind, tables).items()}
    else:
        text = decode(read_bytes(path))
        start = _BLANK_LINES.match(text).end()
        brk = _LINE_BREAK.search(text, start)
        line = text[start:brk.start() if brk else len(text)][:MAX_LINE_BYTES]
        for t in tables:
            heads[t.name] = [c.strip(_BLANK) for c in _split(line, sniff_delimiter(line, t))] if line.strip() else []
    scores = {t.name: _fit(t, heads[t.name]) for t in tables}
    fitting = sorted(((n, name) for name, (ok, n) in scores.items() if ok), reverse=True)
    if not fitting or (len(fitting) > 1 and fitting[0][0] == fitting[1][0]):
        return None
    return fitting[0][1]


# --- Opening: regular files only, within the size limit ------------------------------

def size_text(n: int) -> str:
    """A byte count for messages: «2 ГБ», «512 МБ»."""
    for unit, name in ((1 << 30, "ГБ"), (1 << 20, "МБ"), (1 << 10, "КБ")):
        if n >= unit:
            v = n / unit
            return (f"{v:.0f}" if v == int(v) else f"{v:.1f}".replace(".", ",")) + "\u00a0" + name
    return f"{n}\u00a0Б"


def open_regular(path: Path):
    """Open a regular file for reading, never blocking (a pipe put in its place) and within the size limit."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(R["file_not_regular"].format(file=path.name))
        limit = max_file_bytes()
        if st.st_size > limit:
            raise FileRefused(R["file_too_big"].format(limit=size_text(limit)))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path) -> bytes:
    limit = max_file_bytes()
    with open_regular(path) as fh:
        # Never more than the size seen (a file growing meanwhile is read again: kuban.data.ingest.load_file).
        data = fh.read(min(os.fstat(fh.fileno()).st_size, limit) + 1)
    if len(data) > limit:
        raise FileRefused(R["file_too_big"].format(limit=size_text(limit)))
    return data


# --- Text ----------------------------------------------------------------------------

def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _mixed(data: bytes, bad_at: int) -> None:
    """Refuse a file that is UTF-8 in part and Windows-1251 in another part (it would load garbled)."""
    head = _UTF8_CYRILLIC.search(data, 0, bad_at)
    utf8_at = head.start() if head else None
    if utf8_at is None:
        tail = _UTF8_CYRILLIC.search(data, bad_at)
        utf8_at = tail.start() if tail else None
    if utf8_at is not None:
        raise FileRefused(R["file_mixed_encoding"].format(utf8=_line_of(data, utf8_at), cp1251=_line_of(data, bad_at)))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251; never a mixture."""
    if not data.strip():
        raise FileRefused(R["file_empty"])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused(R["file_encoding"]) from None
    if b"\x00" in data[:65536]:
        raise FileRefused(R["file_binary"])
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        _mixed(body, exc.start)
        if body is not data:    # a UTF-8 BOM on a file that is not UTF-8
            raise FileRefused(R["file_encoding"]) from None
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise FileRefused(R["file_encoding"]) from None
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text[:65536]):
        raise FileRefused(R["file_binary"])
    return text


def _too_long(text: str, limit: int) -> bool:
    """More than `limit` bytes in UTF-8 (the cheap length test first: a character is at most 4 bytes)."""
    return len(text) > limit // 4 and (len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit)


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
    text = decode(read_bytes(path))
    # The header: the first line that is not blank; checked for length before anything splits it.
    start = _BLANK_LINES.match(text).end()
    if start >= len(text) or not text[start:].strip(_BLANK + "\r\n"):
        raise FileRefused(R["file_empty"])
    header_line = text.count("\n", 0, start) + text.count("\r", 0, start) - text.count("\r\n", 0, start) + 1
    brk = _LINE_BREAK.search(text, start)
    header = text[start:brk.start() if brk else len(text)]
    if _too_long(header, MAX_LINE_BYTES):
        raise FileRefused(R["file_header_too_long"])
    delimiter = sniff_delimiter(header, table)
    if header.count('"') % 2:
        raise FileRefused(R["file_no_header"])
    headers = [c.strip(_BLANK) for c in _split(header, delimiter)]
    if len(headers) > MAX_HEADER_CELLS:
        raise FileRefused(R["file_too_many_columns"].format(count=len(headers), limit=MAX_HEADER_CELLS))
    lines = _LINE_BREAK.split(text[brk.end():]) if brk else []
    del text
    if lines and lines[-1] == "":
        lines.pop()
    first = header_line + 1          # the editor line of lines[0]
    if not any('"' in line for line in lines):
        cells, line_numbers, problems = _rows_without_quotes(lines, first, delimiter, len(headers))
    else:
        cells, line_numbers, problems = _rows_with_quotes(lines, first, delimiter, len(headers))
    frame, long_cells = _frame(cells, line_numbers, headers)
    return RawFile(frame, headers, header_line, sorted(problems + long_cells))


def _rows_with_quotes(lines: list[str], first: int, delimiter: str, n_fields: int):
    """Rows of a file with quotes: a quoted cell may span lines, a broken quote refuses only its line."""
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    problems: list[tuple[int, str, str | None]] = []
    i, n = 0, len(lines)
    blank = _BLANK + delimiter
    while i < n:
        line = lines[i]
        start = i
        i += 1
        if _too_long(line, MAX_LINE_BYTES):
            problems.append((first + start, R["line_too_long"], None))
            continue
        if not line.strip(blank):
            continue  # a blank line or a line of bare delimiters (Excel's empty row): no row at all
        if '"' in line and line.count('"') % 2:
            fields = _strict(line, delimiter)  # a stray quote inside an unquoted field (1/2") is a literal
            if fields is not None and len(fields) != n_fields:
                fields = None
            if fields is None and len(line.split(delimiter)) < n_fields:
                fields, i = _multiline(lines, start, delimiter, n_fields) or (None, i)
            if fields is None:
                problems.append((first + start, R["unterminated_quote"], None))
                continue
        else:
            fields = _split(line, delimiter)
        if len(fields) != n_fields:
            if not any(f.strip(_BLANK) for f in fields):
                continue  # a blank line or a line of bare delimiters
            problems.append((first + start, R["field_count"].format(found=len(fields), expected=n_fields), None))
            continue
        rows.append(fields)
        line_numbers.append(first + start)
    cells = [list(col) for col in zip(*rows)] if rows else [[] for _ in range(n_fields)]
    return cells, line_numbers, problems


def _multiline(lines: list[str], start: int, delimiter: str, n_fields: int):
    """(fields, next index) when lines[start] opens a quoted cell that later lines close into one whole row.

    A line that holds a whole row by itself (no quote, the header's number of fields) is never taken
    into a cell: two broken quotes around good rows must not swallow them.
    """
    joined, j, n = lines[start], start + 1, len(lines)
    size = len(joined)
    while j < n and j - start <= MAX_QUOTED_LINES:
        nxt = lines[j]
        if '"' not in nxt and nxt.count(delimiter) == n_fields - 1:
            return None
        size += len(nxt) + 1
        if size > MAX_LINE_BYTES:
            return None
        joined += "\n" + nxt
        j += 1
        if joined.count('"') % 2 == 0:
            candidate = _strict(joined, delimiter)
            if candidate is not None and len(candidate) == n_fields:
                return candidate, j
            return None
    return None


def _rows_without_quotes(lines: list[str], first: int, delimiter: str, n_fields: int):
    """The fast path for files with no quote at all (most big monthly files): every line is one row.

    Lines are checked by counting delimiters; the well-formed ones are parsed by Arrow's CSV reader
    in one go (as text: values are parsed later, column by column).
    """
    expected = n_fields - 1
    blank = _BLANK + delimiter
    good: list[int] = []
    problems: list[tuple[int, str, str | None]] = []
    quick = MAX_LINE_BYTES // 4
    for i, line in enumerate(lines):
        if len(line) > quick and _too_long(line, MAX_LINE_BYTES):
            problems.append((first + i, R["line_too_long"], None))
            continue
        if not line.strip(blank):
            continue  # a blank line or a line of bare delimiters (Excel's empty row)
        count = line.count(delimiter)
        if count == expected:
            good.append(i)
        else:
            problems.append((first + i, R["field_count"].format(found=count + 1, expected=n_fields), None))
    names = [str(k) for k in range(n_fields)]
    if good:
        body = "\n".join([lines[i] for i in good]).encode("utf-8", "surrogatepass")
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False,
                                              escape_char=False, newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={k: pa.string() for k in names},
                                                  strings_can_be_null=False),
        )
        cells = [table.column(k).combine_chunks() for k in names]
    else:
        cells = [[] for _ in names]
    return cells, np.asarray(good, dtype=np.int64) + first, problems


def _frame(cells: list, line_numbers, headers: list[str]) -> tuple[pd.DataFrame, list]:
    """Text columns (Arrow-backed) and `_line`; rows with a cell over the size limit are refused here."""
    arrays = [c if isinstance(c, pa.Array) else pa.array(c, type=pa.string()) for c in cells]
    lines = np.asarray(line_numbers, dtype=np.int64)
    keep, problems = _long_cells(arrays, lines, headers)
    if keep is not None:
        arrays = [a.filter(pa.array(keep)) for a in arrays]
        lines = lines[keep]
    frame = pd.DataFrame({k: pd.Series(pd.arrays.ArrowStringArray(a)) for k, a in enumerate(arrays)})
    frame["_line"] = lines
    return frame, problems


def _long_cells(arrays: list[pa.Array], lines: np.ndarray, headers: list[str]):
    """(rows to keep or None when all, problems) for cells longer than the contract allows."""
    too_long = None
    problems = []
    for k, a in enumerate(arrays):
        over = _over_limit(a)
        if over is None or not over.any():
            continue
        fresh = over if too_long is None else over & ~too_long
        problems.extend((int(ln), R["cell_too_long"], headers[k] if k < len(headers) else None)
                        for ln in lines[fresh])
        too_long = over if too_long is None else too_long | over
    return (None, problems) if too_long is None else (~too_long, problems)


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _over_limit(a: pa.Array) -> np.ndarray | None:
    """Per row: is the text cell longer than MAX_CELL_BYTES (a dictionary is measured, never decoded)."""
    if len(a) == 0:
        return None
    if pa.types.is_dictionary(a.type) and _is_text(a.type.value_type):
        over = pc.greater(pc.binary_length(a.dictionary), MAX_CELL_BYTES).fill_null(False)
        if not over.to_numpy(zero_copy_only=False).any():
            return None
        return pc.take(over, a.indices).fill_null(False).to_numpy(zero_copy_only=False)
    if _is_text(a.type):
        return pc.greater(pc.binary_length(a), MAX_CELL_BYTES).fill_null(False).to_numpy(zero_copy_only=False)
    return None


# --- Parquet -------------------------------------------------------------------------

def _readable_type(t: pa.DataType) -> bool:
    """Types read as numbers, dates or text; nested and binary types are not."""
    if pa.types.is_dictionary(t):
        return _readable_type(t.value_type)
    return (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_date(t)
            or pa.types.is_timestamp(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
            or pa.types.is_boolean(t) or pa.types.is_null(t)
            or (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t)))


def read_parquet(path: Path, table: Table) -> RawFile:
    """Only the contract's columns are read; their types and unpacked size are checked first."""
    with open_regular(path) as fh:
        try:
            pf = pq.ParquetFile(fh)
            schema = pf.schema_arrow
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise FileRefused(R["file_unreadable"].format(error=short_error(exc, path))) from None
        headers = list(schema.names)
        if len(headers) > MAX_HEADER_CELLS:
            raise FileRefused(R["file_too_many_columns"].format(count=len(headers), limit=MAX_HEADER_CELLS))
        known = header_map(table)
        wanted = [k for k, name in enumerate(headers) if normalize_header(name) in known]
        if len({normalize_header(headers[k]) for k in wanted}) < len(wanted) or \
                len({known[normalize_header(headers[k])] for k in wanted}) < len(wanted):
            return RawFile(pd.DataFrame({"_line": pd.Series([], dtype="int64")}), headers, None, [])  # validate refuses
        for k in wanted:
            t = schema.field(k).type
            if not _readable_type(t):
                raise FileRefused(R["file_nested_column"].format(column=headers[k], type=str(t)[:80]))
        _check_unpacked_size(pf, {headers[k] for k in wanted})
        # Text is read dictionary-encoded: a value repeated on many rows is measured once, decoded only if kept.
        text = [headers[k] for k in wanted if _is_text(schema.field(k).type)]
        try:
            fh.seek(0)
            pf = pq.ParquetFile(fh, read_dictionary=text) if text else pf
            data = pf.read(columns=[headers[k] for k in wanted]) if wanted else None
        except Exception as exc:
            raise FileRefused(R["file_unreadable"].format(error=short_error(exc, path))) from None
    n = pf.metadata.num_rows if data is None else data.num_rows
    lines = np.arange(1, n + 1, dtype=np.int64)
    columns = [] if data is None else [data.column(i).combine_chunks() if data.column(i).num_chunks != 1
                                       else data.column(i).chunk(0) for i in range(len(wanted))]
    keep, problems = _long_cells(columns, lines, [headers[k] for k in wanted])
    if keep is not None:
        mask = pa.array(keep)
        columns = [c.filter(mask) for c in columns]
        lines = lines[keep]
    decoded = sum(pc.sum(pc.binary_length(c.dictionary).take(c.indices)).as_py() or 0
                  for c in columns if pa.types.is_dictionary(c.type) and _is_text(c.type.value_type))
    if decoded > max_file_bytes():
        raise FileRefused(R["file_unpacked_too_big"].format(limit=size_text(max_file_bytes())))
    frame = pd.DataFrame({k: _arrow_column(c) for k, c in zip(wanted, columns)})
    frame["_line"] = lines
    return RawFile(frame, headers, None, problems)


def _check_unpacked_size(pf: pq.ParquetFile, names: set[str]) -> None:
    """The unpacked size of the columns read must stay within the file size limit."""
    md = pf.metadata
    leaves = [j for j in range(md.num_columns) if md.schema.column(j).path.split(".")[0] in names]
    total = sum(md.row_group(r).column(j).total_uncompressed_size
                for r in range(md.num_row_groups) for j in leaves)
    limit = max_file_bytes()
    if total > limit:
        raise FileRefused(R["file_unpacked_too_big"].format(limit=size_text(limit)))


def _arrow_column(col: pa.Array) -> pd.Series:
    """Typed numbers and dates stay typed (parsed directly); everything else becomes text."""
    t = col.type
    if pa.types.is_dictionary(t):
        col = col.dictionary_decode()
        t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return pd.Series(col.cast(pa.float64(), safe=False).to_pandas(), dtype="Float64")
    if pa.types.is_timestamp(t) and t.tz is not None:
        col = pc.local_timestamp(col)   # 2025-03-01 00:00 MSK is the 1st of March, not 28.02 21:00 UTC
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        # safe=False: a fraction of a second must not refuse the file (the day is what counts).
        return pd.Series(col.cast(pa.timestamp("s"), safe=False).to_pandas(), dtype="datetime64[s]")
    return pd.Series(pd.arrays.ArrowStringArray(col.cast(pa.string())))


# --- Messages --------------------------------------------------------------------------

_ABSOLUTE_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s'\"():,]+){2,}[\\/]?")


def short_error(exc: BaseException, path: Path | None = None) -> str:
    """The first line of an error, at most 200 characters, with no server path in it."""
    text = (str(exc).splitlines() or [""])[0]
    if path is not None:
        text = text.replace(os.fspath(path), path.name).replace(os.fspath(path.parent), "")
    text = _ABSOLUTE_PATH.sub(lambda m: re.split(r"[\\/]", m.group(0).rstrip("\\/"))[-1], text)
    return text[:200].strip() or type(exc).__name__
