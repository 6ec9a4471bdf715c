"""The store (kuban/data/store.py, kuban/model/build.py, kuban/model/db.py): each file validated once, a
restart that reads nothing but the store, a damaged store rebuilt, the same figures with and without it."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kuban.data import ingest
from kuban.data.ingest import load_folder
from kuban.data.store import STORE_FOLDER, Store
from kuban.model import db as dbmod
from kuban.model import queries
from kuban.model.db import Database, DataSource
from tests.hostile import build as build_hostile
from tests.office import SHIP_RU, A, B, line, put, register, rows

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small"
PARAMS = [
    {"munis": [], "divisions": [], "date_from": date(2024, 1, 1), "date_to": date(2025, 12, 1), "limit": 50,
     "cluster_codes": ["10", "28"], "years_back": 3, "kinds": ["refused_row", "refused_file", "warning"],
     "inns": ["2310000011", "2310000029"], "ids": [], "months": [date(2025, 11, 1), date(2025, 12, 1)],
     "search": "", "order": "output", "inn": "2310000011"},
    {"munis": ["03621000"], "divisions": ["10"], "date_from": date(2025, 3, 1), "date_to": date(2025, 3, 1),
     "limit": 5, "cluster_codes": ["10"], "years_back": 1, "kinds": ["superseded"],
     "inns": [], "ids": ["нет"], "months": [], "search": "тест", "order": "productivity_growth",
     "inn": "2310000029"},
]


@pytest.fixture
def small(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns(STORE_FOLDER))
    return folder


def every_query(db: Database) -> dict[str, list[pd.DataFrame]]:
    out = {}
    for name in queries.names():
        out[name] = []
        for params in PARAMS:
            queries.CACHE.clear()
            out[name].append(queries.run(db, name, params).reset_index(drop=True))
    queries.CACHE.clear()
    return out


def assert_same_figures(a: Database, b: Database) -> None:
    qa, qb = every_query(a), every_query(b)
    for name in qa:
        for fa, fb in zip(qa[name], qb[name]):
            pd.testing.assert_frame_equal(fa, fb, check_dtype=False, obj=name)


def versions(folder: Path) -> list[Path]:
    return sorted((folder / STORE_FOLDER / "versions").glob("*.duckdb"))


def no_reading(monkeypatch) -> None:
    """From here on, reading or validating a data file, or building a version, fails the test."""
    def fail(*_a, **_k):
        raise AssertionError("a source file was read")
    monkeypatch.setattr(ingest, "_read_and_validate", fail)
    monkeypatch.setattr(dbmod, "build_in_child", fail)
    monkeypatch.setattr(dbmod, "load_folder", fail)


# --- figures ----------------------------------------------------------------------------------------

def test_every_query_gives_the_same_figures_from_the_store_as_from_memory(small):
    from_store = DataSource(small).get()
    assert isinstance(from_store.result.tables, dbmod.VersionTables)        # really served from a version file
    assert_same_figures(from_store, Database(load_folder(small)))


def test_a_build_in_a_child_process_gives_the_same_figures(small, monkeypatch):
    monkeypatch.setattr(dbmod, "IN_PROCESS_BYTES", 0)
    built = []
    real = dbmod.build_in_child
    monkeypatch.setattr(dbmod, "build_in_child", lambda *a: built.append(a) or real(*a))
    from_child = DataSource(small).get()
    assert built and isinstance(from_child.result.tables, dbmod.VersionTables)
    assert not (small / STORE_FOLDER / "progress.json").exists()
    assert_same_figures(from_child, Database(load_folder(small)))


def test_the_load_report_is_the_same_from_the_store(small):
    put(small, "shipments/zz_bad.csv", [line(SHIP_RU), f"{A};2025-13;1;", f"{A};2025-01;5;"])
    stored = DataSource(small).get().result
    memory = load_folder(small)
    assert stored.problem_counts() == memory.problem_counts()
    cols = ["table", "file", "line", "column", "kind", "reason"]
    pd.testing.assert_frame_equal(stored.problems[cols].reset_index(drop=True),
                                  memory.problems[cols].reset_index(drop=True), check_dtype=False)
    assert stored.refused_count == memory.refused_count == 1


def test_the_hostile_folder_loads_the_same_with_a_store_first_and_second_time(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    build_hostile(folder, big=False)
    plain = load_folder(folder)
    store = Store.for_folder(folder)
    first = load_folder(folder, store=store)
    second = load_folder(folder, store=Store.for_folder(folder))
    for res in (first, second):
        for name in plain.tables:
            pd.testing.assert_frame_equal(res.tables[name], plain.tables[name], obj=name)
        pd.testing.assert_frame_equal(res.problems, plain.problems)
        pd.testing.assert_frame_equal(res.files.drop(columns="headers", errors="ignore"),
                                      plain.files.drop(columns="headers", errors="ignore"))


# --- a restart ----------------------------------------------------------------------------------------

def test_a_restart_reads_nothing_but_the_store(small, monkeypatch):
    before = every_query(DataSource(small).get())
    no_reading(monkeypatch)
    opens = _only_store_opens(small)
    monkeypatch.setattr("builtins.open", opens("builtins.open"))
    monkeypatch.setattr("os.open", opens("os.open"))
    restarted = DataSource(small).get()                    # a new process would start with a new DataSource
    after = every_query(restarted)
    for name in before:
        for fa, fb in zip(before[name], after[name]):
            pd.testing.assert_frame_equal(fa, fb, obj=name)


def _only_store_opens(folder: Path):
    """A wrapper of builtins.open or os.open that fails on a file of the folder outside its store."""
    import builtins
    import os
    real = {"builtins.open": builtins.open, "os.open": os.open}
    store = (folder / STORE_FOLDER).resolve()

    def wrap(name):
        def guarded(file, *args, **kwargs):
            if isinstance(file, (str, bytes, Path)):
                p = Path(os.fsdecode(file)).resolve()
                if p.is_relative_to(folder.resolve()) and not p.is_relative_to(store):
                    raise AssertionError(f"opened {p}")
            return real[name](file, *args, **kwargs)
        return guarded
    return wrap


def test_a_changed_file_is_validated_alone_and_a_removed_one_drops_out(small, monkeypatch):
    store = Store.for_folder(small)
    load_folder(small, store=store)
    validated = []
    real = ingest._read_and_validate

    def counting(path, table, matcher):
        validated.append(Path(path).relative_to(small).as_posix())
        return real(path, table, matcher)
    monkeypatch.setattr(ingest, "_read_and_validate", counting)

    put(small, "shipments/zz_new.csv", [line(SHIP_RU), f"{A};2027-01;7;"])
    res = load_folder(small, store=Store.for_folder(small))
    assert validated == ["shipments/zz_new.csv"]
    assert (A, "2027-01-01", 7.0) in rows(res, "shipments", "inn", "period", "shipped_rub")

    validated.clear()
    (small / "shipments" / "zz_new.csv").unlink()
    res = load_folder(small, store=Store.for_folder(small))
    assert validated == []
    assert (A, "2027-01-01", 7.0) not in rows(res, "shipments", "inn", "period", "shipped_rub")


def test_a_file_rewritten_with_the_same_size_and_time_is_still_seen(small):
    # The key is the content: a same-size edit whose modification time was put back changes ctime.
    source = DataSource(small, wait_seconds=60)
    first = source.get()
    target = small / "shipments" / "zz.csv"
    put(small, "shipments/zz.csv", [line(SHIP_RU), f"{A};2027-01;1;"])
    st = target.stat()
    assert source.get() is not first
    target.write_text(target.read_text(encoding="utf-8").replace(";1;", ";9;"), encoding="utf-8")
    import os
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    fresh = DataSource(small).get()                      # a restart: only the store and the checksums
    got = fresh.cursor().execute("SELECT shipped_rub FROM shipments WHERE period = DATE '2027-01-01'").fetchall()
    assert got == [(9.0,)]


def test_a_new_version_is_built_when_the_folder_changes_and_old_ones_are_collected(small):
    source = DataSource(small, wait_seconds=60)
    source.get()
    for i in range(4):
        put(small, f"shipments/zz{i}.csv", [line(SHIP_RU), f"{A};2027-0{i + 1};{i + 1};"])
        db = source.get()
        assert db.cursor().execute("SELECT count(*) FROM shipments WHERE period >= DATE '2027-01-01'"
                                   ).fetchone()[0] == i + 1
    assert len(versions(small)) == 2                       # the current version and the one before it


# --- a damaged store -----------------------------------------------------------------------------------

def test_a_damaged_version_file_is_rebuilt(small):
    expected = every_query(DataSource(small).get())
    (path,) = versions(small)
    path.write_bytes(b"not a database" * 100)
    rebuilt = DataSource(small).get()
    assert rebuilt.load_error is None and isinstance(rebuilt.result.tables, dbmod.VersionTables)
    got = every_query(rebuilt)
    for name in expected:
        for fa, fb in zip(expected[name], got[name]):
            pd.testing.assert_frame_equal(fa, fb, obj=name)


def test_a_version_from_another_program_is_not_used(small):
    DataSource(small).get()
    (path,) = versions(small)
    con = duckdb.connect(str(path))
    con.execute("UPDATE kuban_version SET value = 'another program' WHERE key = 'program'")
    con.close()
    with pytest.raises(ValueError):
        Database.open(path, small, "x")
    db = DataSource(small).get()
    assert db.cursor().execute("SELECT value FROM kuban_version WHERE key = 'program'").fetchone()[0] \
        != "another program"


@pytest.mark.parametrize("damage", ["truncate parquet", "garbage json", "rows differ", "delete parquet"])
def test_a_damaged_file_entry_is_validated_again(small, damage):
    plain = load_folder(small)
    store = Store.for_folder(small)
    load_folder(small, store=store)
    files = store.folder / "files"
    for p in files.glob("*.parquet"):
        if damage == "truncate parquet":
            p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
        elif damage == "delete parquet":
            p.unlink()
        elif damage == "rows differ":
            meta = p.with_suffix(".json")
            meta.write_text(meta.read_text(encoding="utf-8").replace('"rows": ', '"rows": 1'), encoding="utf-8")
    if damage == "garbage json":
        for p in files.glob("*.json"):
            p.write_text("{not json", encoding="utf-8")
    again = load_folder(small, store=Store.for_folder(small))
    for name in plain.tables:
        pd.testing.assert_frame_equal(again.tables[name], plain.tables[name], obj=name)
    pd.testing.assert_frame_equal(again.problems, plain.problems)


def test_a_crash_mid_write_leaves_nothing_that_loads(small):
    # A build killed while writing leaves only temporary names, which nothing reads.
    store = Store.for_folder(small)
    (store.folder / "versions" / ".0123.duckdb.99.tmp").write_bytes(b"half a database")
    (store.folder / "files" / ".abc.parquet.x.tmp").write_bytes(b"PAR1 half")
    db = DataSource(small).get()
    assert db.load_error is None
    assert_same_figures(db, Database(load_folder(small)))


def test_a_failed_build_is_reported_and_the_server_keeps_serving(tmp_path, monkeypatch):
    register(tmp_path, [A, B])
    put(tmp_path, "shipments/a.csv", [line(SHIP_RU), f"{A};2025-01;1000;"])
    monkeypatch.setattr(dbmod, "IN_PROCESS_BYTES", 0)
    monkeypatch.setattr(dbmod, "BUILD_TIMEOUT_S", 0.001)
    db = DataSource(tmp_path).get()                        # the child cannot finish in a millisecond
    assert db.cursor().execute("SELECT count(*) FROM shipments").fetchone()[0] == 0
    reason = db.result.problems["reason"].iloc[0]
    assert "не уложилась" in reason


# --- where the store is ----------------------------------------------------------------------------------

def test_kuban_cache_dir_holds_the_store(small, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBAN_CACHE_DIR", str(tmp_path / "cache"))
    DataSource(small).get()
    assert not (small / STORE_FOLDER).exists()
    assert list((tmp_path / "cache").glob("*/versions/*.duckdb"))


def test_a_read_only_data_folder_gets_a_store_elsewhere(small, monkeypatch):
    import os
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if str(p).startswith(str(small)) and
                        mode == os.W_OK else real(p, mode, *a, **k))
    store = Store.for_folder(small)
    assert store.writable and not store.folder.is_relative_to(small)


def test_a_missing_data_folder_is_not_created(tmp_path):
    missing = tmp_path / "nowhere"
    db = DataSource(missing).get()
    assert not missing.exists()
    assert db.cursor().execute("SELECT count(*) FROM shipments").fetchone()[0] == 0


def test_the_store_changes_no_fingerprint(small):
    before = ingest.fingerprint(small)
    DataSource(small).get()
    assert (small / STORE_FOLDER).is_dir()
    assert ingest.fingerprint(small) == before


def test_when_not_even_an_empty_version_can_be_made_get_says_why_instead_of_waiting(small, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("the model is broken")
    monkeypatch.setattr(dbmod, "build_version", broken)
    monkeypatch.setattr(dbmod, "build_tables", broken)
    source = DataSource(small)
    with pytest.raises(RuntimeError, match="the model is broken"):
        source.get()
    assert source.failure == "the model is broken"
