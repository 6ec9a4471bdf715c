"""The DuckDB database the queries run on, rebuilt when the data folder changes.

One parent connection per loaded data version; every query takes its own
cursor (a DuckDB connection cannot serve two threads at once, and Streamlit
runs each browser session in its own thread).
"""
from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from kuban import paths
from kuban.data.contract import FACT_TABLES
from kuban.data.geo import load_boundaries
from kuban.data.ingest import LoadResult, empty_result, fingerprint, load_folder
from kuban.data.parse import MunicipalityMatcher
from kuban.data.readers import short_error
from kuban.texts import LOAN_REFUSED_STATUSES

# Macros and views over the tables, created in this order when a data version is built.
MODEL_DEFINITIONS = ("chosen.sql", "measures.sql", "aggregates.sql")

DUCKDB_CONFIG = {
    # Offline networks: never try to download an extension.
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


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


class Database:
    """A loaded data version: the load report and a DuckDB connection over its tables."""

    def __init__(self, result: LoadResult):
        self.result = result
        self.fingerprint = result.fingerprint
        self.load_error: str | None = None    # set when a newer version could not be built (this one is older)
        self.con = duckdb.connect(":memory:", config=DUCKDB_CONFIG)
        self._build()

    def _build(self) -> None:
        t = self.result.tables
        munis = t["municipalities"].drop(columns=["_line", "_file"])
        munis["population"] = munis["population"].astype("Int64")
        _create(self.con, "municipalities", _arrow(munis), "oktmo")
        divisions = pd.read_csv(paths.REFERENCE_DIVISIONS, dtype=str)
        _create(self.con, "okved_divisions", _arrow(divisions), "division")

        ent = t["enterprises"].drop(columns=["_line", "_file"]).copy()
        ent["division"] = ent["okved"].str.slice(0, 2)
        ent = ent[["inn", "name", "okved", "division", "oktmo", "size"]]
        _create(self.con, "enterprises", _arrow(ent), "inn")

        # Facts carry their enterprise's municipality and division, so filters need no join;
        # the join runs in DuckDB (queries/model/fact_with_keys.sql), sorted by period for zone maps.
        with_keys = (paths.QUERIES / "model" / "fact_with_keys.sql").read_text(encoding="utf-8")
        for name in FACT_TABLES:
            frame = t[name].drop(columns=["_line", "_file"])
            if "employees" in frame:
                frame["employees"] = frame["employees"].astype("Int64")
            self.con.register("raw_fact", _arrow(frame, ("period", "decision_date")))
            try:
                order = "period, oktmo" if "period" in frame else "decision_date"
                self.con.sql(with_keys).order(order).create(name)
            finally:
                self.con.unregister("raw_fact")

        files = self.result.files.copy()
        _create(self.con, "load_files", _arrow(files, ("period_min", "period_max")))
        _create(self.con, "load_problems", _arrow(self.result.problems))

        # What the queries share, defined once: the chosen places, divisions and months, and the shared
        # measures (queries/model/). Not TEMP: every cursor of this connection sees them.
        refused = pa.table({"status_lower": pa.array([s.strip().lower() for s in LOAN_REFUSED_STATUSES], pa.string())})
        _create(self.con, "loan_refused_statuses", refused)
        for name in MODEL_DEFINITIONS:
            for statement in duckdb.extract_statements((paths.QUERIES / "model" / name).read_text(encoding="utf-8")):
                self.con.execute(statement)

    @cached_property
    def boundaries(self):
        """Municipal polygons from municipalities/*.geojson, or None (the map then draws centres)."""
        if not self.result.boundaries:
            return None
        return load_boundaries(self.result.boundaries, MunicipalityMatcher(self.result.tables["municipalities"]))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    @property
    def is_demo(self) -> bool:
        return self.result.demo is not None

    def close(self) -> None:
        self.con.close()


class DataSource:
    """Holds the current Database for a folder and reloads it when the folder's fingerprint changes.

    Only the first load makes sessions wait. A later change is loaded in a background thread while
    sessions keep being served the previous version; a session asking meanwhile waits at most
    `wait_seconds` (a small monthly file is ready by then) and otherwise gets the previous version.
    Loading never takes the server down: if a data version cannot be built at all, the previous one
    stays (or, at the very first load, an empty one that reports why).
    """

    def __init__(self, data_dir: Path | str | None = None, wait_seconds: float = 2.0):
        self.data_dir = Path(data_dir or paths.data_dir()).resolve()
        self.wait_seconds = wait_seconds
        self._db: Database | None = None
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None

    def get(self) -> Database:
        fp = fingerprint(self.data_dir)
        db = self._db
        if db is not None and db.fingerprint == fp:
            return db
        with self._lock:
            if self._db is None:
                self._db = _build(self.data_dir)
                return self._db
            if self._loader is None or not self._loader.is_alive():
                self._loader = threading.Thread(target=self._reload, name="kuban-reload", daemon=True)
                self._loader.start()
            loader = self._loader
        loader.join(self.wait_seconds)
        return self._db

    @property
    def loading(self) -> bool:
        """A newer data version is being loaded in the background."""
        return self._loader is not None and self._loader.is_alive()

    def _reload(self) -> None:
        # Loads until the version built matches the folder (it may change again while loading).
        for _ in range(5):
            if self._db is not None and self._db.fingerprint == fingerprint(self.data_dir):
                return
            self._db = _build(self.data_dir, previous=self._db)


def _build(data_dir: Path, previous: Database | None = None) -> Database:
    """A Database for the folder; on an unexpected failure the previous one, else an empty one saying why."""
    try:
        return Database(load_folder(data_dir))
    except Exception as exc:  # noqa: BLE001 - the server must keep serving whatever the folder holds
        if previous is not None:
            previous.fingerprint = fingerprint(data_dir)   # do not retry until the folder changes again
            previous.load_error = short_error(exc)
            return previous
        return Database(empty_result(data_dir, short_error(exc)))
