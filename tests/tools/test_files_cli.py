"""`python -m kuban add | history | withdraw | restore` on a copy of the small fixture (figures worked out by hand
in tests/data/test_uploads.py's docstring: shipments 2025-11 = 650 M)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from kuban.data.ingest import load_folder
from kuban.paths import ROOT
from tests.conftest import SMALL
from tests.data.test_uploads import CORRECTION, M, NOV, snapshot


def kuban(*args, data=None):
    return subprocess.run([sys.executable, "-m", "kuban", *map(str, args), *(["--data-dir", data] if data else [])],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(SMALL, d)
    return d


def nov(d) -> float:
    s = load_folder(d).tables["shipments"]
    return float(s.loc[s["period"] == NOV, "shipped_rub"].sum())


def test_add_dry_run_reports_as_json_and_stores_nothing(folder, tmp_path):
    f = tmp_path / "Отгрузка ноябрь.csv"
    f.write_bytes(CORRECTION)
    before = snapshot(folder)
    r = kuban("add", "shipments", f, "--dry-run", "--json", data=folder)
    assert r.returncode == 1, r.stderr                     # a row refused
    out = json.loads(r.stdout)
    assert out["files"] == [{"file": "Отгрузка ноябрь.csv", "table": "shipments", "rows": 2, "refused": 1,
                             "superseded": 1, "stored_as": None}]
    refused = [p for p in out["problems"] if p["kind"] == "refused_row"]
    assert [(p["file"], p["line"], p["column"]) for p in refused] == [("Отгрузка ноябрь.csv", 4, "Период")]
    assert set(out["problems"][0]) == {"table", "file", "line", "column", "kind", "reason"}   # as `check` prints
    assert {k: v for k, v in snapshot(folder).items()} == before
    assert nov(folder) == 650 * M


def test_add_stores_then_history_withdraw_restore(folder, tmp_path):
    f = tmp_path / "ноябрь.csv"
    f.write_bytes(CORRECTION)
    r = kuban("add", "shipments", f, "--json", data=folder)
    assert r.returncode == 1, r.stderr
    stored = json.loads(r.stdout)["files"][0]["stored_as"]
    assert stored.startswith("shipments/загрузки/") and (folder / stored).read_bytes() == CORRECTION
    assert nov(folder) == 665 * M

    h = kuban("history", "--json", data=folder)
    entries = json.loads(h.stdout)["history"]
    assert [(e["action"], e["stored"]) for e in entries] == [("accepted", stored)]
    assert entries[0]["user"].startswith("командная строка: ")

    assert kuban("withdraw", stored, data=folder).returncode == 0
    assert nov(folder) == 650 * M
    assert kuban("restore", stored, data=folder).returncode == 0
    assert nov(folder) == 665 * M
    text = kuban("history", data=folder).stdout
    assert text.count(stored) == 3 and "отозван" in text and "восстановлен" in text

    audit = [json.loads(x) for x in (folder / "access" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["action"] for a in audit] == ["upload", "withdraw", "restore"]

    again = kuban("add", "shipments", f, "--json", data=folder)          # the same content: refused whole
    assert again.returncode == 2
    assert "уже есть" in json.loads(again.stdout)["problems"][-1]["reason"]


def test_add_exit_codes_and_nothing_stored_when_a_file_is_refused_whole(folder, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("inn,period,shipped_rub\n2310000011,2025-10,1000\n", encoding="utf-8")
    r = kuban("add", "shipments", good, "--dry-run", data=folder)
    assert r.returncode == 0, r.stdout + r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    before = snapshot(folder)
    r = kuban("add", "shipments", good, bad, "--json", data=folder)
    assert r.returncode == 2
    out = json.loads(r.stdout)
    assert [f["stored_as"] for f in out["files"]] == [None, None]
    assert snapshot(folder) == before
    assert kuban("add", "shipments", tmp_path / "missing.csv", data=folder).returncode == 2


def test_withdraw_of_an_unknown_file_is_one_russian_line(folder):
    r = kuban("withdraw", "nothing.csv", data=folder)
    assert r.returncode == 3 and "нет файла" in r.stderr and "Traceback" not in r.stderr


def test_add_of_a_workbook_with_stray_cells_names_them(folder, tmp_path):
    """`kuban add` of an .xlsx whose second row holds values right of the header (its CSV twin: «лишнее;поле»):
    that row is refused with the cells' addresses; the first row is what would be added."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["ИНН", "Период", "Отгружено, руб."], ["2310000011", "2026-01", 5_000_000],
                ["2310000029", "2026-01", 7_000_000, None, "лишнее", "поле"]):
        ws.append(row)
    f = tmp_path / "отгрузка.xlsx"
    wb.save(f)
    r = kuban("add", "shipments", f, "--dry-run", "--json", data=folder)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["files"][0]["rows"] == 1 and out["files"][0]["refused"] == 1
    (p,) = [p for p in out["problems"] if p["kind"] == "refused_row"]
    assert p["line"] == 3 and "E3, F3" in p["reason"]
