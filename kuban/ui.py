"""Streamlit pieces every page shares: the data source, the sidebar filters,
headers and notices, metrics, tables and download buttons.

Pages stay thin: they read `filters()`, call `run()`, pass frames to
`kuban.charts`, and lay out the result with these helpers.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from . import charts, export, fmt, paths, queries
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
        chosen = st.multiselect(T.FILTER_MUNIS, list(munis["name"]), key="mo", bind="query-params", select_all=False,
                                placeholder=T.FILTER_MUNIS_PLACEHOLDER, help=T.FILTER_MUNIS_HELP)
        chosen_div = st.multiselect(
            T.FILTER_DIVISIONS, list(divisions["division"]), key="okved", bind="query-params", select_all=False,
            placeholder=T.FILTER_DIVISIONS_PLACEHOLDER,
            format_func=lambda d: f"{d} {division_names.get(d) or ''}".strip())
        if pd.isna(bounds["last_period"]):
            st.info(T.NO_DATA_YET)
            return None
        first, last = bounds["first_period"].date(), bounds["last_period"].date()
        months = [_month_key(m) for m in month_range(first, last)][::-1]   # newest first
        d_from, d_to = default_window(last, first)
        label = lambda k: fmt.month(pd.Timestamp(k + "-01"))  # noqa: E731
        k_from = st.selectbox(T.FILTER_FROM, months, index=months.index(_month_key(d_from)), key="from",
                                bind="query-params", format_func=label, placeholder=T.CHOOSE)
        k_to = st.selectbox(T.FILTER_TO, months, index=months.index(_month_key(d_to)), key="to",
                              bind="query-params", format_func=label, placeholder=T.CHOOSE)
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


def ensure_frame() -> None:
    """Make sure this page runs inside dashboard.py (sidebar filters, notices), not on its own.

    Streamlit 1.67 still auto-discovers `pages/` (its legacy multipage mode) until some session
    calls st.navigation: a server's very first request for /shipments, and every AppTest rerun,
    would execute pages/shipments.py alone. Leaving legacy mode and rerunning routes the request
    through dashboard.py's st.navigation to the same page (the URL paths equal the file stems).
    """
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def filters() -> Filters | None:
    ensure_frame()
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
    delta = fmt.percent(ch, signed=True) if ch is not None else None
    tip = " ".join(t for t in (help, T.KPI_HELP_DELTA if delta else None) if t) or None
    col.metric(label, value, delta=delta, help=tip, border=True)


def chart(fig, key: str | None = None, **kwargs):
    return st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key, **kwargs)


MUNI_KEY = "mo"   # the sidebar municipality filter (also the URL parameter)


def _on_map_click(chart_key: str) -> None:
    """A click on a municipality chooses it as the filter; a click on the only chosen one clears it."""
    points = st.session_state[chart_key].selection.get("points", [])
    if not points:
        return
    name = points[0]["customdata"][1]
    current = st.session_state.get(MUNI_KEY) or []
    st.session_state[MUNI_KEY] = [] if current == [name] else [name]


def municipality_map(frame: pd.DataFrame, value: str, title: str, value_label: str, key: str,
                     money: bool = True, unit: str | None = None) -> None:
    """The map of all 44 municipalities coloured by `value` of `frame` (by oktmo); clickable.

    `unit`: the unit of a value that is not money (default: `value_label`)."""
    munis = run("municipality_list").rename(columns={"name": "municipality"})
    data = munis.merge(frame[["oktmo", value]].dropna(subset=["oktmo"]), on="oktmo", how="left")
    f = filters()
    fig = charts.municipality_map(data, value, title, value_label, money=money, boundaries=database().boundaries,
                                  selected=f.munis if f else (), unit=unit)
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key, on_select=lambda: _on_map_click(key),
                    selection_mode="points")
    st.caption(T.MAP_HINT)


def money_table(frame: pd.DataFrame, money_cols=(), share_cols=(), growth_cols=(), height: int | None = None,
                number_cols: dict[str, int] | None = None, thousand_cols=(), date_cols=()) -> None:
    """A table with Russian headers and Russian-formatted numbers («—» where there is no value).

    money_cols in millions (1 decimal), thousand_cols in thousands (no decimals), number_cols
    {column: decimals} as they are, date_cols as dd.mm.yyyy.
    """
    shown = frame.copy()
    for c in money_cols:
        shown[c] = shown[c].map(lambda x: fmt.number(x / 1e6, 1))
    for c in thousand_cols:
        shown[c] = shown[c].map(lambda x: fmt.number(x / 1e3, 0))
    for c, d in (number_cols or {}).items():
        shown[c] = shown[c].map(lambda x, d=d: fmt.number(x, d))
    for c in date_cols:
        shown[c] = shown[c].map(fmt.date_ru)
    for c in share_cols:
        shown[c] = shown[c].map(fmt.percent)
    for c in growth_cols:
        shown[c] = shown[c].map(lambda x: fmt.percent(x, signed=True))
    config = {T.COL.get(c, c): st.column_config.TextColumn(alignment="right")
              for c in (*money_cols, *share_cols, *growth_cols, *thousand_cols, *(number_cols or {}))}
    st.dataframe(shown.rename(columns=T.COL), hide_index=True, width="stretch", height=height or "auto",
                 column_config=config)


def wide_columns(*labels: str) -> dict:
    """Column settings that give the named (Russian-labelled) columns the room they need."""
    return {label: st.column_config.TextColumn(width="large") for label in labels}


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
        c0.markdown(T.DOWNLOAD_ROWS.format(label=title, rows=fmt.number(len(rows)), word=fmt.plural(len(rows), *T.ROW_WORDS))
                    if rows is not None else title)
        c1.download_button(T.DOWNLOAD_EXCEL, data=lambda b=build: b("excel"),
                           file_name=export.file_name(stem, label, "excel"), mime="text/csv",
                           help=T.DOWNLOAD_EXCEL_HELP, on_click="ignore", key=f"dl-x-{stem}",
                           icon=":material/download:")
        c2.download_button(T.DOWNLOAD_PLAIN, data=lambda b=build: b("plain"),
                           file_name=export.file_name(stem, label, "utf8"), mime="text/csv",
                           help=T.DOWNLOAD_PLAIN_HELP, on_click="ignore", key=f"dl-p-{stem}",
                           icon=":material/download:")
