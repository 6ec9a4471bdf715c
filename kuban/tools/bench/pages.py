"""The DuckDB side: what each page runs on a filter change, the filter states measured (scenarios), and the two
phases that run the dashboard's own code in a process of their own (first load; restart and filter changes)."""
from __future__ import annotations

import pickle
import time
from datetime import date
from pathlib import Path

import pandas as pd

from kuban import paths
from kuban import texts as T
from kuban.tools.bench.common import LABELS, Progress, children_peak_rss_mb, peak_rss_mb

# The queries each page runs on a filter change (pages/*.py; the sidebar's lists and bounds and the
# row-level downloads are not rerun: they are cached or built on click): a name, or (name, parameters the page
# adds to the filter's). The cluster page runs its default definition through kuban.model.cluster.analyse,
# as the page does (its three statements at once, kuban.model.queries.run_many).
TOP_ROWS = 50                       # kuban.app.ui.TOP_ROWS: the enterprise tables of «Производство»
PAGES: dict[str, tuple] = {
    T.PAGE_OVERVIEW: ("overview_kpis", "shipments_monthly", "shipments_by_municipality"),
    T.PAGE_SHIPMENTS: ("shipments_monthly", "shipments_by_municipality", "shipments_by_division",
                       "shipments_top_enterprises"),
    T.PAGE_PRODUCTION: ("production_summary", "production_monthly",
                        ("production_top_enterprises", {"search": "", "order": "output", "limit": TOP_ROWS}),
                        ("production_top_enterprises", {"search": "", "order": "productivity_growth",
                                                        "limit": TOP_ROWS})),
    T.PAGE_LOANS: ("loans_portfolio", "loans_monthly", "loans_list"),
    T.PAGE_SUBSIDIES: ("subsidies_summary", "support_intensity", "subsidies_recipients"),
    T.PAGE_CLUSTER: ("cluster_specialisation", "cluster_members", "cluster_vs_rest"),
}
# The card pages (pages/enterprise.py, pages/municipality.py): timed on the DuckDB side only (the pandas dashboard
# has no such page); each opens one object, the largest shipper of the krai and ONE_MUNICIPALITY's passport.
# What they run is _card_page.
CARD_PAGES = (T.PAGE_ENTERPRISE, T.PAGE_MUNICIPALITY)
ALL_PAGES = (*PAGES, *CARD_PAGES)
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
    "production_top": ("production_top_enterprises", {}, ("inn",), (
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
    T.PAGE_PRODUCTION: ("production_summary", "production_monthly", "production_top"),
    T.PAGE_LOANS: ("loans_portfolio", "loans_monthly", "loans_list"),
    T.PAGE_SUBSIDIES: ("subsidies_summary", "support_intensity", "subsidies_recipients"),
    T.PAGE_CLUSTER: ("cluster_specialisation", "cluster_members", "cluster_vs_rest"),
}


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

def card_objects(db) -> dict[str, str]:
    """What the card pages open at every scenario: {"inn": the largest shipper of the krai in the default months,
    "oktmo": ONE_MUNICIPALITY's code}."""
    from kuban.model import queries
    from kuban.model.filters import default_window
    bounds = queries.run(db, "period_bounds").iloc[0]
    d_from, d_to = default_window(bounds["last_period"].date(), bounds["first_period"].date())
    top = queries.run(db, "shipments_top_enterprises", {"munis": [], "divisions": [], "date_from": d_from,
                                                        "date_to": d_to, "limit": 1})
    munis = pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)
    return {"inn": str(top["inn"].iloc[0]) if len(top) else "",
            "oktmo": dict(zip(munis["name"], munis["oktmo"]))[ONE_MUNICIPALITY]}


def _card_page(run, run_many, page: str, params: dict, objects: dict[str, str]) -> None:
    """What a card page runs on a filter change (the page's own functions over the same statements)."""
    from kuban.data.cluster_definitions import Definition
    from kuban.model import enterprise, passport
    if page == T.PAGE_ENTERPRISE:
        p = params | {"inn": objects["inn"]}
        profile = run("enterprise_profile", p)
        for name in ("enterprise_summary", "enterprise_monthly", "enterprise_support"):
            run(name, p)
        okved = profile["okved"].iloc[0] if len(profile) else None
        enterprise.cluster_membership(run, objects["inn"], okved, {T.CLUSTER_DEFAULT_NAME: Definition()},
                                      params["date_from"], params["date_to"])
        return
    whole, here = params | {"munis": []}, params | {"munis": [objects["oktmo"]]}
    munis = run("municipality_list", {})
    codes = tuple(run("division_list", {})["division"])
    ship, prod, support, spec, *_ = run_many([
        ("shipments_by_municipality", whole), ("production_summary", whole), ("support_intensity", whole),
        ("cluster_specialisation", whole | {"cluster_codes": list(codes), "years_back": 1}),
        ("shipments_monthly", here), ("production_monthly", here), ("shipments_top_enterprises", here | {"limit": 10})])
    passport.standing(munis, ship, prod, support, objects["oktmo"])
    passport.division_lqs(spec, codes, objects["oktmo"])


def duck_page(db, page: str, params: dict, objects: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Run what the page runs on a filter change; the query results by name (`objects`: what the card pages
    open, card_objects)."""
    from kuban.model import cluster, queries
    results: dict[str, pd.DataFrame] = {}

    def run(name: str, p: dict) -> pd.DataFrame:
        frame = queries.run(db, name, p)
        results.setdefault(name, frame)          # a statement run twice (another order): its first answer
        return frame

    def run_many(calls: list[tuple[str, dict]]) -> list:
        frames = queries.run_many(db, calls)
        for (name, _), frame in zip(calls, frames):
            if isinstance(frame, pd.DataFrame):
                results.setdefault(name, frame)
        return frames

    if page in CARD_PAGES:
        _card_page(run, run_many, page, params, objects or card_objects(db))
    elif page == T.PAGE_CLUSTER:          # as pages/cluster.py runs it: its three statements at once
        from kuban.data.cluster_definitions import Definition
        cluster.analyse(run, Definition(), params["munis"], params["date_from"], params["date_to"],
                        run_many=run_many)
    else:
        for item in PAGES[page]:
            name, extra = (item, {}) if isinstance(item, str) else item
            run(name, params | extra)
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
    objects = card_objects(db)
    progress = Progress(LABELS["progress_serve"], len(chosen) * len(ALL_PAGES) * repeat)
    times: dict[str, dict[str, list[float]]] = {}
    figures: dict[str, dict[str, pd.DataFrame]] = {}
    for key, scenario in chosen.items():
        times[key], figures[key] = {}, {}
        for page in ALL_PAGES:
            runs = []
            for i in range(repeat):
                queries.CACHE.clear()
                t = time.perf_counter()
                results = duck_page(db, page, scenario["params"], objects)
                runs.append(time.perf_counter() - t)
                if i == 0 and page in PAGES:
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
