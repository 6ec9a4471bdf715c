"""The widgets and tables of «Муниципалитет» (pages/municipality.py).

The municipality comes from the URL (`?oktmo=`, kuban.app.drill) or the select box, whose options are the user's
own municipality_list (a restricted user is offered only their municipalities). A code that is malformed gets its
own message; one that is well formed but not among the user's municipalities (or no municipality at all) gets
kuban.texts.NO_ACCESS_OR_DATA, the same in both cases.
"""
from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from kuban import texts as T
from kuban.app import charts, drill, fmt, ui

OKTMO_RE = re.compile(r"^\d{8}$")
PICK_KEY = "passport-pick"
SEEN_KEY = "_passport_url"          # the address's oktmo as last seen


def choose(munis: pd.DataFrame) -> str | None:
    """The OKTMO code the passport shows, or None (with the reason shown)."""
    url_value = st.query_params.get(drill.OKTMO_PARAM)
    options = list(munis["oktmo"])
    names = dict(zip(munis["oktmo"], munis["name"]))
    url_code = url_value.strip() if isinstance(url_value, str) else None
    if PICK_KEY not in st.session_state or st.session_state.get(SEEN_KEY) != url_code:
        # a new address (a link, a click elsewhere, Back): it decides, over what the box held
        st.session_state[PICK_KEY] = url_code if url_code in options else None
        st.session_state[SEEN_KEY] = url_code
    pick = st.selectbox(T.MUNICIPALITY_PICK, options, key=PICK_KEY, format_func=lambda o: names.get(o, o),
                        placeholder=T.MUNICIPALITY_PICK_PLACEHOLDER)
    if pick is not None:
        if pick != url_code:                     # chosen in the box: the address follows
            st.query_params[drill.OKTMO_PARAM] = pick
            st.session_state[SEEN_KEY] = pick
        return pick
    if url_code is None:
        st.info(T.MUNICIPALITY_START, icon=":material/location_city:")
    elif not OKTMO_RE.match(url_code):
        st.warning(T.MUNICIPALITY_BAD_CODE, icon=":material/link_off:")
    else:
        st.warning(T.NO_ACCESS_OR_DATA, icon=":material/block:")
    return None


def head(m) -> None:
    st.subheader(fmt.md(m["name"]))
    st.caption(fmt.md_format(T.MUNICIPALITY_FACTS, kind=m["kind"] or "—", center=m["center"] or "—"))


def _value_text(measure: str, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return T.PASSPORT_HIDDEN if measure != "intensity" else "—"
    if measure == "employees":
        return fmt.people(value)
    if measure == "intensity":
        return f"{fmt.number(value)}{fmt.NBSP}₽"
    return fmt.money(value)


def _rank_text(row) -> str:
    if pd.isna(row["rank"]):
        return "—"
    return T.PASSPORT_RANK.format(rank=fmt.number(row["rank"]), of=fmt.number(row["of"]))


def metrics(table: pd.DataFrame) -> None:
    """The headline measures: value, and share of the krai with the rank under it."""
    rows = table.set_index("measure")
    keys = ["shipped", "output", "employees", "loans", "subsidies", "intensity"]
    for chunk in (keys[:3], keys[3:]):
        cols = st.columns(len(chunk))
        for col, key in zip(cols, chunk):
            r = rows.loc[key]
            share = "" if pd.isna(r["share"]) else fmt.percent(r["share"]) + " · "
            ui.metric(col, T.PASSPORT_MEASURES[key], _value_text(key, r["value"]),
                      help=T.PASSPORT_SHARE_HELP.format(of=fmt.number(r["of"])))
            col.caption(fmt.md(share + _rank_text(r)))


def standing_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The shares-and-ranks table as shown (text)."""
    restricted = ui.scope().restricted
    columns = T.PASSPORT_COLUMNS | (T.PASSPORT_COLUMNS_RESTRICTED if restricted else {})
    return pd.DataFrame({
        "measure": [T.PASSPORT_MEASURES[k] for k in table["measure"]],
        "value": [_value_text(k, v) for k, v in zip(table["measure"], table["value"])],
        "total": ["—" if pd.isna(v) else _value_text(k, v) for k, v in zip(table["measure"], table["total"])],
        "share": [fmt.percent(v) for v in table["share"]],
        "rank": [_rank_text(r) for _, r in table.iterrows()],
    }).rename(columns=columns)


def standing_table(table: pd.DataFrame) -> None:
    st.subheader(T.TABLE_PASSPORT)
    ui.text_table(standing_shown(table), T.TABLE_PASSPORT)


def standing_download(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(measure=[T.PASSPORT_MEASURES[k] for k in table["measure"]])


def lq_bars(lqs: pd.DataFrame, divisions: pd.DataFrame) -> pd.DataFrame:
    """Divisions with employment there, labelled «28 Производство машин…» for charts.bars; a division with too
    little data keeps its bar, its label says so."""
    names = dict(zip(divisions["division"], divisions["name"]))
    labels = [charts.division_label(d, names.get(d)) + (f" ({T.PASSPORT_THIN})" if thin else "")
              for d, thin in zip(lqs["division"], lqs["thin"])]
    return lqs.assign(label=labels)
