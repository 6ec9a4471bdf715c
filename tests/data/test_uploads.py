"""Adding files (kuban/data/uploads.py) and what they would change (kuban/model/upload_preview.py), on a copy of
the small hand-made fixture (tests/fixtures/small/README.md).

Shipments of the fixture, worked out by hand: 2025-11: А (2310000011) 150 M, Б (2310000029) 450 M,
В (2310000036) 50 M = 650 M in 3 rows; 2025-12: А 130 M, Б 420 M, В 60 M, Д (2310000043) 20 M,
2310000050 (not in the register) 10 M = 640 M.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kuban.data import uploads
from kuban.data.ingest import load_folder
from kuban.model import queries
from kuban.model.db import Database
from kuban.model.upload_preview import preview
from kuban.paths import ROOT
from tests.conftest import SMALL

M = 1_000_000
NOV, DEC = pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01")

# A correction from an office: «;», decimal comma, a no-break space in thousands, Windows-1251.
CORRECTION = ("ИНН;Период;Отгружено, руб.\r\n"
              "2310000011;11.2025;160\u00a0000\u00a0000,00\r\n"     # line 2: А's November, 150 M → 160 M
              "2310000043;11.2025;5\u00a0000\u00a0000\r\n"         # line 3: Д's November, new
              "2310000011;13.2025;1\r\n"                            # line 4: month 13 → refused
              ).encode("cp1251")


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(SMALL, d)
    return d


def snapshot(d: Path) -> dict[str, str]:
    """Every file under the folder with its content's checksum (the store's hidden folder aside)."""
    out = {}
    for p in sorted(d.rglob("*")):
        if p.is_file() and ".kuban" not in p.relative_to(d).parts:
            out[p.relative_to(d).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def nov_dec_shipped(d: Path) -> tuple[float, float]:
    s = load_folder(d).tables["shipments"]
    return (float(s.loc[s["period"] == NOV, "shipped_rub"].sum()), float(s.loc[s["period"] == DEC, "shipped_rub"].sum()))


def db_of(d: Path) -> Database:
    queries.CACHE.clear()
    return Database(load_folder(d))


def staged(d: Path, name: str, data: bytes) -> uploads.Staged:
    return uploads.stage(d, name, data)


# --- Checking and the preview ----------------------------------------------------------------------------------

def test_the_fixture_is_what_the_docstring_says(folder):
    assert nov_dec_shipped(folder) == (650 * M, 640 * M)


def test_a_correction_is_recognised_checked_and_previewed_without_changing_anything(folder):
    before = snapshot(folder)
    s = staged(folder, "Отгрузка ноябрь.csv", CORRECTION)
    assert s.kind == "csv"
    assert uploads.recognise(s) == "shipments"
    c = uploads.check(folder, s)
    assert c.table == "shipments" and c.reason is None
    assert c.stored_as.startswith("shipments/загрузки/") and c.stored_as.endswith("_Отгрузка_ноябрь.csv")
    assert len(c.rows) == 2 and c.refused_rows == 1
    refused = c.problems[c.problems["kind"] == "refused_row"].iloc[0]
    assert (refused["line"], refused["column"], refused["file"]) == (4, "Период", "Отгрузка ноябрь.csv")
    assert "13" in refused["reason"]
    assert c.later_files == []        # «загрузки/» sorts after every file of the fixture

    p = preview(db_of(folder), c)
    assert p.superseded[["inn", "shipped_rub_old", "shipped_rub_new"]].values.tolist() == [
        ["2310000011", 150 * M, 160 * M]]
    assert p.new_keys == 1
    t = p.totals.set_index("month")
    assert list(t.index) == [NOV]
    assert t.loc[NOV, "before"] == 650 * M
    assert t.loc[NOV, "after"] == 650 * M - 150 * M + 160 * M + 5 * M       # 665 M
    assert t.loc[NOV, "change"] == 15 * M
    assert (t.loc[NOV, "rows_before"], t.loc[NOV, "rows_after"]) == (3, 4)
    assert snapshot(folder) == before, "checking and previewing write nothing into the data folder"
    s.discard()
    assert not s.path.exists()


def test_a_corrected_loan_moves_between_months_in_the_totals(folder):
    """The fixture's loans (tests/fixtures/small/loans/loans.csv): the correction changes a loan's date and sum."""
    loans = pd.read_csv(folder / "loans" / "loans.csv", sep=";", dtype=str)
    first = loans.iloc[0]
    old_month = pd.Timestamp(pd.to_datetime(first.iloc[7], dayfirst=True).strftime("%Y-%m-01"))
    new_date = "15.01.2024" if old_month != pd.Timestamp("2024-01-01") else "15.02.2024"
    new_month = pd.Timestamp(pd.to_datetime(new_date, dayfirst=True).strftime("%Y-%m-01"))
    row = list(first)
    row[4] = "1000000"
    row[7] = new_date
    text = ";".join(loans.columns) + "\n" + ";".join("" if pd.isna(v) else str(v) for v in row) + "\n"
    c = uploads.check(folder, staged(folder, "loan-fix.csv", text.encode("utf-8")), "loans")
    p = preview(db_of(folder), c)
    assert len(p.superseded) == 1
    old_amount = p.superseded.iloc[0]["amount_rub_old"]
    t = p.totals.set_index("month")
    assert t.loc[old_month, "change"] == -old_amount
    assert t.loc[new_month, "change"] == 1 * M


# --- Accept, withdraw, restore, history -------------------------------------------------------------------------

def test_accept_withdraw_restore_change_the_figures_and_are_recorded(folder):
    c = uploads.check(folder, staged(folder, "Отгрузка ноябрь.csv", CORRECTION))
    entry = uploads.accept(folder, c, "ivanova")
    stored = entry["stored"]
    assert (folder / stored).read_bytes() == CORRECTION, "the original file is stored as it came"
    assert nov_dec_shipped(folder) == (665 * M, 640 * M)

    uploads.withdraw(folder, stored, "petrov")
    assert not (folder / stored).exists()
    assert (folder / "_history" / "withdrawn" / stored).read_bytes() == CORRECTION
    assert nov_dec_shipped(folder) == (650 * M, 640 * M)

    uploads.restore(folder, Path(stored).name, "ivanova")          # the file name alone is enough if unique
    assert nov_dec_shipped(folder) == (665 * M, 640 * M)

    h = uploads.history(folder)
    assert [(e["action"], e["user"], e["stored"]) for e in h] == [
        ("accepted", "ivanova", stored), ("withdrawn", "petrov", stored), ("restored", "ivanova", stored)]
    assert h[0]["original"] == "Отгрузка ноябрь.csv"
    assert h[0]["sha256"] == hashlib.sha256(CORRECTION).hexdigest()
    assert (h[0]["rows"], h[0]["refused"], h[0]["table"]) == (2, 1, "shipments")
    assert uploads.status(folder)[stored] == "restored"
    assert stored not in uploads.untracked(folder)
    assert "shipments/2024.csv" in uploads.untracked(folder)


def test_replacing_an_earlier_upload_withdraws_it_in_the_same_step(folder):
    first = uploads.accept(folder, uploads.check(folder, staged(folder, "ноябрь.csv", CORRECTION)), "ivanova")
    fixed = CORRECTION.replace("160\u00a0000\u00a0000".encode("cp1251"), b"170000000")
    second = uploads.accept(folder, uploads.check(folder, staged(folder, "ноябрь.csv", fixed)), "ivanova",
                            replaces=first["stored"])
    assert second["replaces"] == first["stored"]
    assert not (folder / first["stored"]).exists()
    assert nov_dec_shipped(folder) == (650 * M - 150 * M + 170 * M + 5 * M, 640 * M)
    assert [e["action"] for e in uploads.history(folder)] == ["accepted", "replaced", "accepted"]
    uploads.restore(folder, first["stored"], "ivanova")            # a replaced file can come back too
    assert (folder / first["stored"]).is_file()


def test_the_same_content_twice_is_refused_and_nothing_is_doubled(folder):
    uploads.accept(folder, uploads.check(folder, staged(folder, "a.csv", CORRECTION)), "ivanova")
    again = uploads.check(folder, staged(folder, "b.csv", CORRECTION))
    assert again.duplicate_of and again.reason and "уже есть" in again.reason
    with pytest.raises(uploads.UploadRefused, match="уже есть"):
        uploads.accept(folder, again, "ivanova")
    assert nov_dec_shipped(folder) == (665 * M, 640 * M)


def test_two_uploads_of_the_same_name_at_once_both_land_under_different_names(folder):
    other = CORRECTION.replace("160\u00a0000\u00a0000".encode("cp1251"), b"161000000")
    checks = [uploads.check(folder, staged(folder, "ноябрь.csv", data)) for data in (CORRECTION, other)]
    barrier, results, errors = threading.Barrier(2), [], []

    def go(c):
        barrier.wait()
        try:
            results.append(uploads.accept(folder, c, "ivanova"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(c,)) for c in checks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = {r["stored"] for r in results}
    assert len(names) == 2
    assert {(folder / n).read_bytes() for n in names} == {CORRECTION, other}
    assert len(uploads.history(folder)) == 2
    s = load_folder(folder).tables["shipments"]
    assert len(s[(s["inn"] == "2310000011") & (s["period"] == NOV)]) == 1      # one winner, never two rows


def test_the_same_file_twice_at_once_lands_once(folder):
    checks = [uploads.check(folder, staged(folder, "ноябрь.csv", CORRECTION)) for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def go(c):
        barrier.wait()
        try:
            outcomes.append(uploads.accept(folder, c, "ivanova")["stored"])
        except uploads.UploadRefused as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=go, args=(c,)) for c in checks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(o.startswith("shipments/") for o in outcomes) == 1
    assert sum("уже есть" in o for o in outcomes) == 1
    assert nov_dec_shipped(folder) == (665 * M, 640 * M)


CRASH = """
import os, signal, sys
from pathlib import Path
from kuban.data import uploads
folder, where = Path(sys.argv[1]), sys.argv[2]
c = uploads.check(folder, uploads.stage(folder, "ноябрь.csv", Path(sys.argv[3]).read_bytes()))
real_link, real_append = os.link, uploads._append
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
if where == "before-link":
    os.link = die                      # the temporary file is written and flushed; the process dies
else:
    uploads._append = die              # the file is in place; the process dies before the history line
uploads.accept(folder, c, "ivanova")
"""


@pytest.mark.parametrize("where", ["before-link", "before-history"])
def test_a_crash_in_the_middle_of_saving_loses_nothing_and_doubles_nothing(folder, tmp_path, where):
    source = tmp_path / "correction.csv"
    source.write_bytes(CORRECTION)
    run = subprocess.run([sys.executable, "-c", CRASH, str(folder), where, str(source)], cwd=ROOT,
                         capture_output=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    uploads_folder = folder / "shipments" / "загрузки"
    result = load_folder(folder)
    assert result.refused_count == 1 if where == "before-history" else result.refused_count == 0
    if where == "before-link":
        assert [p.name.startswith(".") and p.name.endswith(".tmp") for p in uploads_folder.iterdir()] == [True]
        assert nov_dec_shipped(folder) == (650 * M, 640 * M)    # as before: the hidden temporary file is skipped
        assert uploads.history(folder) == []
        # Adding the file again works, and lands once.
        uploads.accept(folder, uploads.check(folder, staged(folder, "ноябрь.csv", CORRECTION)), "ivanova")
        assert nov_dec_shipped(folder) == (665 * M, 640 * M)
    else:
        stored = [p for p in uploads_folder.iterdir() if not p.name.startswith(".")]
        assert len(stored) == 1 and stored[0].read_bytes() == CORRECTION
        assert nov_dec_shipped(folder) == (665 * M, 640 * M)    # the file is in place, once
        assert uploads.history(folder) == []
        assert f"shipments/загрузки/{stored[0].name}" in uploads.untracked(folder)   # shown as found in the folder
        again = uploads.check(folder, staged(folder, "ноябрь.csv", CORRECTION))
        assert again.duplicate_of                                  # a retry cannot double it
        assert nov_dec_shipped(folder) == (665 * M, 640 * M)
    assert not any(p.name.endswith(".tmp") for p in folder.rglob("*") if p.parent != uploads_folder)


# --- Bad files change nothing and say why --------------------------------------------------------------------

def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _ole(streams: list[str]) -> bytes:
    """The first bytes of an OLE2 compound file whose directory names `streams` (as an encrypted OOXML
    package is stored: EncryptionInfo and EncryptedPackage)."""
    head = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for n in ["Root Entry", *streams])
    return head + names.ljust(4096, b"\0")


BAD_NAMES = {
    "../../etc/passwd.csv": "путь",
    "folder/file.csv": "путь",
    "C:\\Users\\file.csv": "путь",
    "file\x00.csv": "недопустимые",
    "line\nbreak.csv": "недопустимые",
    ".hidden.csv": "недопустимые",
    "<script>.csv": "недопустимые",
    "a" * 200 + ".csv": "длиннее",
    "": "нет имени",
}


@pytest.mark.parametrize("name", list(BAD_NAMES), ids=range(len(BAD_NAMES)))
def test_a_name_with_a_path_or_odd_characters_is_refused(folder, name):
    before = snapshot(folder)
    with pytest.raises(uploads.UploadRefused, match=BAD_NAMES[name]):
        uploads.stage(folder, name, CORRECTION)
    assert snapshot(folder) == before


def test_ordinary_office_names_are_accepted():
    for name in ["Отгрузка за март 2025 (исправл.).xlsx", "otgruzka_2025-03.csv", "Справка №5 «Кореновский».xls"]:
        assert uploads.check_name(name) == name


def test_a_file_over_the_size_limit_is_refused_while_it_is_read(folder, monkeypatch):
    monkeypatch.setenv("KUBAN_UPLOAD_MAX_MB", "0.00005")         # 52 bytes; the correction has 100
    before = snapshot(folder)

    class Endless(io.RawIOBase):
        read_bytes = 0

        def read(self, n=-1):
            self.read_bytes += n
            return b"1" * n

    source = Endless()
    with pytest.raises(uploads.UploadRefused, match="больше допустимого"):
        uploads.stage(folder, "big.csv", source)
    assert source.read_bytes <= 2 * uploads.CHUNK                  # stopped at the limit, not at the end
    with pytest.raises(uploads.UploadRefused, match="больше допустимого"):
        uploads.stage(folder, "big.csv", CORRECTION)
    assert snapshot(folder) == before


def test_the_default_size_limit_is_200_mb(monkeypatch):
    monkeypatch.delenv("KUBAN_UPLOAD_MAX_MB", raising=False)
    assert uploads.max_upload_bytes() == 200 * 2**20


BAD_CONTENT = {
    "empty.csv": (b"", "пуст"),
    "picture.csv": (bytes.fromhex("89504E470D0A1A0A") + bytes(range(256)) * 4, None),
    "archive.xlsx": (_zip({"readme.txt": b"hello"}), None),
    "corrupted.xlsx": (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook><sheets"})[:-40],
                       None),
    "encrypted.xlsx": (_ole(["EncryptionInfo", "EncryptedPackage"]), "парол"),
    "bomb.xlsx": (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                        "xl/worksheets/sheet1.xml": b"<" + b" " * (300 * 2**20) + b">"}), None),
}


@pytest.mark.parametrize("name", list(BAD_CONTENT))
def test_bad_files_change_nothing_and_say_why(folder, name):
    data, words = BAD_CONTENT[name]
    before = snapshot(folder)
    try:
        s = uploads.stage(folder, name, data)
    except uploads.UploadRefused as exc:
        reason = str(exc)
    else:
        c = uploads.check(folder, s, "shipments")
        assert c.refused_whole and c.reason
        reason = c.reason
        with pytest.raises(uploads.UploadRefused):
            uploads.accept(folder, c, "ivanova")
    assert reason and not reason.isascii(), reason             # a Russian reason
    if words:
        assert words in reason, reason
    assert snapshot(folder) == before


def test_a_table_the_headers_do_not_fit_is_not_guessed(folder):
    s = staged(folder, "что-то.csv", "Колонка;Другая\n1;2\n".encode("utf-8"))
    assert uploads.recognise(s) is None
    with pytest.raises(uploads.UploadRefused, match="выберите"):
        uploads.check(folder, s)
    c = uploads.check(folder, s, "shipments")                  # chosen by hand: refused for its columns
    assert c.refused_reason and "Период" in c.refused_reason


def test_the_municipalities_cannot_be_uploaded(folder):
    with pytest.raises(uploads.UploadRefused):
        uploads.check(folder, staged(folder, "m.csv", b"oktmo,name,kind\n03601000,X,Y\n"), "municipalities")


def test_withdraw_and_restore_refuse_what_they_cannot_do(folder):
    before = snapshot(folder)
    for bad in ["../../etc/passwd", "shipments/../../x", "nothing.csv", "", "_history/history.jsonl"]:
        with pytest.raises(uploads.UploadRefused):
            uploads.withdraw(folder, bad, "x")
    with pytest.raises(uploads.UploadRefused, match="не отозван"):
        uploads.restore(folder, "shipments/2024.csv", "x")
    after = snapshot(folder)
    assert after.pop("_history/.lock", "") == hashlib.sha256(b"").hexdigest()    # the (empty) lock file alone
    assert after == before
    uploads.withdraw(folder, "shipments/2024.csv", "admin")       # a file put in by hand can be withdrawn too
    (folder / "shipments" / "2024.csv").write_bytes(b"inn,period,shipped_rub\n")
    with pytest.raises(uploads.UploadRefused, match="уже лежит"):
        uploads.restore(folder, "shipments/2024.csv", "admin")


def test_a_damaged_history_line_is_skipped(folder):
    uploads.accept(folder, uploads.check(folder, staged(folder, "a.csv", CORRECTION)), "ivanova")
    with open(folder / "_history" / "history.jsonl", "ab") as f:
        f.write(b'{"broken\n[1,2]\n\xff\xfe\n')
    assert [e["action"] for e in uploads.history(folder)] == ["accepted"]
    json.dumps(uploads.history(folder))


def test_checking_an_upload_keeps_nothing_in_the_loaders_memory_cache(folder):
    from kuban.data import ingest
    s = staged(folder, "a.csv", CORRECTION)
    uploads.check(folder, s, "shipments")
    assert not any(os.fsencode(s.path) == k[0] for k in ingest.FILE_CACHE._items), "the upload was cached"


def test_staged_files_a_session_left_behind_are_removed_a_day_later(folder):
    old = uploads.stage(folder, "a.csv", CORRECTION)
    young = uploads.stage(folder, "b.csv", CORRECTION)
    day_ago = old.path.parent.stat().st_mtime - uploads.STALE_SECONDS - 60
    os.utime(old.path.parent, (day_ago, day_ago))
    uploads.stage(folder, "c.csv", CORRECTION).discard()
    assert not old.path.parent.exists()
    assert young.path.exists()
    young.discard()
