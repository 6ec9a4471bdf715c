"""Format versions (issue 20, upgrades): the store says which program and format made it, and one of another
format is built again (and said so); saved cluster definitions carry their format, an older file still opens,
a newer one is reported in Russian rather than guessed at."""
from __future__ import annotations

import json
import subprocess
import sys

from kuban import __version__
from kuban.data import cluster_definitions as defs
from kuban.data import store as store_mod
from kuban.data.cluster_definitions import Definition
from kuban.data.store import Store
from kuban.paths import ROOT


def test_a_new_store_is_marked_and_says_nothing(tmp_path):
    s = Store(tmp_path / ".kuban")
    assert s.upgraded_from is None and s.upgrade_text() is None
    assert json.loads((tmp_path / ".kuban" / "store.json").read_text()) == {"format": store_mod.FORMAT,
                                                                             "program": __version__}
    assert Store(tmp_path / ".kuban").upgraded_from is None


def test_a_store_of_an_older_format_is_emptied_to_be_built_again_and_says_so(tmp_path):
    folder = tmp_path / "data" / ".kuban"
    (folder / "versions").mkdir(parents=True)
    (folder / "files").mkdir()
    (folder / "versions" / "old.duckdb").write_bytes(b"made by an older program")   # no store.json: format 0
    (folder / "files" / "old.parquet").write_bytes(b"x")
    assert "формат 0" in Store.pending_upgrade(tmp_path / "data")                   # what `check` says, writing nothing
    assert not (folder / "store.json").exists()
    s = Store(folder)
    assert s.upgraded_from == {"format": "0", "program": "—"}
    assert "строит его заново" in s.upgrade_text() and "Файлы данных не меняются" in s.upgrade_text()
    assert list((folder / "versions").iterdir()) == [] and list((folder / "files").iterdir()) == []
    assert Store(folder).upgraded_from is None and Store.pending_upgrade(tmp_path / "data") is None


def test_the_same_format_by_another_program_is_kept_and_said(tmp_path):
    folder = tmp_path / ".kuban"
    Store(folder)
    (folder / "store.json").write_text(json.dumps({"format": store_mod.FORMAT, "program": "0.19.0"}))
    (folder / "versions" / "v.duckdb").write_bytes(b"kept: its key decides whether it is read")
    s = Store(folder)
    assert s.upgraded_from["program"] == "0.19.0" and (folder / "versions" / "v.duckdb").exists()
    assert "0.19.0" in s.upgrade_text()


def test_kuban_check_says_the_store_will_be_rebuilt(tmp_path):
    data = tmp_path / "data"
    (data / ".kuban" / "versions").mkdir(parents=True)
    (data / ".kuban" / "store.json").write_text('{"format": "0", "program": "0.9"}')
    done = subprocess.run([sys.executable, "-m", "kuban", "check", "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True)
    assert "Хранилище (.kuban) создано другой версией программы (0.9, формат 0)" in done.stdout, done.stderr


def test_saved_definitions_carry_their_format_and_older_ones_open(tmp_path):
    path = defs.save(tmp_path, Definition(name="Машиностроение", codes=("28",)))
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == defs.FORMAT_VERSION
    (tmp_path / "clusters" / "старый.json").write_text('{"codes": ["28", "29"], "lq_threshold": 1.5}',
                                                        encoding="utf-8")            # format 0: no field
    (tmp_path / "clusters" / "новый.json").write_text('{"format": 2, "codes": ["28"]}', encoding="utf-8")
    found, errors = defs.saved(tmp_path)
    assert sorted(found) == ["Машиностроение", "старый"] and found["старый"].lq_threshold == 1.5
    assert len(errors) == 1 and "«новый.json»" in errors[0] and "более новой версией дашборда (формат 2" in errors[0]
