"""Adding, withdrawing and restoring data files: what uploads from the browser and `python -m kuban add` share.

A file arrives with the name its sender gave it. It is first **staged**: copied, within the size limit, to a
private temporary folder outside the data folder, its checksum taken on the way, its kind decided by its content (`readers.sniff`), never by its
extension. It is then **checked** exactly as the loader would read it (`ingest.load_table`): the same rules,
the same reasons. Nothing in the data folder has changed so far. **Accepting** copies it into its table's
folder under a safe name, atomically, and records it in the history; the dashboard sees a changed folder and
loads the new data version. **Withdrawing** moves a file to the archive, which the loader skips; **restoring**
moves it back. Nothing is ever deleted.

    <data folder>/<table>/загрузки/2026-12-06_101530_Отгрузка_март.xlsx    an accepted upload
    <data folder>/_history/history.jsonl        every accept, replace, withdrawal and restore, one JSON a line
    <data folder>/_history/withdrawn/<table>/…  withdrawn files, at their path inside the table's folder

Everything under `_history/` is skipped by the loader (a leading underscore). Uploads go to `загрузки/` because
a later file wins where two files give the same key, in the order of their paths: a Cyrillic folder name sorts
after every Latin one and every name starting with a capital letter, so an upload corrects what was there; the
preview says so when a file of the folder would still come after it.

Writing is safe against crashes and against two people at once: a lock (`_history/.lock`) serialises
accepts, withdrawals and restores; a file is written under a hidden temporary name in the target folder
(skipped by the loader), flushed to disk, then linked to its final name, which never replaces an existing
file. A crash leaves at worst a hidden temporary file (removed by the next accept) or a file without its
history line (the history shows it as found in the folder).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from kuban import paths
from kuban.data import ingest, readers
from kuban.data.contract import TABLES, Table
from kuban.data.parse import MunicipalityMatcher
from kuban.texts import R

UPLOADS_FOLDER = "загрузки"
HISTORY_FOLDER = "_history"
HISTORY_FILE = "history.jsonl"
WITHDRAWN_FOLDER = "withdrawn"
# The tables a user may add files to (the municipalities are reference data, changed by an administrator).
UPLOAD_TABLES = ("shipments", "production", "loans", "subsidies", "enterprises")
EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "xls": ".xls", "parquet": ".parquet"}
MAX_NAME_CHARS = 150
STEM_CHARS = 60
CHUNK = 1 << 20
STALE_SECONDS = 24 * 3600
STAGING_PREFIX = "kuban-upload-"     # staged files, in the system's temporary folder
MAX_HISTORY_BYTES = 64 << 20        # a history larger than this is read from its end
# Letters and digits of any script, and the punctuation office file names use.
_NAME_OK = re.compile(r"^[\w \-.,()\[\]№+#&'«»]+$")
_STEM_UNSAFE = re.compile(r"[^\w\-]+")

ACCEPTED, REPLACED, WITHDRAWN, RESTORED = "accepted", "replaced", "withdrawn", "restored"


class UploadRefused(Exception):
    """The file changes nothing; the message is the Russian reason."""


def max_upload_bytes() -> int:
    """$KUBAN_UPLOAD_MAX_MB megabytes (default 200)."""
    try:
        mb = float(os.environ.get("KUBAN_UPLOAD_MAX_MB", "200"))
    except ValueError:
        mb = 200.0
    return max(int(mb * 2**20), 1) if mb == mb else 200 * 2**20


def history_dir(data_dir: Path) -> Path:
    return Path(data_dir) / HISTORY_FOLDER


# --- Names ----------------------------------------------------------------------------------------------------

def check_name(name: str) -> str:
    """The sender's file name, if it is a plain name: no folder, no control or odd characters, not hidden."""
    if not isinstance(name, str) or not name.strip():
        raise UploadRefused(R["upload_name_empty"])
    shown = name if len(name) <= 80 else name[:77] + "…"
    if "/" in name or "\\" in name or name in (".", "..") or ".." in name.split("/"):
        raise UploadRefused(R["upload_name_path"].format(name=shown))
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise UploadRefused(R["upload_name_odd"].format(name=shown.encode("unicode_escape").decode("ascii")))
    if len(name) > MAX_NAME_CHARS:
        raise UploadRefused(R["upload_name_long"].format(limit=MAX_NAME_CHARS))
    if name.startswith((".", "~$", "_")) or not _NAME_OK.match(name):
        raise UploadRefused(R["upload_name_odd"].format(name=shown))
    return unicodedata.normalize("NFC", name)


def _stem(original: str) -> str:
    stem = _STEM_UNSAFE.sub("_", Path(original).stem).strip("_")
    return stem[:STEM_CHARS].rstrip("_") or "файл"


def _relative(path: Path, data_dir: Path) -> str:
    return path.relative_to(data_dir).as_posix()


# --- Staging and checking -------------------------------------------------------------------------------------

@dataclass
class Staged:
    """A received file, copied aside; nothing in the data folder has changed."""
    path: Path
    original: str
    kind: str                 # csv | xlsx | xls | parquet
    size: int
    sha256: str

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def stage(data_dir: Path, name: str, source) -> Staged:
    """Copies `source` (bytes, or a binary file object) aside, within the size limit, and decides its kind.

    Raises UploadRefused (and keeps nothing) for a bad name, a file over the limit, an empty file, or content
    that is not a table (by what it is, not by its extension)."""
    original = check_name(name)
    limit = max_upload_bytes()
    # Outside the data folder (the system's temporary folder): a refused file leaves no trace in it.
    _clean_stale_staging()
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
    target = folder / ("upload" + (Path(original).suffix.lower() if len(Path(original).suffix) <= 8 else ""))
    h, size = hashlib.sha256(), 0
    try:
        with open(target, "xb") as out:
            if isinstance(source, (bytes, bytearray, memoryview)):
                data = bytes(source)
                if len(data) > limit:
                    raise UploadRefused(R["upload_too_big"].format(limit=readers.size_text(limit)))
                out.write(data)
                h.update(data)
                size = len(data)
            else:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise UploadRefused(R["upload_too_big"].format(limit=readers.size_text(limit)))
                    out.write(chunk)
                    h.update(chunk)
        if size == 0:
            raise UploadRefused(R["upload_empty"])
        try:
            kind = readers.sniff(target)
        except readers.FileRefused as exc:
            raise UploadRefused(str(exc)) from None
        return Staged(target, original, kind, size, h.hexdigest())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _clean_stale_staging() -> None:
    """Staged files a session left behind (closed before «Принять» or «Отменить»), a day after."""
    cutoff = time.time() - STALE_SECONDS
    try:
        entries = list(Path(tempfile.gettempdir()).glob(STAGING_PREFIX + "*"))
    except OSError:
        return
    for p in entries:
        try:
            st = p.lstat()
            if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and st.st_mtime < cutoff:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            continue


def recognise(staged: Staged) -> str | None:
    """The table a staged file's headers fit (None: none of those a user may add to)."""
    try:
        table = readers.recognise_table(staged.path)
    except readers.FileRefused:
        return None
    return table if table in UPLOAD_TABLES else None


def municipality_matcher(data_dir: Path) -> MunicipalityMatcher:
    """The municipalities names are matched against: the folder's own, else the shipped reference."""
    files, _warnings, _boundaries = ingest.scan(Path(data_dir))
    munis = None
    if files["municipalities"]:
        munis, _p, _i = ingest.load_table(TABLES["municipalities"], files["municipalities"], Path(data_dir), None)
    if munis is None or munis.empty:
        munis, _p, _i = ingest.load_table(TABLES["municipalities"], [paths.REFERENCE_MUNICIPALITIES],
                                          paths.REFERENCE, None, file_label="municipalities.csv")
    return MunicipalityMatcher(munis)


@dataclass
class Checked:
    """What a staged file would load as, read exactly as the loader reads it."""
    staged: Staged
    table: str
    stored_as: str                       # the path inside the data folder it would get
    rows: pd.DataFrame                   # the rows that would load (typed, with `_line`)
    problems: pd.DataFrame               # ingest.PROBLEM_COLUMNS: refused rows, in-file supersessions, warnings
    refused_reason: str | None = None    # the whole file refused
    duplicate_of: str | None = None      # a file of the table with the same content
    later_files: list[str] = field(default_factory=list)   # files of the table that would come after it

    @property
    def refused_rows(self) -> int:
        return int((self.problems["kind"] == "refused_row").sum()) if len(self.problems) else 0

    @property
    def refused_whole(self) -> bool:
        return self.refused_reason is not None or self.duplicate_of is not None

    @property
    def reason(self) -> str | None:
        if self.refused_reason:
            return self.refused_reason
        if self.duplicate_of:
            return R["upload_duplicate"].format(file=self.duplicate_of)
        return None


def check(data_dir: Path, staged: Staged, table: str | None = None, matcher: MunicipalityMatcher | None = None,
          now: datetime | None = None) -> Checked:
    """Which table the file is for (given, or recognised by its headers) and what it would load as."""
    data_dir = Path(data_dir).resolve()
    if table is None:
        table = readers.recognise_table(staged.path)
        if table is None or table not in UPLOAD_TABLES:
            raise UploadRefused(R["upload_table_unknown"].format(
                tables=", ".join(f"«{TABLES[t].title}»" for t in UPLOAD_TABLES)))
    if table not in UPLOAD_TABLES:
        raise UploadRefused(R["upload_table_not_allowed"].format(table=table))
    spec: Table = TABLES[table]
    if table == "enterprises" and matcher is None:
        matcher = municipality_matcher(data_dir)
    stored = _free_name(data_dir, table, staged, now)
    # Reported under the name its sender knows; stored under `stored` once accepted.
    frame, problems, infos = ingest.load_table(spec, [staged.path], data_dir, matcher, file_label=staged.original,
                                               remember=False)     # read once: kept by the caller, not cached
    problem_frame = pd.DataFrame(problems, columns=ingest.PROBLEM_COLUMNS)
    problem_frame["line"] = problem_frame["line"].astype("Int64")
    info = infos[0] if infos else {}
    refused_reason = info.get("reason") if info.get("status") != "loaded" else None
    if refused_reason:
        problem_frame = problem_frame[problem_frame["kind"] != "refused_file"].reset_index(drop=True)
    files = _table_files(data_dir, table)
    return Checked(staged, table, stored, frame.drop(columns=["_file"]), problem_frame, refused_reason,
                   duplicate_of=_same_content(data_dir, staged, files),
                   later_files=_files_after(data_dir, stored, files))


def _free_name(data_dir: Path, table: str, staged: Staged, now: datetime | None) -> str:
    """`<table>/загрузки/<date>_<time>_<stem>.<ext>`, with `_2`, `_3`, … if the name is taken."""
    now = now or datetime.now()
    base = f"{now:%Y-%m-%d_%H%M%S}_{_stem(staged.original)}"
    ext = EXTENSIONS[staged.kind]
    folder = data_dir / table / UPLOADS_FOLDER
    for n in range(1, 1000):
        name = base + (f"_{n}" if n > 1 else "") + ext
        if not (folder / name).exists() and not (history_dir(data_dir) / WITHDRAWN_FOLDER / table / UPLOADS_FOLDER
                                                 / name).exists():
            return f"{table}/{UPLOADS_FOLDER}/{name}"
    raise UploadRefused(R["upload_busy"])


def _table_files(data_dir: Path, table: str) -> list[Path]:
    files, _w, _b = ingest.scan(data_dir)
    return files.get(table, [])


def _same_content(data_dir: Path, staged: Staged, files: list[Path]) -> str | None:
    for p in files:
        try:
            if os.stat(p).st_size != staged.size:
                continue
            h = hashlib.sha256()
            with open(os.open(p, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
                while chunk := f.read(CHUNK):
                    h.update(chunk)
        except OSError:
            continue
        if h.hexdigest() == staged.sha256:
            return ingest.display_name(_relative(p, data_dir))
    return None


def _files_after(data_dir: Path, stored: str, files: list[Path]) -> list[str]:
    key = os.fsencode(stored)
    return [ingest.display_name(_relative(p, data_dir)) for p in files if os.fsencode(_relative(p, data_dir)) > key]


# --- Writing: accept, withdraw, restore -----------------------------------------------------------------------

@contextmanager
def _locked(data_dir: Path):
    folder = history_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _append(data_dir: Path, entry: dict) -> None:
    entry = {"time": datetime.now().astimezone().isoformat(timespec="seconds"), **entry}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    p = history_dir(data_dir) / HISTORY_FILE
    fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("the history is not a regular file")
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def _clean_stale(data_dir: Path) -> None:
    """Temporary files of writes that never finished (a crash)."""
    cutoff = time.time() - STALE_SECONDS
    for table in UPLOAD_TABLES:
        folder = data_dir / table / UPLOADS_FOLDER
        for p in folder.glob(".*.tmp") if folder.is_dir() else []:
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
            except OSError:
                pass


def _place(src: Path, target: Path) -> None:
    """Copies `src` to `target`, which must not exist: a hidden temporary file, flushed, then linked."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{uuid.uuid4().hex}.tmp"
    try:
        with open(src, "rb") as fin, open(tmp, "xb") as fout:
            shutil.copyfileobj(fin, fout, CHUNK)
            fout.flush()
            os.fsync(fout.fileno())
        os.link(tmp, target)          # never replaces: FileExistsError if the name was taken meanwhile
        _fsync_dir(target.parent)
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


def _move(src: Path, target: Path) -> Path:
    """Moves `src` to `target` (or `target` with `~2`, `~3`, … if taken) within the data folder's disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        candidate = target if n == 1 else target.with_name(f"{target.stem}~{n}{target.suffix}")
        try:
            os.link(src, candidate)
        except FileExistsError:
            continue
        os.unlink(src)
        _fsync_dir(candidate.parent)
        _fsync_dir(src.parent)
        return candidate
    raise UploadRefused(R["upload_busy"])


def accept(data_dir: Path, checked: Checked, user: str, replaces: str | None = None) -> dict:
    """Stores a checked file in its table's folder and records it; returns the history entry.

    Refused (nothing changed) when the file was refused whole or its content is already in the table.
    `replaces`: a file of the same table withdrawn in the same step (recorded as replaced)."""
    data_dir = Path(data_dir).resolve()
    if checked.refused_reason:
        raise UploadRefused(checked.refused_reason)
    with _locked(data_dir):
        _clean_stale(data_dir)
        duplicate = _same_content(data_dir, checked.staged, _table_files(data_dir, checked.table))
        if duplicate:
            raise UploadRefused(R["upload_duplicate"].format(file=duplicate))
        old = _resolve(data_dir, replaces, must_table=checked.table) if replaces else None
        stored = checked.stored_as
        target = data_dir / stored
        for _attempt in range(1000):
            try:
                _place(checked.staged.path, target)
                break
            except FileExistsError:     # taken since the check (a name is per second): the next free one
                stored = _free_name(data_dir, checked.table, checked.staged, None)
                target = data_dir / stored
        entry = {"user": user, "action": ACCEPTED, "table": checked.table, "original": checked.staged.original,
                 "stored": stored, "sha256": checked.staged.sha256, "size": checked.staged.size,
                 "rows": int(len(checked.rows)), "refused": checked.refused_rows}
        if old is not None:
            archived = _move(old, history_dir(data_dir) / WITHDRAWN_FOLDER / _relative(old, data_dir))
            entry["replaces"] = _relative(old, data_dir)
            _append(data_dir, {"user": user, "action": REPLACED, "table": checked.table,
                               "stored": _relative(old, data_dir), "archived": _relative(archived, data_dir),
                               "replaced_by": stored})
        _append(data_dir, entry)
    checked.staged.discard()
    return entry


def _resolve(data_dir: Path, stored: str, must_table: str | None = None) -> Path:
    """A data file of a table named by its path inside the data folder (or, if unique, its file name)."""
    if not isinstance(stored, str) or not stored.strip() or "\x00" in stored:
        raise UploadRefused(R["upload_not_found"].format(file=str(stored)[:80]))
    stored = stored.strip()
    candidates: list[Path] = []
    if "/" in stored:
        p = (data_dir / stored)
        table = stored.split("/", 1)[0]
        if table in UPLOAD_TABLES and ".." not in stored.split("/") and p in _table_files(data_dir, table):
            candidates = [p]
    else:
        for table in UPLOAD_TABLES:
            candidates += [p for p in _table_files(data_dir, table) if p.name == stored]
    if len(candidates) > 1:
        raise UploadRefused(R["upload_ambiguous"].format(file=stored[:80], files=", ".join(
            _relative(p, data_dir) for p in candidates[:5])))
    if not candidates:
        raise UploadRefused(R["upload_not_found"].format(file=stored[:80]))
    p = candidates[0]
    if must_table and _relative(p, data_dir).split("/", 1)[0] != must_table:
        raise UploadRefused(R["upload_not_found"].format(file=stored[:80]))
    return p


def withdraw(data_dir: Path, stored: str, user: str) -> dict:
    """Moves a data file to the archive (the loader skips it) and records it; returns the history entry."""
    data_dir = Path(data_dir).resolve()
    with _locked(data_dir):
        p = _resolve(data_dir, stored)
        rel = _relative(p, data_dir)
        archived = _move(p, history_dir(data_dir) / WITHDRAWN_FOLDER / rel)
        entry = {"user": user, "action": WITHDRAWN, "table": rel.split("/", 1)[0], "stored": rel,
                 "archived": _relative(archived, data_dir), "original": _original_of(data_dir, rel)}
        _append(data_dir, entry)
    return entry


def restore(data_dir: Path, stored: str, user: str) -> dict:
    """Moves a withdrawn file back to where it was (refused if a file of that name is there now)."""
    data_dir = Path(data_dir).resolve()
    with _locked(data_dir):
        withdrawn = [e for e in history(data_dir) if e.get("action") in (WITHDRAWN, REPLACED)
                     and stored in (e.get("stored"), Path(str(e.get("stored", ""))).name)]
        state = status(data_dir)
        live = [e for e in withdrawn if state.get(e["stored"]) in (WITHDRAWN, REPLACED)]
        if not live:
            raise UploadRefused(R["upload_not_withdrawn"].format(file=stored[:80]))
        if len({e["stored"] for e in live}) > 1:
            raise UploadRefused(R["upload_ambiguous"].format(file=stored[:80], files=", ".join(
                sorted({e["stored"] for e in live})[:5])))
        e = live[-1]
        archived = data_dir / e["archived"]
        target = data_dir / e["stored"]
        if not archived.is_file() or not archived.resolve().is_relative_to(history_dir(data_dir).resolve()):
            raise UploadRefused(R["upload_archive_missing"].format(file=e["stored"]))
        if target.exists():
            raise UploadRefused(R["upload_restore_taken"].format(file=e["stored"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(archived, target)
        os.unlink(archived)
        _fsync_dir(target.parent)
        entry = {"user": user, "action": RESTORED, "table": e["table"], "stored": e["stored"],
                 "original": e.get("original") or _original_of(data_dir, e["stored"])}
        _append(data_dir, entry)
    return entry


# --- Reading the history --------------------------------------------------------------------------------------

def history(data_dir: Path) -> list[dict]:
    """Every entry, oldest first (a damaged line is skipped; a huge history is read from its end)."""
    p = history_dir(data_dir) / HISTORY_FILE
    try:
        with open(os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW), "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                return []
            if st.st_size > MAX_HISTORY_BYTES:
                f.seek(st.st_size - MAX_HISTORY_BYTES)
                f.readline()
            data = f.read(MAX_HISTORY_BYTES)
    except OSError:
        return []
    out = []
    for line in data.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict) and isinstance(e.get("stored"), str) and isinstance(e.get("action"), str):
            out.append(e)
    return out


def status(data_dir: Path) -> dict[str, str]:
    """Each recorded file's last action (accepted, replaced, withdrawn, restored)."""
    state: dict[str, str] = {}
    for e in history(data_dir):
        state[e["stored"]] = e["action"]
    return state


def _original_of(data_dir: Path, stored: str) -> str:
    for e in reversed(history(data_dir)):
        if e.get("stored") == stored and e.get("original"):
            return str(e["original"])
    return Path(stored).name


def untracked(data_dir: Path) -> list[str]:
    """Files of the tables that no history entry names (put in by hand, or written by an accept that crashed
    before its history line)."""
    data_dir = Path(data_dir).resolve()
    known = set(status(data_dir))
    return [ingest.display_name(_relative(p, data_dir)) for t in UPLOAD_TABLES for p in _table_files(data_dir, t)
            if _relative(p, data_dir) not in known]
