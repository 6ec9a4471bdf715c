"""No file can take loading down: one named test for each case that once did (issue 7).

Each test writes the files it needs (tests/hostile.py holds the whole hostile folder), loads, and
checks what the contract promises: the bad file is refused or skipped with a Russian reason, every
good row beside it loads, and nothing raises.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from kuban.data import ingest
from kuban.data.contract import MAX_CELL_BYTES
from kuban.data.ingest import load_folder
from tests import hostile
from tests.office import (
    PROD_RU,
    SHIP_RU,
    STRANGER,
    A,
    B,
    C,
    assert_russian,
    line,
    problems,
    put,
    put_parquet,
    register,
    rows,
)

ROOT = Path(__file__).resolve().parents[2]


def _good(folder: Path) -> None:
    register(folder, [A, B, C])
    put(folder, "shipments/a_good.csv", [line(SHIP_RU), f"{A};2025-01;1000;", f"{B};2025-01;2000;"])


def _shipped(res) -> set:
    return rows(res, "shipments", "inn", "period", "shipped_rub")


GOOD = {(A, "2025-01-01", 1000.0), (B, "2025-01-01", 2000.0)}


def _refused_files(res) -> dict:
    """File -> reason of every file refused whole."""
    return {p["file"]: p["reason"] for p in problems(res, "refused_file")}


def _only(res, kind=None) -> dict:
    found = [p for p in problems(res, kind) if p["table"] != "enterprises"]
    assert len(found) == 1, found
    return found[0]


# --- One file taking every page down ---------------------------------------------------------

def test_cell_over_100_kb_refuses_its_row_only(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b_cell.csv", [line(SHIP_RU), f'{C};2025-01;"{"1" * (MAX_CELL_BYTES + 1)}";',
                                           f"{C};2025-02;300;", f"{C};2025-03;{'7' * 1000};"])
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-02-01", 300.0)}
    bad = [p for p in problems(res, "refused_row")]
    assert [(p["file"], p["line"], p["column"]) for p in bad] == [
        ("shipments/b_cell.csv", 2, "Отгружено, руб."), ("shipments/b_cell.csv", 4, "Отгружено, руб.")]
    assert_russian(bad[0]["reason"], "100 КБ")


def test_cell_over_100_kb_without_quotes_and_in_parquet(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b_plain.csv", [line(SHIP_RU), f"{C};2025-01;1;{'x' * (MAX_CELL_BYTES + 1)}",
                                            f"{C};2025-02;300;"])
    put_parquet(tmp_path, "shipments/c.parquet", pa.table({
        "inn": [C, C], "period": ["2025-03", "2025-04"],
        "shipped_rub": pa.array(["1" * (MAX_CELL_BYTES + 1), "400"]).dictionary_encode()}))
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-02-01", 300.0), (C, "2025-04-01", 400.0)}
    assert sorted((p["file"], p["line"]) for p in problems(res, "refused_row")) == [
        ("shipments/b_plain.csv", 2), ("shipments/c.parquet", 1)]


def test_parquet_list_or_struct_column_refuses_the_file(tmp_path):
    _good(tmp_path)
    put_parquet(tmp_path, "shipments/b_list.parquet", pa.table({
        "inn": [C], "period": ["2025-05"], "shipped_rub": pa.array([[1.0, 2.0]])}))
    put_parquet(tmp_path, "shipments/c_struct.parquet", pa.table({
        "inn": pa.array([{"x": C}]), "period": ["2025-05"], "shipped_rub": [5.0]}))
    # A nested column the contract does not know is only ignored: the file loads.
    put_parquet(tmp_path, "shipments/d_extra.parquet", pa.table({
        "inn": [C], "period": ["2025-05"], "shipped_rub": [5.0], "tags": pa.array([["a", "b"]])}))
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-05-01", 5.0)}
    refused = _refused_files(res)
    assert set(refused) == {"shipments/b_list.parquet", "shipments/c_struct.parquet"}
    assert_russian(refused["shipments/b_list.parquet"], "«shipped_rub»", "list")
    assert_russian(refused["shipments/c_struct.parquet"], "«inn»", "struct")
    (warning,) = problems(res, "warning")
    assert (warning["file"], warning["column"]) == ("shipments/d_extra.parquet", "tags")


def test_file_name_not_utf8_is_loaded_and_shown_readably(tmp_path):
    _good(tmp_path)
    name = "отгрузка_архив".encode("cp1251") + b".csv"
    with open(os.path.join(os.fsencode(tmp_path / "shipments"), name), "wb") as fh:
        fh.write(f"{line(SHIP_RU)}\r\n{C};2025-05;8000;\r\n{C};2025-06;н/д;\r\n".encode("cp1251"))
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-05-01", 8000.0)}
    assert _only(res)["file"] == "shipments/отгрузка_архив.csv"
    assert "shipments/отгрузка_архив.csv" in set(res.files["file"])
    assert ingest.fingerprint(tmp_path) != ""


# --- Bounded cost ------------------------------------------------------------------------------

def test_header_over_500_cells_refuses_the_file(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b_wide.csv", [";".join(f"c{i}" for i in range(100_000)), "1;2;3"])
    put(tmp_path, "shipments/c_wide_ok.csv", [";".join(SHIP_RU + [f"c{i}" for i in range(496)]),
                                              ";".join([C, "2025-02", "300", ""] + [""] * 496)])
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-02-01", 300.0)}
    refused = problems(res, "refused_file")
    assert [p["file"] for p in refused] == ["shipments/b_wide.csv"]
    assert_russian(refused[0]["reason"], "100000", "500")


def test_line_over_1_mb_refuses_the_line_or_the_file_if_it_is_the_header(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b_long_line.csv", [line(SHIP_RU), f"{C};2025-01;1;" + "x" * (1 << 20),
                                                f"{C};2025-02;300;"])
    put(tmp_path, "shipments/c_long_header.csv", ["x;" * (1 << 19) + "ИНН", f"{C};2025-03;1"])
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-02-01", 300.0)}
    by_file = {(p["file"], p["kind"]): p for p in problems(res) if p["table"] == "shipments"}
    assert set(by_file) == {("shipments/b_long_line.csv", "refused_row"), ("shipments/c_long_header.csv", "refused_file")}
    assert by_file[("shipments/b_long_line.csv", "refused_row")]["line"] == 2
    assert_russian(by_file[("shipments/c_long_header.csv", "refused_file")]["reason"], "1 МБ")


def test_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBAN_MAX_FILE_MB", "0.001")       # 1 KB for the test
    _good(tmp_path)
    put(tmp_path, "shipments/b_big.csv", [line(SHIP_RU)] + [f"{C};2025-{m:02d};{m}00;" for m in range(1, 13)] * 10)
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD
    p = _only(res, "refused_file")
    assert p["file"] == "shipments/b_big.csv"
    assert_russian(p["reason"], "размера")


def test_parquet_that_unpacks_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    _good(tmp_path)
    put_parquet(tmp_path, "shipments/b_bomb.parquet", pa.table({
        "inn": [C] * 20_000, "period": ["2025-03"] * 20_000, "shipped_rub": ["1" * 1000] * 20_000}))
    size = (tmp_path / "shipments/b_bomb.parquet").stat().st_size
    assert size < 100_000                                    # 20 MB of text packed in under 100 KB
    monkeypatch.setenv("KUBAN_MAX_FILE_MB", "1")
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD
    assert_russian(_only(res, "refused_file")["reason"], "распаковки")


def test_pipe_device_and_links_outside_are_skipped(tmp_path):
    _good(tmp_path)
    ship = tmp_path / "shipments"
    os.mkfifo(ship / "b_pipe.csv")
    os.symlink("/dev/zero", ship / "c_zero.csv")
    os.symlink("/etc/passwd", ship / "d_passwd.csv")
    outside = tmp_path.parent / f"{tmp_path.name}_outside.csv"
    outside.write_text(f"{line(SHIP_RU)}\n{C};2025-09;1;\n", encoding="utf-8")
    os.symlink(outside, ship / "e_outside.csv")
    put(tmp_path, "archive/f.csv", [line(SHIP_RU), f"{C};2025-04;1;"])
    os.symlink(tmp_path / "archive" / "f.csv", ship / "f_inside.csv")        # a link inside the folder: read
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-04-01", 1.0)}
    skipped = {p["file"]: p["reason"] for p in problems(res, "warning") if p["file"].startswith("shipments/")}
    assert set(skipped) == {"shipments/b_pipe.csv", "shipments/c_zero.csv", "shipments/d_passwd.csv",
                            "shipments/e_outside.csv"}
    assert_russian(skipped["shipments/b_pipe.csv"], "не обычный файл")
    for name in ("c_zero", "d_passwd", "e_outside"):
        assert_russian(skipped[f"shipments/{name}.csv"], "за пределы папки")
    assert "root" not in json.dumps(problems(res), ensure_ascii=False)      # nothing of /etc/passwd shown


def test_a_pipe_put_in_place_of_a_file_after_the_scan_never_blocks(tmp_path):
    _good(tmp_path)
    fifo = tmp_path / "shipments" / "b_pipe.csv"
    os.mkfifo(fifo)
    result = ingest.load_file(fifo, ingest.TABLES["shipments"], None)     # as if the scan had seen a file
    assert result.frame is None
    assert_russian(result.refused_reason, "не обычный файл")


# --- Plausible values ----------------------------------------------------------------------------

def test_months_dates_amounts_and_headcounts_must_be_plausible(tmp_path):
    _good(tmp_path)
    next_year = time.localtime().tm_year + 1
    put(tmp_path, "shipments/b.csv", [
        line(SHIP_RU),
        f"{C};12.9999;100;",                   # 2: month 12.9999
        f"{C};01.1989;100;",                   # 3: before 1990
        f"{C};12.{next_year};100;",            # 4: the last plausible month: loads
        f"{C};01.{next_year + 1};100;",        # 5: after the end of next year
        f"{C};01.1990;1{'0' * 47};",           # 6: 10^47 rubles
        f"{C};02.1990;1 000 000 000 000 000;", # 7: exactly 10^15: loads
        f"{C};03.1990;1 000 000 000 000 001;", # 8: above 10^15
    ])
    put_parquet(tmp_path, "shipments/c.parquet", pa.table({
        "inn": [A, B, C], "period": ["2025-06"] * 3, "shipped_rub": [float("inf"), float("nan"), 5.0],
        "export_rub": [None, None, float("-inf")]}))
    put(tmp_path, "production/d.csv", [line(PROD_RU), f"{A};2025-01;1000;1000000", f"{B};2025-01;1000;1000001"])
    put(tmp_path, "loans/e.csv", ["Номер займа;ИНН;Фонд;Программа;Сумма, руб.;Ставка, %;Срок, лет;Дата решения",
                                  f"Л-1;{A};ФРП;Лизинг;1000;1;5;31.12.1989", f"Л-2;{A};ФРП;Лизинг;1000;1;5;01.01.1990"])
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, f"{next_year}-12-01", 100.0), (C, "1990-02-01", 1e15)}
    assert rows(res, "production", "inn", "employees") == {(A, 1e6)}
    assert rows(res, "loans", "loan_id") == {("Л-2",)}
    refused = {(p["file"], p["line"]): p for p in problems(res, "refused_row")}
    assert set(refused) == {("shipments/b.csv", n) for n in (2, 3, 5, 6, 8)} | {
        ("shipments/c.parquet", 1), ("shipments/c.parquet", 2), ("shipments/c.parquet", 3),
        ("production/d.csv", 3), ("loans/e.csv", 2)}
    assert_russian(refused[("shipments/b.csv", 2)]["reason"], "12.9999", "01.1990", f"12.{next_year}")
    assert_russian(refused[("shipments/b.csv", 6)]["reason"], "неправдоподобно")
    assert_russian(refused[("shipments/c.parquet", 1)]["reason"], "inf")
    assert refused[("shipments/c.parquet", 3)]["column"] == "export_rub"
    assert_russian(refused[("production/d.csv", 3)]["reason"], "1000001")
    assert_russian(refused[("loans/e.csv", 2)]["reason"], "31.12.1989")


def test_parquet_dates_far_out_are_refused(tmp_path):
    from datetime import date
    _good(tmp_path)
    put_parquet(tmp_path, "shipments/b.parquet", pa.table({
        "inn": [C, C], "period": pa.array([date(9999, 12, 1), date(2025, 3, 1)]), "shipped_rub": [1.0, 2.0]}))
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-03-01", 2.0)}
    assert_russian(_only(res, "refused_row")["reason"], "12.9999")


# --- Encodings -----------------------------------------------------------------------------------

def test_file_mixing_utf8_and_windows_1251_is_refused(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b_mixed.csv", (line(SHIP_RU) + "\r\n").encode("utf-8")
        + f"{C};март 2025;100;\r\n".encode("cp1251"))
    put(tmp_path, "shipments/c_mixed.csv", (line(SHIP_RU) + "\r\n").encode("cp1251")
        + f"{C};апрель 2025;100;\r\n".encode("utf-8"))
    put(tmp_path, "shipments/d_cp1251.csv", [line(SHIP_RU), f"{C};май 2025;100;"], enc="cp1251")
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-05-01", 100.0)}
    refused = _refused_files(res)
    assert set(refused) == {"shipments/b_mixed.csv", "shipments/c_mixed.csv"}
    assert_russian(refused["shipments/b_mixed.csv"], "строка 1 в UTF-8", "строка 2 в Windows-1251")
    assert_russian(refused["shipments/c_mixed.csv"], "строка 2 в UTF-8", "строка 1 в Windows-1251")


# --- Files changing while read; errors of one file ------------------------------------------------

def test_file_removed_while_the_folder_is_read_is_skipped(tmp_path, monkeypatch):
    _good(tmp_path)
    put(tmp_path, "shipments/b_gone.csv", [line(SHIP_RU), f"{C};2025-01;1;"])
    real = ingest.read_file

    def removing(path, table):
        if path.name == "b_gone.csv":
            path.unlink()
        return real(path, table)
    monkeypatch.setattr(ingest, "read_file", removing)
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD
    p = _only(res)
    assert (p["file"], p["kind"]) == ("shipments/b_gone.csv", "warning")
    assert_russian(p["reason"], "удалён")
    assert res.refused_count == 0


def test_file_rewritten_while_read_is_read_again(tmp_path, monkeypatch):
    _good(tmp_path)
    path = put(tmp_path, "shipments/b.csv", [line(SHIP_RU), f"{C};2025-01;1;"])
    real = ingest.read_file
    calls = []

    def rewriting(p, table):
        raw = real(p, table)
        if p.name == "b.csv" and not calls:
            calls.append(1)
            put(tmp_path, "shipments/b.csv", [line(SHIP_RU), f"{C};2025-01;1;", f"{C};2025-02;2;"])
            os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        return raw
    monkeypatch.setattr(ingest, "read_file", rewriting)
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD | {(C, "2025-01-01", 1.0), (C, "2025-02-01", 2.0)}
    assert problems(res) == []


def test_unexpected_error_in_one_file_refuses_only_that_file(tmp_path, monkeypatch):
    _good(tmp_path)
    put(tmp_path, "shipments/b.csv", [line(SHIP_RU), f"{C};2025-01;1;"])
    real = ingest.validate

    def failing(table, raw, matcher):
        if raw.frame["_line"].size and table.name == "shipments" and raw.frame[0].iloc[0] == C:
            raise RecursionError(f"maximum recursion depth exceeded while reading {tmp_path}/shipments/b.csv")
        return real(table, raw, matcher)
    monkeypatch.setattr(ingest, "validate", failing)
    res = load_folder(tmp_path)
    assert _shipped(res) == GOOD
    p = _only(res, "refused_file")
    assert_russian(p["reason"], "RecursionError", "b.csv")
    assert str(tmp_path) not in p["reason"]


def test_refused_parquet_reason_shows_no_server_path(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b.parquet", b"PAR1" + b"\x00" * 100 + b"PAR1")
    res = load_folder(tmp_path)
    p = _only(res, "refused_file")
    assert_russian(p["reason"])
    assert str(tmp_path) not in p["reason"] and "/tmp" not in p["reason"]


# --- Sessions keep being served while a new version loads -----------------------------------------

def test_sessions_are_served_the_previous_version_while_a_new_one_loads(tmp_path, monkeypatch):
    from kuban.model import db as dbmod
    _good(tmp_path)
    monkeypatch.setattr(dbmod, "IN_PROCESS_BYTES", 0)        # every build in a child process
    source = dbmod.DataSource(tmp_path, wait_seconds=0.2)
    first = source.get()
    release = threading.Event()
    real = dbmod.build_in_child

    def slow(folder, store):
        release.wait(30)
        return real(folder, store)
    monkeypatch.setattr(dbmod, "build_in_child", slow)
    put(tmp_path, "shipments/b.csv", [line(SHIP_RU), f"{C};2025-01;1;"])
    started = time.monotonic()
    assert source.get() is first                  # not blocked by the slow load: the previous version
    assert time.monotonic() - started < 20        # (a bound far above the 0,2 s wait: machines are noisy)
    assert source.loading
    release.set()
    for _ in range(300):
        if not source.loading:
            break
        time.sleep(0.1)
    new = source.get()
    assert new is not first
    assert new.cursor().execute("SELECT count(*) FROM shipments").fetchone()[0] == 3


def test_a_version_that_cannot_be_built_keeps_the_previous_one(tmp_path, monkeypatch):
    from kuban.model import db as dbmod
    _good(tmp_path)
    monkeypatch.setattr(dbmod, "IN_PROCESS_BYTES", 0)
    source = dbmod.DataSource(tmp_path, wait_seconds=30)
    first = source.get()
    monkeypatch.setattr(dbmod, "build_in_child", lambda folder, store: (_ for _ in ()).throw(
        MemoryError("out of memory")))
    put(tmp_path, "shipments/b.csv", [line(SHIP_RU), f"{C};2025-01;1;"])
    again = source.get()
    assert again is first and again.load_error == "out of memory"
    fresh = dbmod.DataSource(tmp_path, wait_seconds=30).get()       # no previous version: an empty one
    assert fresh.cursor().execute("SELECT count(*) FROM shipments").fetchone()[0] == 0
    assert_russian(fresh.result.problems["reason"].iloc[0], "out of memory")


# --- The command line ------------------------------------------------------------------------------

def kuban(*args, data_dir: Path | None = None):
    python = ROOT / ".venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "KUBAN_DATA_DIR"}
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([str(python if python.exists() else sys.executable), "-m", "kuban", *args, *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_check_text_and_json_report_the_same_problems_and_never_crash(tmp_path):
    _good(tmp_path)
    put(tmp_path, "shipments/b.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    put(tmp_path, "shipments/c.csv", ["ИНН;Период;Отгружено, руб.;Заметка", f"{STRANGER};2025-01;1;x",
                                      f"{C};2025-13;1;"])
    text, as_json = kuban("check", data_dir=tmp_path), kuban("check", "--json", data_dir=tmp_path)
    assert text.returncode == as_json.returncode == 1, text.stderr
    assert "Traceback" not in text.stderr + as_json.stderr
    report = json.loads(as_json.stdout)
    assert len(report["problems"]) == 4
    for p in report["problems"]:
        assert p["reason"] in text.stdout and p["file"] in text.stdout
    assert "shipments/c.csv:3 [Период]" in text.stdout


def test_check_on_the_hostile_folder_is_fast_small_and_counts_every_good_row(tmp_path):
    good = hostile.build(tmp_path)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = kuban("check", "--json", data_dir=tmp_path)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    # The good rows, plus the row after the huge cell and the row of the Windows-1251-named file.
    assert report["tables"]["shipments"]["rows"] == len(good["shipments"]) + 2
    files = {p["file"] for p in report["problems"]}
    for name in ("b_huge_cell.csv", "c_wide_header.csv", "d_million_cells.csv", "e_no_newline.csv",
                 "f_nested.parquet", "g_pipe.csv", "h_zero.csv", "i_passwd.csv", "j_far_future.csv",
                 "k_inf.parquet", "l_absurd.csv"):
        assert f"shipments/{name}" in files, name
    assert {"production/m_headcount.csv", "enterprises/n_mixed.csv"} <= files
    assert max(before, peak_kb) < 2 * 1024 * 1024, peak_kb        # within 2 GB (ru_maxrss is in KB)


def test_demo_with_too_few_enterprises_is_a_message(tmp_path):
    r = kuban("demo", "--out", str(tmp_path / "d"), "--enterprises", "40")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert_russian(r.stderr, "не меньше")
    for bad in (["--enterprises", "x"], ["--enterprises", "-5"], ["--seed", "-1"], ["--bogus"]):
        r = kuban("demo", "--out", str(tmp_path / "d"), *bad)
        assert r.returncode == 3 and "Traceback" not in r.stderr, (bad, r.stderr)
        assert_russian(r.stderr)


@pytest.mark.parametrize("args", [["sql", "SELECT * FROM nowhere"], ["unknown-command"], ["check", "--jsn"]])
def test_other_commands_answer_bad_input_with_a_message(tmp_path, args):
    _good(tmp_path)
    r = kuban(*args, data_dir=tmp_path if args[0] in ("sql", "check") else None)
    assert r.returncode in (2, 3) and "Traceback" not in r.stderr
    assert_russian(r.stderr)


# --- What the pages say while a new version loads, or after it failed ---------------------------------------

def test_pages_say_when_a_new_version_is_loading_or_could_not_be_loaded(tmp_path, monkeypatch):
    from kuban import texts as T
    from kuban.model import db as dbmod
    from tests.app import apptest
    _good(tmp_path)
    apptest.clear_caches()
    at = apptest.app(monkeypatch, tmp_path).run()
    assert not at.exception
    assert T.DATA_RELOADING not in [i.value for i in at.info]
    monkeypatch.setattr(dbmod.DataSource, "loading", property(lambda self: True))
    at.run()
    assert T.DATA_RELOADING in [i.value for i in at.info]
    source = dbmod.DataSource(tmp_path)
    source.get().load_error = "**MemoryError**"
    monkeypatch.setattr("kuban.app.ui._source", lambda data_dir: source)
    at.run()
    warning = next(w.value for w in at.warning if w.value.startswith("Новую версию данных"))
    assert "\\*\\*MemoryError\\*\\*" in warning                      # shown as text, not bold
    apptest.clear_caches()
