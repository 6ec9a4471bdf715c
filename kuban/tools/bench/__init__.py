"""`python -m kuban bench`: how fast the dashboard loads and answers, against a plain pandas dashboard.

    python -m kuban bench [--rows N] [--json] [--keep DIR] [--repeat R]
    python -m kuban bench --sessions 20 [--seconds 60] [--client websocket|chromium] [--data-dir DIR] [--json]

The first form writes a synthetic data folder (`--rows` rows per fact table, default 10 million, in the demo
generator's shapes: the enterprise register, monthly shipments and production in Parquet, and ФРП loans and
subsidies of a realistic small size; `synthetic.py`), or reuses the one under `--keep DIR` (DIR/rows-N, reused
when complete and of the same size and generator version). Then, each step in a process of its own (so each peak
memory is that step's alone; `python -m kuban.tools.bench --phase …`):

1. first load: the store (`<folder>/.kuban`) deleted, `DataSource(folder).get()`; its time and peak memory;
2. the serving process: a restart (`DataSource(folder).get()` with the store present: once the persistent
   store exists this is what a restarted server pays; until then it is a second first load), then one filter
   change on every page in each scenario (all the queries the page runs, the result cache cleared before
   each), `--repeat` times: median and 95th percentile; its peak memory is `peak_rss_mb` (target: 1.5 GB)
   (`pages.py`);
3. the whole page run of a filter change (the script in Streamlit's AppTest, from its start to its end: queries,
   figures, tables, protobuf), per page and scenario, for a view made anew (query and view caches emptied) and
   for a view already made (`page_runs.py`);
4. a plain pandas dashboard: every table read once with `pd.read_parquet`, the headline figures of every page
   by filtering and grouping per scenario; its load time, peak memory and median time per page
   (`pandas_side.py`).

The answers of (2) and (4) are compared, number by number to a relative 1e-9; `speedup_vs_pandas` is the median
over the scenarios of (pandas time of all pages / DuckDB time of all pages). The pandas side computes only the
headline figures while DuckDB runs every query of the page, so the ratio leans in pandas' favour (`report.py`).

The second form starts the dashboard (`python -m kuban serve`) on `--data-dir` (default: the synthetic folder
of `--rows`) and lets `--sessions` viewers change filters at once for `--seconds` (`sessions.py`): errors,
timeouts, redraw times (median, 95th percentile, maximum) and the server's peak memory. `--client websocket`
(the default, `websocket.py`) speaks Streamlit's websocket protocol directly, all viewers in this process, so
it measures the server; `--client chromium` (`chromium.py`) drives Chromium pages (one browser, a context each,
Debian's /usr/bin/chromium or $KUBAN_CHROMIUM), which on a small machine measures the browsers as much.

Progress goes to stderr, so `--json` prints only the JSON object on stdout. Exit code 0; 1 when the DuckDB and
pandas answers differ or a session saw an error or a timeout; 3 on a failure (kuban.tools.cli).

The labels of the report are kuban.texts.BENCH_LABELS.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kuban import paths
from kuban.tools.bench.common import (LABELS, Progress, children_peak_rss_mb, peak_rss_mb, percentile,
                                      vm_hwm_mb)
from kuban.tools.bench.pages import (FIGURES, PAGE_FIGURES, PAGES, PANDAS_REPEAT, REL_TOL, REPEAT,
                                     SERVE_TARGET_MB, duck_figures, duck_page, phase_first_load, phase_serve,
                                     scenarios)
from kuban.tools.bench.pandas_side import PandasDashboard, phase_pandas
from kuban.tools.bench.report import compare, report_text, sessions_text, summarise
from kuban.tools.bench.sessions import CLIENTS, Session, run_sessions
from kuban.tools.bench.synthetic import FILES, GENERATOR_VERSION, MARKER, is_complete, prepare_folder, write_folder

__all__ = ["CLIENTS", "FIGURES", "FILES", "GENERATOR_VERSION", "LABELS", "MARKER", "PAGES", "PAGE_FIGURES",
           "PANDAS_REPEAT", "REL_TOL", "REPEAT", "SERVE_TARGET_MB", "PandasDashboard", "Progress", "Session",
           "children_peak_rss_mb", "compare", "duck_figures", "duck_page", "is_complete", "main", "peak_rss_mb",
           "percentile", "phase_first_load", "phase_pandas", "phase_serve", "prepare_folder", "report_text", "run",
           "run_bench", "run_sessions", "scenarios", "sessions_text", "summarise", "vm_hwm_mb", "write_folder"]


# --- Running the phases in processes of their own -----------------------------------------------------------

def _child(phase: str, folder: Path, out: Path, *extra: str) -> dict:
    """Run one phase in a fresh Python process (its peak memory its own); the store stays in <folder>/.kuban."""
    env = {k: v for k, v in os.environ.items() if k != "KUBAN_CACHE_DIR"}
    cmd = [sys.executable, "-m", "kuban.tools.bench", "--phase", phase, "--data-dir", str(folder), "--out", str(out),
           *extra]
    code = subprocess.run(cmd, cwd=paths.ROOT, env=env, check=False).returncode
    if code != 0:
        raise RuntimeError(LABELS["phase_failed"].format(phase=phase, code=code))
    return json.loads(out.read_text(encoding="utf-8"))


def run_bench(rows: int, keep: Path | None, repeat: int = REPEAT, pandas_repeat: int = PANDAS_REPEAT,
              seed: int = 1) -> dict:
    with tempfile.TemporaryDirectory(prefix="kuban-bench-") as tmp:
        scratch = Path(tmp)
        folder, generated, generate_s = prepare_folder(rows, keep, scratch, seed)
        shutil.rmtree(folder / ".kuban", ignore_errors=True)          # the first load starts without a store
        first = _child("first-load", folder, scratch / "first.json")
        serve = _child("serve", folder, scratch / "serve.json", "--repeat", str(repeat),
                       "--answers", str(scratch / "duck.pickle"))
        (scratch / "scenarios.json").write_text(json.dumps(serve["scenarios"], ensure_ascii=False), encoding="utf-8")
        page_runs = _child("page-runs", folder, scratch / "page_runs.json", "--repeat", str(repeat),
                           "--scenarios", str(scratch / "scenarios.json"))
        pandas_ = _child("pandas", folder, scratch / "pandas.json", "--repeat", str(pandas_repeat),
                         "--answers", str(scratch / "pandas.pickle"), "--scenarios", str(scratch / "scenarios.json"))
        with open(scratch / "duck.pickle", "rb") as a, open(scratch / "pandas.pickle", "rb") as b:
            checked, diffs = compare(pickle.load(a), pickle.load(b))
        return summarise(rows, folder, generated, generate_s, first, serve, pandas_, checked, diffs, repeat,
                         pandas_repeat, page_runs)


# --- Entry points ------------------------------------------------------------------------------------------

def run(args) -> int:
    """`python -m kuban bench` (arguments from kuban.tools.cli): print the report; 1 when answers differ or a
    session saw errors."""
    if args.sessions:
        client = getattr(args, "client", None) or CLIENTS[0]
        if args.data_dir:
            folder = Path(args.data_dir).resolve()
            result = run_sessions(args.sessions, args.seconds, folder, client, getattr(args, "workers", 0) or 0,
                                  think=getattr(args, "think", 0.0) or 0.0)
        else:
            with tempfile.TemporaryDirectory(prefix="kuban-bench-") as tmp:
                folder, _, _ = prepare_folder(args.rows, args.keep, Path(tmp))
                result = run_sessions(args.sessions, args.seconds, folder, client, getattr(args, "workers", 0) or 0,
                                  think=getattr(args, "think", 0.0) or 0.0)
            result["rows"] = args.rows
        bad = result["errors"] > 0 or result["timeouts"] > 0
        text = sessions_text(result)
    else:
        result = run_bench(args.rows, args.keep, args.repeat)
        bad = not result["answers_agree"]
        text = report_text(result)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(text)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """A phase of the bench in a process of its own (`python -m kuban.tools.bench --phase …`): writes JSON to --out."""
    p = argparse.ArgumentParser(prog="python -m kuban.tools.bench")
    p.add_argument("--phase", choices=["first-load", "serve", "page-runs", "pandas"], required=True)
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--repeat", type=int, default=REPEAT)
    p.add_argument("--answers", type=Path)
    p.add_argument("--scenarios", type=Path)
    args = p.parse_args(argv)
    folder = args.data_dir.resolve()
    if args.phase == "first-load":
        result = phase_first_load(folder)
    elif args.phase == "serve":
        result = phase_serve(folder, args.repeat, args.answers)
    elif args.phase == "page-runs":
        from kuban.tools.bench.page_runs import phase_page_runs
        result = phase_page_runs(folder, args.repeat, json.loads(args.scenarios.read_text(encoding="utf-8")))
    else:
        chosen = json.loads(args.scenarios.read_text(encoding="utf-8"))
        result = phase_pandas(folder, args.repeat, chosen, args.answers)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0

