"""The store: validated data kept on disk, so each source file is validated once and a restart reads nothing else.

Layout of the store folder (the data folder's hidden `.kuban/`, or $KUBAN_CACHE_DIR):

    hashes.json            file -> (size, mtime, ctime, inode, SHA-256 of its content): a restart need not
                           read a file again to know its checksum (any write changes ctime)
    files/KEY.parquet      one source file's valid rows, typed as the loader returns them (with `_line`)
    files/KEY.json         its problem report, refusal and headers
    versions/KEY.duckdb    a whole data version, built by kuban/model/build.py: every table, the load report,
                           the model's macros and the aggregates the pages read; opened read-only
    progress.json          what a running build is doing (read by the dashboard to show progress)

Keys are checksums: of the file's content (with its table, the program and, for the register, the
municipalities it was matched against) and of a version's every file. Anything written goes to a temporary
name first and is renamed into place, so a crash mid-write leaves no entry that loads wrong data; an entry
that cannot be read is treated as missing and built again. The program's own files are part of every key:
another version of the program never reads what this one wrote.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kuban import paths
from kuban import texts as T

STORE_FOLDER = ".kuban"
MARKER = "store.json"
FORMAT = "1"                     # bump when the layout changes
KEEP_VERSIONS = 2                # the current data version and the one before it
HASH_CHUNK = 1 << 20


def store_dir(data_dir: Path) -> Path:
    """$KUBAN_CACHE_DIR (one store per data folder inside it), else the data folder's `.kuban/`."""
    root = os.environ.get("KUBAN_CACHE_DIR")
    if root:
        name = hashlib.sha256(os.fsencode(Path(data_dir).resolve())).hexdigest()[:16]
        return Path(root).expanduser().resolve() / name
    return Path(data_dir) / STORE_FOLDER


@lru_cache(maxsize=1)
def program_key() -> str:
    """Checksum of everything that decides what a load produces: the loader, the model, the texts of its
    messages, the shipped reference and the library versions."""
    import duckdb
    h = hashlib.sha256(f"{FORMAT}\0{duckdb.__version__}\0{pd.__version__}\0{pa.__version__}\0".encode())
    sources = sorted([*(paths.PACKAGE / "data").glob("*.py"), *(paths.PACKAGE / "model").glob("*.py"),
                      paths.PACKAGE / "texts.py", paths.PACKAGE / "paths.py",
                      *(paths.QUERIES / "model").glob("*.sql"), *paths.REFERENCE.glob("*")])
    for p in sources:
        h.update(p.relative_to(paths.ROOT).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()[:24]


def _write_atomic(target: Path, write, durable: bool = True) -> None:
    """Calls write(temporary path), then renames it to target: readers see the old entry or the whole new one
    (durable: on disk before the rename, so a power cut cannot leave a renamed but empty entry)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        if durable:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(target: Path, value, durable: bool = True) -> None:
    _write_atomic(target, lambda p: p.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8"), durable)


@dataclass
class StoredFile:
    """What the store keeps of one validated file (the loader's FileResult without the `vanished` flag)."""
    frame: pd.DataFrame | None
    problems: list[dict]
    refused_reason: str | None
    headers: dict[str, str]


class Store:
    """One data folder's store. Every method is safe to call when the folder cannot be written: the store
    then just keeps nothing (and `writable` is False)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._hashes: dict | None = None
        self._hashes_changed = False
        self.used: set[str] = set()        # file entries read or written by this process (kept by collect)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "files").mkdir(exist_ok=True)
            (self.folder / "versions").mkdir(exist_ok=True)
            self.writable = os.access(self.folder, os.W_OK)
        except OSError:
            self.writable = False
        self.upgraded_from = self._mark() if self.writable else None

    @staticmethod
    def pending_upgrade(data_dir: Path) -> str | None:
        """Read only (`kuban check` writes nothing): the sentence of upgrade_text() for the store the dashboard
        would open for this folder, when another program or format made it."""
        folder = store_dir(Path(data_dir))
        try:
            old = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        except FileNotFoundError:
            old = {"format": "0", "program": "—"} if any((folder / "versions").glob("*.duckdb")) else None
        except (OSError, ValueError):
            old = {"format": "0", "program": "—"}
        if not isinstance(old, dict) or old == {"format": FORMAT, "program": paths.VERSION}:
            return None
        probe = Store.__new__(Store)
        probe.upgraded_from = old
        return probe.upgrade_text()

    def upgrade_text(self) -> str | None:
        """The Russian sentence saying this store was made by another program or format, or None."""
        old = self.upgraded_from
        if not old:
            return None
        return T.STORE_UPGRADED.format(old=old.get("program", "—"), old_format=old.get("format", "0"),
                                       new=paths.VERSION, new_format=FORMAT)

    def _mark(self) -> dict | None:
        """Record which program and format wrote this store (`store.json`); the previous record when it was
        another one (None for a store just made). A store of another format is emptied here, to be built
        again; one of the same format by another program is left to the keys (no entry of it is read)."""
        marker = self.folder / MARKER
        now = {"format": FORMAT, "program": paths.VERSION}
        try:
            old = json.loads(marker.read_text(encoding="utf-8"))
            old = old if isinstance(old, dict) else {}
        except (OSError, ValueError):
            made_before = any((self.folder / "versions").glob("*.duckdb")) or (self.folder / "hashes.json").exists()
            old = {"format": "0", "program": "—"} if made_before else None
        if old == now:
            return None
        if old is not None and old.get("format") != FORMAT:
            for sub in ("files", "versions"):
                for p in (self.folder / sub).glob("*"):
                    try:
                        p.unlink()
                    except OSError:
                        pass
            try:
                (self.folder / "hashes.json").unlink()
            except OSError:
                pass
        write_json(marker, now)
        return old

    @classmethod
    def for_folder(cls, data_dir: Path) -> "Store":
        """The store of a data folder; where that cannot be written (a read-only share), one in the system's
        temporary folder, so restarts stay fast there too. A missing data folder is never created."""
        data_dir = Path(data_dir)
        if os.environ.get("KUBAN_CACHE_DIR") or data_dir.is_dir():
            store = cls(store_dir(data_dir))
            if store.writable:
                return store
        name = hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:16]
        return cls(Path(tempfile.gettempdir()) / f"kuban-store-{os.getuid()}" / name)

    # --- content checksums ----------------------------------------------------

    def _hash_index(self) -> dict:
        if self._hashes is None:
            try:
                value = json.loads((self.folder / "hashes.json").read_text(encoding="utf-8"))
                self._hashes = value if isinstance(value, dict) else {}
            except (OSError, ValueError):
                self._hashes = {}
        return self._hashes

    def content_hash(self, path: Path, st: os.stat_result | None = None) -> str:
        """SHA-256 of a file's content; read again only when its size, times or inode changed."""
        st = st or os.stat(path)
        key = os.fsencode(path).hex()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        with self._lock:
            known = self._hash_index().get(key)
        if isinstance(known, list) and len(known) == 5 and known[:4] == stamp:
            return known[4]
        h = hashlib.sha256()
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
            while chunk := f.read(HASH_CHUNK):
                h.update(chunk)
        digest = h.hexdigest()
        with self._lock:
            self._hash_index()[key] = [*stamp, digest]
            self._hashes_changed = True
        return digest

    def save_hashes(self, keep: set[str] | None = None) -> None:
        """Writes the checksum index (only the files in `keep`, given as os.fsencode(path).hex(), if given)."""
        with self._lock:
            if not self._hashes_changed and keep is None:
                return
            index = self._hash_index()
            if keep is not None:
                index = {k: v for k, v in index.items() if k in keep}
                self._hashes = index
            self._hashes_changed = False
        if self.writable:
            try:
                write_json(self.folder / "hashes.json", index)
            except OSError:
                pass

    # --- validated files ------------------------------------------------------

    def file_key(self, content_hash: str, table: str, matcher_key: str = "") -> str:
        return hashlib.sha256(f"{program_key()}\0{table}\0{matcher_key}\0{content_hash}".encode()).hexdigest()[:32]

    def get_file(self, key: str) -> StoredFile | None:
        """A validated file, or None when the store does not hold it whole (missing, damaged, partial)."""
        meta_path = self.folder / "files" / f"{key}.json"
        self.used.add(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            frame = None
            if meta["rows"] is not None:
                frame = pq.read_table(self.folder / "files" / f"{key}.parquet").to_pandas()
                if len(frame) != meta["rows"] or list(frame.columns) != list(meta["dtypes"]):
                    return None
                frame = frame.astype(meta["dtypes"])     # Parquet keeps no second-precision dates
            problems = [{**p, "line": None if p["line"] is None else int(p["line"])} for p in meta["problems"]]
            return StoredFile(frame, problems, meta["refused_reason"], meta["headers"])
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
            return None

    def put_file(self, key: str, value: StoredFile) -> None:
        self.used.add(key)
        if not self.writable:
            return
        try:
            if value.frame is not None:
                table = pa.Table.from_pandas(value.frame, preserve_index=False)
                _write_atomic(self.folder / "files" / f"{key}.parquet",
                              lambda p: pq.write_table(table, p, compression="lz4"))
            write_json(self.folder / "files" / f"{key}.json", {
                "rows": None if value.frame is None else len(value.frame),
                "dtypes": None if value.frame is None else {c: str(t) for c, t in value.frame.dtypes.items()},
                "problems": value.problems, "refused_reason": value.refused_reason, "headers": value.headers})
        except (OSError, pa.ArrowException, TypeError, ValueError):
            pass    # a store that cannot keep an entry only costs a later revalidation

    # --- data versions ----------------------------------------------------------

    def version_path(self, key: str) -> Path:
        return self.folder / "versions" / f"{key}.duckdb"

    def progress_path(self) -> Path:
        return self.folder / "progress.json"

    def collect(self, current: str, keep_files: set[str]) -> None:
        """Removes versions but the newest KEEP_VERSIONS (the current one always stays), files no version
        needs, and temporaries left by a crash more than an hour ago."""
        versions = sorted((self.folder / "versions").glob("*.duckdb"), key=_mtime, reverse=True)
        keep = {self.version_path(current)} | set(versions[:KEEP_VERSIONS])
        for p in versions:
            if p not in keep:
                _unlink(p)
                _unlink(p.with_name(p.name + ".wal"))
        for p in (self.folder / "files").glob("*"):
            if p.name.endswith((".json", ".parquet")) and p.name.split(".")[0] not in keep_files:
                _unlink(p)
        hour_ago = time.time() - 3600
        for p in [*(self.folder / "files").glob(".*.tmp"), *(self.folder / "versions").glob(".*.tmp*")]:
            if _mtime(p) < hour_ago:
                _unlink(p)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def _unlink(p: Path) -> None:
    try:
        p.unlink(missing_ok=True)
    except OSError:
        pass
