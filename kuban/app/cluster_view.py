"""The «Кластер» page's figures made ready to show and to download: plain frames and text, no Streamlit.

The analysis is kuban/model/cluster.py; the widgets and tables are kuban/app/cluster_ui.py; the charts
kuban/app/charts.py. Texts are plain (a table escapes them: ui.text_table) unless a function says Markdown.
"""
from __future__ import annotations

import pandas as pd

from kuban import texts as T
from kuban.app import fmt
from kuban.data.cluster_definitions import Definition
from kuban.model.cluster import CLUSTER, Analysis


def anchor_rule(d: Definition) -> str:
    """Which members are anchors, in words: «крупные или топ-5 по отгрузке», «не выделяются»."""
    anchors = [T.CLUSTER_DEF_ANCHORS_LARGE] if d.anchor_large else []
    if d.anchor_top_n:
        anchors.append(T.CLUSTER_DEF_ANCHORS_TOP.format(n=d.anchor_top_n))
    return T.CLUSTER_ANCHORS_OR.join(anchors) or T.CLUSTER_DEF_ANCHORS_NONE


def describe(d: Definition) -> str:
    """The working definition in one line of Markdown (its name and codes escaped)."""
    return fmt.md_format(
        T.CLUSTER_DEF_NOW, name=d.name, codes=", ".join(d.codes), lq=fmt.number(d.lq_threshold, 2),
        ent=fmt.number(d.min_enterprises), emp=fmt.number(d.min_employees),
        anchors=anchor_rule(d), part=fmt.number(d.min_participants), years=d.years_back)


def comparison(analyses: list[Analysis]) -> pd.DataFrame:
    """Saved definitions side by side: one row per parameter or result, one column per definition
    (values as Russian text). Column names are the definitions' names (made unique)."""
    rows = T.CLUSTER_COMPARE_ROWS
    out = {T.CLUSTER_COMPARE_ROW: list(rows.values())}
    for a in analyses:
        d, h = a.definition, a.headline
        spec = "; ".join(f"{m} ({fmt.number(v, 2)})" for m, v in zip(h["specialised"], h["specialised_lq"])) or "—"
        req = a.requirements.iloc[0]
        values = {
            "codes": ", ".join(d.codes),
            "lq_threshold": fmt.number(d.lq_threshold, 2),
            "thin": T.CLUSTER_COMPARE_THIN.format(ent=fmt.number(d.min_enterprises), emp=fmt.number(d.min_employees)),
            "anchor_rule": anchor_rule(d),
            "members": fmt.number(h["members"]),
            "anchors": fmt.number(h["anchors"]),
            "specialised": spec,
            "share_shipped": fmt.percent(h["share_shipped"]),
            "share_employees": fmt.percent(h["share_employees"]),
            "share_support": fmt.percent(h["share_support"]),
            "growth": fmt.percent(h["c_growth"], signed=True),
            "productivity": fmt.money(h["c_productivity_rub"]),
            "requirement": T.CLUSTER_COMPARE_REQUIREMENT.format(result=req["result"], value=req["value"],
                                                                n=d.min_participants),
        }
        name = d.name
        while name in out:
            name += " (2)"
        out[name] = [values[k] for k in rows]
    return pd.DataFrame(out)


# --- The heat map and the quadrant (kuban.app.charts.lq_heatmap, lq_quadrant) ----------------------------

def display_order(lqs: pd.DataFrame, basis: str = "employment") -> pd.DataFrame:
    """`lqs` for the heat map: municipalities with at least one cluster enterprise, enough data first,
    then by cluster LQ, highest first."""
    key = lqs[(lqs["industry"] == CLUSTER) & (lqs["enterprises"] > 0)].set_index("oktmo")
    rank = (key["thin"].astype(int) * 1000 - key[f"lq_{basis}"].fillna(-1)).sort_values(kind="stable")
    order = {o: i for i, o in enumerate(rank.index)}
    shown = lqs[lqs["oktmo"].isin(order)]
    return shown.assign(_o=shown["oktmo"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")


def heatmap_columns(d: Definition, codes_without_data=()) -> dict[str, str]:
    """Heat-map columns: each code with data («28<br>машины и<br>оборудование»), then the cluster."""
    cols = {}
    for code in d.codes:
        if code in codes_without_data:
            continue
        short = T.CLUSTER_DIVISION_SHORT.get(code) if len(code) == 2 else None
        cols[code] = f"<b>{code}</b><br>{short}" if short else f"<b>{code}</b>"
    cols[CLUSTER] = T.CLUSTER_ROW_LABEL
    return cols


def quadrant_frame(lqs: pd.DataFrame, basis: str = "employment") -> pd.DataFrame:
    """One row per municipality for the quadrant chart: municipality, lq, change, employees, quadrant."""
    c = lqs[lqs["industry"] == CLUSTER]
    return pd.DataFrame({"oktmo": c["oktmo"], "municipality": c["municipality"], "lq": c[f"lq_{basis}"],
                         "change": c[f"change_{basis}"], "employees": c["employees"],
                         "quadrant": c[f"quadrant_{basis}"]}).reset_index(drop=True)


# --- Downloads ---------------------------------------------------------------------------------------------

def lq_download(lqs: pd.DataFrame) -> pd.DataFrame:
    """The location-quotient table as downloaded: the cluster-as-a-whole rows have division «кластер»."""
    out = lqs.assign(division=lqs["industry"].replace({CLUSTER: T.CLUSTER_ROW}))
    return out[["oktmo", "municipality", "division", "lq_employment", "lq_output", "employees", "output_rub"]]


def members_download(members: pd.DataFrame) -> pd.DataFrame:
    """The member table as downloaded: every column but the krai rank the anchors were chosen by."""
    return members.drop(columns=["shipped_rank"])
