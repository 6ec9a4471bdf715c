"""Reading the access folder's small settings files (kuban/access/files.py) without trusting them."""
from __future__ import annotations

import os
import threading

import pytest

from kuban.access import files


def within(seconds: float, fn, *args):
    out = {}

    def run():
        try:
            out["v"] = fn(*args)
        except BaseException as e:      # noqa: BLE001 - handed to the test
            out["e"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} still running after {seconds} s"
    if "e" in out:
        raise out["e"]
    return out["v"]


def test_a_missing_file_is_none_and_a_small_one_is_its_bytes(tmp_path):
    assert files.read_small(tmp_path / "none.toml", 10) is None
    assert files.read_small(tmp_path / "no folder" / "none.toml", 10) is None
    (tmp_path / "a").write_bytes(b"0123456789")
    assert files.read_small(tmp_path / "a", 10) == b"0123456789"        # exactly the limit: read
    (tmp_path / "e").write_bytes(b"")
    assert files.read_small(tmp_path / "e", 10) == b""
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert files.read_small(tmp_path / "link", 10) == b"0123456789"


def test_over_the_limit_is_refused_in_kilobytes(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 2049)
    with pytest.raises(files.SmallFileError, match="файл больше 2 КБ"):
        files.read_small(tmp_path / "a", 2048)
    with open(tmp_path / "sparse", "wb") as f:
        f.truncate(10 ** 12)                    # a terabyte that is not there: refused without reading it
    with pytest.raises(files.SmallFileError, match="больше"):
        within(5, files.read_small, tmp_path / "sparse", 1024 * 1024)


@pytest.mark.parametrize("kind", ["fifo", "directory", "dev_zero", "dev_urandom", "loop", "under_a_file"])
def test_anything_but_a_regular_file_is_refused_at_once(tmp_path, kind):
    p = tmp_path / "access.toml"
    if kind == "fifo":
        os.mkfifo(p)
    elif kind == "directory":
        p.mkdir()
    elif kind in ("dev_zero", "dev_urandom"):
        p.symlink_to("/dev/" + kind.split("_")[1])
    elif kind == "loop":
        p.symlink_to(p)
    else:
        (tmp_path / "f").write_text("x")
        p = tmp_path / "f" / "access.toml"
    try:
        with pytest.raises(files.SmallFileError) as e:
            within(5, files.read_small, p, 1024)
    finally:
        if kind == "fifo":
            try:
                os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
    assert str(e.value) and "\n" not in str(e.value)
    if kind in ("fifo", "directory", "dev_zero", "dev_urandom"):
        assert str(e.value) == "это не обычный файл"
