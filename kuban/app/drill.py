"""Drill-down: a click on a municipality or an enterprise opens its page, and the browser's Back returns.

A click arrives as a widget callback (a map point, a table row); a callback cannot switch pages, so it leaves
the target in the session (`_request`), and dashboard.py calls `follow()` before the page runs: that switches
with st.switch_page, which Streamlit's frontend records as a new history entry. The target page reads its
object from the URL (`?inn=…`, `?oktmo=…`: codes, never names), so a link opens the same view; the sidebar's
filters (`mo`, `okved`, `from`, `to`: widgets bound to the URL) keep their values and travel along.

The codes a click carries come from the data the user's own queries returned (a table row, a map point's
customdata); the target page checks them again against the user's scope, like any URL.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

ENTERPRISE_PAGE = "pages/enterprise.py"
MUNICIPALITY_PAGE = "pages/municipality.py"
INN_PARAM = "inn"
OKTMO_PARAM = "oktmo"
_PENDING = "_drill_to"


def _request(page: str, param: str, value: str) -> None:
    st.session_state[_PENDING] = (page, param, value)


def open_enterprise(inn: str) -> None:
    """Open the card of `inn` on the next run (from a callback)."""
    _request(ENTERPRISE_PAGE, INN_PARAM, str(inn))


def open_municipality(oktmo: str) -> None:
    """Open the passport of `oktmo` on the next run (from a callback)."""
    _request(MUNICIPALITY_PAGE, OKTMO_PARAM, str(oktmo))


def follow() -> None:
    """Switch to the page a click asked for, if any (call before the page runs; it does not return then)."""
    pending = st.session_state.pop(_PENDING, None)
    if pending is None:
        return
    page, param, value = pending
    # The sidebar's filters are widgets bound to the URL: they keep their values (session state) and write them
    # into the new page's address themselves; only the object is set here.
    st.switch_page(page, query_params={param: value})


OWN_PARAMS = {INN_PARAM: "enterprise", OKTMO_PARAM: "municipality"}     # parameter -> the page (url_path) it is for


_LAST_PAGE = "_drill_last_page"


def tidy(url_path: str) -> None:
    """Leaving a card or passport (Back, the navigation): drop its object from the address, which Streamlit would
    otherwise carry to the next page. A first run keeps what the address says."""
    last = st.session_state.get(_LAST_PAGE)
    st.session_state[_LAST_PAGE] = url_path
    for param, owner in OWN_PARAMS.items():
        if last == owner != url_path and param in st.query_params:
            del st.query_params[param]


def on_map_click(chart_key: str) -> None:
    """A click on a municipality of a map opens its passport. The point carries the OKTMO code
    (kuban.app.charts.municipality_map customdata), not the shown (escaped) name."""
    points = st.session_state[chart_key].selection.get("points", [])
    if points and points[0].get("customdata"):
        open_municipality(points[0]["customdata"][0])


def on_row_click(table_key: str, inns: pd.Series) -> None:
    """A click on a row of an enterprise table opens that enterprise's card (`inns`: the table's INNs in the order
    shown)."""
    rows = st.session_state[table_key].selection.get("rows", [])
    if rows and 0 <= rows[0] < len(inns):
        open_enterprise(inns.iloc[rows[0]])
