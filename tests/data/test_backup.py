"""kuban/data/backup.py: a backup taken while files are uploaded, definitions saved and the audit log written
restores to a folder with the same totals, history, users and definitions; a damaged, truncated or forged
archive is refused in Russian and nothing is written.

The fixture is tests/fixtures/small (November 2025: 650 M shipped, December 640 M; tests/data/test_uploads.py).
"""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest

from kuban import texts as T
from kuban.access import audit, users
from kuban.data import backup, cluster_definitions, uploads
from kuban.data.cluster_definitions import Definition
from kuban.paths import ROOT
from tests.data.test_uploads import CORRECTION, M, nov_dec_shipped

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(SMALL, d)
    users.add(d, "ivanova", "длинный-пароль-1")
    cluster_definitions.save(d, Definition(name="Машиностроение", codes=("28",)))
    audit.record(d, "ivanova", "download", ip="10.0.0.7", what="отгрузка")
    uploads.accept(d, uploads.check(d, uploads.stage(d, "Отгрузка ноябрь.csv", CORRECTION)), "ivanova")
    (d / ".kuban").mkdir(exist_ok=True)
    (d / ".kuban" / "big.duckdb").write_bytes(b"store, rebuilt from the files")
    return d


def snapshot(d: Path) -> dict[str, str]:
    """Every file with its checksum, hidden ones aside (the store, lock files: nothing a user keeps)."""
    import hashlib
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(d).parts)}


def state(d: Path) -> dict:
    """What a restore must give back: the files, the figures, the history, the users, the definitions."""
    return {"files": snapshot(d), "shipped": nov_dec_shipped(d),
            "history": [(e["action"], e["user"], e["stored"]) for e in uploads.history(d)],
            "users": sorted(users.load(d)), "definitions": sorted(cluster_definitions.saved(d)[0])}


def test_a_backup_restores_to_the_same_figures_history_users_and_definitions(folder, tmp_path):
    before = state(folder)
    assert before["shipped"] == (665 * M, 640 * M)             # the fixture's 650 M, corrected by the upload
    assert before["users"] == ["ivanova"] and before["definitions"] == ["Машиностроение"]
    made = backup.backup(folder, tmp_path / "копия.tar.gz")
    assert made.files == len(before["files"])
    restored = backup.restore(tmp_path / "копия.tar.gz", tmp_path / "restored")
    assert restored.files == made.files
    assert state(tmp_path / "restored") == before
    assert not (tmp_path / "restored" / ".kuban").exists()      # the store is rebuilt, not kept
    names = tarfile.open(tmp_path / "копия.tar.gz").getnames()
    assert names[-1] == "MANIFEST.json" and "data/access/users.json" in names and "data/access/audit.jsonl" in names
    assert (os.stat(tmp_path / "restored" / "access" / "users.json").st_mode & 0o777) == 0o600
    assert not list(tmp_path.glob(".*"))                        # no temporary file or folder left beside


def test_backup_while_others_upload_save_definitions_and_write_the_audit_log(folder, tmp_path):
    """Every archive taken while writers run is whole: each upload is in it with its history line or not at all,
    every definition reads, the audit log ends with a whole line. After the writers stop, one more backup
    restores to exactly the folder."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def uploading():
        i = 0
        while not stop.is_set():
            i += 1
            body = f"ИНН;Период;Отгружено, руб.\r\n2310000011;11.2025;{160_000_000 + i}\r\n".encode("cp1251")
            try:
                uploads.accept(folder, uploads.check(folder, uploads.stage(folder, f"поправка {i}.csv", body)), "petrov")
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
                return

    def saving():
        i = 0
        while not stop.is_set():
            i += 1
            cluster_definitions.save(folder, Definition(name=f"Вариант {i % 5}", codes=("28", f"{10 + i % 20}")))
            audit.record(folder, "ivanova", "definition_saved", what=f"Вариант {i % 5}", detail="x" * (i % 300))

    writers = [threading.Thread(target=uploading), threading.Thread(target=saving)]
    for w in writers:
        w.start()
    try:
        for k in range(4):
            archive = tmp_path / f"load-{k}.tar.gz"
            backup.backup(folder, archive)
            out = tmp_path / f"load-{k}"
            backup.restore(archive, out)
            history = uploads.history(out)
            accepted = {e["stored"] for e in history if e["action"] == "accepted"}
            on_disk = {p.relative_to(out).as_posix() for p in (out / "shipments" / "загрузки").glob("*")}
            assert accepted == on_disk, "an upload without its history line, or the other way round"
            found, broken = cluster_definitions.saved(out)
            assert broken == [] and "Машиностроение" in found
            log = (out / "access" / "audit.jsonl").read_bytes()
            assert log.endswith(b"\n") and all(json.loads(line) for line in log.splitlines())
            assert uploads.untracked(out) == uploads.untracked(SMALL)
    finally:
        stop.set()
        for w in writers:
            w.join()
    assert errors == []
    assert len(uploads.history(folder)) > 1
    before = state(folder)
    backup.backup(folder, tmp_path / "last.tar.gz")
    backup.restore(tmp_path / "last.tar.gz", tmp_path / "last")
    assert state(tmp_path / "last") == before


def _flipped(src: Path, dst: Path, at: int) -> Path:
    data = bytearray(src.read_bytes())
    data[at] ^= 0x40
    dst.write_bytes(bytes(data))
    return dst


def test_a_byte_flipped_anywhere_or_a_cut_archive_is_refused_and_nothing_is_written(folder, tmp_path):
    good = tmp_path / "good.tar.gz"
    backup.backup(folder, good)
    size = good.stat().st_size
    bad = [_flipped(good, tmp_path / f"flip-{at}.tar.gz", at) for at in (3, 20, size // 3, size // 2, size - 6, size - 2)]
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good.read_bytes()[: size * 2 // 3])
    for archive in [*bad, cut]:
        target = tmp_path / ("restored-" + archive.stem)
        with pytest.raises(backup.BackupError) as refused:
            backup.restore(archive, target)
        message = str(refused.value)
        assert "Ничего не записано" in message, (archive.name, message)
        assert not target.exists(), archive.name
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    backup.restore(good, tmp_path / "still-fine")               # the good one restores


@contextlib.contextmanager
def _tar(path: Path):
    """A tar written as a backup is (its gzip header too), so a forged archive gets past the first check."""
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as tar:
        yield tar
    with open(path, "wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out,
                                                compresslevel=backup.GZIP_LEVEL, mtime=0) as gz:
        gz.write(plain.getvalue())


def _archive(path: Path, members: dict[str, bytes], manifest: dict | None = None, link: str | None = None) -> Path:
    import hashlib
    with _tar(path) as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        if link:
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
        if manifest is None:
            manifest = {"format": "kuban-backup", "format_version": 1, "files": [
                {"path": n.removeprefix("data/"), "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                for n, b in members.items() if n.startswith("data/")]}
        raw = json.dumps(manifest).encode()
        info = tarfile.TarInfo("MANIFEST.json")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    return path


@pytest.mark.parametrize("case, expected", [
    ("escape", T.BACKUP_STRANGE_MEMBER.split("«")[0]),
    ("absolute", T.BACKUP_STRANGE_MEMBER.split("«")[0]),
    ("link", T.BACKUP_STRANGE_MEMBER.split("«")[0]),
    ("no manifest", T.BACKUP_BAD_MANIFEST),
    ("newer", "Архив записан в формате 2"),
    ("extra file", T.BACKUP_FILES_DIFFER),
    ("wrong sum", "не совпадает с описью"),
    ("not gzip", "повреждён или обрезан"),
])
def test_a_forged_archive_is_refused(tmp_path, case, expected):
    ok = {"data/shipments/a.csv": b"inn,period,shipped_rub\n"}
    path = tmp_path / "x.tar.gz"
    if case == "escape":
        _archive(path, {**ok, "data/../../evil.csv": b"x"})
    elif case == "absolute":
        _archive(path, {**ok, "/tmp/evil.csv": b"x"})
    elif case == "link":
        _archive(path, ok, link="data/shipments/passwd")
    elif case == "no manifest":
        with _tar(path) as tar:
            info = tarfile.TarInfo("data/a.csv")
            tar.addfile(info, io.BytesIO(b""))
    elif case == "newer":
        _archive(path, ok, manifest={"format": "kuban-backup", "format_version": 2, "files": []})
    elif case == "extra file":
        _archive(path, ok, manifest={"format": "kuban-backup", "format_version": 1, "files": []})
    elif case == "wrong sum":
        _archive(path, ok, manifest={"format": "kuban-backup", "format_version": 1, "files": [
            {"path": "shipments/a.csv", "size": len(ok["data/shipments/a.csv"]), "sha256": "0" * 64}]})
    elif case == "not gzip":
        path.write_bytes(gzip.compress(b"not a tar at all" * 100)[:-3])
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(path, tmp_path / "out")
    assert expected in str(refused.value)
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "evil.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_folder_that_is_not_empty_is_kept_unless_forced_and_then_moved_aside(folder, tmp_path):
    archive = tmp_path / "a.tar.gz"
    backup.backup(folder, archive)
    target = tmp_path / "target"
    target.mkdir()
    (target / "мои заметки.txt").write_text("не терять", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="не пуста"):
        backup.restore(archive, target)
    assert [p.name for p in target.iterdir()] == ["мои заметки.txt"]
    done = backup.restore(archive, target, force=True)
    assert done.moved_aside and (done.moved_aside / "мои заметки.txt").read_text(encoding="utf-8") == "не терять"
    assert done.moved_aside.name.startswith("target.до-восстановления-")
    assert snapshot(target) == snapshot(folder)
    assert state(target)["shipped"] == (665 * M, 640 * M)
    (tmp_path / "empty").mkdir()
    backup.restore(archive, tmp_path / "empty")                  # an empty folder is fine without --force


def test_the_commands_say_what_they_did_in_russian(folder, tmp_path):
    def kuban(*args):
        return subprocess.run([sys.executable, "-m", "kuban", *args], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "KUBAN_DATA_DIR": str(folder)})
    made = kuban("backup", "--out", str(tmp_path / "b.tar.gz"))
    assert made.returncode == 0 and made.stdout.startswith("Копия папки данных записана:"), made.stderr
    done = kuban("restore", str(tmp_path / "b.tar.gz"), "--data-dir", str(tmp_path / "r"))
    assert done.returncode == 0 and "контрольные суммы сошлись" in done.stdout, done.stderr
    again = kuban("restore", str(tmp_path / "b.tar.gz"), "--data-dir", str(tmp_path / "r"))
    assert again.returncode == 2 and "не пуста" in again.stderr and "Traceback" not in again.stderr
    _flipped(tmp_path / "b.tar.gz", tmp_path / "bad.tar.gz", (tmp_path / "b.tar.gz").stat().st_size // 2)
    bad = kuban("restore", str(tmp_path / "bad.tar.gz"), "--data-dir", str(tmp_path / "r2"))
    assert bad.returncode == 2 and "Ничего не записано" in bad.stderr and not (tmp_path / "r2").exists()
    # `restore NAME` without an archive still brings a withdrawn data file back
    stored = uploads.history(folder)[0]["stored"]
    uploads.withdraw(folder, stored, "petrov")
    back = kuban("restore", Path(stored).name)
    assert back.returncode == 0 and (folder / stored).exists(), back.stderr
