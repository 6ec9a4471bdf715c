"""Reading the small settings files of the access folder without trusting them."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from kuban import texts as T


class SmallFileError(OSError):
    """The file is there but cannot be used (Russian message)."""


def read_small(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes; None if there is no such file.

    Opened without blocking and checked on the open descriptor, so a pipe in its place cannot hang a page and
    a file growing meanwhile is still cut at the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as e:
        raise SmallFileError(e.strerror or str(e)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SmallFileError(T.ACCESS_NOT_REGULAR)
        with os.fdopen(fd, "rb") as fh:
            fd = None
            raw = fh.read(limit + 1)
    finally:
        if fd is not None:
            os.close(fd)
    if len(raw) > limit:
        raise SmallFileError(T.ACCESS_TOO_LARGE.format(kb=limit // 1024))
    return raw
