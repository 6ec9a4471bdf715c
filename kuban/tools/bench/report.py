"""Comparing the DuckDB and pandas answers, the summary of a run and the text reports (--json prints the dicts)."""
from __future__ import annotations

import math
import os
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kuban import texts as T
from kuban.tools.bench.common import LABELS, _ms, _num, percentile
from kuban.tools.bench.pages import ALL_PAGES, FIGURES, PAGES, REL_TOL, SERVE_TARGET_MB

# --- Comparing the answers -----------------------------------------------------------------------------------

def _key_text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
        return ""
    if isinstance(v, (pd.Timestamp, date, np.datetime64)):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer, float, np.floating)):
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return str(v)


def _value(v) -> float:
    if v is None or v is pd.NA or v is pd.NaT:
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def compare(duck: dict, pand: dict, rel: float = REL_TOL) -> tuple[int, list[str]]:
    """(numbers compared, differences): every figure of every scenario, row by row on its key columns."""
    checked, diffs = 0, []
    for scenario, figures in duck.items():
        for name, frame in figures.items():
            _, _, keys, values = FIGURES[name]
            other = pand.get(scenario, {}).get(name)
            where = f"{scenario}/{name}"
            if other is None:
                diffs.append(f"{where}: no pandas answer")
                continue
            rows = {}
            for side, f in (("duckdb", frame), ("pandas", other)):
                index = {}
                for rec in f[list(keys + values)].to_dict("records"):
                    k = tuple(_key_text(rec[c]) for c in keys)
                    if k in index:
                        diffs.append(f"{where}: {side} has the key {k} twice")
                    index[k] = rec
                rows[side] = index
            only = set(rows["duckdb"]) ^ set(rows["pandas"])
            for k in sorted(only)[:5]:
                diffs.append(f"{where}: key {k} only in {'duckdb' if k in rows['duckdb'] else 'pandas'}")
            for k in set(rows["duckdb"]) & set(rows["pandas"]):
                a, b = rows["duckdb"][k], rows["pandas"][k]
                for c in values:
                    x, y = _value(a[c]), _value(b[c])
                    checked += 1
                    if math.isnan(x) and math.isnan(y):
                        continue
                    if math.isnan(x) or math.isnan(y) or not math.isclose(x, y, rel_tol=rel, abs_tol=1e-12):
                        diffs.append(f"{where} {dict(zip(keys, k))} {c}: duckdb {x!r} pandas {y!r}")
    return checked, diffs


# --- The summary and the text reports ---------------------------------------------------------------

def _stats(runs: list[float]) -> dict:
    return {"p50_ms": _ms(float(np.median(runs))), "p95_ms": _ms(percentile(runs, 95))}


def summarise(rows: int, folder: Path, generated: bool, generate_s: float, first: dict, serve: dict,
              pandas_: dict, checked: int, diffs: list[str], repeat: int, pandas_repeat: int,
              page_runs: dict | None = None) -> dict:
    pages = {page: _stats([x for sc in serve["times"].values() for x in sc[page]]) for page in ALL_PAGES
             if all(page in sc for sc in serve["times"].values())}
    per_scenario, ratios = {}, []
    for key, meta in serve["scenarios"].items():
        duck_ms = {page: float(np.median(serve["times"][key][page])) * 1000 for page in PAGES}
        pand_ms = {page: float(np.median(pandas_["times"][key][page])) * 1000 for page in PAGES}
        ratio = sum(pand_ms.values()) / sum(duck_ms.values())
        ratios.append(ratio)
        shown = {k: meta["params"][k] for k in ("munis", "divisions", "date_from", "date_to")}
        per_scenario[key] = {"label": meta["label"], "filters": shown,
                             "pages": {page: _stats(serve["times"][key][page]) for page in pages},
                             "pandas_p50_ms": {page: round(v, 1) for page, v in pand_ms.items()},
                             "speedup_vs_pandas": round(ratio, 2)}
    pandas_all = [x for sc in pandas_["times"].values() for runs in sc.values() for x in runs]
    duck_all = [x for sc in serve["times"].values() for page, runs in sc.items() if page in PAGES for x in runs]
    runs = (page_runs or {}).get("page_runs", {})
    whole = {page: {kind: _stats([x for sc in runs.values() for x in sc[page][kind]]) for kind in ("new", "seen")}
             for page in ALL_PAGES if all(page in sc for sc in runs.values()) and runs and page in pages}
    return {
        "rows": rows,
        "data_dir": str(folder),
        "generated": generated,
        "generate_s": round(generate_s, 1),
        "tables": serve["tables"],
        "refused": serve["refused"],
        "first_load_s": first["first_load_s"],
        "first_load_peak_rss_mb": first["first_load_peak_rss_mb"],
        "first_load_process_peak_rss_mb": first["first_load_process_peak_rss_mb"],
        "store_after_first_load": first["store_after_first_load"],
        "restart_s": serve["restart_s"],
        "store_at_restart": serve["store_at_restart"],
        "peak_rss_mb": serve["peak_rss_mb"],
        "serve_children_peak_rss_mb": serve["serve_children_peak_rss_mb"],
        "peak_rss_target_mb": SERVE_TARGET_MB,
        "repeat": repeat,
        "p50_ms": _ms(float(np.median(duck_all))),
        "pages": pages,
        "page_runs": whole,
        "page_runs_by_scenario": {key: {page: {kind: _stats(v[kind]) for kind in v} for page, v in sc.items()}
                                  for key, sc in runs.items()},
        "page_runs_peak_rss_mb": (page_runs or {}).get("page_runs_peak_rss_mb"),
        "scenarios": per_scenario,
        "pandas": {"load_s": pandas_["load_s"], "peak_rss_mb": pandas_["peak_rss_mb"], "repeat": pandas_repeat,
                   "p50_ms": _ms(float(np.median(pandas_all))),
                   "pages": {page: {"p50_ms": _ms(float(np.median(
                       [x for sc in pandas_["times"].values() for x in sc[page]])))} for page in PAGES}},
        "answers_agree": not diffs,
        "numbers_compared": checked,
        "differences": diffs[:50],
        "speedup_vs_pandas": round(float(np.median(ratios)), 2),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "duckdb": _version("duckdb"),
                    "pandas": pd.__version__},
    }


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 - only for the report
        return "?"


def report_text(r: dict) -> str:
    lines = [LABELS["title"].format(rows=_num(r["rows"])),
             LABELS["folder"].format(folder=r["data_dir"], how=LABELS["folder_written"].format(
                 seconds=_num(r["generate_s"], 1)) if r["generated"] else LABELS["folder_reused"]),
             LABELS["loaded_rows"].format(tables=", ".join(f"{T.TABLE_LABELS.get(k, k)} {_num(v)}"
                                                           for k, v in r["tables"].items()),
                                          refused=_num(r["refused"])),
             LABELS["first_load"].format(seconds=_num(r["first_load_s"], 1), mb=_num(r["first_load_peak_rss_mb"])),
             LABELS["restart"].format(store=LABELS["store_yes"] if r["store_at_restart"] else LABELS["store_no"],
                                      seconds=_num(r["restart_s"], 1)),
             LABELS["serve_peak"].format(mb=_num(r["peak_rss_mb"])),
             "",
             LABELS["changes"].format(repeat=r["repeat"])]
    heads = [LABELS["col_page"]] + [s["label"] for s in r["scenarios"].values()] + [LABELS["col_all"],
                                                                                     LABELS["col_pandas"]]
    table = [heads]
    for page in r["pages"]:
        row = [page]
        for s in r["scenarios"].values():
            x = s["pages"][page]
            row.append(f"{_num(x['p50_ms'])} / {_num(x['p95_ms'])}")
        row.append(f"{_num(r['pages'][page]['p50_ms'])} / {_num(r['pages'][page]['p95_ms'])}")
        row.append(_num(r["pandas"]["pages"][page]["p50_ms"]) if page in r["pandas"]["pages"] else "—")
        table.append(row)
    widths = [max(len(row[i]) for row in table) for i in range(len(heads))]
    for row in table:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    if r.get("page_runs"):
        lines += ["", LABELS["page_runs"].format(repeat=r["repeat"])]
        table = [[LABELS["col_page"], LABELS["col_query"], LABELS["col_new"], LABELS["col_seen"]]]
        for page, x in r["page_runs"].items():
            q = r["pages"][page]
            table.append([page, f"{_num(q['p50_ms'])} / {_num(q['p95_ms'])}",
                          f"{_num(x['new']['p50_ms'])} / {_num(x['new']['p95_ms'])}",
                          f"{_num(x['seen']['p50_ms'])} / {_num(x['seen']['p95_ms'])}"])
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        for row in table:
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    lines += ["",
              LABELS["pandas"].format(seconds=_num(r["pandas"]["load_s"], 1), mb=_num(r["pandas"]["peak_rss_mb"]),
                                      ms=_num(r["pandas"]["p50_ms"]))]
    if r["answers_agree"]:
        lines.append(LABELS["agree"].format(n=_num(r["numbers_compared"])))
    else:
        lines.append(LABELS["disagree"].format(n=len(r["differences"])))
        lines += ["  " + d for d in r["differences"][:20]]
    each = "; ".join(f"{s['label']}: {_num(s['speedup_vs_pandas'], 1)}" for s in r["scenarios"].values())
    lines.append(LABELS["speedup"].format(x=_num(r["speedup_vs_pandas"], 1), each=each))
    return "\n".join(lines)


def sessions_text(r: dict) -> str:
    lines = [LABELS["sessions_title"].format(client=LABELS.get("client_" + r.get("client", ""), r.get("client", "")),
                                              sessions=r["sessions"], seconds=_num(r["seconds"]), folder=r["data_dir"]),
             *([LABELS["sessions_think"].format(think=_num(r["think_s"], 1))] if r.get("think_s") else []),
             LABELS["sessions_start"].format(start=_num(r["server_start_s"], 1), first=_num(r["first_page_s"], 1)),
             LABELS["sessions_changes"].format(changes=_num(r["changes"]), errors=_num(r["errors"]),
                                               timeouts=_num(r["timeouts"]), timeout=_num(r["timeout_s"])),
             LABELS["sessions_redraw"].format(p50=_num(r["redraw_p50_ms"]), p95=_num(r["redraw_p95_ms"]),
                                              max=_num(r["redraw_max_ms"])),
             LABELS["sessions_peak"].format(mb=_num(r["server_peak_rss_mb"]))]
    lines += [LABELS["sessions_error"].format(error=e) for e in (r["error_samples"] + r["timeout_samples"])[:10]]
    return "\n".join(lines)
