"""Reading an Excel workbook (.xlsx, .xlsm, .xls) into raw text cells, as CSV files are read.

python-calamine reads the workbook; this module decides what it may read and how its cells become text:

- Before calamine sees an .xlsx, the zip is checked here (`check_package`): the declared unpacked size of
  all parts within a limit tied to the file's size (zip bombs), and every XML part inflated once by zlib in
  bounded chunks, so a central directory that lies about sizes is caught before anything inflates without
  bound. The same pass measures each worksheet's used rectangle (calamine allocates rows × columns cells
  at once: two cells at A1 and XFD1048576 would abort the process), reads the 1904 date system flag and
  notes the cells that hold Excel errors (calamine gives them as empty cells).
- The sheet: the only worksheet, else the one that fits the table best by its headers or its name; visible
  sheets before hidden ones (`choose_sheet`).
- The header: the row among the first HEADER_SEARCH_ROWS that names most of the table's columns, or two
  adjacent rows read as one (a header cell merged over two rows above sub-headers) when they name more.
  Title rows and empty rows above it are skipped, and so are empty rows below it (`find_header`).
- Cells become text: numbers without float artefacts (2310000011, 1234.5; never an exponent), dates as
  ISO text, numbers in a month or date column that are plausible Excel serial dates as those dates, errors
  as a refusal of their row that names the error. `line` is the sheet's row number as Excel shows it.
.xls (BIFF) files are read by calamine without the zip checks: the format itself bounds a sheet to
65 536 × 256 cells.
"""
from __future__ import annotations

import io
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import unescape
from itertools import zip_longest
from pathlib import Path

import numpy as np

from kuban.data.contract import MAX_HEADER_CELLS, Table, header_map, max_file_bytes, normalize_header
from kuban.data.readers import FileRefused, RawFile, _frame, read_bytes, short_error, size_text
from kuban.texts import R

HEADER_SEARCH_ROWS = 50          # the header is looked for among the sheet's first rows
MAX_SHEET_CELLS = 20_000_000     # rows × columns of a sheet's used rectangle (calamine holds it whole)
UNPACK_RATIO = 100               # an .xlsx may unpack to this many times its size ...
UNPACK_FLOOR = 64 << 20          # ... or to this much, whichever is more ...
UNPACK_CAP = 1 << 30             # ... but never more than this (nor the file size limit)
MAX_ZIP_ENTRIES = 10_000
MAX_ERROR_CELLS = 100_000        # error cells remembered per sheet (the rest are read as empty cells)
MAX_SHEETS_NAMED = 10            # sheet names listed in a refusal
_CHUNK = 1 << 22

# Excel serial dates (1900 date system: day 1 = 1900-01-01, with Lotus' 29.02.1900, so from 1 March 1900 on
# serial n is 1899-12-30 + n days; 1904 system: day 0 = 1904-01-01) taken as dates in month and date columns
# between these two days only: 01.01.1990 and 31.12.2100.
EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)
SERIAL_FIRST = (date(1990, 1, 1) - EPOCH_1900).days       # 32874
SERIAL_LAST = (date(2100, 12, 31) - EPOCH_1900).days      # 73415

# Excel's error values and what Russian Excel shows for them.
ERRORS_RU = {"#N/A": "#Н/Д", "#DIV/0!": "#ДЕЛ/0!", "#VALUE!": "#ЗНАЧ!", "#REF!": "#ССЫЛКА!", "#NAME?": "#ИМЯ?",
             "#NUM!": "#ЧИСЛО!", "#NULL!": "#ПУСТО!", "#GETTING_DATA": "#ПОЛУЧЕНИЕ_ДАННЫХ", "#SPILL!": "#ПЕРЕНОС!",
             "#CALC!": "#ВЫЧИСЛ!"}


# --- The package: zip checks before calamine opens it ----------------------------------------

@dataclass
class Package:
    """What the checks of an .xlsx learnt: per worksheet (by sheet name; None = a part no name leads to)."""
    date1904: bool = False
    extents: dict[str | None, tuple[int, int]] = field(default_factory=dict)   # (last row, last column)
    errors: dict[str | None, dict[tuple[int, int], str]] = field(default_factory=dict)  # (row, col) 0-based

    def extent(self, sheet: str) -> tuple[int, int]:
        if sheet in self.extents:
            return self.extents[sheet]
        # A sheet whose part could not be named: the largest of all parts (never an underestimate).
        return (max((e[0] for e in self.extents.values()), default=0),
                max((e[1] for e in self.extents.values()), default=0))


def unpack_limit(file_size: int) -> int:
    return min(max(UNPACK_RATIO * file_size, UNPACK_FLOOR), UNPACK_CAP, max_file_bytes())


def _corrupt(error: str) -> FileRefused:
    return FileRefused(R["excel_corrupt"].format(error=error[:200]))


def check_package(data: bytes) -> Package:
    """Refuse a zip bomb, a lying or damaged zip; measure every worksheet. Never inflates beyond the limit."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise _corrupt(short_error(exc)) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _corrupt(f"{len(infos)} частей в архиве")
    limit = unpack_limit(len(data))
    declared = sum(i.file_size for i in infos)
    if declared > limit:
        raise FileRefused(R["excel_unpacked_too_big"].format(size=size_text(declared), file=size_text(len(data)),
                                                             limit=size_text(limit)))
    pkg = Package()
    budget = limit
    parts: dict[str, bytes] = {}
    sheets: dict[str, _SheetScan] = {}
    for info in infos:
        name = info.filename.lower().lstrip("/")
        if not name.endswith((".xml", ".rels")):
            continue      # pictures, printer settings, macros: calamine does not read them
        is_sheet = name.startswith("xl/worksheets/")
        scan = _SheetScan() if is_sheet else None
        keep = name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
        out = bytearray() if keep else None
        used = _inflate(data, info, budget, scan, out)
        budget -= used
        if scan is not None:
            sheets[name] = scan
        if keep:
            parts[name] = bytes(out)
    workbook = parts.get("xl/workbook.xml", b"")
    pkg.date1904 = bool(re.search(rb'\bdate1904="(?:1|true)"', workbook))
    names = _sheet_parts(workbook, parts.get("xl/_rels/workbook.xml.rels", b""))
    for part, scan in sheets.items():
        for sheet in names.get(part, [None]):
            pkg.extents[sheet] = scan.extent()
            pkg.errors[sheet] = scan.errors
    return pkg


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: int, scan, out: bytearray | None) -> int:
    """Inflate one part in bounded steps, checking its real size against the declared one and the budget."""
    if info.flag_bits & 0x1:
        raise FileRefused(R["excel_encrypted"])
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _corrupt(f"сжатие {info.compress_type} части «{info.filename[:80]}»")
    at = info.header_offset
    head = data[at:at + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _corrupt(f"часть «{info.filename[:80]}» не найдена")
    n, m = struct.unpack("<HH", head[26:30])
    start = at + 30 + n + m
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) < info.compress_size:
        raise _corrupt(f"часть «{info.filename[:80]}» обрезана")
    allowed = min(info.file_size, budget)
    total, crc = 0, 0

    def take(piece: bytes) -> None:
        nonlocal total, crc
        total += len(piece)
        if total > allowed:
            if total > info.file_size:
                raise FileRefused(R["excel_zip_lies"].format(part=info.filename[:80]))
            raise FileRefused(R["excel_unpacked_too_big"].format(size=size_text(total), file=size_text(len(data)),
                                                                 limit=size_text(budget)))
        crc = zlib.crc32(piece, crc)
        if scan is not None:
            scan.feed(piece)
        if out is not None:
            out.extend(piece)

    if info.compress_type == zipfile.ZIP_STORED:
        for k in range(0, len(raw), _CHUNK):
            take(bytes(raw[k:k + _CHUNK]))
    else:
        d = zlib.decompressobj(-15)
        try:
            for k in range(0, len(raw), _CHUNK):
                piece = d.decompress(raw[k:k + _CHUNK], _CHUNK)
                take(piece)
                while d.unconsumed_tail:
                    take(d.decompress(d.unconsumed_tail, _CHUNK))
                if d.eof:
                    break
            if not d.eof:
                tail = d.flush()
                take(tail)
                raise _corrupt(f"часть «{info.filename[:80]}» обрезана")
        except zlib.error as exc:
            raise _corrupt(f"часть «{info.filename[:80]}»: {exc}") from None
    if scan is not None:
        scan.finish()
    if total != info.file_size:
        raise FileRefused(R["excel_zip_lies"].format(part=info.filename[:80]))
    if crc != info.CRC:
        raise _corrupt(f"контрольная сумма части «{info.filename[:80]}» не сходится")
    return total


_CELL_REF = re.compile(rb'\sr="([A-Z]{0,3})([0-9]{1,9})"')
_LETTERS = re.compile(rb'\sr="([A-Z]{1,3})[0-9]')
_ROWS = re.compile(rb'\sr="[A-Z]{0,3}([0-9]{1,9})"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]{1,40})</v>')
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,9})"')


def column_number(letters: bytes | str) -> int:
    """A column's letters -> its 1-based number (A = 1, XFD = 16384)."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n


def column_letters(n: int) -> str:
    """A column's 1-based number -> its letters (1 = A, 28 = AB)."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


STRAY_SHOWN = 5            # stray cells named in a reason; «и ещё N» for the rest


def _stray(cells: list, width: int, first_col: int, row: int, error_cols) -> str | None:
    """The cells to the right of the header's last named column that hold something, as «E7, G7» (None: none).
    The CSV twin of such a row has more fields than its header, which the contract refuses."""
    found = sorted({j for j in range(width, len(cells)) if cells[j] not in ("", None)} |
                   {c for c in error_cols if c >= width})
    if not found:
        return None
    names = [f"{column_letters(first_col + j + 1)}{row}" for j in found[:STRAY_SHOWN]]
    more = f" {R['excel_more_sheets'].format(count=len(found) - STRAY_SHOWN)}" if len(found) > STRAY_SHOWN else ""
    return ", ".join(names) + more


class _SheetScan:
    """Streams a worksheet's XML: the last row and column any cell or row names, cells without a position
    (calamine places them one after another), and error cells. Cuts the stream only before `<c ` or `<row `,
    so no attribute is split between two pieces."""

    def __init__(self):
        self.rows = 0
        self.columns = 0
        self.unplaced = 0        # cells written without r="...": counted as extra columns (an overestimate)
        self.errors: dict[tuple[int, int], str] = {}
        self._carry = b""

    def feed(self, piece: bytes) -> None:
        buf = self._carry + piece
        cut = max(buf.rfind(b"<c "), buf.rfind(b"<row "))
        if cut <= 0:
            if len(buf) < 8 * _CHUNK:
                self._carry = buf
                return
            cut = len(buf) - 64            # an enormous cell: overlap the end so that no r="..." is missed
            self._carry = buf[cut:]
            self._scan(buf)
            return
        self._carry = buf[cut:]
        self._scan(buf[:cut])

    def finish(self) -> None:
        self._scan(self._carry)
        self._carry = b""

    def _scan(self, buf: bytes) -> None:
        rows = set(_ROWS.findall(buf))
        if rows:
            self.rows = max(self.rows, max(int(r) for r in rows))
        letters = _LETTERS.findall(buf)
        if letters:
            self.columns = max(self.columns, max(column_number(x) for x in set(letters)))
        cells = buf.count(b"<c ") + buf.count(b"<c>") + buf.count(b"<c/>")
        self.unplaced += max(0, cells - len(letters))
        if b't="e"' in buf and len(self.errors) < MAX_ERROR_CELLS:
            for attrs, more, value in _ERROR_CELL.findall(buf):
                ref = _REF.search(attrs) or _REF.search(more)
                if ref:
                    self.errors[(int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)] = \
                        unescape(value.decode("utf-8", "replace"))

    def extent(self) -> tuple[int, int]:
        return self.rows + (1 if self.unplaced else 0), self.columns + self.unplaced


def _attr(element: bytes, name: bytes) -> str | None:
    m = re.search(rb'\s' + name + rb'="([^"]*)"', element)
    return unescape(m.group(1).decode("utf-8", "replace")) if m else None


def _sheet_parts(workbook: bytes, rels: bytes) -> dict[str, list[str]]:
    """Worksheet part (lower-case zip name) -> the sheet names that lead to it."""
    targets = {}
    for rel in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = _attr(rel, b"Id"), _attr(rel, b"Target")
        if rid and target:
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts = []
            for p in target.lower().split("/"):
                if p == "..":
                    parts = parts[:-1]
                elif p not in ("", "."):
                    parts.append(p)
            targets[rid] = "/".join(parts)
    out: dict[str, list[str]] = {}
    for el in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name = _attr(el, b"name")
        m = re.search(rb'\s\w+:id="([^"]*)"', el)
        if name is not None and m:
            part = targets.get(m.group(1).decode("utf-8", "replace"))
            if part:
                out.setdefault(part, []).append(name)
    return out


# --- Cells as text -----------------------------------------------------------------------------

def number_text(v: float | int) -> str:
    """2310000011.0 -> «2310000011», 1234.5 -> «1234.5», 1e-05 -> «0.00001»: never an exponent."""
    if isinstance(v, int):
        return str(v)
    if not math.isfinite(v):
        return str(v)                      # «inf», «nan»: the number parsers refuse them
    if v.is_integer():
        return str(int(v))
    return np.format_float_positional(v, trim="-")


def serial_date(v: float, date1904: bool) -> str | None:
    """An Excel serial day number as ISO text, when it is a plausible date (1990-2100); else None."""
    if not SERIAL_FIRST <= v <= SERIAL_LAST + 1:
        return None
    day = (EPOCH_1904 if date1904 else EPOCH_1900) + timedelta(days=int(v))
    return day.isoformat() if date(1990, 1, 1) <= day <= date(2100, 12, 31) else None


def cell_text(v, dates: bool = False, date1904: bool = False) -> str:
    """One cell as text; `dates`: the cell is in a month or date column (serial numbers become dates)."""
    cls = v.__class__
    if cls is str:
        return v
    if cls is float or cls is int:
        if dates:
            serial = serial_date(v, date1904)
            if serial is not None:
                return serial
        return number_text(v)
    if cls is bool:
        return "ИСТИНА" if v else "ЛОЖЬ"
    if isinstance(v, datetime):
        return v.date().isoformat()        # a date or a month: the time of day is dropped (as for Parquet)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):
        return v.isoformat()
    if v is None:
        return ""
    return str(v)


def _header_text(v) -> str:
    return cell_text(v).strip() if v is not None else ""


def error_text(value: str) -> str:
    ru = ERRORS_RU.get(value.strip().upper())
    return f"{ru} ({value})" if ru else value


# --- The header -------------------------------------------------------------------------------

def _matched(cells: list[str], known: dict[str, str]) -> set[str]:
    return {known[h] for h in (normalize_header(c) for c in cells) if h in known}


@dataclass
class Header:
    cells: list[str]           # header texts per column position (trailing empty ones removed)
    first_row: int             # its sheet row number(s); data begins after last_row
    last_row: int
    matched: set[str]          # contract columns it names


def find_header(rows: list[tuple[int, list]], table: Table) -> Header | None:
    """The header among (row number, cells) rows: the row, or two adjacent rows read as one (the lower row's
    text where it has one, else the upper row's: a header cell merged down over a row of sub-headers), that
    names most columns of the table; a single row on a tie, the earlier on a tie. None: no non-empty row.
    When no row names any column, the first non-empty row (the file then gets the missing-columns refusal)."""
    known = header_map(table)
    texts = [(n, [_header_text(c) for c in cells]) for n, cells in rows]
    texts = [(n, c) for n, c in texts if any(c)]
    if not texts:
        return None
    best, best_key = None, None
    for i, (n, cells) in enumerate(texts):
        options = [(cells, n, True)]
        if i + 1 < len(texts) and texts[i + 1][0] == n + 1:
            lower = texts[i + 1][1]
            options.append(([b if b else a for a, b in zip_longest(cells, lower, fillvalue="")], n + 1, False))
        for combined, last, single in options:
            hit = _matched(combined, known)
            key = (len(hit), single, -i)
            if best_key is None or key > best_key:
                best, best_key = Header(_trim(combined), n, last, hit), key
    if best_key[0] == 0:
        n, cells = texts[0]
        return Header(_trim(cells), n, n, set())
    return best


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return list(cells[:end])


def fit(table: Table, header: Header | None) -> tuple[int, int]:
    """(required columns named, columns named) by a header."""
    if header is None:
        return 0, 0
    required = {c.name for c in table.columns if c.required}
    return len(header.matched & required), len(header.matched)


def fits(table: Table, header: Header | None) -> bool:
    """A header fits a table when it names all its required columns, or at least two of them."""
    required = sum(c.required for c in table.columns)
    return fit(table, header)[0] >= min(2, required)


def name_fits(sheet: str, table: Table) -> bool:
    """A sheet named after the table: «shipments», «Отгрузка», «Отгрузка март 2025», «Займы»."""
    name = normalize_header(sheet)
    title = normalize_header(table.title)
    for alias in {table.name, title, title.split()[0]}:
        if name == alias or name.startswith(alias + " "):
            return True
    return False


# --- The workbook ------------------------------------------------------------------------------

class Workbook:
    """An opened workbook whose sheets are read only after their size is checked."""

    def __init__(self, data: bytes, kind: str):
        import python_calamine as calamine
        self.kind = kind
        self.package = check_package(data) if kind == "xlsx" else Package()
        try:
            self.book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            meta = self.book.sheets_metadata
        except BaseException as exc:  # noqa: BLE001 - calamine raises its own errors, and a panic is a BaseException
            raise _calamine_refusal(exc) from None
        self.sheets = [(m.name, m.visible == calamine.SheetVisibleEnum.Visible) for m in meta
                       if m.typ == calamine.SheetTypeEnum.WorkSheet]
        self.names = [m.name for m in meta]
        self._rows: dict[str, tuple] = {}

    def rows(self, name: str):
        """(sheet, first column index) of a sheet, its size checked first."""
        if name in self._rows:
            return self._rows[name]
        if self.kind == "xlsx":
            self._check_size(name, *self.package.extent(name))
        try:
            sheet = self.book.get_sheet_by_name(name)
        except BaseException as exc:  # noqa: BLE001
            raise _calamine_refusal(exc) from None
        start = sheet.start
        if start is not None:
            self._check_size(name, start[0] + sheet.height, start[1] + sheet.width)
        self._rows[name] = (sheet, start[1] if start else 0)
        return self._rows[name]

    def head(self, name: str) -> list[tuple[int, list]]:
        """The first HEADER_SEARCH_ROWS rows of a sheet as (row number, cells)."""
        sheet, _first_col = self.rows(name)
        out = []
        try:
            for i, cells in enumerate(sheet.iter_rows()):
                if i >= HEADER_SEARCH_ROWS:
                    break
                out.append((i + 1, cells))
        except BaseException as exc:  # noqa: BLE001
            raise _calamine_refusal(exc) from None
        return out

    def _check_size(self, name: str, rows: int, cols: int) -> None:
        if rows * cols > MAX_SHEET_CELLS:
            raise FileRefused(R["excel_sheet_too_big"].format(sheet=name[:40], rows=f"{rows:,}".replace(",", "\u00a0"),
                                                             cols=cols, limit=f"{MAX_SHEET_CELLS:,}".replace(",", "\u00a0")))


def _calamine_refusal(exc: BaseException) -> BaseException:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        return exc
    if isinstance(exc, FileRefused):
        return exc
    import python_calamine as calamine
    if isinstance(exc, calamine.PasswordError):
        return FileRefused(R["excel_encrypted"])
    return _corrupt(short_error(exc) if not isinstance(exc, calamine.CalamineError) or str(exc) else type(exc).__name__)


def choose_sheet(book: Workbook, table: Table) -> tuple[str, Header | None]:
    """The only worksheet; else the one that fits the table (by its headers or its name), visible sheets
    first, then by the columns its header names, then by its name, then in workbook order."""
    if len(book.sheets) == 1:
        name = book.sheets[0][0]
        return name, find_header(book.head(name), table)
    best, best_key = None, None
    for index, (name, visible) in enumerate(book.sheets):
        header = find_header(book.head(name), table)
        by_name = name_fits(name, table)
        ok = by_name or fits(table, header)
        key = (ok, visible, *fit(table, header), by_name, -index)
        if best_key is None or key > best_key:
            best, best_key = (name, header), key
    if best is None or not best_key[0]:
        shown = [f"«{n[:31]}»" for n in book.names[:MAX_SHEETS_NAMED]]
        if len(book.names) > MAX_SHEETS_NAMED:
            shown.append(R["excel_more_sheets"].format(count=len(book.names) - MAX_SHEETS_NAMED))
        raise FileRefused(R["excel_no_sheet"].format(table=table.title, sheets=", ".join(shown) or "—"))
    return best


def read_excel(path: Path, table: Table, kind: str) -> RawFile:
    """A workbook's sheet for `table` as raw text cells; `line` = the sheet's row number."""
    book = Workbook(read_bytes(path), kind)
    name, header = choose_sheet(book, table)
    if header is None:
        raise FileRefused(R["file_empty"])
    headers = header.cells
    if len(headers) > MAX_HEADER_CELLS:
        raise FileRefused(R["file_too_many_columns"].format(count=len(headers), limit=MAX_HEADER_CELLS))
    known = header_map(table)
    kinds = [table.column(known[normalize_header(h)]).kind if normalize_header(h) in known else None
             for h in headers]
    dates = [k in ("month", "date") for k in kinds]
    width = len(headers)
    sheet, first_col = book.rows(name)
    errors: dict[int, list[tuple[int, str]]] = {}       # row index -> (column position, error)
    stray_errors: dict[int, list[int]] = {}            # row index -> positions right of the header with an error
    for (r, c), v in book.package.errors.get(name, {}).items():
        if 0 <= c - first_col < width:
            errors.setdefault(r, []).append((c - first_col, v))
        elif c - first_col >= width:
            stray_errors.setdefault(r, []).append(c - first_col)
    date1904 = book.package.date1904
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    problems: list[tuple[int, str, str | None]] = []
    try:
        for i, cells in enumerate(sheet.iter_rows()):
            n = i + 1
            if n <= header.last_row:
                continue
            row_errors = errors.get(i, ())
            stray = _stray(cells, width, first_col, n, stray_errors.get(i, ())) if len(cells) > width or i in \
                stray_errors else None
            cells = cells[:width]
            if stray is not None:
                problems.append((n, R["excel_stray_cells"].format(cells=stray), None))
                continue
            if not any(c != "" for c in cells) and not row_errors:
                continue          # an empty row (also Excel's formatted but empty rows): no row at all
            if row_errors:
                shown = [(c, v) for c, v in sorted(row_errors) if kinds[c] is not None]
                if shown:
                    c, v = shown[0]
                    problems.append((n, R["excel_error_cell"].format(value=error_text(v)), headers[c]))
                    continue
            texts = [cell_text(v, d, date1904) for v, d in zip(cells, dates)]
            texts.extend([""] * (width - len(texts)))
            for col, t in zip(columns, texts):
                col.append(t)
            lines.append(n)
    except FileRefused:
        raise
    except BaseException as exc:  # noqa: BLE001
        raise _calamine_refusal(exc) from None
    frame, long_cells = _frame(columns, lines, headers)
    return RawFile(frame, headers, header.first_row, sorted(problems + long_cells))


def headers_for_tables(path: Path, kind: str, tables: list[Table]) -> dict[str, Header | None]:
    """For each table, the header of the sheet that fits it best (recognising which table a file holds)."""
    book = Workbook(read_bytes(path), kind)
    out: dict[str, Header | None] = {}
    for table in tables:
        try:
            out[table.name] = choose_sheet(book, table)[1]
        except FileRefused:
            out[table.name] = None
    return out
