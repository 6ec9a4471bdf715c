"""`python -m kuban bench`: how fast the dashboard loads and answers, against a plain pandas dashboard.

    python -m kuban bench [--rows N] [--json] [--keep DIR] [--repeat R]
    python -m kuban bench --sessions 20 [--seconds 60] [--data-dir DIR] [--json]

The first form writes a synthetic data folder (`--rows` rows per fact table, default 10 million, in the demo
generator's shapes: the enterprise register, monthly shipments and production in Parquet, and ФРП loans and
subsidies of a realistic small size), or reuses the one under `--keep DIR` (DIR/rows-N, reused when complete and
of the same size and generator version). Then, each step in a process of its own (so each peak memory is that
step's alone):

1. first load: the store (`<folder>/.kuban`) deleted, `DataSource(folder).get()`; its time and peak memory;
2. the serving process: a restart (`DataSource(folder).get()` with the store present: once the persistent
   store exists this is what a restarted server pays; until then it is a second first load), then one filter
   change on every page in each scenario (all the queries the page runs, the result cache cleared before
   each), `--repeat` times: median and 95th percentile; its peak memory is `peak_rss_mb` (target: 1.5 GB);
3. a plain pandas dashboard: every table read once with `pd.read_parquet`, the headline figures of every page
   by filtering and grouping per scenario; its load time, peak memory and median time per page.

The answers of (2) and (3) are compared, number by number to a relative 1e-9; `speedup_vs_pandas` is the median
over the scenarios of (pandas time of all pages / DuckDB time of all pages). The pandas side computes only the
headline figures while DuckDB runs every query of the page, so the ratio leans in pandas' favour.

The second form starts the dashboard (`python -m kuban serve`) on `--data-dir` (default: the synthetic folder
of `--rows`) and drives `--sessions` Chromium pages (one browser, a context each, Debian's /usr/bin/chromium or
$KUBAN_CHROMIUM) that change the municipality filter for `--seconds`: errors and redraw times.

Progress goes to stderr, so `--json` prints only the JSON object on stdout. Exit code 0; 1 when the DuckDB and
pandas answers differ or a session saw an error; 3 on a failure (kuban.tools.cli).

The labels of the report are kuban.texts.BENCH_LABELS.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kuban import paths
from kuban import texts as T
from kuban.tools import demo

# Russian labels of the report (to be moved to kuban/texts.py).
LABELS = T.BENCH_LABELS

# --- What is measured -------------------------------------------------------------------------------

# The queries each page runs on a filter change (pages/*.py; the sidebar's lists and bounds and the
# row-level downloads are not rerun: they are cached or built on click). The cluster page runs its
# default definition through kuban.model.cluster.analyse, as the page does.
PAGES: dict[str, tuple[str, ...]] = {
    T.PAGE_OVERVIEW: ("overview_kpis", "shipments_monthly", "shipments_by_municipality"),
    T.PAGE_SHIPMENTS: ("shipments_monthly", "shipments_by_municipality", "shipments_by_division",
                       "shipments_top_enterprises"),
    T.PAGE_PRODUCTION: ("production_summary", "production_monthly", "production_enterprises"),
    T.PAGE_LOANS: ("loans_portfolio", "loans_monthly", "loans_list"),
    T.PAGE_SUBSIDIES: ("subsidies_summary", "support_intensity", "subsidies_recipients"),
    T.PAGE_CLUSTER: ("cluster_specialisation", "cluster_members", "cluster_vs_rest"),
}
TOP_LIMIT = 50                      # pages/shipments.py: the largest enterprises
ONE_MUNICIPALITY = "Краснодар"
FIVE_MUNICIPALITIES = ("Краснодар", "Новороссийск", "Армавир", "Сочи", "Кореновский район")
ONE_DIVISION = "28"
REPEAT = 7                          # filter changes per page and scenario (median and 95th percentile)
PANDAS_REPEAT = 3                   # the pandas side reports a median only
REL_TOL = 1e-9
SERVE_TARGET_MB = 1536

# The headline figures compared between DuckDB and pandas: name -> (query, rows kept, key columns, values).
FIGURES: dict[str, tuple[str, dict, tuple[str, ...], tuple[str, ...]]] = {
    "kpis": ("overview_kpis", {}, (), (
        "shipped_rub", "shipped_prev_rub", "export_rub", "output_rub", "output_prev_rub", "enterprises",
        "enterprises_prev", "loans_rub", "loans_prev_rub", "loans_count", "loans_prev_count", "subsidies_rub",
        "subsidies_prev_rub")),
    "shipments_monthly": ("shipments_monthly", {}, ("period",), (
        "shipped_rub", "export_rub", "shipped_prev_rub", "enterprises")),
    "shipments_by_municipality": ("shipments_by_municipality", {}, ("oktmo",), (
        "shipped_rub", "export_rub", "shipped_prev_rub", "enterprises")),
    "shipments_by_division": ("shipments_by_division", {}, ("division",), (
        "shipped_rub", "export_rub", "enterprises")),
    "shipments_top": ("shipments_top_enterprises", {}, ("inn",), ("shipped_rub", "export_rub", "shipped_prev_rub")),
    "production_monthly": ("production_monthly", {}, ("period",), (
        "output_rub", "output_prev_rub", "employees", "employees_prev", "enterprises")),
    "production_summary": ("production_summary", {}, ("dimension", "oktmo", "division"), (
        "output_rub", "output_prev_rub", "employees_avg", "employees_avg_prev", "productivity_rub",
        "productivity_prev_rub", "enterprises")),
    "production_enterprises": ("production_enterprises", {}, ("inn",), (
        "output_rub", "output_prev_rub", "employees_avg", "employees_avg_prev", "productivity_rub",
        "productivity_prev_rub")),
    "loans_portfolio": ("loans_portfolio", {"dimension": ("total", "fund", "municipality")},
                        ("dimension", "fund", "oktmo"), (
        "loans", "amount_rub", "rate_avg_pct", "term_avg_years", "loans_all", "amount_all_rub")),
    "loans_monthly": ("loans_monthly", {}, ("period", "fund"), ("loans", "amount_rub")),
    "loans_list": ("loans_list", {}, ("loan_id",), ("shipped_before_rub", "shipped_latest_rub", "months_after")),
    "subsidies_summary": ("subsidies_summary", {"dimension": ("total", "programme", "municipality")},
                          ("dimension", "programme", "oktmo"), ("subsidies", "amount_rub", "recipients")),
    "support_intensity": ("support_intensity", {}, ("dimension", "oktmo"), (
        "loans_rub", "subsidies_rub", "shipped_rub", "intensity")),
    "subsidies_recipients": ("subsidies_recipients", {}, ("inn",), ("subsidies", "amount_rub")),
    "cluster_specialisation": ("cluster_specialisation", {}, ("oktmo", "industry"), (
        "employees", "output_rub", "enterprises", "employees_then", "output_then_rub", "enterprises_then")),
    "cluster_members": ("cluster_members", {}, ("inn",), (
        "shipped_rub", "shipped_prev_rub", "employees", "output_rub", "productivity_rub", "export_rub",
        "loans_rub", "subsidies_rub", "shipped_rank")),
    "cluster_vs_rest": ("cluster_vs_rest", {}, ("years_back", "in_cluster"), (
        "shipped_rub", "output_rub", "employees", "support_rub")),
}
PAGE_FIGURES: dict[str, tuple[str, ...]] = {
    T.PAGE_OVERVIEW: ("kpis", "shipments_monthly", "shipments_by_municipality"),
    T.PAGE_SHIPMENTS: ("shipments_monthly", "shipments_by_municipality", "shipments_by_division", "shipments_top"),
    T.PAGE_PRODUCTION: ("production_summary", "production_monthly", "production_enterprises"),
    T.PAGE_LOANS: ("loans_portfolio", "loans_monthly", "loans_list"),
    T.PAGE_SUBSIDIES: ("subsidies_summary", "support_intensity", "subsidies_recipients"),
    T.PAGE_CLUSTER: ("cluster_specialisation", "cluster_members", "cluster_vs_rest"),
}

# --- Small helpers ---------------------------------------------------------------------------------


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


# --- The synthetic folder -----------------------------------------------------------------------------

GENERATOR_VERSION = 1          # change when the folder's shape changes: a kept folder of another version is rewritten
MARKER = "_bench.json"         # written last (a folder without it is incomplete); `_` files are not data (ingest)
FILES = {"enterprises": "enterprises/register.parquet", "shipments": "shipments/shipments.parquet",
         "production": "production/production.parquet", "loans": "loans/loans.parquet",
         "subsidies": "subsidies/subsidies.parquet"}
CHUNK_ROWS = 1_000_000         # rows per Parquet row group (and per generation step)
LOANS_PER_YEAR = 55            # regional fund decisions a year, plus refusals and a few federal loans
FEDERAL_LOANS_PER_YEAR = 4
SUBSIDIES_PER_YEAR = 350
MISSING_HEADCOUNT = 0.02       # production rows without headcount
EXPORTERS = 0.3


def _months() -> np.ndarray:
    return pd.date_range(f"{demo.FIRST_YEAR}-01-01", periods=demo.N_MONTHS, freq="MS").values.astype("datetime64[D]")


def _inns(n: int) -> np.ndarray:
    """n organisation INNs (23xxxxxxx + check digit), valid and distinct."""
    first = [str(230_000_000 + i) for i in range(n)]
    return np.array([f + demo.inn_check_digit(f) for f in first])


def _register(rng, n: int) -> pd.DataFrame:
    """Enterprises in the demo's shapes: the 2025 sector mix, OKVED classes of each division, more of them in the
    larger municipalities, size categories."""
    divisions = np.array(list(demo.DIVISION_SHARES_2025))
    shares = np.array(list(demo.DIVISION_SHARES_2025.values()))
    division = rng.choice(divisions, n, p=shares / shares.sum())
    okved = np.empty(n, dtype=object)
    for d in divisions:
        at = np.nonzero(division == d)[0]
        okved[at] = np.array(demo.OKVED_CLASSES[int(d)], dtype=object)[rng.integers(0, len(demo.OKVED_CLASSES[int(d)]),
                                                                                     len(at))]
    munis = demo.load_municipalities()
    targets = demo.municipality_targets_2023()
    weight = np.sqrt(munis["name"].map(targets).fillna(min(targets.values())).to_numpy(dtype=float))
    return pd.DataFrame({
        "inn": _inns(n),
        "name": [f"Бенч-{i}" for i in range(n)],
        "okved": okved.astype(str),
        "municipality": rng.choice(munis["oktmo"].to_numpy(), n, p=weight / weight.sum()),
        "size": rng.choice(demo.SIZE_ORDER, n, p=[0.55, 0.3, 0.11, 0.04]),
        "division": division,
    })


def _write_facts(folder: Path, rng, ents: pd.DataFrame, rows: int, progress: Progress | None) -> np.ndarray:
    """Shipments and production, `rows` rows each (one per enterprise and month, the first enterprise starting
    late so the count is exact), written in row groups; returns each enterprise's mean monthly shipments."""
    months = _months()
    n_months, n_ent = len(months), len(ents)
    drop = n_ent * n_months - rows
    division = ents["division"].to_numpy()
    level = rng.lognormal(np.log(4e6), 1.2, n_ent)
    season = np.array([demo.SEASONS[demo.SEASON_OF_DIVISION.get(int(d), "other")] for d in division])
    season = season / season.mean(axis=1, keepdims=True)
    growth = np.array([demo.DIVISION_TREND.get(int(d), 0.0) for d in division]) + 0.06
    exporter = rng.random(n_ent) < EXPORTERS
    export_share = np.where(exporter, rng.uniform(0, 2, n_ent) * np.array(
        [demo.EXPORT_SHARE.get(int(d), 0.05) for d in division]), 0.0).clip(0, 0.9)
    productivity = np.array([demo.PRODUCTIVITY_MLN[int(d)] for d in division]) * demo.MLN / 12
    headcount = np.clip(level / productivity, 1, 50_000)
    inns = ents["inn"].to_numpy()
    per_chunk = max(1, CHUNK_ROWS // n_months)
    (folder / "shipments").mkdir(parents=True)
    (folder / "production").mkdir(parents=True)
    ship_schema = pa.schema([("inn", pa.string()), ("period", pa.date32()), ("shipped_rub", pa.float64()),
                             ("export_rub", pa.float64())])
    prod_schema = pa.schema([("inn", pa.string()), ("period", pa.date32()), ("output_rub", pa.float64()),
                             ("employees", pa.int64())])
    with pq.ParquetWriter(folder / FILES["shipments"], ship_schema, compression="zstd") as ship_out, \
            pq.ParquetWriter(folder / FILES["production"], prod_schema, compression="zstd") as prod_out:
        for start in range(0, n_ent, per_chunk):
            e = np.repeat(np.arange(start, min(start + per_chunk, n_ent)), n_months)
            t = np.tile(np.arange(n_months), len(e) // n_months)
            if start == 0 and drop:
                keep = ~((e == 0) & (t < drop))
                e, t = e[keep], t[keep]
            n = len(e)
            trend = (1 + growth[e]) ** (t / 12)
            shipped = (level[e] * season[e, t % 12] * trend * rng.gamma(20, 1 / 20, n)).round(2)
            export = (shipped * export_share[e] * rng.uniform(0.7, 1.3, n)).clip(0, shipped).round(2)
            output = (shipped * rng.uniform(0.95, 1.05, n)).round(2)
            staff = np.maximum(1, np.round(headcount[e] * (trend ** 0.3) * rng.uniform(0.97, 1.03, n))).astype(np.int64)
            missing = rng.random(n) < MISSING_HEADCOUNT
            inn, period = pa.array(inns[e], pa.string()), pa.array(months[t], pa.date32())
            ship_out.write_table(pa.table([inn, period, pa.array(shipped), pa.array(export)], schema=ship_schema))
            prod_out.write_table(pa.table([inn, period, pa.array(output), pa.array(staff, mask=missing)],
                                          schema=prod_schema))
            if progress:
                progress.step(n)
    return level


def _pool(weights: np.ndarray, mask) -> tuple[np.ndarray, np.ndarray]:
    idx = np.nonzero(mask)[0]
    w = weights[idx]
    return idx, w / w.sum()


def _loans(rng, ents: pd.DataFrame, level: np.ndarray) -> pd.DataFrame:
    """ФРП decisions of the regional and the federal fund, in the demo's programmes, rates, terms and statuses."""
    size_w = ents["size"].map({"micro": 0.3, "small": 1.5, "medium": 3.0, "large": 2.5}).to_numpy()
    weights = size_w * np.sqrt(level)
    division = ents["division"].to_numpy()
    pools = {"all": _pool(weights, np.ones(len(ents), bool)),
             "food": _pool(weights, np.isin(division, (10, 11))),
             "federal": _pool(weights, ents["size"].isin(["medium", "large"]).to_numpy())}
    inns = ents["inn"].to_numpy()

    def borrower(prog) -> str:
        idx, p = pools["federal" if prog.fund == demo.FEDERAL_FUND else "food" if prog.food_only else "all"]
        return inns[rng.choice(idx, p=p)] if len(idx) else inns[rng.integers(len(inns))]

    records = []
    for year in demo.YEARS:
        last = date(demo.LAST_YEAR, demo.LAST_MONTH, 28) if year == demo.LAST_YEAR else None
        decisions = [(demo.REGIONAL_PROGRAMMES, False)] * LOANS_PER_YEAR \
            + [(demo.REGIONAL_PROGRAMMES, True)] * int(rng.binomial(LOANS_PER_YEAR, demo.REFUSED_SHARE)) \
            + [(demo.FEDERAL_PROGRAMMES, None)] * FEDERAL_LOANS_PER_YEAR
        for programmes, refused in decisions:
            prog = demo.draw_programme(rng, programmes, year)
            amount = round(np.exp(rng.uniform(*np.log(prog.amount_mln))) * 10) * 100_000
            decided = demo.business_day(rng, *demo.year_window(year, last))
            refused = bool(rng.random() < 0.1) if refused is None else refused
            records.append(demo.loan_record(rng, prog, amount, borrower(prog), decided, refused))
    loans = demo.number_records(pd.DataFrame(records), "loan_id", "БЕНЧ-ФРП-{year}-{n:04d}")
    loans["term_years"] = loans["term_years"].astype(float)
    return loans


def _subsidies(rng, ents: pd.DataFrame, level: np.ndarray) -> pd.DataFrame:
    """Regional subsidies in the demo's programmes and amounts (machine-building discounts to machine-builders)."""
    weights = np.sqrt(level)
    machine = ents["division"].isin(demo.MACHINE_BUILDING).to_numpy()
    pools = {True: _pool(weights, machine), False: _pool(weights, np.ones(len(ents), bool))}
    inns = ents["inn"].to_numpy()
    progs = demo.SUBSIDY_PROGRAMMES
    w = np.array([p.weight for p in progs])
    records = []
    for year in demo.YEARS:
        last = date(demo.LAST_YEAR, demo.LAST_MONTH, 28) if year == demo.LAST_YEAR else None
        for _ in range(SUBSIDIES_PER_YEAR):
            i = int(rng.choice(len(progs), p=w / w.sum()))
            lo, hi = demo.subsidy_cap_mln(progs[i], year)
            idx, p = pools[progs[i].machine_only and bool(machine.any())]
            records.append({
                "inn": inns[rng.choice(idx, p=p)], "programme": progs[i].name,
                "amount_rub": round(float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) * demo.MLN, 2),
                "decision_date": demo.business_day(rng, *demo.year_window(year, last)),
                "budget": "федеральный" if (i in (2, 4) and rng.random() < 0.35) else "региональный"})
    return demo.number_records(pd.DataFrame(records), "subsidy_id", "БЕНЧ-СУБ-{year}-{n:04d}")


def _write_small(path: Path, frame: pd.DataFrame, dates: tuple[str, ...] = ()) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name in dates:
        table = table.set_column(table.column_names.index(name), name, table.column(name).cast(pa.date32()))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def marker(rows: int, seed: int) -> dict:
    return {"rows": rows, "seed": seed, "generator": GENERATOR_VERSION}


def write_folder(folder: Path, rows: int, seed: int = 1, progress: Progress | None = None) -> None:
    """A synthetic data folder: `rows` shipment rows and as many production rows (94 months, 2019-01 … 2026-10),
    the register to match (one enterprise per 94 rows), and a few hundred loans and a few thousand subsidies."""
    rng = np.random.default_rng(seed)
    n_ent = -(-rows // demo.N_MONTHS)
    ents = _register(rng, n_ent)
    _write_small(folder / FILES["enterprises"], ents.drop(columns="division"))
    level = _write_facts(folder, rng, ents, rows, progress)
    _write_small(folder / FILES["loans"], _loans(rng, ents, level), ("decision_date",))
    _write_small(folder / FILES["subsidies"], _subsidies(rng, ents, level), ("decision_date",))
    (folder / MARKER).write_text(json.dumps(marker(rows, seed)) + "\n", encoding="utf-8")


def is_complete(folder: Path, rows: int, seed: int) -> bool:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8")) == marker(rows, seed) \
            and all((folder / f).is_file() for f in FILES.values())
    except (OSError, ValueError):
        return False


def prepare_folder(rows: int, keep: Path | None, scratch: Path, seed: int = 1, quiet: bool = False) \
        -> tuple[Path, bool, float]:
    """(folder, written now, seconds): under `keep` (DIR/rows-N, reused when complete) or in `scratch`."""
    folder = (Path(keep) / f"rows-{rows}") if keep else Path(scratch) / f"rows-{rows}"
    if is_complete(folder, rows, seed):
        return folder.resolve(), False, 0.0
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    progress = None if quiet else Progress(LABELS["progress_generate"], rows)
    write_folder(folder, rows, seed, progress)
    if progress:
        progress.close()
    return folder.resolve(), True, time.perf_counter() - t0


# --- Scenarios ------------------------------------------------------------------------------------------

def scenarios(first: date, last: date) -> dict[str, dict]:
    """The filter states measured: {key: {"label", "params"}}; params as the sidebar's Filters.params() gives them."""
    from kuban.model.filters import Filters, default_window
    munis = pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)
    oktmo = dict(zip(munis["name"], munis["oktmo"]))
    d_from, d_to = default_window(last, first)
    year = last.year - 3

    def f(names=(), divisions=(), start=d_from, end=d_to) -> dict:
        return Filters(tuple(oktmo[n] for n in names), tuple(names), tuple(divisions), start, end).params(
            limit=TOP_LIMIT)

    return {
        "krai_12_months": {"label": LABELS["scenario_krai"], "params": f()},
        "one_municipality": {"label": LABELS["scenario_one"].format(name=ONE_MUNICIPALITY),
                             "params": f((ONE_MUNICIPALITY,))},
        "five_municipalities_one_division": {"label": LABELS["scenario_five"].format(division=ONE_DIVISION),
                                             "params": f(FIVE_MUNICIPALITIES, (ONE_DIVISION,))},
        "year_three_years_back": {"label": LABELS["scenario_year"].format(year=year),
                                  "params": f(start=max(date(year, 1, 1), first), end=date(year, 12, 1))},
    }


def _jsonable(params: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}


def _from_json(params: dict) -> dict:
    return {k: (date.fromisoformat(v) if k in ("date_from", "date_to") else v) for k, v in params.items()}


# --- The DuckDB side (the serving process) ----------------------------------------------------------------

def duck_page(db, page: str, params: dict) -> dict[str, pd.DataFrame]:
    """Run what the page runs on a filter change; the query results by name."""
    from kuban.model import cluster, queries
    results: dict[str, pd.DataFrame] = {}

    def run(name: str, p: dict) -> pd.DataFrame:
        results[name] = queries.run(db, name, p)
        return results[name]

    if page == T.PAGE_CLUSTER:
        from kuban.data.cluster_definitions import Definition
        cluster.analyse(run, Definition(), params["munis"], params["date_from"], params["date_to"])
    else:
        for name in PAGES[page]:
            run(name, params)
    return results


def duck_figures(page: str, results: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for figure in PAGE_FIGURES[page]:
        query, where, keys, values = FIGURES[figure]
        frame = results[query]
        for column, allowed in where.items():
            frame = frame[frame[column].isin(allowed)]
        out[figure] = frame[list(keys + values)].reset_index(drop=True)
    return out


def _loaded(db) -> None:
    """Fail (with the loader's reason) when the folder did not load: an empty version would time nothing."""
    if db.load_error or not db.result.problem_counts()["shipments"]["rows"]:
        reasons = list(db.result.problems["reason"].head(3)) if len(db.result.problems) else []
        raise RuntimeError("; ".join([db.load_error or "", *map(str, reasons)]).strip("; ") or "nothing loaded")


def phase_first_load(folder: Path) -> dict:
    from kuban.model.db import DataSource
    t0 = time.perf_counter()
    db = DataSource(folder).get()
    seconds = time.perf_counter() - t0
    _loaded(db)
    return {"first_load_s": round(seconds, 2),
            "first_load_peak_rss_mb": round(max(peak_rss_mb(), children_peak_rss_mb())),
            "first_load_process_peak_rss_mb": round(peak_rss_mb()),
            "store_after_first_load": (folder / ".kuban").exists()}


def phase_serve(folder: Path, repeat: int, answers: Path) -> dict:
    from kuban.model import queries
    from kuban.model.db import DataSource
    store = (folder / ".kuban").exists()
    t0 = time.perf_counter()
    db = DataSource(folder).get()
    restart = time.perf_counter() - t0
    _loaded(db)
    bounds = queries.run(db, "period_bounds").iloc[0]
    chosen = scenarios(bounds["first_period"].date(), bounds["last_period"].date())
    progress = Progress(LABELS["progress_serve"], len(chosen) * len(PAGES) * repeat)
    times: dict[str, dict[str, list[float]]] = {}
    figures: dict[str, dict[str, pd.DataFrame]] = {}
    for key, scenario in chosen.items():
        times[key], figures[key] = {}, {}
        for page in PAGES:
            runs = []
            for i in range(repeat):
                queries.CACHE.clear()
                t = time.perf_counter()
                results = duck_page(db, page, scenario["params"])
                runs.append(time.perf_counter() - t)
                if i == 0:
                    figures[key].update(duck_figures(page, results))
                progress.step()
            times[key][page] = runs
    progress.close()
    with open(answers, "wb") as fh:
        pickle.dump(figures, fh)
    counts = db.result.problem_counts()
    return {"restart_s": round(restart, 2), "store_at_restart": store, "peak_rss_mb": round(peak_rss_mb()),
            "serve_children_peak_rss_mb": round(children_peak_rss_mb()),
            "times": times, "scenarios": {k: {"label": v["label"], "params": _jsonable(v["params"])}
                                          for k, v in chosen.items()},
            "tables": {name: c["rows"] for name, c in counts.items()}, "refused": int(db.result.refused_count)}


# --- The pandas side (a plain pandas dashboard) ------------------------------------------------------------

MONTH = pd.DateOffset(months=1)
YEAR = pd.DateOffset(years=1)


def _in(col: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """In the months first..last (first days), as queries/model/chosen.sql in_months."""
    return (col >= first) & (col < last + MONTH)


def _sum(s: pd.Series) -> float:
    """SQL sum: NULL (NaN) over no values."""
    return s.sum(min_count=1)


def _div(a, b):
    """a / NULLIF(b, 0)."""
    return a / (b.where(b != 0) if isinstance(b, pd.Series) else (b if b else math.nan))


class PandasDashboard:
    """The dashboard's headline figures the way a plain pandas app computes them: every table read once with
    pd.read_parquet (the facts given their enterprise's municipality and division), then masks and groupby."""

    def __init__(self, folder: Path):
        from kuban.texts import LOAN_REFUSED_STATUSES
        ent = pd.read_parquet(folder / FILES["enterprises"])
        ent = ent.rename(columns={"municipality": "oktmo"})
        ent["division"] = ent["okved"].str.slice(0, 2)
        self.ent = ent
        keys = ent.set_index("inn")[["oktmo", "division"]]

        def facts(name: str, date_column: str) -> pd.DataFrame:
            frame = pd.read_parquet(folder / FILES[name])
            frame[date_column] = pd.to_datetime(frame[date_column])
            return frame.join(keys, on="inn")

        self.ship = facts("shipments", "period")
        self.prod = facts("production", "period")
        self.loans = facts("loans", "decision_date")
        refused = {s.strip().lower() for s in LOAN_REFUSED_STATUSES}
        self.loans["refused"] = self.loans["status"].fillna("").str.strip().str.lower().isin(refused)
        self.subs = facts("subsidies", "decision_date")

    # -- the filters
    @staticmethod
    def chosen(frame: pd.DataFrame, p: dict, division: bool = True) -> pd.DataFrame:
        mask = np.ones(len(frame), bool)
        if p["munis"]:
            mask &= frame["oktmo"].isin(p["munis"]).to_numpy()
        if division and p["divisions"]:
            mask &= frame["division"].isin(p["divisions"]).to_numpy()
        return frame[mask]

    @staticmethod
    def window(p: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(p["date_from"]), pd.Timestamp(p["date_to"])

    def since_year_before(self, frame: pd.DataFrame, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        return frame[_in(frame["period"], f - YEAR, t)]

    # -- the pages
    def page(self, page: str, p: dict) -> dict[str, pd.DataFrame]:
        return {figure: getattr(self, figure)(p) for figure in PAGE_FIGURES[page]}

    def kpis(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        pr = self.since_year_before(self.chosen(self.prod, p), p)
        sc, sp = _in(s["period"], f, t), _in(s["period"], f - YEAR, t - YEAR)
        pc, pp = _in(pr["period"], f, t), _in(pr["period"], f - YEAR, t - YEAR)
        loans = self.chosen(self.loans, p)
        loans = loans[~loans["refused"]]
        lc, lp = _in(loans["decision_date"], f, t), _in(loans["decision_date"], f - YEAR, t - YEAR)
        subs = self.chosen(self.subs, p)
        bc, bp = _in(subs["decision_date"], f, t), _in(subs["decision_date"], f - YEAR, t - YEAR)
        return pd.DataFrame([{
            "shipped_rub": _sum(s["shipped_rub"][sc]), "shipped_prev_rub": _sum(s["shipped_rub"][sp]),
            "export_rub": s["export_rub"][sc].sum(),
            "output_rub": _sum(pr["output_rub"][pc]), "output_prev_rub": _sum(pr["output_rub"][pp]),
            "enterprises": pd.concat([s["inn"][sc], pr["inn"][pc]]).nunique(),
            "enterprises_prev": pd.concat([s["inn"][sp], pr["inn"][pp]]).nunique(),
            "loans_rub": loans["amount_rub"][lc].sum(), "loans_prev_rub": loans["amount_rub"][lp].sum(),
            "loans_count": int(lc.sum()), "loans_prev_count": int(lp.sum()),
            "subsidies_rub": subs["amount_rub"][bc].sum(), "subsidies_prev_rub": subs["amount_rub"][bp].sum(),
        }])

    def shipments_monthly(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        g = s.groupby("period").agg(shipped_rub=("shipped_rub", "sum"), export_rub=("export_rub", "sum"),
                                    enterprises=("inn", "nunique"))
        cur = g[_in(g.index.to_series(), f, t).to_numpy()]
        prev = g["shipped_rub"].reindex(cur.index - YEAR).to_numpy()
        return pd.DataFrame({"period": cur.index, "shipped_rub": cur["shipped_rub"].to_numpy(),
                             "export_rub": cur["export_rub"].to_numpy(), "shipped_prev_rub": prev,
                             "enterprises": cur["enterprises"].to_numpy()})

    def shipments_by_municipality(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        cur = s[_in(s["period"], f, t)].groupby("oktmo", dropna=False).agg(
            shipped_rub=("shipped_rub", "sum"), export_rub=("export_rub", "sum"), enterprises=("inn", "nunique"))
        prev = s[_in(s["period"], f - YEAR, t - YEAR)].groupby("oktmo", dropna=False)["shipped_rub"].sum()
        return cur.join(prev.rename("shipped_prev_rub")).reset_index()

    def shipments_by_division(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.chosen(self.ship, p)
        s = s[_in(s["period"], f, t)]
        return s.groupby("division", dropna=False).agg(
            shipped_rub=("shipped_rub", "sum"), export_rub=("export_rub", "sum"),
            enterprises=("inn", "nunique")).reset_index()

    def shipments_top(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        cur = s[_in(s["period"], f, t)].groupby("inn").agg(shipped_rub=("shipped_rub", "sum"),
                                                            export_rub=("export_rub", "sum"))
        prev = s[_in(s["period"], f - YEAR, t - YEAR)].groupby("inn")["shipped_rub"].sum()
        top = cur.join(prev.rename("shipped_prev_rub")).reset_index()
        return top.sort_values(["shipped_rub", "inn"], ascending=[False, True]).head(p["limit"])

    def production_monthly(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        pr = self.since_year_before(self.chosen(self.prod, p), p)
        g = pr.groupby("period")
        m = pd.DataFrame({"output_rub": g["output_rub"].sum(), "employees": g["employees"].sum(min_count=1),
                          "enterprises": g["inn"].nunique()})
        cur = m[_in(m.index.to_series(), f, t).to_numpy()]
        back = cur.index - YEAR
        return pd.DataFrame({"period": cur.index, "output_rub": cur["output_rub"].to_numpy(),
                             "output_prev_rub": m["output_rub"].reindex(back).to_numpy(),
                             "employees": cur["employees"].to_numpy(),
                             "employees_prev": m["employees"].reindex(back).to_numpy(),
                             "enterprises": cur["enterprises"].to_numpy()})

    def _productivity(self, p: dict, by: str | None) -> pd.DataFrame:
        """Output, average monthly headcount and output per employee (queries/model/measures.sql) per `by`."""
        f, t = self.window(p)
        pr = self.since_year_before(self.chosen(self.prod, p), p)
        cur, prev = _in(pr["period"], f, t), _in(pr["period"], f - YEAR, t - YEAR)
        staffed = pr["employees"].notna()
        x = pd.DataFrame({
            "key": pr[by] if by else 0,
            "out_c": pr["output_rub"].where(cur), "out_p": pr["output_rub"].where(prev),
            "staff_c": pr["output_rub"].where(cur & staffed), "staff_p": pr["output_rub"].where(prev & staffed),
            "emp_c": pr["employees"].where(cur), "emp_p": pr["employees"].where(prev),
            "mon_c": pr["period"].where(cur & staffed), "mon_p": pr["period"].where(prev & staffed),
            "inn_c": pr["inn"].where(cur)})
        g = x.groupby("key", dropna=False)
        sums = g[["out_c", "out_p", "staff_c", "staff_p", "emp_c", "emp_p"]].sum(min_count=1)
        distinct = g[["mon_c", "mon_p", "inn_c"]].nunique()
        out = pd.DataFrame({"output_rub": sums["out_c"], "output_prev_rub": sums["out_p"]})
        out["employees_avg"] = _div(sums["emp_c"], distinct["mon_c"])
        out["employees_avg_prev"] = _div(sums["emp_p"], distinct["mon_p"])
        out["productivity_rub"] = _div(sums["staff_c"], out["employees_avg"])
        out["productivity_prev_rub"] = _div(sums["staff_p"], out["employees_avg_prev"])
        out["enterprises"] = distinct["inn_c"]
        return out

    def production_summary(self, p: dict) -> pd.DataFrame:
        total = self._productivity(p, None).reindex([0])
        total["enterprises"] = total["enterprises"].fillna(0)
        parts = [total.assign(dimension="total", oktmo=None, division=None)]
        for dim, column in (("municipality", "oktmo"), ("division", "division")):
            g = self._productivity(p, column)
            g = g[g["output_rub"].notna()]
            parts.append(g.assign(dimension=dim, oktmo=g.index if column == "oktmo" else None,
                                  division=g.index if column == "division" else None))
        return pd.concat(parts, ignore_index=True)

    def production_enterprises(self, p: dict) -> pd.DataFrame:
        g = self._productivity(p, "inn")
        return g[g["output_rub"].notna()].rename_axis("inn").reset_index()

    def _loans_chosen(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        loans = self.chosen(self.loans, p)
        return loans[_in(loans["decision_date"], f, t)]

    def loans_portfolio(self, p: dict) -> pd.DataFrame:
        c = self._loans_chosen(p)
        ok = ~c["refused"]
        x = pd.DataFrame({"fund": c["fund"], "oktmo": c["oktmo"], "ok": ok.astype(int), "amount": c["amount_rub"],
                          "amount_ok": c["amount_rub"].where(ok),
                          "rate_w": (c["amount_rub"] * c["rate_pct"]).where(ok),
                          "term_w": (c["amount_rub"] * c["term_years"]).where(ok), "_all": 0})
        parts = []
        for dim, key in (("total", "_all"), ("fund", "fund"), ("municipality", "oktmo")):
            g = x.groupby(key, dropna=False)
            sums = g[["amount_ok", "rate_w", "term_w", "amount"]].sum(min_count=1)
            part = pd.DataFrame({"loans": g["ok"].sum(), "amount_rub": sums["amount_ok"],
                                 "rate_avg_pct": _div(sums["rate_w"], sums["amount_ok"]),
                                 "term_avg_years": _div(sums["term_w"], sums["amount_ok"]),
                                 "loans_all": g.size(), "amount_all_rub": sums["amount"]})
            if dim == "total":
                part = part.reindex([0])
                part[["loans", "loans_all"]] = part[["loans", "loans_all"]].fillna(0)
            parts.append(part.assign(dimension=dim, fund=part.index if key == "fund" else None,
                                     oktmo=part.index if key == "oktmo" else None))
        return pd.concat(parts, ignore_index=True)

    def loans_monthly(self, p: dict) -> pd.DataFrame:
        c = self._loans_chosen(p)
        c = c[~c["refused"]]
        month = c["decision_date"].dt.to_period("M").dt.to_timestamp()
        return c.groupby([month.rename("period"), "fund"]).agg(
            loans=("amount_rub", "size"), amount_rub=("amount_rub", "sum")).reset_index()

    def loans_list(self, p: dict) -> pd.DataFrame:
        c = self._loans_chosen(p)
        last = self.ship["period"].max()
        latest_from = last - pd.DateOffset(months=11)
        month = c["decision_date"].dt.to_period("M").dt.to_timestamp()
        ship = self.ship[self.ship["inn"].isin(c["inn"].unique())][["inn", "period", "shipped_rub"]]
        j = pd.DataFrame({"loan_id": c["loan_id"], "inn": c["inn"], "month": month}).merge(ship, on="inn")
        before = j["shipped_rub"].where((j["period"] >= j["month"] - YEAR) & (j["period"] < j["month"]))
        latest = j["shipped_rub"].where(j["period"] >= latest_from)
        after = (last.year - month.dt.year) * 12 + (last.month - month.dt.month)
        return pd.DataFrame({
            "loan_id": c["loan_id"].to_numpy(),
            "shipped_before_rub": before.groupby(j["loan_id"]).sum(min_count=1).reindex(c["loan_id"]).to_numpy(),
            "shipped_latest_rub": latest.groupby(j["loan_id"]).sum(min_count=1).reindex(c["loan_id"]).to_numpy(),
            "months_after": after.clip(lower=0).to_numpy()})

    def _subs_chosen(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        subs = self.chosen(self.subs, p)
        return subs[_in(subs["decision_date"], f, t)]

    def subsidies_summary(self, p: dict) -> pd.DataFrame:
        c = self._subs_chosen(p).assign(_all=0)
        parts = []
        for dim, key in (("total", "_all"), ("programme", "programme"), ("municipality", "oktmo")):
            g = c.groupby(key, dropna=False)
            part = pd.DataFrame({"subsidies": g.size(), "amount_rub": g["amount_rub"].sum(min_count=1),
                                 "recipients": g["inn"].nunique()})
            if dim == "total":
                part = part.reindex([0])
                part[["subsidies", "recipients"]] = part[["subsidies", "recipients"]].fillna(0)
            parts.append(part.assign(dimension=dim, programme=part.index if key == "programme" else None,
                                     oktmo=part.index if key == "oktmo" else None))
        return pd.concat(parts, ignore_index=True)

    def support_intensity(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        loans = self._loans_chosen(p)
        loans = loans[~loans["refused"]]
        subs = self._subs_chosen(p)
        ship = self.chosen(self.ship, p)
        ship = ship[_in(ship["period"], f, t)]
        parts = pd.concat([
            pd.DataFrame({"oktmo": loans["oktmo"], "loans_rub": loans["amount_rub"], "subsidies_rub": 0.0,
                          "shipped_rub": 0.0}),
            pd.DataFrame({"oktmo": subs["oktmo"], "loans_rub": 0.0, "subsidies_rub": subs["amount_rub"],
                          "shipped_rub": 0.0}),
            ship.groupby("oktmo", dropna=False)["shipped_rub"].sum().reset_index().assign(loans_rub=0.0,
                                                                                           subsidies_rub=0.0)])
        cols = ["loans_rub", "subsidies_rub", "shipped_rub"]
        by = parts.groupby("oktmo", dropna=False)[cols].sum().reset_index().assign(dimension="municipality")
        total = pd.DataFrame([{**{c: float(ship["shipped_rub"].sum()) if c == "shipped_rub" else float(by[c].sum())
                                  for c in cols}, "dimension": "total", "oktmo": None}])
        out = pd.concat([total, by], ignore_index=True)
        out["intensity"] = _div(out["loans_rub"] + out["subsidies_rub"], out["shipped_rub"] / 1_000_000)
        return out

    def subsidies_recipients(self, p: dict) -> pd.DataFrame:
        g = self._subs_chosen(p).groupby("inn")
        return pd.DataFrame({"subsidies": g.size(), "amount_rub": g["amount_rub"].sum()}).rename_axis(
            "inn").reset_index()

    # -- the cluster (its default definition)
    @staticmethod
    def definition():
        from kuban.data.cluster_definitions import Definition
        return Definition()

    def cluster_specialisation(self, p: dict) -> pd.DataFrame:
        d = self.definition()
        f, t = self.window(p)
        back = pd.DateOffset(years=d.years_back)
        pr = self.prod[self.prod["oktmo"].notna()]
        cur, then = _in(pr["period"], f, t), _in(pr["period"], f - back, t - back)
        pr, cur, then = pr[cur | then], cur[cur | then], then[cur | then]
        x = pd.DataFrame({"inn": pr["inn"], "oktmo": pr["oktmo"],
                          "emp_c": pr["employees"].where(cur), "out_c": pr["output_rub"].where(cur),
                          "emp_t": pr["employees"].where(then), "out_t": pr["output_rub"].where(then)})
        g = x.groupby("inn")
        firms = pd.DataFrame({"oktmo": g["oktmo"].first(), "employees": g["emp_c"].mean(),
                              "output_rub": g["out_c"].sum(min_count=1), "employees_then": g["emp_t"].mean(),
                              "output_then_rub": g["out_t"].sum(min_count=1)}).rename_axis("inn").reset_index()
        coded = pd.concat([pd.DataFrame({"inn": self.ent["inn"][self.ent["okved"].str.startswith(code)],
                                         "industry": code}) for code in dict.fromkeys(d.codes)])
        tagged = pd.concat([firms.merge(coded, on="inn"),
                            firms[firms["inn"].isin(coded["inn"])].assign(industry="cluster"),
                            firms.assign(industry="total")])
        return tagged.groupby(["oktmo", "industry"]).agg(
            employees=("employees", "sum"), output_rub=("output_rub", "sum"), enterprises=("output_rub", "count"),
            employees_then=("employees_then", "sum"), output_then_rub=("output_then_rub", "sum"),
            enterprises_then=("output_then_rub", "count")).reset_index()

    def cluster_members(self, p: dict) -> pd.DataFrame:
        d = self.definition()
        f, t = self.window(p)
        members = self.ent[self.ent["okved"].str.startswith(tuple(d.codes))][["inn", "oktmo"]].drop_duplicates("inn")
        s = self.ship[self.ship["inn"].isin(members["inn"])]
        cur, prev = _in(s["period"], f, t), _in(s["period"], f - YEAR, t - YEAR)
        s, cur, prev = s[cur | prev], cur[cur | prev], prev[cur | prev]
        gs = pd.DataFrame({"inn": s["inn"], "shipped_rub": s["shipped_rub"].where(cur),
                           "export_rub": s["export_rub"].where(cur),
                           "shipped_prev_rub": s["shipped_rub"].where(prev)}).groupby("inn").sum(min_count=1)
        pr = self.prod[self.prod["inn"].isin(members["inn"])]
        pr = pr[_in(pr["period"], f, t)]
        staffed = pr["employees"].notna()
        gp = pd.DataFrame({"inn": pr["inn"], "emp": pr["employees"], "out": pr["output_rub"],
                           "staff": pr["output_rub"].where(staffed),
                           "mon": pr["period"].where(staffed)}).groupby("inn")
        prod = pd.DataFrame({"employees": _div(gp["emp"].sum(min_count=1), gp["mon"].nunique()),
                             "output_rub": gp["out"].sum(min_count=1)})
        prod["productivity_rub"] = _div(gp["staff"].sum(min_count=1), prod["employees"])
        loans = self.loans[~self.loans["refused"] & self.loans["inn"].isin(members["inn"])
                           & _in(self.loans["decision_date"], f, t)].groupby("inn")["amount_rub"].sum()
        subs = self.subs[self.subs["inn"].isin(members["inn"])
                         & _in(self.subs["decision_date"], f, t)].groupby("inn")["amount_rub"].sum()
        out = members.set_index("inn").join(gs).join(prod).join(loans.rename("loans_rub")).join(
            subs.rename("subsidies_rub"))
        out = out[out["shipped_rub"].notna() | out["output_rub"].notna()].reset_index()
        out[["loans_rub", "subsidies_rub", "export_rub"]] = out[["loans_rub", "subsidies_rub", "export_rub"]].fillna(0.0)
        out = out.assign(_s=out["shipped_rub"].fillna(0.0)).sort_values(["_s", "inn"], ascending=[False, True])
        out["shipped_rank"] = np.arange(1, len(out) + 1)
        if p["munis"]:
            out = out[out["oktmo"].isin(p["munis"])]
        return out.drop(columns="_s")

    def cluster_vs_rest(self, p: dict) -> pd.DataFrame:
        d = self.definition()
        f, t = self.window(p)
        d1 = t.year * 12 + t.month
        length = d1 - (f.year * 12 + f.month) + 1
        long_codes = tuple(c for c in d.codes if len(c) > 2)
        by_class = self.ent["inn"][self.ent["okved"].str.startswith(long_codes)] if long_codes else pd.Series([], dtype=str)

        def windowed(frame: pd.DataFrame, day: str, values: list[str]) -> pd.DataFrame:
            """Rows up to the last chosen month, in every window they lie in (years_back), with in_cluster."""
            frame = self.chosen(frame, p, division=False)
            frame = frame[frame[day] < t + MONTH]
            m = frame[day].dt.year * 12 + frame[day].dt.month
            in_cluster = frame["division"].isin(d.codes) | frame["inn"].isin(by_class)
            out = []
            for j in range((length + 11) // 12):
                back = (d1 - m) // 12 - j
                ok = (back >= 0) & (12 * back + length - 1 >= d1 - m)
                out.append(pd.DataFrame({"years_back": back[ok], "in_cluster": in_cluster[ok], "m": m[ok],
                                         **{v: frame[v][ok] for v in values}}))
            return pd.concat(out, ignore_index=True)

        s = windowed(self.ship, "period", ["shipped_rub"])
        pr = windowed(self.prod, "period", ["output_rub", "employees"])
        keys = ["years_back", "in_cluster"]
        gs = s.groupby(keys)["shipped_rub"].sum(min_count=1)
        gp = pr.groupby(keys)[["output_rub", "employees"]].sum(min_count=1).rename(
            columns={"employees": "employee_months"})
        months = pr[pr["output_rub"].notna()].groupby("years_back")["m"].nunique()
        grouped = pd.DataFrame(gs).join(gp, how="outer")
        support = pd.concat([self.loans[~self.loans["refused"]][["inn", "oktmo", "division", "decision_date",
                                                                  "amount_rub"]],
                             self.subs[["inn", "oktmo", "division", "decision_date", "amount_rub"]]])
        sup = windowed(support, "decision_date", ["amount_rub"]).groupby(keys)["amount_rub"].sum()
        years = set(grouped.index.get_level_values(0))
        sides = grouped.index.union(sup.index[sup.index.get_level_values(0).isin(years)])
        out = grouped.reindex(sides)
        out["employees"] = _div(out["employee_months"], pd.Series(out.index.get_level_values(0), index=out.index)
                                .map(months).astype(float))
        out["support_rub"] = sup.reindex(sides).fillna(0.0)
        return out.reset_index()[["years_back", "in_cluster", "shipped_rub", "output_rub", "employees", "support_rub"]]


def phase_pandas(folder: Path, repeat: int, chosen: dict, answers: Path) -> dict:
    t0 = time.perf_counter()
    dash = PandasDashboard(folder)
    load = time.perf_counter() - t0
    progress = Progress(LABELS["progress_pandas"], len(chosen) * len(PAGES) * repeat)
    times: dict[str, dict[str, list[float]]] = {}
    figures: dict[str, dict[str, pd.DataFrame]] = {}
    for key, scenario in chosen.items():
        params = _from_json(scenario["params"])
        times[key], figures[key] = {}, {}
        for page in PAGES:
            runs = []
            for i in range(repeat):
                t = time.perf_counter()
                result = dash.page(page, params)
                runs.append(time.perf_counter() - t)
                if i == 0:
                    figures[key].update(result)
                progress.step()
            times[key][page] = runs
    progress.close()
    with open(answers, "wb") as fh:
        pickle.dump(figures, fh)
    return {"load_s": round(load, 2), "peak_rss_mb": round(peak_rss_mb()), "times": times}


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


def _stats(runs: list[float]) -> dict:
    return {"p50_ms": _ms(float(np.median(runs))), "p95_ms": _ms(percentile(runs, 95))}


def summarise(rows: int, folder: Path, generated: bool, generate_s: float, first: dict, serve: dict,
              pandas_: dict, checked: int, diffs: list[str], repeat: int, pandas_repeat: int) -> dict:
    pages = {page: _stats([x for sc in serve["times"].values() for x in sc[page]]) for page in PAGES}
    per_scenario, ratios = {}, []
    for key, meta in serve["scenarios"].items():
        duck_ms = {page: float(np.median(serve["times"][key][page])) * 1000 for page in PAGES}
        pand_ms = {page: float(np.median(pandas_["times"][key][page])) * 1000 for page in PAGES}
        ratio = sum(pand_ms.values()) / sum(duck_ms.values())
        ratios.append(ratio)
        shown = {k: meta["params"][k] for k in ("munis", "divisions", "date_from", "date_to")}
        per_scenario[key] = {"label": meta["label"], "filters": shown,
                             "pages": {page: _stats(serve["times"][key][page]) for page in PAGES},
                             "pandas_p50_ms": {page: round(v, 1) for page, v in pand_ms.items()},
                             "speedup_vs_pandas": round(ratio, 2)}
    pandas_all = [x for sc in pandas_["times"].values() for runs in sc.values() for x in runs]
    duck_all = [x for sc in serve["times"].values() for runs in sc.values() for x in runs]
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
    for page in PAGES:
        row = [page]
        for s in r["scenarios"].values():
            x = s["pages"][page]
            row.append(f"{_num(x['p50_ms'])} / {_num(x['p95_ms'])}")
        row.append(f"{_num(r['pages'][page]['p50_ms'])} / {_num(r['pages'][page]['p95_ms'])}")
        row.append(_num(r["pandas"]["pages"][page]["p50_ms"]))
        table.append(row)
    widths = [max(len(row[i]) for row in table) for i in range(len(heads))]
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
        pandas_ = _child("pandas", folder, scratch / "pandas.json", "--repeat", str(pandas_repeat),
                         "--answers", str(scratch / "pandas.pickle"), "--scenarios", str(scratch / "scenarios.json"))
        with open(scratch / "duck.pickle", "rb") as a, open(scratch / "pandas.pickle", "rb") as b:
            checked, diffs = compare(pickle.load(a), pickle.load(b))
        return summarise(rows, folder, generated, generate_s, first, serve, pandas_, checked, diffs, repeat,
                         pandas_repeat)


# --- Many viewers: Chromium sessions against a running dashboard ----------------------------------------------

DEBIAN_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--disable-gpu", "--disable-quic",
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
SESSION_PATHS = ("/", "/shipments", "/production", "/loans", "/subsidies", "/cluster")
SERVER_START_S = 120
OPEN_TIMEOUT_MS = 600_000        # the first page waits for the first load of the folder
CHANGE_TIMEOUT_MS = 120_000
# Counts the runs of the script that finished: the stApp element's data-test-script-state going from
# "running" to "notRunning" (set before any page script, so no transition is missed).
RUN_COUNTER = """
window.__kubanRuns = 0;
new MutationObserver(records => {
  for (const r of records) {
    if (r.target.getAttribute('data-testid') === 'stApp' && r.oldValue === 'running'
        && r.target.getAttribute('data-test-script-state') === 'notRunning') window.__kubanRuns += 1;
  }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""
RERAN = """n => window.__kubanRuns > n && (""" + IDLE + """)()"""


def chromium() -> str | None:
    explicit = os.environ.get("KUBAN_CHROMIUM")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    return DEBIAN_CHROMIUM if os.path.isfile(DEBIAN_CHROMIUM) else None


def _free_port() -> int:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    import urllib.request
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.read().decode("utf-8", "replace").strip() == "ok"
    except OSError:
        return False


@dataclass
class Session:
    index: int
    path: str
    redraws: list[float]
    errors: list[str]           # the app's: stException shown, uncaught page errors, console errors
    timeouts: list[str]         # changes (or page opens) that did not finish in time


def _expected_console_error(text: str, url: str) -> bool:
    """Console errors that are not the app's fault (tests/browser/conftest.py): look-ups of outside hosts on a
    closed network, Streamlit's base-path probes of a sub-page URL."""
    import re
    from urllib.parse import urlsplit
    host = urlsplit(url).hostname or ""
    if "net::ERR_NAME_NOT_RESOLVED" in text and host not in ("127.0.0.1", "localhost"):
        return True
    return "status of 404" in text and bool(re.search(r"/[^/]+/_stcore/(health|host-config)$", urlsplit(url).path))


async def _open(browser, url: str, s: Session):
    """A viewer's own context and page, opened on its page of the dashboard and idle."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="ru-RU")
    await context.add_init_script(RUN_COUNTER)
    context.set_default_timeout(CHANGE_TIMEOUT_MS)
    page = await context.new_page()
    page.on("pageerror", lambda exc: s.errors.append(f"page error: {exc}"))
    page.on("console", lambda m: s.errors.append(f"console: {m.text}") if m.type == "error"
            and not _expected_console_error(m.text, (m.location or {}).get("url", "")) else None)
    try:
        await page.goto(url + s.path, timeout=OPEN_TIMEOUT_MS)
        await page.wait_for_function(IDLE, timeout=OPEN_TIMEOUT_MS, polling=100)
    except Exception as exc:  # noqa: BLE001 - a page that does not open is counted, its session does not run
        s.timeouts.append(f"page did not open: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    return context, page


async def _drive(page, s: Session, names: list[str], deadline: float) -> None:
    """Change the municipality filter until the deadline: choose one, then back to the whole krai, and so on;
    each change timed from the action to the end of the run it caused (RUN_COUNTER, IDLE). A change that does
    not finish within CHANGE_TIMEOUT_MS is counted in s.timeouts and the session goes on."""
    import random
    rng = random.Random(s.index)
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text=T.FILTER_MUNIS).get_by_role("combobox")
    chosen = False
    while time.monotonic() < deadline:
        try:
            runs = await page.evaluate("window.__kubanRuns")
            await box.click()
            if chosen:          # back to the whole krai: Backspace removes the chip
                t0 = time.perf_counter()
                await box.press("Backspace")
            else:
                name = rng.choice(names)
                await box.press_sequentially(name)
                await page.get_by_role("option", name=name, exact=True).click()
                t0 = time.perf_counter()
            await box.press("Escape")
            chosen = not chosen
            await page.wait_for_function(RERAN, arg=runs, timeout=CHANGE_TIMEOUT_MS, polling=25)
        except Exception as exc:  # noqa: BLE001 - a change that did not finish is counted, the session goes on
            s.timeouts.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            try:
                await page.keyboard.press("Escape")
                await page.wait_for_function(IDLE, timeout=CHANGE_TIMEOUT_MS, polling=100)
                chosen = bool(await page.evaluate("location.search.includes('mo=')"))
            except Exception:  # noqa: BLE001 - the page is gone: this session ends
                return
            continue
        s.redraws.append(time.perf_counter() - t0)
        shown = page.get_by_test_id("stException")
        if await shown.count():
            s.errors.append("stException: " + " | ".join(await shown.all_inner_texts())[:300])


async def _sessions(url: str, n: int, seconds: float, executable: str) -> tuple[list[Session], float]:
    import asyncio

    from playwright.async_api import async_playwright
    names = list(pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)["name"])
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        try:
            # One page first: the server loads the folder on the first visit.
            t0 = time.perf_counter()
            warm = await browser.new_page()
            await warm.goto(url, timeout=OPEN_TIMEOUT_MS)
            await warm.wait_for_function(IDLE, timeout=OPEN_TIMEOUT_MS, polling=100)
            await warm.close()
            first_page = time.perf_counter() - t0
            sessions = [Session(i, SESSION_PATHS[i % len(SESSION_PATHS)], [], [], []) for i in range(n)]
            opened = await asyncio.gather(*(_open(browser, url, s) for s in sessions))
            progress = Progress(LABELS["progress_sessions"], int(seconds))
            deadline = time.monotonic() + seconds

            async def tick():
                while time.monotonic() < deadline:
                    await asyncio.sleep(1)
                    progress.step()

            await asyncio.gather(tick(), *(_drive(page, s, names, deadline) for s, (_, page) in zip(sessions, opened)
                                           if not s.timeouts))
            progress.close()
            for context, _ in opened:
                await context.close()
            return sessions, first_page
        finally:
            await browser.close()


def run_sessions(n: int, seconds: float, data_dir: Path) -> dict:
    import asyncio
    executable = chromium()
    if not executable:
        raise RuntimeError(LABELS["no_chromium"])
    with tempfile.TemporaryDirectory(prefix="kuban-sessions-") as tmp:
        log = Path(tmp) / "streamlit.log"
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "kuban", "serve", "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        t0 = time.perf_counter()
        with open(log, "wb") as out:
            server = subprocess.Popen(cmd, cwd=paths.ROOT, env={**os.environ, "KUBAN_DATA_DIR": str(data_dir)},
                                      stdout=out, stderr=subprocess.STDOUT)
        try:
            while not _healthy(url):
                if server.poll() is not None or time.perf_counter() - t0 > SERVER_START_S:
                    raise RuntimeError(LABELS["server_failed"].format(
                        code=server.poll(), log=log.read_text(errors="replace")[-2000:]))
                time.sleep(0.2)
            start = time.perf_counter() - t0
            sessions, first_page = asyncio.run(_sessions(url, n, seconds, executable))
            server_peak = vm_hwm_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)
    redraws = [x for s in sessions for x in s.redraws]
    errors = [e for s in sessions for e in s.errors]
    timeouts = [e for s in sessions for e in s.timeouts]
    by_page = {}
    for s in sessions:
        entry = by_page.setdefault(s.path, [])
        entry += s.redraws
    return {
        "sessions": n, "seconds": seconds, "data_dir": str(data_dir),
        "server_start_s": round(start, 1), "first_page_s": round(first_page, 1),
        "changes": len(redraws), "errors": len(errors), "error_samples": errors[:20],
        "timeouts": len(timeouts), "timeout_samples": timeouts[:10], "timeout_s": CHANGE_TIMEOUT_MS / 1000,
        "redraw_p50_ms": _ms(float(np.median(redraws))) if redraws else None,
        "redraw_p95_ms": _ms(percentile(redraws, 95)) if redraws else None,
        "redraw_max_ms": _ms(max(redraws)) if redraws else None,
        "by_path": {path: {"changes": len(v), "p95_ms": _ms(percentile(v, 95)) if v else None}
                    for path, v in by_page.items()},
        "server_peak_rss_mb": round(server_peak) if server_peak is not None else None,
    }


def sessions_text(r: dict) -> str:
    lines = [LABELS["sessions_title"].format(sessions=r["sessions"], seconds=_num(r["seconds"]), folder=r["data_dir"]),
             LABELS["sessions_start"].format(start=_num(r["server_start_s"], 1), first=_num(r["first_page_s"], 1)),
             LABELS["sessions_changes"].format(changes=_num(r["changes"]), errors=_num(r["errors"]),
                                               timeouts=_num(r["timeouts"]), timeout=_num(r["timeout_s"])),
             LABELS["sessions_redraw"].format(p50=_num(r["redraw_p50_ms"]), p95=_num(r["redraw_p95_ms"]),
                                              max=_num(r["redraw_max_ms"])),
             LABELS["sessions_peak"].format(mb=_num(r["server_peak_rss_mb"]))]
    lines += [LABELS["sessions_error"].format(error=e) for e in (r["error_samples"] + r["timeout_samples"])[:10]]
    return "\n".join(lines)


# --- Entry points ------------------------------------------------------------------------------------------

def run(args) -> int:
    """`python -m kuban bench` (arguments from kuban.tools.cli): print the report; 1 when answers differ or a
    session saw errors."""
    if args.sessions:
        if args.data_dir:
            folder = Path(args.data_dir).resolve()
            result = run_sessions(args.sessions, args.seconds, folder)
        else:
            with tempfile.TemporaryDirectory(prefix="kuban-bench-") as tmp:
                folder, _, _ = prepare_folder(args.rows, args.keep, Path(tmp))
                result = run_sessions(args.sessions, args.seconds, folder)
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
    p.add_argument("--phase", choices=["first-load", "serve", "pandas"], required=True)
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
    else:
        chosen = json.loads(args.scenarios.read_text(encoding="utf-8"))
        result = phase_pandas(folder, args.repeat, chosen, args.answers)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
