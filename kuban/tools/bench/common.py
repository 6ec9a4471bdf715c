"""What every part of the bench shares: the report's labels, peak memory, percentiles, numbers for the report,
a progress bar on stderr."""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

from kuban import texts as T

# Russian labels of the report.
LABELS = T.BENCH_LABELS


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """A process's peak resident memory, VmHWM of /proc/PID/status (the peak of its program image, not of the
    process it was started from), or None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, else ru_maxrss."""
    peak = vm_hwm_mb()
    if peak is not None:
        return peak
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """The peak resident memory of the largest finished child process of this one (the loader builds a data
    version in a child process of its own): ru_maxrss of RUSAGE_CHILDREN, 0 without children. On Linux a child
    started by vfork counts from this process's peak at that moment, so it is never below the parent's."""
    import resource
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else math.nan


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _num(x, decimals: int = 0) -> str:
    """A number for the report: thin groups, decimal comma."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


class Progress:
    """A progress bar on stderr (stdout stays clean for --json); on a non-terminal, a line at the start and the end."""

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total, self.done = label, max(int(total), 1), 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = self._shown = time.monotonic()
        if not self.tty:
            print(f"{label} …", file=self.stream, flush=True)
        self._draw(force=True)

    def step(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if not force and now - self._shown < 0.1 and self.done < self.total:
            return
        self._shown = now
        width = 30
        full = width * self.done // self.total
        bar = "█" * full + "·" * (width - full)
        self.stream.write(f"\r{self.label:<22} {bar} {self.done}/{self.total} {now - self.t0:6.1f} с")
        self.stream.flush()

    def close(self) -> None:
        seconds = _num(time.monotonic() - self.t0, 1)
        if self.tty:
            self.done = self.total
            self._draw(force=True)
            self.stream.write("\n")
        else:
            print(f"{self.label}: " + LABELS["progress_done"].format(seconds=seconds), file=self.stream, flush=True)
