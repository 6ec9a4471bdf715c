"""The whole page run of a filter change: what a viewer waits for on the server (`python -m kuban bench`, the
phase `page-runs`, a process of its own).

dashboard.py runs in Streamlit's AppTest on the folder, open mode (127.0.0.1, as `make run` serves it). For
every page and scenario (pages.py) the sidebar is set to the scenario and the script run is timed from its start
to its end inside Streamlit's script thread (ScriptRunner._run_script: the script, the queries, the figures, the
tables and the protobuf of every element; not AppTest's polling). Each change is measured twice:

- `new`: a view nobody asked for yet: the query cache (kuban/model/queries.py) and the view cache
  (kuban/model/memo.py) are emptied first, so every statement, figure and table of the page is made anew;
- `seen`: the same view again after another one was shown in between (what the second of two managers who
  choose the same municipality waits for, or the first after the caches were warmed): queries and views
  come from the caches, what remains is Streamlit's own work per run.

The sidebar filters are set through their widget keys (kuban/app/ui.py: "mo", "okved", "from", "to").
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from kuban.tools.bench.common import LABELS, Progress, peak_rss_mb

PAGE_FILES = {       # bench page label -> pages/<file>.py (dashboard.py's PAGES)
    "Обзор": "overview", "Отгрузка": "shipments", "Производство": "production", "Займы ФРП": "loans",
    "Субсидии": "subsidies", "Кластер": "cluster", "Предприятие": "enterprise", "Муниципалитет": "municipality",
}
# The URL parameter of the object a card page shows (kuban.tools.bench.pages.card_objects chooses it).
PAGE_OBJECTS = {"Предприятие": "inn", "Муниципалитет": "oktmo"}
TIMEOUT_S = 600


def _timed_runs() -> list[float]:
    """Patch Streamlit's script runner so that every script run appends its seconds to the returned list."""
    from streamlit.runtime.scriptrunner import script_runner as sr
    runs: list[float] = []
    original = sr.ScriptRunner._run_script
    if getattr(original, "_kuban_timed", None) is not None:
        return original._kuban_timed

    def timed(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            runs.append(time.perf_counter() - t)

    timed._kuban_timed = runs
    sr.ScriptRunner._run_script = timed
    return runs


def _set(at, params: dict, names: dict[str, str]) -> None:
    """The sidebar as the scenario's parameters say (OKTMO codes → the names the widget shows)."""
    at.multiselect(key="mo").set_value([names[o] for o in params["munis"]])
    at.multiselect(key="okved").set_value(list(params["divisions"]))
    at.selectbox(key="from").set_value(params["date_from"].strftime("%Y-%m"))
    at.selectbox(key="to").set_value(params["date_to"].strftime("%Y-%m"))


def _run(at, runs: list[float]) -> float:
    n = len(runs)
    at.run(timeout=TIMEOUT_S)
    if at.exception:
        raise RuntimeError("; ".join(str(e.message) for e in at.exception))
    if len(runs) == n:
        raise RuntimeError("no script run")
    return runs[-1]


def phase_page_runs(folder: Path, repeat: int, chosen: dict[str, dict]) -> dict:
    """{"page_runs": {scenario: {page: {"new": [s, ...], "seen": [s, ...]}}}, "page_runs_peak_rss_mb": …}."""
    os.environ["KUBAN_DATA_DIR"] = str(folder)
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from kuban import paths
    from kuban.model import memo, queries
    from kuban.tools.bench.pages import _from_json

    config.set_option("server.address", "127.0.0.1")
    runs = _timed_runs()
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    _run(at, runs)
    import pandas as pd
    munis = pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)
    names = dict(zip(munis["oktmo"], munis["name"]))
    keys = list(chosen)
    progress = Progress(LABELS["progress_page_runs"], len(keys) * len(PAGE_FILES) * repeat)
    out: dict[str, dict] = {k: {} for k in keys}
    from kuban.model.db import DataSource
    from kuban.tools.bench.pages import card_objects
    objects = card_objects(DataSource(folder).get())
    for page, file in PAGE_FILES.items():
        at.switch_page(f"pages/{file}.py")
        if page in PAGE_OBJECTS:
            at.query_params[PAGE_OBJECTS[page]] = objects[PAGE_OBJECTS[page]]
        _run(at, runs)
        for i, key in enumerate(keys):
            params = _from_json(chosen[key]["params"])
            other = _from_json(chosen[keys[(i + 1) % len(keys)]]["params"])
            new, seen = [], []
            for _ in range(repeat):
                queries.CACHE.clear()
                memo.CACHE.clear()
                _set(at, params, names)
                new.append(_run(at, runs))
                _set(at, other, names)          # another view in between, then this one again
                _run(at, runs)
                _set(at, params, names)
                seen.append(_run(at, runs))
                progress.step()
            out[key][page] = {"new": new, "seen": seen}
    progress.close()
    return {"page_runs": out, "page_runs_peak_rss_mb": round(peak_rss_mb())}
