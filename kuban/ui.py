"""Streamlit pieces every page shares: the data source, the sidebar filters,
headers and notices, metrics, tables and download buttons.

Pages stay thin: they read `filters()`, call `run()`, pass frames to
`kuban.charts`, and lay out the result with these helpers.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from . import export, fmt, paths, queries
from . import texts as T
from .db import Database, DataSource
from .filters import Filters, default_window, month_range

PLOTLY_CONFIG = {"displaylogo": False, "locale": "ru", "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


@st.cache_resource(show_spinner=False)
def _source(data_dir: str) -> DataSource:
    return DataSource(data_dir)


def database() -> Database:
    """The current data version (reloaded when a file in the folder is added, changed or removed)."""
    return _source(str(paths.data_dir())).get()


def run(name: str, params: dict | None = None) -> pd.DataFrame:
    return queries.run(database(), name, params or {})


def run_later(name: str, params: dict | None = None):
    """A thunk for a query that should run only if needed (a download click), on this run's data version."""
    db = database()
    return lambda: queries.run(db, name, params or {})


# --- Filters ----------------------------------------------------------------------

def _month_key(d: date) -> str:
    return d.strftime("%Y-%m")


def sidebar_filters() -> Filters | None:
    """Draw the shared filters (kept in the URL) and return their value; None if there is no monthly data."""
    munis = run("municipality_list")
    divisions = run("division_list")
    bounds = run("period_bounds").iloc[0]
    name_to_oktmo = dict(zip(munis["name"], munis["oktmo"]))
    division_names = dict(zip(divisions["division"], divisions["name"]))

    with st.sidebar:
        st.header(T.FILTERS_HEADER)
        chosen = st.multiselect(T.FILTER_MUNIS, list(munis["name"]), key="mo", bind="query-params",
                                placeholder=T.FILTER_MUNIS_PLACEHOLDER, help=T.FILTER_MUNIS_HELP)
        chosen_div = st.multiselect(
            T.FILTER_DIVISIONS, list(divisions["division"]), key="okved", bind="query-params",
            placeholder=T.FILTER_DIVISIONS_PLACEHOLDER,
            format_func=lambda d: f"{d} {division_names.get(d) or ''}".strip())
        if pd.isna(bounds["last_period"]):
            st.info(T.NO_DATA_YET)
            return None
        first, last = bounds["first_period"].date(), bounds["last_period"].date()
        months = [_month_key(m) for m in month_range(first, last)][::-1]   # newest first
        d_from, d_to = default_window(last, first)
        label = lambda k: fmt.month(pd.Timestamp(k + "-01"))  # noqa: E731
        col1, col2 = st.columns(2)
        k_from = col1.selectbox(T.FILTER_FROM, months, index=months.index(_month_key(d_from)), key="from",
                                bind="query-params", format_func=label)
        k_to = col2.selectbox(T.FILTER_TO, months, index=months.index(_month_key(d_to)), key="to",
                              bind="query-params", format_func=label)
        if k_from > k_to:
            st.warning(T.FILTER_PERIOD_SWAPPED)
            k_from, k_to = k_to, k_from
    to_date = lambda k: date(int(k[:4]), int(k[5:7]), 1)  # noqa: E731
    return Filters(
        munis=tuple(name_to_oktmo[n] for n in chosen if n in name_to_oktmo),
        muni_names=tuple(chosen),
        divisions=tuple(chosen_div),
        date_from=to_date(k_from),
        date_to=to_date(k_to),
    )


def filters() -> Filters | None:
    return st.session_state.get("_filters")


# --- Notices ------------------------------------------------------------------

def notices(db: Database) -> None:
    """Demo marker and load problems: shown on every page."""
    if db.is_demo:
        st.info(T.DEMO_BANNER, icon=":material/science:")
    refused = db.result.refused_count
    if refused:
        st.warning(T.LOAD_NOTICE.format(refused=fmt.number(refused)), icon=":material/report:")


def header(title: str, f: Filters | None) -> None:
    st.title(title)
    if f is not None:
        st.caption(f.describe())


# --- Metrics, charts, tables ---------------------------------------------------

def metric(col, label: str, value: str, current=None, previous=None, help: str | None = None) -> None:
    ch = fmt.change(current, previous)
    delta = f"{fmt.percent(ch, signed=True)} {T.VS_YEAR_AGO}" if ch is not None else None
    col.metric(label, value, delta=delta, help=help, border=True)


def chart(fig, key: str | None = None, **kwargs):
    return st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key, **kwargs)


def money_table(frame: pd.DataFrame, money_cols=(), share_cols=(), growth_cols=(), height: int | None = None) -> None:
    """A table with Russian headers and Russian-formatted numbers (sorting still uses the raw values)."""
    formats = {c: (lambda x: fmt.number(x / 1e6, 1)) for c in money_cols}
    formats.update({c: (lambda x: fmt.percent(x)) for c in share_cols})
    formats.update({c: (lambda x: fmt.percent(x, signed=True)) for c in growth_cols})
    shown = frame.rename(columns=T.COL)
    styler = shown.style.format({T.COL.get(c, c): f for c, f in formats.items()}, na_rep="—")
    st.dataframe(styler, hide_index=True, width="stretch", height=height or "auto")


# --- Downloads ----------------------------------------------------------------

def downloads(items: list[tuple[str, str, object]], f: Filters | None) -> None:
    """For each (label, file stem, frame or query thunk): the CSV for Excel and the plain CSV, filtered as shown.

    A thunk (a function returning the frame) runs only when a button is clicked, so pages
    whose downloads hold every row (millions at scale) do not query them on every rerun.
    """
    st.subheader(T.DOWNLOADS)
    label = f.file_label() if f else "все"
    for title, stem, source in items:
        rows = None if callable(source) else source

        def build(form, rows=rows, source=source):
            frame = rows if rows is not None else source()
            return export.to_excel_csv(frame) if form == "excel" else export.to_plain_csv(frame)

        c0, c1, c2 = st.columns([3, 1.3, 1.3], vertical_alignment="center")
        c0.markdown(T.DOWNLOAD_ROWS.format(label=title, rows=fmt.number(len(rows))) if rows is not None else title)
        c1.download_button(T.DOWNLOAD_EXCEL, data=lambda b=build: b("excel"),
                           file_name=export.file_name(stem, label, "excel"), mime="text/csv",
                           help=T.DOWNLOAD_EXCEL_HELP, on_click="ignore", key=f"dl-x-{stem}",
                           icon=":material/download:")
        c2.download_button(T.DOWNLOAD_PLAIN, data=lambda b=build: b("plain"),
                           file_name=export.file_name(stem, label, "utf8"), mime="text/csv",
                           help=T.DOWNLOAD_PLAIN_HELP, on_click="ignore", key=f"dl-p-{stem}",
                           icon=":material/download:")
