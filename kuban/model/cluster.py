"""The smart-industry cluster: the arithmetic of the «Кластер» page, from the results of its queries.

No Streamlit here. SQL (queries/cluster_*.sql) aggregates the facts; the functions below turn those
small aggregates into location quotients, quadrants, anchors, shares and the requirements check.
What a cluster is (and its saved files) is kuban/data/cluster_definitions.py; how it is shown,
kuban/app/cluster_view.py.

Location quotient of industry i in municipality j (employment or output, against the whole krai):

    LQ_ij = (e_ij / e_j) / (E_i / E)  =  (e_ij * E) / (e_j * E_i)

e_ij: industry i in j; e_j: every industry with data in j; E_i: industry i in the krai; E: everything
in the krai. It is computed in the second form, so integer inputs give exact quotients.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import numpy as np
import pandas as pd

from kuban import texts as T
from kuban.data.cluster_definitions import Definition
from kuban.model import memo
from kuban.model.queries import NotPermitted

CLUSTER = "cluster"     # the industry key of the cluster as a whole in queries/cluster_specialisation.sql
TOTAL = "total"         # ... and of every industry together
EPS = 1e-9              # LQ at the threshold counts as reaching it despite floating-point noise
QUADRANTS = ("leading", "mature", "emerging", "transforming")
THIN = "thin"           # «мало данных»


# --- Location quotients -------------------------------------------------------------------------

def lq(e_ij, e_j, big_e_i, big_e) -> float:
    """(e_ij / e_j) / (E_i / E); NaN when the municipality or the industry has nothing to compare."""
    values = [e_ij, e_j, big_e_i, big_e]
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return math.nan
    if e_j == 0 or big_e_i == 0 or big_e == 0:
        return math.nan
    return (float(e_ij) * float(big_e)) / (float(e_j) * float(big_e_i))


def _lq_columns(frame: pd.DataFrame, value: str) -> pd.Series:
    """LQ of every row of `frame` (oktmo, industry, value) against its municipality's total and the krai."""
    total_j = frame[frame["industry"] == TOTAL].set_index("oktmo")[value]
    krai_i = frame.groupby("industry")[value].sum()
    big_e = float(krai_i.get(TOTAL, 0.0))
    e_j = frame["oktmo"].map(total_j).astype(float)
    e_i = frame["industry"].map(krai_i).astype(float)
    num = frame[value].astype(float) * big_e
    den = e_j * e_i
    return (num / den.where(den != 0)).astype(float)


def thin(enterprises, employees, d: Definition) -> bool:
    """Too little data for a meaningful LQ: fewer enterprises or employees than the definition asks."""
    ent = 0 if enterprises is None or pd.isna(enterprises) else enterprises
    emp = 0 if employees is None or pd.isna(employees) else employees
    return bool(ent < d.min_enterprises or emp < d.min_employees)


def quadrant(lq_now, change, threshold: float) -> str | None:
    """Purdue PCRD quadrant: leading (high, growing), mature (high, shrinking), emerging (low, growing),
    transforming (low, shrinking). High = LQ >= threshold; growing = change > 0. None when unknown."""
    if lq_now is None or change is None or pd.isna(lq_now) or pd.isna(change):
        return None
    high = lq_now >= threshold - EPS
    growing = change > EPS
    if high:
        return "leading" if growing else "mature"
    return "emerging" if growing else "transforming"


def _quadrants(thin_rows: pd.Series, lq_now: pd.Series, change: pd.Series, threshold: float) -> pd.Series:
    """`quadrant()` of every row at once; THIN where the row has too little data."""
    lq_now, change = lq_now.astype(float), change.astype(float)
    high, growing = lq_now >= threshold - EPS, change > EPS
    out = np.select([high & growing, high, growing], ["leading", "mature", "emerging"], "transforming").astype(object)
    out[(lq_now.isna() | change.isna()).to_numpy()] = None
    out[thin_rows.to_numpy(dtype=bool)] = THIN
    return pd.Series(out, index=lq_now.index, dtype=object)


@memo.cached
def location_quotients(agg: pd.DataFrame, d: Definition, munis=()) -> pd.DataFrame:
    """LQ by employment and output of every code of the definition and of the cluster, per municipality.

    `agg` is queries/cluster_specialisation.sql. Krai totals use every municipality; `munis` (OKTMO codes)
    only chooses which rows are returned. Municipalities without data in the period are left out.
    Columns: oktmo, municipality, industry (a code or CLUSTER), employees, output_rub, enterprises,
    lq_employment, lq_output, lq_employment_then, lq_output_then, change_employment, change_output,
    thin, quadrant_employment, quadrant_output.
    """
    cols = ["oktmo", "municipality", "industry", "employees", "output_rub", "enterprises",
            "lq_employment", "lq_output", "lq_employment_then", "lq_output_then",
            "change_employment", "change_output", "thin", "quadrant_employment", "quadrant_output"]
    frame = agg[agg["oktmo"].notna()].copy()
    if frame.empty:
        return pd.DataFrame(columns=cols)
    # Every municipality with data gets a row for every code and for the cluster (zero where it has none).
    wanted = list(d.codes) + [CLUSTER, TOTAL]
    munis_all = frame[["oktmo", "municipality"]].drop_duplicates("oktmo")
    grid = munis_all.merge(pd.DataFrame({"industry": wanted}), how="cross")
    frame = grid.merge(frame.drop(columns="municipality"), on=["oktmo", "industry"], how="left")
    for c in ("employees", "output_rub", "employees_then", "output_then_rub"):
        frame[c] = frame[c].fillna(0.0).astype(float)
    for c in ("enterprises", "enterprises_then"):
        frame[c] = frame[c].fillna(0).astype(int)

    frame["lq_employment"] = _lq_columns(frame, "employees")
    frame["lq_output"] = _lq_columns(frame, "output_rub")
    frame["lq_employment_then"] = _lq_columns(frame, "employees_then")
    frame["lq_output_then"] = _lq_columns(frame, "output_then_rub")
    frame["change_employment"] = frame["lq_employment"] - frame["lq_employment_then"]
    frame["change_output"] = frame["lq_output"] - frame["lq_output_then"]
    frame["thin"] = (frame["enterprises"] < d.min_enterprises) | (frame["employees"] < d.min_employees)
    for basis in ("employment", "output"):
        frame[f"quadrant_{basis}"] = _quadrants(frame["thin"], frame[f"lq_{basis}"], frame[f"change_{basis}"],
                                                d.lq_threshold)

    totals = frame[frame["industry"] == TOTAL].set_index("oktmo")
    has_data = totals[(totals["employees"] > 0) | (totals["output_rub"] > 0)].index
    frame = frame[(frame["industry"] != TOTAL) & frame["oktmo"].isin(has_data)]
    if munis:
        frame = frame[frame["oktmo"].isin(list(munis))]
    order = {c: i for i, c in enumerate(wanted)}
    frame = frame.assign(_o=frame["industry"].map(order)).sort_values(["oktmo", "_o"]).drop(columns="_o")
    return frame[cols].reset_index(drop=True)


def specialised(lqs: pd.DataFrame, d: Definition, basis: str = "employment") -> pd.DataFrame:
    """Municipalities whose cluster LQ reaches the threshold with enough data, highest first."""
    c = lqs[(lqs["industry"] == CLUSTER) & ~lqs["thin"] & (lqs[f"lq_{basis}"] >= d.lq_threshold - EPS)]
    return c.sort_values([f"lq_{basis}", "municipality"], ascending=[False, True])


# --- Members and anchors ------------------------------------------------------------------------

@memo.cached
def mark_anchors(members: pd.DataFrame, d: Definition) -> pd.DataFrame:
    """`anchor` (bool) and `anchor_reason` (Russian): large, and/or among the top N by shipments.

    `shipped_rank` comes from queries/cluster_members.sql: the rank among all members of the krai
    (not only the municipalities shown), so a filter does not make a small firm an anchor."""
    large = (members["size"] == "large") if d.anchor_large else pd.Series(False, index=members.index)
    top = (members["shipped_rank"] <= d.anchor_top_n) & members["shipped_rub"].fillna(0).gt(0) \
        if d.anchor_top_n > 0 else pd.Series(False, index=members.index)
    large, top = large.fillna(False).astype(bool).to_numpy(), top.fillna(False).astype(bool).to_numpy()
    both = f"{T.CLUSTER_ANCHOR_LARGE}, {T.CLUSTER_ANCHOR_TOP.format(n=d.anchor_top_n)}"
    reason = np.select([large & top, large, top], [both, T.CLUSTER_ANCHOR_LARGE,
                                                   T.CLUSTER_ANCHOR_TOP.format(n=d.anchor_top_n)], "").astype(object)
    return members.assign(anchor=large | top, anchor_reason=reason)


# --- The cluster against the rest of industry ------------------------------------------------------

@memo.cached
def versus_rest(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per window (the chosen months, and the same months 1, 2, ... years earlier), oldest first.

    `frame` is queries/cluster_vs_rest.sql. Columns: years_back, window_from, window_to, and for the cluster
    (c_) and the rest (r_): shipped, output, employees, support, growth (shipments against the
    window a year earlier), productivity (output per employee); shares of the cluster in the total.
    """
    cols = ["years_back", "window_from", "window_to"]
    measures = ["shipped_rub", "output_rub", "employees", "support_rub"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    out = frame[cols].drop_duplicates("years_back")
    for flag, prefix in ((True, "c_"), (False, "r_")):
        part = frame[frame["in_cluster"] == flag].set_index("years_back")[measures].add_prefix(prefix)
        out = out.merge(part, left_on="years_back", right_index=True, how="left")
    out = out.sort_values("years_back", ascending=False).reset_index(drop=True)
    for p in ("c_", "r_"):
        out[p + "support_rub"] = out[p + "support_rub"].fillna(0.0)
        prev = out.set_index("years_back")[p + "shipped_rub"]
        before = (out["years_back"] + 1).map(prev)
        out[p + "growth"] = out[p + "shipped_rub"] / before.where(before > 0) - 1
        emp = out[p + "employees"]
        out[p + "productivity_rub"] = out[p + "output_rub"] / emp.where(emp > 0)
    for m, name in (("shipped_rub", "share_shipped"), ("employees", "share_employees"),
                    ("support_rub", "share_support"), ("output_rub", "share_output")):
        total = out["c_" + m].fillna(0) + out["r_" + m].fillna(0)
        out[name] = out["c_" + m].fillna(0) / total.where(total > 0)
    return out


# --- Decree 779 ---------------------------------------------------------------------------------

def requirements(participants: int | None, d: Definition) -> pd.DataFrame:
    """The requirements of Decree 779 (as summarised in the project's facts): the one the data can test
    with threshold, value and result; the others marked «данные не позволяют проверить». `participants`
    None: the user may not see the members (aggregates only), so that one is not tested either."""
    ok = None if participants is None else participants >= d.min_participants
    rows = [{
        "requirement": T.CLUSTER_REQ_PARTICIPANTS,
        "threshold": T.CLUSTER_REQ_AT_LEAST.format(n=d.min_participants),
        "value": "—" if participants is None else str(participants),
        "result": T.CLUSTER_REQ_UNKNOWN if ok is None else T.CLUSTER_REQ_PASS if ok else T.CLUSTER_REQ_FAIL,
        "passed": ok,
    }]
    for text in T.CLUSTER_REQ_UNTESTABLE:
        rows.append({"requirement": text["requirement"], "threshold": text["threshold"], "value": "—",
                     "result": T.CLUSTER_REQ_UNKNOWN, "passed": None})
    return pd.DataFrame(rows)


# --- Everything the page shows, from the queries ---------------------------------------------------

@dataclass
class Analysis:
    definition: Definition
    lqs: pd.DataFrame              # location_quotients(), filtered to the chosen municipalities
    members: pd.DataFrame | None   # one row per member enterprise, with anchor marks (None: aggregates only)
    trend: pd.DataFrame            # versus_rest()
    requirements: pd.DataFrame
    headline: dict = field(default_factory=dict)


def params(d: Definition, munis, date_from: date, date_to: date) -> dict:
    return {"cluster_codes": list(d.codes), "years_back": int(d.years_back), "munis": list(munis),
            "date_from": date_from, "date_to": date_to, "refused": [s.lower() for s in T.LOAN_REFUSED_STATUSES]}


QUERIES = ("cluster_specialisation", "cluster_members", "cluster_vs_rest")


def analyse(run: Callable[[str, dict], pd.DataFrame], d: Definition, munis, date_from: date, date_to: date,
            basis: str = "employment", run_many: Callable[[list], list] | None = None) -> Analysis:
    """Run the cluster queries (`run(name, params)`, e.g. kuban.app.ui.run; or all three at once through
    `run_many([(name, params), ...])`, e.g. kuban.app.ui.run_many) and compute what the page shows."""
    p = params(d, munis, date_from, date_to)
    if run_many is not None:
        spec_rows, member_rows, trend_rows = run_many([(name, p) for name in QUERIES])
    else:
        spec_rows, trend_rows = run("cluster_specialisation", p), run("cluster_vs_rest", p)
        try:
            member_rows = run("cluster_members", p)
        except NotPermitted as exc:
            member_rows = exc
    lqs = location_quotients(spec_rows, d, munis)
    # an aggregates-only user: no member list, no figure drawn from it
    members = None if isinstance(member_rows, NotPermitted) else mark_anchors(member_rows, d)
    trend = versus_rest(trend_rows)
    now = trend[trend["years_back"] == 0].iloc[0] if len(trend) and (trend["years_back"] == 0).any() else None
    spec = specialised(lqs, d, basis)
    headline = {
        "members": None if members is None else int(len(members)),
        "anchors": None if members is None else int(members["anchor"].sum()) if len(members) else 0,
        "specialised": list(spec["municipality"]),
        "specialised_lq": list(spec[f"lq_{basis}"]),
        "thin": list(lqs[(lqs["industry"] == CLUSTER) & lqs["thin"]]["municipality"]),
        # codes with no employment and no output anywhere in the krai (their LQ is undefined)
        "codes_without_data": [c for c in d.codes
                               if lqs.loc[lqs["industry"] == c, ["lq_employment", "lq_output"]].isna().all().all()],
    }
    for key in ("share_shipped", "share_employees", "share_support", "c_growth", "r_growth",
                "c_productivity_rub", "r_productivity_rub", "c_shipped_rub", "c_employees", "c_support_rub"):
        headline[key] = (None if now is None or pd.isna(now[key]) else float(now[key]))
    return Analysis(d, lqs, members, trend, requirements(None if members is None else len(members), d), headline)
