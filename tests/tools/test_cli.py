"""`python -m kuban sql` and `--help` as a user runs them (subprocess)."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

from kuban.paths import ROOT
from tests.conftest import SMALL


def kuban(*args):
    return subprocess.run([sys.executable, "-m", "kuban", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_sql_prints_csv_of_the_loaded_tables():
    r = kuban("sql", "SELECT oktmo, sum(shipped_rub) AS s FROM shipments GROUP BY oktmo ORDER BY s DESC",
              "--data-dir", str(SMALL))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    # Краснодар: B 500+400+450+420; Кореновский: A 100+120+150+130 + D 20; Абинский: C 50+60; unregistered: 10
    assert [(x["oktmo"], float(x["s"])) for x in rows] == [
        ("03701000", 1_770e6), ("03621000", 520e6), ("03601000", 110e6), ("", 10e6)]


def test_sql_is_read_only_and_single_select():
    for query in ("DELETE FROM shipments", "SELECT 1; SELECT 2", "COPY shipments TO 'x.csv'"):
        r = kuban("sql", query, "--data-dir", str(SMALL))
        assert r.returncode == 2 and "SELECT" in r.stderr
    r = kuban("sql", "SELECT * FROM read_csv('/etc/hostname')", "--data-dir", str(SMALL))
    assert r.returncode == 2 and "Ошибка запроса" in r.stderr


def test_sql_missing_folder_is_exit_2(tmp_path):
    r = kuban("sql", "SELECT 1", "--data-dir", str(tmp_path / "nope"))
    assert r.returncode == 2


def test_help_lists_the_commands():
    r = kuban("--help")
    assert r.returncode == 0
    for command in ("check", "sql", "demo"):
        assert command in r.stdout
