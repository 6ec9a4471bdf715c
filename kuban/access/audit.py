"""The audit log: `<data folder>/access/audit.jsonl`, one JSON object a line, only ever appended.

    {"time": "2026-12-01T14:03:22+03:00", "user": "ivanova", "action": "download", "ip": "10.0.0.7",
     "what": "отгрузка", "filter": "Кореновский район · 11.2025–10.2026"}

Actions (labels in kuban.texts.AUDIT_ACTIONS): sign-ins, failed and slowed-down attempts, sign-outs and idle
time-outs, access refused, downloads, saved cluster definitions, and (kuban/tools and the upload page)
uploads, withdrawals and restores. A line is written with one append under a lock, so lines of two sessions
never interleave; what comes from users (a typed login, a filter naming anything) is cut to a bounded length
and stored as JSON text. Administrators read it on «Данные»; nothing else reads it.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
from datetime import datetime
from pathlib import Path

import pandas as pd

from kuban import paths

FILE = "audit.jsonl"
VALUE_CHARS = 500           # a value longer than this is cut
TAIL_BYTES = 8 * 1024 * 1024
COLUMNS = ["time", "user", "action", "ip", "what", "filter", "detail"]
log = logging.getLogger(__name__)


def path(data_dir: Path | str) -> Path:
    return Path(data_dir) / paths.ACCESS_FOLDER / FILE


def _cut(value) -> str:
    text = "" if value is None else str(value)
    text = text[: VALUE_CHARS + 1]      # first: a value of megabytes costs no more than a short one
    try:        # the bytes of a file name that is not UTF-8 shown as �
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:      # any other lone surrogate (a saved JSON setting may hold one): � too
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def record(data_dir: Path | str, user: str, action: str, *, ip: str | None = None, what: str = "",
           filter: str = "", detail: str = "") -> bool:
    """Append one entry; False (and a server log line) if the log cannot be written."""
    entry = {"time": datetime.now().astimezone().isoformat(timespec="seconds"), "user": _cut(user),
             "action": _cut(action), "ip": _cut(ip), "what": _cut(what), "filter": _cut(filter),
             "detail": _cut(detail)}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    p = path(data_dir)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        # Not following a link, not waiting for a pipe's reader, and only ever into a plain file.
        fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     0o600)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError("not a regular file")
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        return True
    except OSError as e:
        log.error("audit log %s cannot be written: %s", p, e)
        return False


def read(data_dir: Path | str, last: int | None = None, max_bytes: int = TAIL_BYTES) -> pd.DataFrame:
    """The entries, newest first: the last `last` (or all within the last `max_bytes` of the file). A damaged
    line is skipped, never a failure."""
    p = path(data_dir)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise OSError("not a regular file")
            size = os.fstat(f.fileno()).st_size
            start = max(0, size - max_bytes)
            f.seek(start)
            raw = f.read(max_bytes)
    except FileNotFoundError:
        return pd.DataFrame(columns=COLUMNS)
    except OSError as e:
        log.error("audit log %s cannot be read: %s", p, e)
        return pd.DataFrame(columns=COLUMNS)
    lines = raw.split(b"\n")
    if start > 0:
        lines = lines[1:]           # the first line was cut by the window
    rows = []
    for line in reversed(lines):
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8", "replace"))
        except (ValueError, RecursionError):        # (brackets nested thousands deep)
            continue
        if isinstance(entry, dict):
            rows.append({c: _cut(entry.get(c, "")) for c in COLUMNS})
        if last is not None and len(rows) >= last:
            break
    return pd.DataFrame(rows, columns=COLUMNS)
