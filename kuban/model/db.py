"""The DuckDB database the queries run on: one data version of a data folder.

A data version is built once, into a DuckDB file in the folder's store (kuban/data/store.py): every table,
the load report, the model's macros and views (queries/model/) and the aggregates the pages read. The
dashboard opens that file read-only, so a restart on unchanged data reads nothing else, and several
processes can serve the same file. The build runs in a child process (kuban/model/build.py): its memory
and any failure stay there, while sessions keep being served the previous version.

Every query takes its own cursor of the version's connection (a DuckDB connection cannot serve two
threads at once, and Streamlit runs each browser session in its own thread).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from kuban import paths
from kuban import texts as T
from kuban.access.scope import Scope
from kuban.data.contract import FACT_TABLES, TABLES
from kuban.data.geo import load_boundaries
from kuban.data.ingest import LoadResult, empty_result, fingerprint, load_folder, version_key
from kuban.data.parse import MunicipalityMatcher
from kuban.data.readers import short_error
from kuban.data.store import Store, program_key, write_json
from kuban.texts import LOAN_REFUSED_STATUSES

# Macros and views over the tables, created in this order when a data version is built.
MODEL_DEFINITIONS = ("chosen.sql", "measures.sql", "aggregates.sql")

DUCKDB_CONFIG = {
    # Offline networks: never try to download an extension.
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def _connect(database: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(database, read_only=read_only, config=DUCKDB_CONFIG)
    # No progress bar on the terminal: a build's stdout carries only the path of the version it wrote.
    con.execute("SET enable_progress_bar = false")
    return con

BUILD_TIMEOUT_S = float(os.environ.get("KUBAN_BUILD_TIMEOUT_S", "3600"))   # a longer build is stopped
# A folder whose data files hold less than this is built in the serving process (starting a child costs about
# as long as loading a few megabytes); a larger one in a child process, whose memory goes back when it ends.
IN_PROCESS_BYTES = int(float(os.environ.get("KUBAN_BUILD_IN_PROCESS_MB", "64")) * 2**20)


def _arrow(frame: pd.DataFrame, dates: tuple[str, ...] = ()) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name in dates:
        if name in table.column_names:
            i = table.column_names.index(name)
            table = table.set_column(i, name, table.column(name).cast(pa.date32()))
    return table


def _create(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, order: str | None = None) -> None:
    rel = con.from_arrow(table)
    if order:
        rel = rel.order(order)
    rel.create(name)


def build_tables(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
    """Every table of a data version from its LoadResult, then the model (queries/model/) over them."""
    t = result.tables
    munis = t["municipalities"].drop(columns=["_line", "_file"])
    munis["population"] = munis["population"].astype("Int64")
    _create(con, "municipalities", _arrow(munis), "oktmo")
    divisions = pd.read_csv(paths.REFERENCE_DIVISIONS, dtype=str)
    _create(con, "okved_divisions", _arrow(divisions), "division")

    ent = t["enterprises"].drop(columns=["_line", "_file"]).copy()
    ent["division"] = ent["okved"].str.slice(0, 2)
    ent = ent[["inn", "name", "okved", "division", "oktmo", "size"]]
    _create(con, "enterprises", _arrow(ent), "inn")

    # Facts carry their enterprise's municipality and division, so filters need no join;
    # the join runs in DuckDB (queries/model/fact_with_keys.sql), sorted by period for zone maps.
    with_keys = (paths.QUERIES / "model" / "fact_with_keys.sql").read_text(encoding="utf-8")
    for name in FACT_TABLES:
        frame = t[name].drop(columns=["_line", "_file"])
        if "employees" in frame:
            frame["employees"] = frame["employees"].astype("Int64")
        con.register("raw_fact", _arrow(frame, ("period", "decision_date")))
        del frame
        try:
            order = "period, oktmo" if "period" in t[name] else "decision_date"
            con.sql(with_keys).order(order).create(name)
        finally:
            con.unregister("raw_fact")

    _create(con, "load_files", _arrow(result.files.copy(), ("period_min", "period_max")))
    _create(con, "load_problems", _arrow(result.problems))

    # What the queries share, defined once: the chosen places, divisions and months, the shared measures
    # and the aggregates (queries/model/). Not TEMP: every cursor of this connection sees them.
    refused = pa.table({"status_lower": pa.array([s.strip().lower() for s in LOAN_REFUSED_STATUSES], pa.string())})
    _create(con, "loan_refused_statuses", refused)
    for name in MODEL_DEFINITIONS:
        for statement in duckdb.extract_statements((paths.QUERIES / "model" / name).read_text(encoding="utf-8")):
            con.execute(statement)


def write_version(result: LoadResult, path: Path, key: str) -> None:
    """A data version as a DuckDB file at `path`: written under a temporary name, then renamed, so the
    store never holds a partial version under a real name."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = _connect(os.fspath(tmp))
        try:
            build_tables(con, result)
            rel_boundaries = [p.relative_to(result.data_dir).as_posix() for p in result.boundaries]
            meta = {"program": program_key(), "data_version": key, "demo": json.dumps(result.demo),
                    "boundaries": json.dumps(rel_boundaries), "complete": "yes"}
            con.execute("CREATE TABLE kuban_version (key VARCHAR, value VARCHAR)")
            con.executemany("INSERT INTO kuban_version VALUES (?, ?)", list(meta.items()))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


BUILD_ATTEMPTS = 3         # the folder changed while it was read: read it again, at most this many times
PROGRESS_EVERY_S = 0.5


class ProgressFile:
    """Writes Progress snapshots to the store's progress.json, at most every PROGRESS_EVERY_S seconds."""

    def __init__(self, store: Store):
        self.path = store.progress_path()
        self.last = 0.0
        self.snapshot: dict = {}

    def __call__(self, snapshot: dict, stage: str = "files", force: bool = False) -> None:
        changed = (snapshot.get("file"), stage) != (self.snapshot.get("file"), self.snapshot.get("stage"))
        self.snapshot = {**snapshot, "stage": stage, "pid": os.getpid(), "time": time.time()}
        now = time.monotonic()
        if force or now - self.last >= (PROGRESS_EVERY_S / 10 if changed else PROGRESS_EVERY_S):
            self.last = now
            try:
                write_json(self.path, self.snapshot, durable=False)
            except OSError:
                pass


@contextmanager
def build_lock(store: Store):
    """One build at a time per store, across processes (the workers of `serve --workers`, `kuban add`, a bench):
    the others wait here, then find the version already built and open it."""
    store.folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(store.folder / "build.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def build_version(data_dir: Path, store: Store, progress=None) -> Path:
    """The folder's data version in the store (built unless the store already holds it); its path.
    Under `build_lock`: of several processes asking at once, one builds and the others get its file."""
    with build_lock(store):
        return _build_version(data_dir, store, progress)


def _build_version(data_dir: Path, store: Store, progress=None) -> Path:
    try:
        for _attempt in range(BUILD_ATTEMPTS):
            key = version_key(data_dir, store)
            path = store.version_path(key)
            if path.exists():
                return path
            store.used = set()
            result = load_folder(data_dir, store=store, progress=progress)
            if version_key(data_dir, store) != key:
                continue                          # a file changed while the folder was read
            if progress:
                progress(progress.snapshot, stage="tables", force=True)
            write_version(result, path, key)
            store.collect(key, keep_files=store.used)
            return path
        raise RuntimeError("the data folder kept changing while it was read")
    finally:
        store.progress_path().unlink(missing_ok=True)


def _report(con: duckdb.DuckDBPyConnection, table: str, ints=(), dates=()) -> pd.DataFrame:
    frame = con.cursor().table(table).df()
    for c in ints:
        frame[c] = frame[c].astype("Int64")
    for c in dates:
        frame[c] = pd.to_datetime(frame[c])
    return frame


class VersionTables(Mapping):
    """The tables of a stored data version as DataFrames, read only when asked for (the serving path asks
    only for the municipalities)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(name)
        return self._con.cursor().table(name).df()

    def __iter__(self):
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)


class Database:
    """A loaded data version: the load report and a DuckDB connection over its tables.

    Database(result) builds the tables in memory from a LoadResult (tests, and a folder without a usable
    store); Database.open(path, ...) opens a version the store holds.
    """

    def __init__(self, result: LoadResult, con: duckdb.DuckDBPyConnection | None = None):
        self.result = result
        self.fingerprint = result.fingerprint
        self.load_error: str | None = None    # set when a newer version could not be built (this one is older)
        if con is None:
            con = _connect(":memory:")
            build_tables(con, result)
        self.con = con
        self._pools: dict[tuple[str, ...] | None, _ScopedPool] = {}
        self._pools_lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, data_dir: Path, fingerprint: str) -> "Database":
        """A data version from the store, read-only; raises (duckdb.Error, ValueError, ...) if the file is not
        a whole version written by this program."""
        con = _connect(os.fspath(path), read_only=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM kuban_version").fetchall())
            if meta.get("program") != program_key() or meta.get("complete") != "yes":
                raise ValueError("written by another version of the program")
            result = LoadResult(
                data_dir=data_dir, fingerprint=fingerprint, tables=VersionTables(con),
                problems=_report(con, "load_problems", ints=("line",)),
                files=_report(con, "load_files", dates=("period_min", "period_max")),
                demo=json.loads(meta["demo"]),
                boundaries=[data_dir / p for p in json.loads(meta["boundaries"])])
        except BaseException:
            con.close()
            raise
        return cls(result, con)

    @cached_property
    def boundaries(self):
        """Municipal polygons from municipalities/*.geojson, or None (the map then draws centres)."""
        if not self.result.boundaries:
            return None
        return load_boundaries(self.result.boundaries, MunicipalityMatcher(self.result.tables["municipalities"]))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    @contextmanager
    def reading(self):
        """A cursor of its own for one statement (closed afterwards)."""
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def for_scope(self, scope: Scope) -> "Database | ScopedDatabase":
        """This version as `scope` sees it (itself for a scope that sees everything in full)."""
        if not scope.restricted and not scope.aggregates_only:
            return self
        with self._pools_lock:
            pool = self._pools.get(scope.munis)
            if pool is None:
                pool = self._pools[scope.munis] = _ScopedPool(self, scope.munis)
        return ScopedDatabase(self, scope, pool)

    @property
    def is_demo(self) -> bool:
        return self.result.demo is not None

    def close(self) -> None:
        with self._pools_lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()
        self.con.close()


# Tables a restricted scope sees through: every base table with an `oktmo` column shows only the permitted
# municipalities' rows (facts of enterprises missing from the register, whose oktmo is empty, are not shown),
# and the load report (files and refused rows of every municipality) shows nothing.
PERMITTED_VARIABLE = "kuban_permitted"
REPORT_TABLES = ("load_files", "load_problems")
MAX_IDLE_CURSORS = 4


class _ScopedPool:
    """Cursors of one version's connection prepared for one set of permitted municipalities, reused.

    Each cursor is a DuckDB connection of its own: its TEMP views named like the version's tables take
    precedence over them for every statement, view and macro run on it, and its variable holds the permitted
    codes. A cursor serves one statement at a time (taken, then given back), so threads never share one."""

    def __init__(self, db: Database, munis: tuple[str, ...] | None):
        self.db, self.munis = db, munis
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _prepare(self) -> duckdb.DuckDBPyConnection:
        cur = self.db.con.cursor()
        try:
            if self.munis is not None:
                catalog = cur.execute("SELECT current_database()").fetchone()[0]
                tables = [r[0] for r in cur.execute(
                    "SELECT t.table_name FROM information_schema.tables AS t "
                    "JOIN information_schema.columns AS c USING (table_catalog, table_schema, table_name) "
                    "WHERE t.table_catalog = $c AND t.table_schema = 'main' AND t.table_type = 'BASE TABLE' "
                    "AND c.column_name = 'oktmo' ORDER BY 1", {"c": catalog}).fetchall()]
                cur.execute(f"SET VARIABLE {PERMITTED_VARIABLE} = $p::VARCHAR[]", {"p": list(self.munis)})
                for t in tables:
                    cur.execute(f'CREATE TEMP VIEW "{t}" AS SELECT * FROM "{catalog}".main."{t}" '
                                f"WHERE list_contains(getvariable('{PERMITTED_VARIABLE}')::VARCHAR[], oktmo)")
                for t in REPORT_TABLES:
                    cur.execute(f'CREATE TEMP VIEW "{t}" AS SELECT * FROM "{catalog}".main."{t}" WHERE false')
        except BaseException:
            cur.close()
            raise
        return cur

    def take(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._prepare()

    def give(self, cur: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE_CURSORS:
                self._idle.append(cur)
                return
        cur.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for cur in idle:
            cur.close()


class ScopedDatabase:
    """A data version as one access scope sees it (kuban/access/scope.py): what `queries.run` reads through.

    Restricted to some municipalities, every statement sees only their rows (the TEMP views of
    _ScopedPool); aggregates-only, kuban.model.queries refuses enterprise-level statements and hides small
    cells. Its fingerprint differs per scope, so no cached result of one scope is served to another."""

    def __init__(self, db: Database, scope: Scope, pool: _ScopedPool):
        self.db, self.scope, self._pool = db, scope, pool
        self.fingerprint = f"{db.fingerprint}#{scope.key}"

    @contextmanager
    def reading(self):
        cur = self._pool.take()
        try:
            yield cur
        except BaseException:
            cur.close()          # a failed statement may leave the cursor in any state: not reused
            raise
        else:
            self._pool.give(cur)

    def cursor(self):
        raise TypeError("a scoped database is read only through reading()")

    result = property(lambda self: self.db.result)
    is_demo = property(lambda self: self.db.is_demo)
    boundaries = property(lambda self: self.db.boundaries)
    load_error = property(lambda self: self.db.load_error)




class DataSource:
    """Holds the current Database for a folder and loads a new one when the folder's fingerprint changes.

    A data version the store already holds is opened at once (a restart on unchanged data). Any other is
    built by a child process (`python -m kuban.model.build`) in a background thread, while sessions keep
    being served the previous version; a session asking meanwhile waits at most `wait_seconds` (a small
    monthly file is ready by then). `current()` never waits longer than asked, so the first visitors see
    the build's progress (`progress()`) instead of a blank page; `get()` waits for a first version.
    Loading never takes the server down: if a data version cannot be built, the previous one stays (or,
    at the very first load, an empty one that reports why).
    """

    def __init__(self, data_dir: Path | str | None = None, wait_seconds: float = 2.0):
        self.data_dir = Path(data_dir or paths.data_dir()).resolve()
        self.wait_seconds = wait_seconds
        self.store = Store.for_folder(self.data_dir)
        if self.store.upgrade_text():            # a newer program on an older store: said in the journal
            logging.getLogger(__name__).warning(self.store.upgrade_text())
        self._db: Database | None = None
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._failure: str | None = None     # why not even an empty first version could be made

    def get(self) -> Database:
        """The current data version; the very first one is waited for."""
        db = self.current()
        while db is None:
            if self.failure is not None:
                raise RuntimeError(self.failure)
            db = self.current(wait=1.0)
        return db

    def current(self, wait: float | None = None) -> Database | None:
        """The current data version, starting the load of a newer one if the folder changed and waiting for
        it at most `wait` seconds (default wait_seconds); None while a first version is still being built."""
        fp = fingerprint(self.data_dir)
        db = self._db
        if db is not None and db.fingerprint == fp:
            return db
        with self._lock:
            if self._loader is None or not self._loader.is_alive():
                self._loader = threading.Thread(target=self._reload, name="kuban-reload", daemon=True)
                self._loader.start()
            loader = self._loader
        loader.join(self.wait_seconds if wait is None else wait)
        return self._db

    @property
    def failure(self) -> str | None:
        """Why no data version at all could be made (not even an empty one), while there is none."""
        return self._failure if self._db is None and not self.loading else None

    @property
    def loading(self) -> bool:
        """A newer data version is being loaded in the background."""
        return self._loader is not None and self._loader.is_alive()

    def progress(self) -> dict | None:
        """What a running build is doing (kuban.data.ingest.Progress.snapshot() and its `stage`), or None."""
        if not self.loading:
            return None
        try:
            value = json.loads(self.store.progress_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def _reload(self) -> None:
        # Loads until the version built matches the folder (it may change again while loading).
        self._failure = None
        try:
            for _ in range(5):
                fp = fingerprint(self.data_dir)
                if self._db is not None and self._db.fingerprint == fp:
                    return
                self._db = self._load(fp, previous=self._db)
        except BaseException as exc:  # noqa: BLE001 - _load falls back to an empty version; if even that fails
            self._failure = short_error(exc)       # (a broken model), get() says so instead of waiting for ever

    def _load(self, fp: str, previous: Database | None) -> Database:
        """The folder's data version: from the store, else built; on failure the previous one, else an empty
        one saying why."""
        try:
            if not self.store.writable or not self.data_dir.is_dir():
                return Database(load_folder(self.data_dir))
            path = self.store.version_path(version_key(self.data_dir, self.store))
            if path.exists():
                try:
                    return Database.open(path, self.data_dir, fp)
                except Exception:  # noqa: BLE001 - damaged or from another program version: built again
                    path.unlink(missing_ok=True)
            if _data_bytes(self.data_dir) < IN_PROCESS_BYTES:
                built = build_version(self.data_dir, self.store, ProgressFile(self.store))
            else:
                built = build_in_child(self.data_dir, self.store)
            return Database.open(built, self.data_dir, fp)
        except Exception as exc:  # noqa: BLE001 - the server must keep serving whatever the folder holds
            error = short_error(exc)
            if previous is not None:
                previous.fingerprint = fp          # do not retry until the folder changes again
                previous.load_error = error
                return previous
            return Database(empty_result(self.data_dir, error))


def _data_bytes(data_dir: Path) -> int:
    """The size of a folder's files, leaving out hidden folders (the store among them)."""
    total = 0
    for root, dirs, names in os.walk(data_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


class BuildFailed(Exception):
    """A child build that did not produce a data version; the message says why, in Russian."""


def build_in_child(data_dir: Path, store: Store) -> Path:
    """Builds the folder's data version in a child process and returns its path in the store.

    The child's memory (every validated row passes through it) is returned to the system when it ends, and
    whatever kills it (a crash, the memory limit) fails this build only.
    """
    cmd = [sys.executable, "-m", "kuban.model.build", os.fspath(data_dir), "--store", os.fspath(store.folder)]
    try:
        done = subprocess.run(cmd, cwd=paths.ROOT, capture_output=True, timeout=BUILD_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise BuildFailed(T.BUILD_TIMEOUT.format(seconds=int(BUILD_TIMEOUT_S))) from None
    out = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 0 and out:
        return Path(out[-1])
    err = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode < 0:
        raise BuildFailed(T.BUILD_KILLED.format(signal=-done.returncode))
    raise BuildFailed(err[-1][:500] if err else T.BUILD_FAILED.format(code=done.returncode))
