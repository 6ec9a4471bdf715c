"""Benchmarks that report figures (never asserted in tests: machines here are shared and noisy).

    python -m bench.run                    # demo data + 10 million shipment rows
    python -m bench.run --rows 1000000     # a smaller synthetic table
    python -m bench.run --skip-large       # demo data only

Reports: load time of the folder, and the time of a filter change on each page
(all queries the page runs, result cache cleared), whole krai and one municipality.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kuban import paths
from kuban.data.ingest import FILE_CACHE, load_folder
from kuban.model import queries
from kuban.model.db import Database

# The queries each page runs on a filter change (see pages/*.py; row-level downloads run only on click).
PAGES = {
    "Обзор": ["overview_kpis", "shipments_monthly", "shipments_by_municipality"],
    "Отгрузка": ["shipments_monthly", "shipments_by_municipality", "shipments_by_division",
                 "shipments_top_enterprises"],
    "Производство": ["production_monthly", "production_summary", "production_enterprises"],
    "Займы ФРП": ["loans_portfolio", "loans_monthly", "loans_list"],
    "Субсидии": ["subsidies_summary", "subsidies_recipients", "support_intensity"],
    "Кластер": ["cluster_specialisation", "cluster_members", "cluster_vs_rest"],
}
CLUSTER = {"cluster_codes": ["26", "27", "28", "29", "30", "33"], "years_back": 3}


def timed(fn, repeat: int = 1):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def page_times(db: Database, munis: list[str]) -> dict[str, float]:
    bounds = db.cursor().execute("SELECT max(period) FROM shipments").fetchone()[0]
    last = pd.Timestamp(bounds).date()
    first = (pd.Timestamp(last) - pd.DateOffset(months=11)).date()
    params = {"munis": munis, "divisions": [], "date_from": first, "date_to": last, "limit": 50,
              "refused": ["отказано"], **CLUSTER}
    out = {}
    for page, names in PAGES.items():
        def run_all():
            queries.CACHE.clear()
            for n in names:
                queries.run(db, n, params)
        out[page], _ = timed(run_all, repeat=3)
    return out


def report(title: str, folder: Path, munis_example: list[str]) -> None:
    FILE_CACHE._items.clear()
    t_load, result = timed(lambda: load_folder(folder))
    t_db, db = timed(lambda: Database(result))
    rows = {k: len(v) for k, v in result.tables.items()}
    print(f"\n## {title}")
    print(f"rows: {rows}")
    print(f"load_folder: {t_load:.2f} s, DuckDB build: {t_db:.2f} s, "
          f"peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for label, munis in (("весь край", []), ("один район", munis_example)):
        times = page_times(db, munis)
        print(f"filter change, {label}: " + ", ".join(f"{p} {t * 1000:.0f} ms" for p, t in times.items()))
    db.close()


def write_large(folder: Path, rows: int, seed: int = 1) -> None:
    """A synthetic folder: `rows` shipment rows and as many production rows over 94 months, enterprises to match."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2019-01-01", "2026-10-01", freq="MS")
    n_ent = max(1, rows // len(months))
    munis = pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)["oktmo"].to_numpy()
    base = np.arange(n_ent) + 230_000_000
    digits = np.array([[int(c) for c in f"{b:09d}"] for b in base])
    check = (digits @ np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    inns = np.array([f"{b:09d}{c}" for b, c in zip(base, check)])
    (folder / "enterprises").mkdir(parents=True)
    (folder / "shipments").mkdir()
    (folder / "production").mkdir()
    divisions = np.array([f"{d}" for d in range(10, 34)])
    pq.write_table(pa.table({
        "inn": inns,
        "name": [f"Бенч-{i}" for i in range(n_ent)],
        "okved": [f"{d}.11" for d in rng.choice(divisions, n_ent)],
        "municipality": rng.choice(munis, n_ent),
        "size": rng.choice(["micro", "small", "medium", "large"], n_ent),
    }), folder / "enterprises" / "register.parquet")
    shipped = rng.gamma(2.0, 5e6, n_ent * len(months)).round(2)
    pq.write_table(pa.table({
        "inn": np.repeat(inns, len(months)),
        "period": pa.array(np.tile(months.values.astype("datetime64[D]"), n_ent)),
        "shipped_rub": shipped,
        "export_rub": (shipped * rng.uniform(0, 0.3, len(shipped))).round(2),
    }), folder / "shipments" / "shipments.parquet", compression="zstd")
    employees = np.repeat(rng.integers(5, 800, n_ent), len(months))
    pq.write_table(pa.table({
        "inn": np.repeat(inns, len(months)),
        "period": pa.array(np.tile(months.values.astype("datetime64[D]"), n_ent)),
        "output_rub": (shipped * rng.uniform(0.95, 1.05, len(shipped))).round(2),
        "employees": employees,
    }), folder / "production" / "production.parquet", compression="zstd")


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--skip-large", action="store_true")
    args = p.parse_args(argv)
    report("demo data (data/)", paths.DEFAULT_DATA, ["03621000"])
    if not args.skip_large:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            t, _ = timed(lambda: write_large(folder, args.rows))
            print(f"\n(wrote {args.rows:,} synthetic shipment rows in {t:.1f} s)")
            report(f"{args.rows:,} shipment and {args.rows:,} production rows (Parquet)", folder, ["03621000"])


if __name__ == "__main__":
    main()
