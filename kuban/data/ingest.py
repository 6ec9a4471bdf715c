"""Loading a data folder: every file of every table, validated by the contract.

`load_folder(data_dir)` returns a `LoadResult`: clean typed frames per table,
a problem report (file, line, column, kind, reason) and a per-file summary.
Rows are refused one by one; good rows are never lost; files are only read.
With a `Store` (kuban/data/store.py) each file's result is kept on disk, keyed by
its content, so a file is validated once; without one, results are kept in
memory by (path, size, mtime, inode), so adding one monthly file re-reads only that file.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kuban import paths
from kuban.data.contract import FACT_TABLES, MIN_YEAR, TABLES, Table, header_map, last_plausible_day, normalize_header
from kuban.data.parse import (
    PARSERS,
    MunicipalityMatcher,
    by_unique,
    check_plausible_day,
    check_range,
    clean_text,
    is_total,
)
from kuban.data.readers import CSV_EXTENSIONS, EXCEL_EXTENSIONS, PARQUET_EXTENSIONS, FileRefused, read_file, short_error
from kuban.data.store import Store, StoredFile, program_key
from kuban.texts import SHIPPED_REFERENCE, R

PROBLEM_COLUMNS = ["table", "file", "line", "column", "kind", "reason"]
FILE_COLUMNS = ["table", "file", "rows", "refused", "superseded", "warnings", "period_min", "period_max", "status", "reason"]
KIND_ORDER = {"refused_file": 0, "refused_row": 1, "superseded": 2, "warning": 3}
DATA_EXTENSIONS = CSV_EXTENSIONS | PARQUET_EXTENSIONS | EXCEL_EXTENSIONS
IGNORED_FILES = {"readme.md", "readme.txt", ".ds_store", "thumbs.db", "desktop.ini"}
BOUNDARY_EXTENSIONS = {".geojson", ".json"}
DEMO_MARKER = "demo.json"


@dataclass
class LoadResult:
    data_dir: Path
    fingerprint: str
    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame
    files: pd.DataFrame
    demo: dict | None = None
    boundaries: list[Path] = field(default_factory=list)

    def problem_counts(self) -> dict[str, dict[str, int]]:
        """Per table: files, rows, refused, superseded, warnings (the `check --json` summary)."""
        out = {}
        for name in TABLES:
            p = self.problems[self.problems["table"] == name]
            f = self.files[(self.files["table"] == name) & (self.files["status"] == "loaded")]
            out[name] = {
                "files": int(len(f)),
                "rows": int(f["rows"].sum()),
                "refused": int(p["kind"].isin(["refused_row", "refused_file"]).sum()),
                "superseded": int((p["kind"] == "superseded").sum()),
                "warnings": int((p["kind"] == "warning").sum()),
            }
        return out

    @property
    def refused_count(self) -> int:
        return int(self.problems["kind"].isin(["refused_row", "refused_file"]).sum())


# --- Folder scanning --------------------------------------------------------------

def _skipped(name: str) -> bool:
    return name.startswith((".", "_", "~$")) or name.lower() in IGNORED_FILES


def display_name(rel: str) -> str:
    """A file's path as a user can read it, whatever bytes its name is made of.

    Names that are not UTF-8 (an old archive's Windows-1251, say) reach Python as surrogate escapes,
    which cannot be printed or encoded: they are decoded as Windows-1251, else shown with «�».
    """
    raw = os.fsencode(rel)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1251")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _unusable(path: Path, data_dir: Path) -> str | None:
    """Why a directory entry is not read as a data file (None: it is a regular file inside the folder)."""
    try:
        if os.path.islink(path):
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(data_dir):
                return "file_link_outside"
        st = os.stat(path)
    except (OSError, ValueError):
        return "file_not_regular"
    return None if stat.S_ISREG(st.st_mode) else "file_not_regular"


def scan(data_dir: Path) -> tuple[dict[str, list[Path]], list[dict], list[Path]]:
    """Files per table (sorted by relative path), folder-level warnings, boundary files.

    Only regular files are data: pipes, devices and links that lead outside the folder are
    reported and skipped (reading them could block for ever or show another file of the server).
    """
    files: dict[str, list[Path]] = {name: [] for name in TABLES}
    warnings: list[dict] = []
    boundaries: list[Path] = []

    def skip(p: Path, why: str) -> None:
        rel = display_name(p.relative_to(data_dir).as_posix())
        warnings.append(_problem(None, rel, None, None, "warning", R[why].format(file=rel)))

    for entry in sorted(_listdir(data_dir), key=lambda p: p.name):
        if _skipped(entry.name):
            continue
        if entry.is_dir():
            if entry.name in paths.SETTINGS_FOLDERS:
                continue
            if os.path.islink(entry) and not Path(os.path.realpath(entry)).is_relative_to(data_dir):
                skip(entry, "file_link_outside")
                continue
            if entry.name not in TABLES:
                name = display_name(entry.name)
                warnings.append(_problem(None, name + "/", None, None, "warning",
                                         R["folder_unknown"].format(folder=name)))
                continue
            for root, dirs, names in os.walk(entry, onerror=lambda _e: None):
                dirs[:] = sorted(d for d in dirs if not _skipped(d))
                for name in sorted(names):
                    if _skipped(name):
                        continue
                    p = Path(root) / name
                    why = _unusable(p, data_dir)
                    if why:
                        skip(p, why)
                    elif entry.name == "municipalities" and p.suffix.lower() in BOUNDARY_EXTENSIONS:
                        boundaries.append(p)
                    else:
                        files[entry.name].append(p)
        elif entry.suffix.lower() in DATA_EXTENSIONS:
            name = display_name(entry.name)
            warnings.append(_problem(None, name, None, None, "warning", R["file_outside_table"].format(file=name)))
    for name in files:
        files[name].sort(key=lambda p: os.fsencode(p.relative_to(data_dir).as_posix()))
    return files, warnings, boundaries


def _listdir(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def fingerprint(data_dir: Path) -> str:
    """Changes when any file under the folder is added, removed or modified."""
    h = hashlib.sha1()
    for root, dirs, names in os.walk(data_dir, onerror=lambda _e: None):
        # Left out, as the scan leaves them out: hidden and temporary entries (the store `.kuban/` among
        # them) and, at the top level, settings folders.
        top = root == os.fspath(data_dir)
        dirs[:] = sorted(d for d in dirs if not _skipped(d) and not (top and d in paths.SETTINGS_FOLDERS))
        for name in sorted(n for n in names if not _skipped(n)):
            p = os.path.join(root, name)
            try:
                st = os.stat(p)
            except (OSError, ValueError):
                continue
            h.update(os.fsencode(os.path.relpath(p, data_dir)))
            h.update(f"\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    return h.hexdigest()[:16]


# --- One file -------------------------------------------------------------------

def _problem(table, file, line, column, kind, reason) -> dict:
    return {"table": table, "file": file, "line": line, "column": column, "kind": kind, "reason": reason}


@dataclass
class FileResult:
    frame: pd.DataFrame | None         # valid rows, typed, with `_line`
    problems: list[dict]               # refusals and warnings of this file (without `table`/`file`)
    refused_reason: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # column -> its header as written in the file
    vanished: bool = False             # removed while the folder was read: skipped, not refused


def _as_text(s: pd.Series) -> pd.Series:
    """A typed Parquet column read where text is expected (e.g. an INN stored as a number)."""
    if pd.api.types.is_float_dtype(s):
        return _number_text(s)[0]
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").astype("string")
    return s


@by_unique
def _number_text(s: pd.Series):
    text = s.map(lambda x: pd.NA if pd.isna(x) else (str(int(x)) if float(x).is_integer() else str(x)))
    return text.astype("string"), pd.Series(pd.NA, index=s.index, dtype=object)


def _parse_column(col, raw: pd.Series, matcher: MunicipalityMatcher | None):
    """Parsed values and reasons for one contract column."""
    if col.kind in ("number", "money", "integer") and pd.api.types.is_float_dtype(raw):
        values = raw.astype("Float64")
        errors = pd.Series(pd.NA, index=raw.index, dtype=object)
        if col.kind == "integer":
            bad = (values.round() != values).fillna(False).astype(bool)
            errors[bad] = [R["not_integer"].format(value=v) for v in values[bad]]
            values = values.mask(bad)
        return values, errors
    if col.kind in ("month", "date") and pd.api.types.is_datetime64_any_dtype(raw):
        errors = pd.Series(pd.NA, index=raw.index, dtype=object)
        values = raw.astype("datetime64[s]").dt.normalize()   # a date or month: the time of day is dropped
        if col.kind == "month":
            bad = (values.dt.day != 1).fillna(False).astype(bool)
            errors[bad] = [R["month_not_first"].format(value=v.strftime("%d.%m.%Y")) for v in values[bad]]
            values = values.mask(bad)
        return values, errors
    text = clean_text(_as_text(raw))
    if col.kind == "municipality":
        return matcher.parse(text)
    return PARSERS[col.kind](text)


def validate(table: Table, raw, matcher: MunicipalityMatcher | None) -> FileResult:
    """Map headers to contract columns, then refuse rows that break a rule."""
    known = header_map(table)
    problems: list[dict] = []
    by_column: dict[str, int] = {}
    for pos, header in enumerate(raw.headers):
        name = known.get(normalize_header(header))
        if name is None:
            if header.strip():
                problems.append(_problem(None, None, raw.header_line, header, "warning",
                                         R["unknown_column"].format(column=header)))
            continue
        if name in by_column:
            return FileResult(None, problems, R["file_duplicate_column"].format(column=header))
        by_column[name] = pos
    missing = [c.ru for c in table.columns if c.required and c.name not in by_column]
    if missing and not by_column:
        return FileResult(None, problems, R["file_no_header"] + ": " + R["file_missing_columns"].format(
            columns=", ".join(f"«{m}»" for m in missing)))
    if missing:
        return FileResult(None, problems, R["file_missing_columns"].format(columns=", ".join(f"«{m}»" for m in missing)))

    for line, reason, header in raw.problems:
        problems.append(_problem(None, None, line, header, "refused_row", reason))

    frame = raw.frame
    n = len(frame)
    # Each row's first reason and the header of its column; `bad` marks the rows that have one.
    bad = np.zeros(n, dtype=bool)
    reason = np.full(n, None, dtype=object)
    column = np.full(n, None, dtype=object)

    def refuse(hit: np.ndarray, reasons, header: str) -> None:
        """Gives the rows in `hit` that have no reason yet `reasons` (an array over all rows, or a function of
        the row positions that formats only those)."""
        new = hit & ~bad
        if new.any():
            reason[new] = reasons(new) if callable(reasons) else reasons[new]
            column[new] = header
            bad[new] = True

    # A total row («Итого», «Всего по району») is refused, never summed.
    for pos in by_column.values():
        s = frame[pos]
        if pd.api.types.is_string_dtype(s):
            refuse(np.asarray(is_total(s), dtype=bool),
                   lambda new, s=s: [R["total_row"].format(value=v.strip()) for v in s[new]], raw.headers[pos])

    out = {}
    for col in table.columns:
        if col.name not in by_column:
            out[col.name] = pd.Series(pd.NA, index=frame.index, dtype=_empty_dtype(col.kind))
            continue
        raw_col = frame[by_column[col.name]]
        values, errors = _parse_column(col, raw_col, matcher)
        if col.required:
            empty = values.isna() & errors.isna()
            if empty.any():
                errors = errors.copy()
                errors[empty] = R["required_empty"].format(column=raw.headers[by_column[col.name]])
        if col.kind in ("number", "money", "integer"):
            # Messages quote the value as written; check_range formats only the failing rows.
            range_errors = check_range(values, raw_col, col.min, col.min_exclusive, col.max, col.max_reason)
            errors = errors.fillna(range_errors) if errors.notna().any() else range_errors
        elif col.kind in ("month", "date"):
            day_errors = check_plausible_day(values, raw_col, col.kind, date(MIN_YEAR, 1, 1), last_plausible_day())
            errors = errors.fillna(day_errors) if errors.notna().any() else day_errors
        refuse(errors.notna().to_numpy(), errors.to_numpy(dtype=object), raw.headers[by_column[col.name]])
        out[col.name] = values

    if table.name == "shipments" and "export_rub" in by_column:
        export, shipped = out["export_rub"], out["shipped_rub"]
        refuse((export > shipped).fillna(False).to_numpy(dtype=bool),
               lambda new: [R["export_above_shipped"].format(export=_plain(e), shipped=_plain(s))
                            for e, s in zip(export[new], shipped[new])],
               raw.headers[by_column["export_rub"]])

    lines = frame["_line"].to_numpy()
    if bad.any():
        problems.extend(_problem(None, None, int(ln), c, "refused_row", r)
                        for ln, c, r in zip(lines[bad], column[bad], reason[bad]))
    out["_line"] = pd.Series(lines, index=frame.index)
    result = pd.DataFrame(out, index=frame.index, copy=False)
    result = (result[~bad] if bad.any() else result).reset_index(drop=True)
    assert len(result) + int(bad.sum()) == n
    return FileResult(result, problems, headers={name: raw.headers[pos] for name, pos in by_column.items()})


def _empty_dtype(kind: str) -> str:
    return {"number": "Float64", "money": "Float64", "integer": "Float64",
            "month": "datetime64[s]", "date": "datetime64[s]"}.get(kind, "string")


def _plain(x: float) -> str:
    return f"{x:,.2f}".replace(",", " ").replace(".", ",").replace(",00", "")


class FileCache:
    """Validated results per file, keyed by path, size, mtime and the reference they depend on."""

    def __init__(self, max_files: int = 512):
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.max_files = max_files

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_files:
                self._items.popitem(last=False)


FILE_CACHE = FileCache()


READ_ATTEMPTS = 3     # a file rewritten while it is read is read again, at most this many times


def load_file(path: Path, table: Table, matcher: MunicipalityMatcher | None, matcher_key: str = "",
              store: Store | None = None, remember: bool = True) -> FileResult:
    """One file, validated; never raises: whatever goes wrong becomes this file's refusal.

    With a store, a file whose content the store has seen is not validated again. A file that
    changes while it is read (size, time or inode differ before and after) is read again; one
    that disappears is reported as skipped. `remember=False`: neither the store nor the memory cache (a
    file read once, such as an upload being checked).
    """
    matcher_key = matcher_key if table.name == "enterprises" else ""
    for _attempt in range(READ_ATTEMPTS):
        try:
            before = os.stat(path)
            if not remember:
                key = None
            elif store is not None:
                key = store.file_key(store.content_hash(path, before), table.name, matcher_key)
                kept = store.get_file(key)
                if kept is not None:
                    return FileResult(kept.frame, kept.problems, kept.refused_reason, kept.headers)
            else:
                key = (os.fsencode(path), before.st_size, before.st_mtime_ns, before.st_ino, table.name, matcher_key)
                cached = FILE_CACHE.get(key)
                if cached is not None:
                    return cached
        except FileNotFoundError:
            return FileResult(None, [], R["file_vanished"], vanished=True)
        except (OSError, ValueError) as exc:
            return FileResult(None, [], R["file_unreadable"].format(error=short_error(exc, path)))
        result = _read_and_validate(path, table, matcher)
        try:
            after = os.stat(path)
        except FileNotFoundError:
            return FileResult(None, [], R["file_vanished"], vanished=True)
        except (OSError, ValueError):
            continue
        if (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino):
            if result.vanished or not remember:
                return result
            if store is not None:
                store.put_file(key, StoredFile(result.frame, result.problems, result.refused_reason, result.headers))
            else:
                FILE_CACHE.put(key, result)
            return result
    return FileResult(None, [], R["file_changing"])


def _read_and_validate(path: Path, table: Table, matcher) -> FileResult:
    try:
        return validate(table, read_file(path, table), matcher)
    except FileRefused as exc:
        return FileResult(None, [], str(exc))
    except FileNotFoundError:
        return FileResult(None, [], R["file_vanished"], vanished=True)
    except Exception as exc:  # noqa: BLE001 - one file's failure must never stop the others
        return FileResult(None, [], R["file_error"].format(type=type(exc).__name__, error=short_error(exc, path)))


# --- One table --------------------------------------------------------------------

def _key_texts(table: Table, rows: pd.DataFrame) -> list[str]:
    """«ИНН 2310000011, Период 2025-03» for each row, built column by column."""
    text = None
    for k in table.key:
        v = rows[k].dt.strftime("%Y-%m") if k == "period" else rows[k].astype("string")
        part = table.column(k).ru + " " + v.astype(str)
        text = part if text is None else text + ", " + part
    return text.tolist()


def load_table(table: Table, files: list[Path], data_dir: Path, matcher, matcher_key="",
               file_label=None, store: Store | None = None, progress: Progress | None = None,
               remember: bool = True) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    frames, problems, infos = [], [], []
    for path in files:
        rel = file_label or display_name(path.relative_to(data_dir).as_posix())
        if progress:
            progress.start_file(table.name, rel)
        result = load_file(path, table, matcher, matcher_key, store, remember)
        if progress:
            progress.end_file(path, 0 if result.frame is None else len(result.frame))
        for p in result.problems:
            problems.append({**p, "table": table.name, "file": rel})
        if result.vanished:
            problems.append(_problem(table.name, rel, None, None, "warning", result.refused_reason))
            infos.append({"table": table.name, "file": rel, "status": "skipped", "reason": result.refused_reason})
            continue
        if result.refused_reason:
            problems.append(_problem(table.name, rel, None, None, "refused_file", result.refused_reason))
            infos.append({"table": table.name, "file": rel, "status": "refused", "reason": result.refused_reason})
            continue
        f = result.frame.copy()
        f["_file"] = rel
        frames.append(f)
        infos.append({"table": table.name, "file": rel, "status": "loaded", "reason": None,
                      "headers": result.headers})
    columns = [c.name for c in table.columns] + ["_line", "_file"]
    if frames:
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        frame = pd.DataFrame({c.name: pd.Series(dtype=_empty_dtype(c.kind)) for c in table.columns})
        frame["_line"] = pd.Series(dtype="int64")
        frame["_file"] = pd.Series(dtype="string")
    frame = frame[columns]

    # The same key twice: the last one (by file name, then line) wins.
    key = list(table.key)
    dup = _duplicated_last(frame, key)
    if dup.any():
        winners = frame.loc[~dup].set_index(key)[["_file", "_line"]]
        losers = frame.loc[dup]
        won = winners.loc[pd.MultiIndex.from_frame(losers[key]) if len(key) > 1 else losers[key[0]]]
        template = R["superseded"]
        problems.extend(
            _problem(table.name, f, int(ln), None, "superseded", template.format(line=int(wl), file=wf, key=kt))
            for f, ln, wf, wl, kt in zip(losers["_file"].tolist(), losers["_line"].tolist(), won["_file"].tolist(),
                                         won["_line"].tolist(), _key_texts(table, losers)))
        frame = frame.loc[~dup].reset_index(drop=True)
    return frame, problems, infos


# --- Progress ---------------------------------------------------------------------

class Progress:
    """What a load is doing, told to a callback after each file starts and ends: the table and file, files and
    bytes done of the total, rows so far, seconds elapsed and an estimate of the seconds left (by bytes)."""

    def __init__(self, callback, files: list[Path]):
        self.callback = callback
        self.files_total = len(files)
        self.bytes_total = sum(_size(p) for p in files)
        self.files_done = self.bytes_done = self.rows = 0
        self.table = self.file = None
        self.started = time.monotonic()

    def start_file(self, table: str, file: str) -> None:
        self.table, self.file = table, file
        self._tell()

    def end_file(self, path: Path, rows: int) -> None:
        self.files_done += 1
        self.files_total = max(self.files_total, self.files_done)    # the reference, read after an empty file
        self.bytes_done += _size(path)
        self.rows += rows
        self._tell()

    def snapshot(self) -> dict:
        elapsed = time.monotonic() - self.started
        left = None
        if self.bytes_done and self.bytes_total:
            left = max(0.0, elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done)
        return {"table": self.table, "file": self.file, "files_done": self.files_done,
                "files_total": self.files_total, "bytes_done": self.bytes_done, "bytes_total": self.bytes_total,
                "rows": self.rows, "elapsed_s": round(elapsed, 1), "left_s": None if left is None else round(left, 1)}

    def _tell(self) -> None:
        try:
            self.callback(self.snapshot())
        except Exception:  # noqa: BLE001 - showing progress must never stop a load
            pass


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def _duplicated_last(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Rows whose key appears again further down (pandas' duplicated(keep="last")), hashing one integer per
    row: the key columns' factorized codes combined (several times faster than hashing rows of objects)."""
    if len(frame) < 2:
        return np.zeros(len(frame), dtype=bool)
    combined = np.zeros(len(frame), dtype=np.int64)
    for k in key:
        codes, uniques = pd.factorize(frame[k], use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    return pd.Series(combined).duplicated(keep="last").to_numpy()


# --- The folder -----------------------------------------------------------------

def version_key(data_dir: Path, store: Store) -> str:
    """Checksum of a data version: the program, the folder's listing and every file's content. Equal keys
    load equal data, so a data version the store holds under this key can be served without reading a file."""
    files, warnings, boundaries = scan(data_dir)
    h = hashlib.sha256(f"{program_key()}\0".encode())
    h.update(json.dumps(warnings, ensure_ascii=False, default=str).encode())
    listed = [(name, p) for name in TABLES for p in files[name]] + [("boundaries", p) for p in boundaries]
    marker = data_dir / DEMO_MARKER
    if marker.is_file():
        listed.append(("demo", marker))
    kept = set()
    for name, p in listed:
        h.update(f"\0{name}\0".encode() + os.fsencode(p.relative_to(data_dir)) + b"\0")
        try:
            h.update(store.content_hash(p).encode())
            kept.add(os.fsencode(p).hex())
        except (OSError, ValueError) as exc:
            h.update(type(exc).__name__.encode())
    store.save_hashes(keep=kept)
    return h.hexdigest()[:32]


def load_folder(data_dir: Path | str | None = None, *, store: Store | None = None, progress=None) -> LoadResult:
    """Every table of the folder, validated, with the problem report and the per-file summary.

    store: keep each file's validated rows there and reuse what it holds (None: a memory cache only).
    progress: called with Progress.snapshot() as each file starts and ends.
    """
    data_dir = Path(data_dir or paths.data_dir()).resolve()
    if not data_dir.is_dir():
        raise FileNotFoundError(str(data_dir))
    fp = fingerprint(data_dir)
    files, problems, boundaries = scan(data_dir)
    infos: list[dict] = []
    tables: dict[str, pd.DataFrame] = {}
    reference = [] if files["municipalities"] else [paths.REFERENCE_MUNICIPALITIES]
    track = Progress(progress, reference + [p for name in TABLES for p in files[name]]) if progress else None
    read = {"data_dir": data_dir, "store": store, "progress": track}

    # Municipalities: the folder's own files, else the shipped reference.
    muni_files = files["municipalities"]
    if muni_files:
        munis, p, i = load_table(TABLES["municipalities"], muni_files, matcher=None, **read)
        problems += p
        infos += i
    if not muni_files or munis.empty:
        munis, p, i = load_table(TABLES["municipalities"], [paths.REFERENCE_MUNICIPALITIES], matcher=None,
                                 file_label=f"{SHIPPED_REFERENCE}: municipalities.csv", **read)
        problems += p
        infos += i
    tables["municipalities"] = munis
    matcher = MunicipalityMatcher(munis)
    matcher_key = hashlib.sha1(pd.util.hash_pandas_object(munis[["oktmo", "name", "center"]], index=False)
                               .to_numpy().tobytes()).hexdigest()

    ent, p, i = load_table(TABLES["enterprises"], files["enterprises"], matcher=matcher, matcher_key=matcher_key,
                           **read)
    ent = ent.rename(columns={"municipality": "oktmo"})
    tables["enterprises"] = ent
    problems += p
    infos += i
    register = pa.array(ent["inn"].dropna().unique(), pa.string())

    for name in FACT_TABLES:
        frame, p, i = load_table(TABLES[name], files[name], matcher=None, **read)
        problems += p
        infos += i
        inn_header = {info["file"]: info.get("headers", {}).get("inn", "inn") for info in i}
        unknown = ~np.asarray(pc.is_in(pa.array(frame["inn"], pa.string()), value_set=register), dtype=bool)
        if unknown.any():
            problems.extend(_problem(name, f, int(ln), inn_header.get(f, "inn"), "warning",
                                     R["inn_not_in_register"].format(inn=inn))
                            for f, ln, inn in zip(frame["_file"][unknown], frame["_line"][unknown], frame["inn"][unknown]))
        tables[name] = frame

    problem_frame = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    problem_frame["line"] = problem_frame["line"].astype("Int64")
    problem_frame["_order"] = problem_frame["kind"].map(KIND_ORDER)
    problem_frame = (problem_frame.sort_values(["table", "file", "line", "_order"], na_position="first", kind="stable")
                     .drop(columns="_order").reset_index(drop=True))
    if store is not None:
        store.save_hashes()
    return LoadResult(data_dir, fp, tables, problem_frame, _file_summary(infos, tables, problem_frame),
                      _read_demo_marker(data_dir), boundaries)


def empty_result(data_dir: Path, error: str) -> LoadResult:
    """A data version with no rows but the shipped reference, reporting why the folder could not be loaded."""
    data_dir = Path(data_dir)
    tables = {name: load_table(TABLES[name], [], data_dir, None)[0] for name in TABLES}
    tables["municipalities"] = load_table(TABLES["municipalities"], [paths.REFERENCE_MUNICIPALITIES], data_dir,
                                          None, file_label=f"{SHIPPED_REFERENCE}: municipalities.csv")[0]
    tables["enterprises"] = tables["enterprises"].rename(columns={"municipality": "oktmo"})
    problems = pd.DataFrame([_problem(None, display_name(data_dir.name) + "/", None, None, "refused_file",
                                      R["folder_error"].format(error=error))], columns=PROBLEM_COLUMNS)
    problems["line"] = problems["line"].astype("Int64")
    return LoadResult(data_dir, "", tables, problems, pd.DataFrame(columns=FILE_COLUMNS))


def _file_summary(infos: list[dict], tables: dict[str, pd.DataFrame], problems: pd.DataFrame) -> pd.DataFrame:
    rows = []
    counts = problems.groupby(["table", "file", "kind"]).size() if len(problems) else pd.Series(dtype=int)
    per_file = {}        # table -> rows, first and last period per file: one pass over each table
    for t, frame in tables.items():
        pcol = "period" if "period" in frame else ("decision_date" if "decision_date" in frame else None)
        grouped = frame.groupby("_file", sort=False, observed=True)
        per_file[t] = (grouped.size(), grouped[pcol].min() if pcol else None, grouped[pcol].max() if pcol else None)
    for info in infos:
        t, f = info["table"], info["file"]
        sizes, firsts, lasts = per_file[t]
        n = int(sizes.get(f, 0))

        def count(kind):
            return int(counts.get((t, f, kind), 0))
        rows.append({**info, "rows": n, "refused": count("refused_row"),
                     "superseded": count("superseded"), "warnings": count("warning"),
                     "period_min": firsts.get(f, pd.NaT) if n and firsts is not None else pd.NaT,
                     "period_max": lasts.get(f, pd.NaT) if n and lasts is not None else pd.NaT})
    return pd.DataFrame(rows, columns=FILE_COLUMNS)


def _read_demo_marker(data_dir: Path) -> dict | None:
    marker = data_dir / DEMO_MARKER
    if not marker.is_file():
        return None
    try:
        value = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"demo": True}
    return value if isinstance(value, dict) and value.get("demo") else None

