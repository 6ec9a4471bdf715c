"""The audit log (kuban/access/audit.py): one whole JSON line per entry whatever the values, newest first,
damaged lines skipped, concurrent writers never interleave, and a log that cannot be written never breaks
what is being logged."""
from __future__ import annotations

import json
import multiprocessing
import os
import stat
import threading

import pytest

from kuban.access import audit


def within(seconds: float, fn, *args, **kw):
    out = {}

    def run():
        try:
            out["v"] = fn(*args, **kw)
        except BaseException as e:      # noqa: BLE001 - handed to the test
            out["e"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} still running after {seconds} s"
    if "e" in out:
        raise out["e"]
    return out["v"]


def lines(data_dir) -> list[bytes]:
    raw = audit.path(data_dir).read_bytes()
    assert raw.endswith(b"\n")
    return raw.split(b"\n")[:-1]


def test_record_and_read_back_newest_first(tmp_path):
    assert audit.record(tmp_path, "ivanova", "signin", ip="10.0.0.7", detail="local")
    assert audit.record(tmp_path, "ivanova", "download", ip="10.0.0.7", what="отгрузка",
                        filter="Кореновский район · 11.2025–10.2026")
    assert audit.record(tmp_path, "petrov", "signin_failed")
    df = audit.read(tmp_path)
    assert list(df.columns) == audit.COLUMNS
    assert list(df["user"]) == ["petrov", "ivanova", "ivanova"]
    assert list(df["action"]) == ["signin_failed", "download", "signin"]
    row = df.iloc[1]
    assert (row["ip"], row["what"], row["filter"], row["detail"]) == (
        "10.0.0.7", "отгрузка", "Кореновский район · 11.2025–10.2026", "")
    assert df.iloc[0]["ip"] == ""                   # no address: empty, not "None"
    assert df.iloc[2]["detail"] == "local"
    assert all(t[:4].isdigit() and "T" in t for t in df["time"])
    assert list(audit.read(tmp_path, last=2)["action"]) == ["signin_failed", "download"]
    assert list(audit.read(tmp_path, last=1)["user"]) == ["petrov"]
    assert len(lines(tmp_path)) == 3
    # Only ever appended, readable by the owner alone.
    assert stat.S_IMODE(os.stat(audit.path(tmp_path)).st_mode) == 0o600
    for line in lines(tmp_path):
        assert set(json.loads(line)) == set(audit.COLUMNS)


def test_no_log_yet_reads_as_empty(tmp_path):
    df = audit.read(tmp_path)
    assert df.empty and list(df.columns) == audit.COLUMNS
    assert audit.read(tmp_path / "no such folder").empty


@pytest.mark.parametrize("value,shown", [
    ("ivanova\n{\"user\": \"admin\", \"action\": \"signin\"}", "ivanova {\"user\": \"admin\", \"action\": \"signin\"}"),
    ("a\rb\tc\x00d\x1b[2Je\x7ff\u2028g\u2029h\x85i", "a b c d [2Je f g h i"),
    ("\udcff\udcfeимя", "��имя"),                   # a file name that is not UTF-8
    ("\ud800x", "�x"),                               # a lone surrogate of a saved JSON setting
    (None, ""), (12345, "12345"), (["a", "b"], "['a', 'b']")])
def test_values_stay_on_one_line_and_printable(tmp_path, value, shown):
    assert audit.record(tmp_path, value, "download", ip=value, what=value, filter=value, detail=value)
    assert len(lines(tmp_path)) == 1
    row = audit.read(tmp_path).iloc[0]
    for column in ("user", "ip", "what", "filter", "detail"):
        assert row[column].replace("\ufffd" * 3, "\ufffd") == shown


def test_huge_values_are_cut(tmp_path):
    huge = "Я" * 5_000_000 + "\n" * 10
    assert audit.record(tmp_path, huge, "download", what=huge, filter=huge, detail=huge, ip=huge)
    (line,) = lines(tmp_path)
    assert len(line) < 8 * audit.VALUE_CHARS * 4           # bounded whatever was given
    row = audit.read(tmp_path).iloc[0]
    assert row["user"] == "Я" * (audit.VALUE_CHARS - 1) + "…"
    assert len(row["filter"]) == audit.VALUE_CHARS


def test_a_damaged_line_is_skipped(tmp_path):
    audit.record(tmp_path, "first", "signin")
    with open(audit.path(tmp_path), "ab") as f:
        f.write(b'{"user": "half a line", "act\n')
        f.write(b"not json at all\n")
        f.write(b"[1, 2, 3]\n")
        f.write(b"5\n")
        f.write(b"\n   \n")
        f.write(b"\xff\xfe\x00\x01\n")
        f.write(b"[" * 200_000 + b"\n")                        # nested deeper than a parser recurses
        f.write(b'{"a":' * 100_000 + b"\n")
        f.write(b'{"user": {"nested": "dict"}, "action": 7, "extra": "ignored"}\n')
        f.write('{"user": "a\\nb", "action": "x"}\n'.encode())
    audit.record(tmp_path, "last", "signout")
    df = audit.read(tmp_path)
    assert list(df["user"]) == ["last", "a b", "{'nested': 'dict'}", "first"]
    assert list(df["action"]) == ["signout", "x", "7", "signin"]
    assert list(audit.read(tmp_path, last=3)["user"]) == ["last", "a b", "{'nested': 'dict'}"]


def test_only_the_tail_is_read_and_its_cut_first_line_dropped(tmp_path):
    for i in range(100):
        audit.record(tmp_path, f"u{i:03d}", "signin")
    size = os.path.getsize(audit.path(tmp_path))
    line = size // 100
    df = audit.read(tmp_path, max_bytes=line * 10 + line // 2)    # ten whole lines and half of another
    assert list(df["user"]) == [f"u{i:03d}" for i in range(99, 89, -1)]
    assert list(audit.read(tmp_path, max_bytes=line * 10)["user"])[-1] == "u091"


def test_concurrent_threads_write_whole_lines(tmp_path):
    def writer(k):
        for i in range(40):
            audit.record(tmp_path, f"t{k}", "download", what=f"{i}:" + "x" * 400, filter="ф" * 450)
    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = [json.loads(line) for line in lines(tmp_path)]
    assert len(got) == 320
    for k in range(8):
        assert sorted(int(e["what"].split(":")[0]) for e in got if e["user"] == f"t{k}") == list(range(40))


def _process_writer(data_dir, k, barrier):
    barrier.wait(10)
    for i in range(60):
        audit.record(data_dir, f"p{k}", "upload", what=f"{i}:" + "y" * 480, detail="д" * 490)


def test_concurrent_processes_write_whole_lines(tmp_path):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_process_writer, args=(tmp_path, k, barrier)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    got = [json.loads(line) for line in lines(tmp_path)]
    assert len(got) == 240
    for k in range(4):
        assert sorted(int(e["what"].split(":")[0]) for e in got if e["user"] == f"p{k}") == list(range(60))
    assert len(audit.read(tmp_path)) == 240


@pytest.mark.parametrize("kind", ["access_is_a_file", "log_is_a_directory", "log_is_a_link", "log_is_a_pipe",
                                  "log_is_dev_null", "data_folder_missing_under_a_file"])
def test_an_unwritable_log_returns_false_and_never_hangs(tmp_path, kind, caplog):
    d = tmp_path / "access"
    data_dir = tmp_path
    if kind == "access_is_a_file":
        d.write_text("x")
    elif kind == "data_folder_missing_under_a_file":
        (tmp_path / "f").write_text("x")
        data_dir = tmp_path / "f" / "data"
    else:
        d.mkdir()
        p = audit.path(tmp_path)
        if kind == "log_is_a_directory":
            p.mkdir()
        elif kind == "log_is_a_link":
            (tmp_path / "elsewhere.jsonl").write_text("")
            p.symlink_to(tmp_path / "elsewhere.jsonl")
        elif kind == "log_is_a_pipe":
            os.mkfifo(p)
        else:
            p.symlink_to("/dev/null")
    try:
        assert within(5, audit.record, data_dir, "ivanova", "signin") is False
        assert "audit log" in caplog.text
        df = within(5, audit.read, data_dir)
        assert df.empty and list(df.columns) == audit.COLUMNS
    finally:
        if kind == "log_is_a_pipe":
            try:
                os.close(os.open(audit.path(tmp_path), os.O_RDONLY | os.O_NONBLOCK))
            except OSError:
                pass
    if kind == "log_is_a_link":
        assert (tmp_path / "elsewhere.jsonl").read_text() == ""


def test_a_pipe_with_a_reader_is_not_written_either(tmp_path):
    (tmp_path / "access").mkdir()
    os.mkfifo(audit.path(tmp_path))
    reader = os.open(audit.path(tmp_path), os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert within(5, audit.record, tmp_path, "ivanova", "signin") is False
        assert os.read(reader, 100) == b""            # nothing was written into it
    finally:
        os.close(reader)
