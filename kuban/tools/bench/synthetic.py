"""The synthetic data folder: `rows` rows per fact table in the demo generator's shapes, kept and reused under
`--keep DIR` (DIR/rows-N) when complete, of the same size and of the same generator version."""
from __future__ import annotations

import json
import shutil
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kuban.tools import demo
from kuban.tools.bench.common import LABELS, Progress

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
