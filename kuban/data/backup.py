"""Backups of a data folder: one archive that holds everything a ministry must not lose, and its way back.

    python -m kuban backup --out FILE.tar.gz [--data-dir DIR]
    python -m kuban restore FILE.tar.gz --data-dir DIR [--force]

**What goes in.** Every regular file of the data folder: the tables' files, uploads (`<table>/загрузки/`), the
history and the archive of withdrawn files (`_history/`), users and access settings and the audit log
(`access/`), saved cluster definitions (`clusters/`), the demo marker. Not the store (`.kuban/`, rebuilt from
the files in one load) nor other hidden entries (temporary files of a write under way, lock files), nor links
(reported: the contract reads only regular files).

**Consistent while the dashboard serves.** The archive is taken under the locks that uploads, withdrawals and
restores (`_history/.lock`) and the user commands (`access/.users.lock`) take, so no accept or user change is
half in it: they wait until the copy is made. Cluster definitions are replaced whole by a rename, so each one
is in the archive as it was before or after a save. The audit log is only ever appended to: it is taken up to
its last whole line. A file that is changed by hand while it is copied (its size or time changes) is copied
again; one that keeps changing is refused with its name, and no archive is left.

**The archive** is a gzip-compressed tar: `data/<path>` for each file and, last, `MANIFEST.json` with the format,
when and by which program it was made, and each file's path, size and SHA-256. It is written under a temporary
name beside FILE and renamed into place when whole, so an interrupted backup leaves no archive that looks whole.

**Restore** verifies before it writes: the archive must read to its end (a truncated or damaged one fails
gzip's own check), the manifest must be this format, every member a regular file at a safe relative path and
named in the manifest, and every file's size and SHA-256 as the manifest says. The files are written to a
temporary folder beside the target and moved into place only when every check has passed, so a bad archive
writes nothing. A target folder that is not empty is refused unless `--force`; then it is not deleted but
renamed aside (`DIR.до-восстановления-YYYYMMDD-HHMMSS`).
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
import time
import zlib
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from kuban import paths
from kuban import texts as T
from kuban.data import uploads

FORMAT = "kuban-backup"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
PREFIX = "data/"
APPEND_ONLY = {("access", "audit.jsonl")}    # appended to while serving: taken up to the last whole line
RETRIES = 3
CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 64 << 20
MAX_FILES = 1_000_000
MAX_PATH_CHARS = 1024
GZIP_LEVEL = 6
# The gzip header the backup writes (no name, time 0): compared byte for byte on restore, so that with gzip's
# CRC of the content and its length a byte changed anywhere in the archive is found.
def _gzip_header() -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=GZIP_LEVEL, mtime=0):
        pass
    return out.getvalue()[:10]


GZIP_HEADER = _gzip_header()
SPOOL_BYTES = 64 << 20                      # a file larger than this is copied through a temporary file


class BackupError(Exception):
    """Nothing written (or nothing left half-written); the message is the Russian reason."""


@dataclass
class Summary:
    files: int = 0
    bytes: int = 0
    path: Path | None = None
    skipped: list[str] = field(default_factory=list)        # links and other non-regular entries, by path
    moved_aside: Path | None = None                          # restore --force: where the old folder went


# --- Backup ----------------------------------------------------------------------------------------------------

@contextmanager
def _lock(path: Path):
    """An exclusive flock on `path` (created when missing), as the writers take it; nothing when its folder is
    not there (no writer of that kind has run: creating `access/` could change what the dashboard does)."""
    if not path.parent.is_dir():
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _writer_locks(data_dir: Path) -> list[Path]:
    return [uploads.history_dir(data_dir) / ".lock", data_dir / paths.ACCESS_FOLDER / ".users.lock"]


def _files(data_dir: Path, leave_out: set[Path]) -> tuple[list[str], list[str]]:
    """Relative POSIX paths of the regular files to keep, sorted; and the entries skipped (links, devices)."""
    keep, skipped = [], []
    for root, dirs, names in os.walk(data_dir, onerror=lambda _e: None):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if os.path.islink(os.path.join(root, d)):
                dirs.remove(d)
                skipped.append(os.path.relpath(os.path.join(root, d), data_dir))
        for name in sorted(names):
            full = os.path.join(root, name)
            if name.startswith(".") or Path(full).resolve() in leave_out:
                continue
            rel = os.path.relpath(full, data_dir)
            try:
                st = os.lstat(full)
            except OSError:
                continue                                  # removed meanwhile
            (keep if stat.S_ISREG(st.st_mode) else skipped).append(rel)
    return sorted(keep, key=os.fsencode), skipped


def _take(data_dir: Path, rel: str, spool_dir: Path):
    """(a file object positioned at 0 holding the file's bytes, size, SHA-256): a copy the file had at one moment."""
    full = data_dir / rel
    append_only = tuple(PurePosixPath(Path(rel).as_posix()).parts) in APPEND_ONLY
    for _attempt in range(RETRIES):
        fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as src:
            before = os.fstat(src.fileno())
            if not stat.S_ISREG(before.st_mode):
                raise BackupError(T.BACKUP_NOT_REGULAR.format(file=rel))
            limit = before.st_size
            copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=spool_dir)
            digest, size = hashlib.sha256(), 0
            while size < limit:
                chunk = src.read(min(CHUNK, limit - size))
                if not chunk:
                    break
                copy.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            after = os.fstat(src.fileno())
        if append_only and size == limit:             # appended meanwhile is fine; cut at the last whole line
            copy.seek(0)
            data = copy.read()
            cut = data.rfind(b"\n") + 1
            copy.close()
            copy = io.BytesIO(data[:cut])
            return copy, cut, hashlib.sha256(data[:cut]).hexdigest()
        if size == limit and (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
            copy.seek(0)
            return copy, size, digest.hexdigest()
        copy.close()
        time.sleep(0.05)
    raise BackupError(T.BACKUP_FILE_CHANGING.format(file=rel))


def backup(data_dir: Path | str, out: Path | str) -> Summary:
    """Write the archive of `data_dir` to `out` (replacing a file of that name only when the new one is whole)."""
    data_dir, out = Path(data_dir).resolve(), Path(out).expanduser().resolve()
    if not data_dir.is_dir():
        raise BackupError(T.CLI_NO_FOLDER.format(folder=data_dir))
    if out.is_dir():
        raise BackupError(T.BACKUP_OUT_IS_FOLDER.format(file=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix="." + out.name + ".", suffix=".tmp")
    tmp = Path(tmp_name)
    summary = Summary(path=out)
    try:
        with ExitStack() as stack:
            for lock in _writer_locks(data_dir):
                stack.enter_context(_lock(lock))
            names, summary.skipped = _files(data_dir, {out, tmp.resolve()})
            entries = []
            with os.fdopen(fd, "wb") as raw, \
                    gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0) as gz, \
                    tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for rel in names:
                    try:
                        copy, size, sha = _take(data_dir, rel, out.parent)
                    except FileNotFoundError:
                        continue                          # removed since the folder was listed
                    with copy:
                        info = tarfile.TarInfo(PREFIX + Path(rel).as_posix())
                        info.size, info.mtime, info.mode = size, int(time.time()), 0o600
                        tar.addfile(info, copy)
                    entries.append({"path": Path(rel).as_posix(), "size": size, "sha256": sha})
                    summary.files += 1
                    summary.bytes += size
                manifest = json.dumps({
                    "format": FORMAT, "format_version": FORMAT_VERSION, "program": paths.VERSION,
                    "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "data_dir": str(data_dir), "files": entries}, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(manifest), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(manifest))
        with open(tmp, "rb+") as done:
            os.fsync(done.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return summary


# --- Restore ---------------------------------------------------------------------------------------------------

_SAFE_PART = re.compile(r"^[^\x00-\x1f/\\]+$")


def _safe_path(text) -> bool:
    if not isinstance(text, str) or not text or len(text) > MAX_PATH_CHARS or text.startswith("/"):
        return False
    parts = text.split("/")
    return all(p not in ("", ".", "..") and _SAFE_PART.match(p) for p in parts) and not parts[0].startswith(".")


def _manifest(raw: bytes) -> dict[str, dict]:
    """The manifest's files by path; BackupError (Russian) when it is not a manifest of this format."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupError(T.BACKUP_BAD_MANIFEST) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), list):
        raise BackupError(T.BACKUP_BAD_MANIFEST)
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise BackupError(T.BACKUP_NEWER_FORMAT.format(version=version, ours=FORMAT_VERSION))
    files: dict[str, dict] = {}
    for e in data["files"][: MAX_FILES + 1]:
        ok = (isinstance(e, dict) and _safe_path(e.get("path")) and isinstance(e.get("size"), int)
              and e["size"] >= 0 and isinstance(e.get("sha256"), str) and re.fullmatch(r"[0-9a-f]{64}", e["sha256"]))
        if not ok or e["path"] in files or len(files) >= MAX_FILES:
            raise BackupError(T.BACKUP_BAD_MANIFEST)
        files[e["path"]] = e
    return files


def _open(archive: Path) -> tarfile.TarFile:
    try:
        with open(archive, "rb") as fh:
            if fh.read(len(GZIP_HEADER)) != GZIP_HEADER:
                raise BackupError(T.BACKUP_DAMAGED.format(file=archive.name))
        with gzip.open(archive, "rb") as whole:          # to the end first: gzip checks its CRC and length there
            while whole.read(CHUNK):                      # (tar stops reading at a damaged header, before them)
                pass
        return tarfile.open(archive, mode="r:gz")
    except FileNotFoundError:
        raise BackupError(T.BACKUP_NO_ARCHIVE.format(file=archive)) from None
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        raise BackupError(T.BACKUP_DAMAGED.format(file=archive.name)) from None


def verify(archive: Path | str, into: Path | None = None) -> dict[str, dict]:
    """Read the whole archive and check it against its manifest; with `into`, write its files there as they are
    read. Returns the manifest's files; BackupError (Russian) at the first thing wrong."""
    archive = Path(archive)
    damaged = T.BACKUP_DAMAGED.format(file=archive.name)
    with _open(archive) as tar:
        try:
            members = tar.getmembers()                       # reads to the end: a truncated archive fails here
        except (tarfile.TarError, OSError, EOFError, zlib.error):
            raise BackupError(damaged) from None
        if len(members) > MAX_FILES + 1:
            raise BackupError(T.BACKUP_BAD_MANIFEST)
        by_name = {}
        for m in members:
            if m.name in by_name or not (m.isfile() and (m.name == MANIFEST or (
                    m.name.startswith(PREFIX) and _safe_path(m.name[len(PREFIX):])))):
                raise BackupError(T.BACKUP_STRANGE_MEMBER.format(member=uploads_name(m.name)))
            by_name[m.name] = m
        if MANIFEST not in by_name or by_name[MANIFEST].size > MAX_MANIFEST_BYTES:
            raise BackupError(T.BACKUP_BAD_MANIFEST)
        try:
            files = _manifest(tar.extractfile(by_name[MANIFEST]).read())
            if set(by_name) - {MANIFEST} != {PREFIX + p for p in files}:
                raise BackupError(T.BACKUP_FILES_DIFFER)
            if into is not None:
                need = sum(e["size"] for e in files.values())
                if shutil.disk_usage(into).free < need + (64 << 20):
                    raise BackupError(T.BACKUP_NO_SPACE.format(size=need // (1 << 20) + 1))
            for rel, entry in files.items():
                member = by_name[PREFIX + rel]
                if member.size != entry["size"]:
                    raise BackupError(T.BACKUP_CHECKSUM.format(file=rel))
                src = tar.extractfile(member)
                digest = hashlib.sha256()
                target = None
                if into is not None:
                    (into / rel).parent.mkdir(parents=True, exist_ok=True)
                    private = rel.split("/")[0] == paths.ACCESS_FOLDER       # users and passwords: owner only
                    target = os.fdopen(os.open(into / rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                                               0o600 if private else 0o644), "wb")
                try:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        if target is not None:
                            target.write(chunk)
                    if target is not None:
                        target.flush()
                        os.fsync(target.fileno())
                finally:
                    if target is not None:
                        target.close()
                if digest.hexdigest() != entry["sha256"]:
                    raise BackupError(T.BACKUP_CHECKSUM.format(file=rel))
        except (tarfile.TarError, EOFError, zlib.error):
            raise BackupError(damaged) from None
        except OSError as exc:
            if into is None or isinstance(exc, (tarfile.ReadError, EOFError)) or "CRC" in str(exc) \
                    or "gzip" in str(exc).lower():
                raise BackupError(damaged) from None
            raise BackupError(T.BACKUP_WRITE_FAILED.format(error=exc.strerror or exc)) from None
    return files


def uploads_name(name: str) -> str:
    """A member's name as a short one-line text for a message."""
    text = " ".join(str(name).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def restore(archive: Path | str, data_dir: Path | str, force: bool = False) -> Summary:
    """Check the archive whole and write its files as `data_dir`; nothing written if anything is wrong."""
    archive, data_dir = Path(archive).expanduser(), Path(data_dir).expanduser().absolute()
    if data_dir.exists() and not data_dir.is_dir():
        raise BackupError(T.BACKUP_TARGET_NOT_FOLDER.format(folder=data_dir))
    if not force and not _empty(data_dir):
        raise BackupError(T.BACKUP_TARGET_NOT_EMPTY.format(folder=data_dir))
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=data_dir.parent, prefix=f".{data_dir.name}.restore-"))
    summary = Summary(path=data_dir)
    try:
        files = verify(archive, into=work)
        summary.files, summary.bytes = len(files), sum(e["size"] for e in files.values())
        if data_dir.exists() and not _empty(data_dir):
            aside = data_dir.with_name(f"{data_dir.name}.до-восстановления-{datetime.now():%Y%m%d-%H%M%S}")
            data_dir.rename(aside)
            summary.moved_aside = aside
        elif data_dir.exists():
            data_dir.rmdir()
        work.rename(data_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return summary
