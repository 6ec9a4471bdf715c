"""Many viewers at once (`--sessions N`): start the dashboard as `make run` does, let N simulated viewers change
filters for `--seconds`, stop it; errors, timeouts, redraw times and the server's peak memory.

The viewers are either Streamlit's own websocket protocol spoken directly (kuban.tools.bench.websocket, the
default: it measures the server) or Chromium pages (kuban.tools.bench.chromium: the whole way to the pixels,
but on a small machine the browsers take the CPU the server needs).
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kuban import paths
from kuban.tools.bench.common import LABELS, _ms, percentile, vm_hwm_mb
from kuban.tools.workers import free_port, health  # noqa: F401 - also the browser tests' helpers

CLIENTS = ("websocket", "chromium")
SESSION_PATHS = ("/", "/shipments", "/production", "/loans", "/subsidies", "/cluster")
SERVER_START_S = 120
OPEN_TIMEOUT_S = 600             # the first page waits for the first load of the folder
CHANGE_TIMEOUT_S = 120


@dataclass
class Session:
    index: int
    path: str                   # the page the viewer starts on (a URL path)
    redraws: list[tuple[str, float]] = field(default_factory=list)   # (page, seconds) of each change
    errors: list[str] = field(default_factory=list)      # the app's: exceptions shown, page errors
    timeouts: list[str] = field(default_factory=list)    # changes (or page opens) that did not finish in time
    # the client's input that never reached the app (no run started, the app idle and connected): done again
    lost: list[str] = field(default_factory=list)


# --- The server ---------------------------------------------------------------------------------------------

def serve_command(port: int, workers: int = 0) -> list[str]:
    """The dashboard as `make run` starts it (python -m kuban serve), headless on 127.0.0.1:port; with `workers`,
    that many processes behind nginx on that port (python -m kuban serve --workers, kuban/tools/workers.py)."""
    return [sys.executable, "-m", "kuban", "serve", *(["--workers", str(workers)] if workers else []), "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    start_s: float


@contextlib.contextmanager
def dashboard(data_dir: Path, log: Path, workers: int = 0):
    """Start the dashboard on `data_dir`, wait until it answers, yield a Server; stop it (by its pid) afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        server = subprocess.Popen(serve_command(port, workers), cwd=paths.ROOT,
                                  env={**os.environ, "KUBAN_DATA_DIR": str(data_dir)},
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        while health(url) != "ok":
            if server.poll() is not None or time.perf_counter() - t0 > SERVER_START_S:
                raise RuntimeError(LABELS["server_failed"].format(
                    code=server.poll(), log=log.read_text(errors="replace")[-2000:]))
            time.sleep(0.2)
        yield Server(url, server, log, time.perf_counter() - t0)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


async def tick(progress, deadline: float) -> None:
    """Step the progress bar (one step a second) until the deadline."""
    import asyncio
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        progress.step()


# --- A run -----------------------------------------------------------------------------------------------------

def tree_peak_mb(pid: int) -> float | None:
    """Peak memory of a process and all its descendants (the workers of `serve --workers`, their builds), summed."""
    total, seen, todo = 0.0, set(), [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += vm_hwm_mb(p) or 0.0
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return total or None


def think_pause(rng, think: float) -> float:
    """How long a viewer reads what it got before its next change: uniformly 0.5-1.5 times `think` (0: none)."""
    return rng.uniform(0.5 * think, 1.5 * think) if think > 0 else 0.0


def run_sessions(n: int, seconds: float, data_dir: Path, client: str = "websocket", workers: int = 0,
                 think: float = 0.0) -> dict:
    """Start the dashboard on `data_dir` (with `workers`: that many processes behind nginx), drive `n` viewers of
    the kind `client` for `seconds`, each pausing about `think` seconds after a redraw; the report."""
    if think < 0 or think != think:
        raise ValueError("think must be a non-negative number of seconds")
    import asyncio
    if client == "chromium":
        from kuban.tools.bench import chromium as driver
    elif client == "websocket":
        from kuban.tools.bench import websocket as driver
    else:
        raise ValueError(f"unknown client {client!r}: one of {CLIENTS}")
    driver.check()
    with tempfile.TemporaryDirectory(prefix="kuban-sessions-") as tmp:
        with dashboard(data_dir, Path(tmp) / "streamlit.log", workers) as server:
            cpu = time.process_time()
            sessions, first_page = asyncio.run(driver.drive(server.url, n, seconds, think))
            cpu = time.process_time() - cpu
            server_peak = tree_peak_mb(server.process.pid) if workers else vm_hwm_mb(server.process.pid)
    result = summarise(sessions, first_page, server.start_s, server_peak, n, seconds, data_dir, client,
                       driver.TIMEOUT_S)
    result["workers"] = workers
    result["think_s"] = think
    result["client_cpu_s"] = round(cpu, 1)     # this process's CPU (the websocket viewers; Chromium runs apart)
    return result


def summarise(sessions: list[Session], first_page: float, start: float, server_peak: float | None, n: int,
              seconds: float, data_dir: Path, client: str, timeout_s: float) -> dict:
    redraws = [x for s in sessions for _, x in s.redraws]
    errors = [e for s in sessions for e in s.errors]
    timeouts = [e for s in sessions for e in s.timeouts]
    by_page: dict[str, list[float]] = {}
    for s in sessions:
        for path, x in s.redraws:
            by_page.setdefault(path, []).append(x)
    return {
        "client": client, "sessions": n, "seconds": seconds, "data_dir": str(data_dir),
        "server_start_s": round(start, 1), "first_page_s": round(first_page, 1),
        "changes": len(redraws), "errors": len(errors), "error_samples": errors[:20],
        "timeouts": len(timeouts), "timeout_samples": timeouts[:10], "timeout_s": timeout_s,
        "lost_actions": sum(len(s.lost) for s in sessions),
        "redraw_p50_ms": _ms(float(np.median(redraws))) if redraws else None,
        "redraw_p95_ms": _ms(percentile(redraws, 95)) if redraws else None,
        "redraw_max_ms": _ms(max(redraws)) if redraws else None,
        "by_path": {path: {"changes": len(v), "p50_ms": _ms(float(np.median(v))), "p95_ms": _ms(percentile(v, 95))}
                    for path, v in sorted(by_page.items())},
        "server_peak_rss_mb": round(server_peak) if server_peak is not None else None,
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2)
                    if hasattr(os, "getloadavg") else None},
    }
