"""A progress bar on the terminal for a load (kuban.data.ingest.Progress snapshots), on stderr, so that what a
command prints on stdout (`check --json`) stays clean. Silent when stderr is not a terminal (logs, pipes)."""
from __future__ import annotations

import sys
import time

from kuban import texts as T

WIDTH = 24
EVERY_S = 0.2


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _printable(text: str) -> str:
    """A file name as plain characters: no escape sequence from a name reaches the terminal."""
    return "".join(c if c.isprintable() else "?" for c in text)


class TerminalProgress:
    def __init__(self, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.last = 0.0
        self.shown = False

    def __call__(self, snapshot: dict) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < EVERY_S:
            return
        self.last = now
        total = snapshot.get("bytes_total") or 0
        share = (snapshot.get("bytes_done") or 0) / total if total else 0.0
        filled = int(round(share * WIDTH))
        text = T.PROGRESS_TERMINAL.format(done=snapshot.get("files_done", 0), total=snapshot.get("files_total", 0),
                                          rows=_number(snapshot.get("rows", 0)),
                                          file=_printable(snapshot.get("file") or ""))
        line = f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%} {text}"[:160]
        self.stream.write(line.ljust(100))
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 160 + "\r")
            self.stream.flush()
