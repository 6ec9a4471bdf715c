"""Streamlit pieces every page shares: the data source, the sidebar filters,
headers and notices, metrics, tables and download buttons.

Pages stay thin: they read `filters()`, call `run()`, pass frames to
`kuban.app.charts`, and lay out the result with these helpers.

Text from data reaches Markdown (captions, notices, st.table, labels, help) only through `fmt.md()` /
`fmt.md_format()` and the helpers here (`header`, `text_table`, the URL notices); st.dataframe and the
options of selectboxes and multiselects show text as text already.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from kuban import paths
from kuban import texts as T
from kuban.app import brief, charts, drill, export, fmt, routes, signin
from kuban.model import memo, queries
from kuban.access import audit as audit_log
from kuban.access import policy as access_policy
from kuban.access.scope import Scope
from kuban.model.db import Database, DataSource, ScopedDatabase
from kuban.model.filters import Filters, default_window, month_range

PLOTLY_CONFIG = {"displaylogo": False, "locale": "ru", "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


@st.cache_resource(show_spinner=False)
def _source(data_dir: str) -> DataSource:
    return DataSource(data_dir)


def version() -> Database:
    """The current data version as a whole (reloaded when a file in the folder is added, changed or removed).

    Only sign-in reads it directly (the municipality names of the access file); pages read `database()`.
    While the very first version is being built, the page shows what the build is doing and waits."""
    source = _source(str(paths.data_dir()))
    db = source.current()
    if db is not None:
        return db
    shown = st.empty()
    while (db := source.current(wait=0.5)) is None:
        if source.failure is not None:
            shown.error(fmt.md_format(T.LOADING_FAILED, error=source.failure), icon=":material/error:")
            st.stop()
        with shown.container():
            st.info(T.LOADING_FIRST, icon=":material/hourglass_top:")
            st.caption(fmt.load_progress(source.progress()))
    shown.empty()
    return db


SCOPE_KEY = "_scope"     # set by dashboard.py on every run (kuban.app.signin), read here only


def scope() -> Scope:
    """This session's access scope; a run without one (a page run on its own) is routed through dashboard.py,
    and stops if there is still none: nothing is read without a scope."""
    s = st.session_state.get(SCOPE_KEY)
    if s is None:
        ensure_frame()
        st.stop()
    return s


def database() -> Database | ScopedDatabase:
    """The current data version as this session's user may see it (kuban.model.db.Database.for_scope)."""
    return version().for_scope(scope())


def audit(action: str, **details) -> None:
    """An entry of the audit log (kuban/access/audit.py) for this session's user."""
    signin.record(paths.data_dir(), st.session_state.get(SCOPE_KEY), action, **details)


def audit_entries(last: int | None = None) -> pd.DataFrame:
    """The audit log, newest first (administrators only: an empty frame for anyone else)."""
    if not scope().is_admin:
        return audit_log.read(paths.data_dir(), last=0).iloc[0:0]
    return audit_log.read(paths.data_dir(), last=last)


def access_summary() -> None:
    """Who is signed in and what they may see (top of «Данные»); for administrators, the access file's
    entries that give nothing, and why."""
    s = scope()
    if s.source == "open":
        st.warning(T.SIGNIN_OPEN_DATA, icon=":material/lock_open:")
        return
    names = ", ".join(run("municipality_list")["name"]) if s.restricted else T.USERS_WHOLE_KRAI
    st.info(fmt.md_format(T.ACCESS_SUMMARY, user=s.user, role=T.ROLE_LABELS[s.role], munis=names or "—",
                          detail=T.DETAIL_LABELS[s.detail]), icon=":material/badge:")
    if s.is_admin:
        problems = access_policy.load(paths.data_dir(), version().result.tables["municipalities"])
        for text in ([problems.error] if problems.error else []) + problems.problems:
            st.warning(fmt.md(text), icon=":material/report:")


def enterprise_detail() -> bool:
    """The user may see single enterprises (names, INNs, rows); else only aggregates, small cells hidden."""
    return not scope().aggregates_only


def run(name: str, params: dict | None = None) -> pd.DataFrame:
    return queries.run(database(), name, params or {})


def run_many(calls: list[tuple[str, dict]]) -> list:
    """run() for several statements at once (kuban.model.queries.run_many)."""
    return queries.run_many(database(), calls)


def run_later(name: str, params: dict | None = None):
    """A thunk for a query that should run only if needed (a download click), on this run's data version."""
    db = database()
    return lambda: queries.run(db, name, params or {})


# --- Filters ----------------------------------------------------------------------

def _month_key(d: date) -> str:
    return d.strftime("%Y-%m")


URL_SHOWN = 5            # values of one filter named in the notice about the URL; «и ещё N» for the rest
URL_VALUE_CHARS = 60     # a value longer than this is cut in the notice


def _url_filter(key: str, label: str, options: list, format_func, multi: bool, values: list | None = None,
                known: set | None = None) -> str | None:
    """Check the URL's values of one filter before its widget reads them (first run of a session only).

    Streamlit takes a bound widget's value from the URL in its displayed form (`format_func`: «декабрь
    2025», «28 Производство машин…») and drops what it does not know without a word (and a selectbox
    takes only one). Returns the notice item (Russian, Markdown-safe) naming the values it will drop, or
    None. `values` and `known`: the URL's values and the texts taken for an unbound filter (the divisions,
    `_url_divisions`: Streamlit refuses short forms for a bound widget, so that one keeps its own parameter).
    """
    if values is None:
        if key in st.session_state:
            return None
        try:
            values = st.query_params.get_all(key)
        except Exception:   # noqa: BLE001 - a URL Streamlit cannot parse gives no values, not a crash
            return None
    if not values:
        return None
    shown = known if known is not None else {str(format_func(o)) for o in options}
    good = [v for v in values if v in shown]
    bad = list(dict.fromkeys(v for v in values if v and v not in shown))
    if not multi and len(good) > 1:
        bad += [v for v in dict.fromkeys(good[1:]) if v != good[0]]
    if not bad:
        return None
    cut = [v if len(v) <= URL_VALUE_CHARS else v[:URL_VALUE_CHARS - 1] + "…" for v in bad[:URL_SHOWN]]
    text = ", ".join(f"«{fmt.md(v)}»" for v in cut)
    if len(bad) > URL_SHOWN:
        text += " " + fmt.md_format(T.MORE_ITEMS, n=len(bad) - URL_SHOWN)
    return T.URL_FILTER_ITEM.format(filter=fmt.md(label), values=text)


def _url_divisions(options: list, label, one: bool) -> str | None:
    """The divisions a link names, put in the filter before its widget is drawn (first run of a session only).

    The URL holds codes (`okved=28`; Streamlit's binding would write the whole title, «28 Производство
    машин…»), so this filter is not bound: it is read here and written back by `_write_divisions`. Links
    made before hold titles: those still open the same view. Returns the notice item for what is dropped."""
    if "okved" in st.session_state:
        return None
    try:
        values = st.query_params.get_all("okved")
    except Exception:   # noqa: BLE001 - a URL Streamlit cannot parse gives no values, not a crash
        return None
    by_text = {str(label(o)): o for o in options} | {str(o): o for o in options}
    chosen = list(dict.fromkeys(by_text[v] for v in values if v in by_text))
    st.session_state["okved"] = chosen[:1] if one else chosen
    return _url_filter("okved", T.FILTER_DIVISIONS, options, label, multi=not one, values=values,
                       known=set(by_text))


def _write_divisions(chosen: list) -> None:
    """The divisions chosen, as codes in the URL (none chosen: no parameter)."""
    if list(st.query_params.get_all("okved")) != list(chosen):
        if chosen:
            st.query_params["okved"] = list(chosen)
        else:
            del st.query_params["okved"]


def sidebar_filters() -> Filters | None:
    """Draw the shared filters (kept in the URL) and return their value; None if there is no monthly data.

    Values in the URL that are not options (a municipality or a month not in the data, `to=garbage`) are
    dropped, and a notice above the page names them."""
    munis = run("municipality_list")
    divisions = run("division_list")
    bounds = run("period_bounds").iloc[0]
    name_to_oktmo = dict(zip(munis["name"], munis["oktmo"]))
    division_names = dict(zip(divisions["division"], divisions["name"]))
    muni_options, div_options = list(munis["name"]), list(divisions["division"])
    div_label = lambda d: fmt.division_label(d, division_names.get(d))  # noqa: E731
    has_months = not pd.isna(bounds["last_period"])
    if has_months:
        first, last = bounds["first_period"].date(), bounds["last_period"].date()
        months = [_month_key(m) for m in month_range(first, last)][::-1]   # newest first
        d_from, d_to = default_window(last, first)
    else:
        months = []
    label = lambda k: fmt.month(pd.Timestamp(k + "-01"))  # noqa: E731
    # An aggregates-only user chooses one municipality and one division at most (or all): with any set they could
    # subtract two views (the krai and the krai less one municipality) and get a cell the small-cell rule hides.
    one = scope().aggregates_only
    dropped = [_url_filter("mo", T.FILTER_MUNIS, muni_options, str, multi=not one),
               _url_divisions(div_options, div_label, one),
               _url_filter("from", T.FILTER_FROM, months, label, multi=False),
               _url_filter("to", T.FILTER_TO, months, label, multi=False)]
    dropped = [d for d in dropped if d]

    with st.sidebar:
        st.header(T.FILTERS_HEADER)
        if one:
            for key in ("mo", "okved"):         # a longer choice (an earlier role, a crafted URL): its first value
                if len(st.session_state.get(key) or []) > 1:
                    st.session_state[key] = st.session_state[key][:1]
        chosen = st.multiselect(T.FILTER_MUNIS, muni_options, key="mo", bind="query-params", select_all=False,
                                placeholder=T.FILTER_MUNIS_PLACEHOLDER,
                                help=T.FILTER_ONE_HELP if one else T.FILTER_MUNIS_HELP,
                                max_selections=1 if one else None)
        chosen_div = st.multiselect(
            T.FILTER_DIVISIONS, div_options, key="okved", select_all=False,
            placeholder=T.FILTER_DIVISIONS_PLACEHOLDER, format_func=div_label, max_selections=1 if one else None,
            help=T.FILTER_ONE_HELP if one else None)
        _write_divisions(chosen_div)
        if not has_months:
            st.info(T.NO_DATA_YET)
    if dropped:
        st.warning(T.URL_FILTERS_DROPPED.format(items="; ".join(dropped)), icon=":material/link_off:")
    if not has_months:
        return None
    with st.sidebar:
        k_from = st.selectbox(T.FILTER_FROM, months, index=months.index(_month_key(d_from)), key="from",
                              bind="query-params", format_func=label, placeholder=T.CHOOSE)
        k_to = st.selectbox(T.FILTER_TO, months, index=months.index(_month_key(d_to)), key="to",
                            bind="query-params", format_func=label, placeholder=T.CHOOSE)
        if k_from > k_to:
            st.warning(T.FILTER_PERIOD_SWAPPED)
            k_from, k_to = k_to, k_from
    to_date = lambda k: date(int(k[:4]), int(k[5:7]), 1)  # noqa: E731
    if not chosen and scope().restricted:       # "all" of a restricted user: their municipalities, named so
        chosen = muni_options
    return Filters(
        munis=tuple(name_to_oktmo[n] for n in chosen if n in name_to_oktmo),
        muni_names=tuple(chosen),
        divisions=tuple(chosen_div),
        date_from=to_date(k_from),
        date_to=to_date(k_to),
    )


def ensure_frame() -> None:
    """Make sure this page runs inside dashboard.py (sidebar filters, notices), not on its own.

    The one workaround for Streamlit's legacy multipage mode: Streamlit 1.67 still auto-discovers a
    `pages/` folder beside the entry script until some session calls st.navigation, so a server's
    very first request for /shipments, and every AppTest run, executes pages/shipments.py alone.
    Leaving legacy mode and rerunning routes the request through dashboard.py's st.navigation to the
    same page (the URL paths equal the file stems). tests/app/test_urls.py fails the day Streamlit stops
    doing this, so the workaround can go.
    """
    if leave_legacy_pages_mode():
        st.rerun()


def leave_legacy_pages_mode() -> bool:
    """Switch Streamlit's legacy `pages/` mode off for this process; True if it was on.

    `python -m kuban serve` calls it before the server starts, so even a server's first visitor
    never meets that mode (a mistyped path would get Streamlit's English dialog there)."""
    from streamlit.runtime.pages_manager import PagesManager
    was_on = bool(PagesManager.uses_pages_directory)
    PagesManager.uses_pages_directory = False
    return was_on


def filters() -> Filters | None:
    ensure_frame()
    return st.session_state.get("_filters")


# --- URL paths ----------------------------------------------------------------

_REQUESTED_PAGE = "_requested_page"


def route(pages: list[routes.Page], signed_in: bool = True) -> str | None:
    """Let any URL path open a page: call before st.navigation. Returns a notice (Markdown-safe) or None.
    While the sign-in form is shown (`signed_in` False), the requested page is kept for the first run after it.

    How Streamlit 1.67 finds the page of a run: a rerun inside a session names the page by its hash;
    a fresh page load (a bookmark, a link, a typed address) names it by the URL path, which
    st.navigation compares exactly with each page's url_path, the default page's counting as empty.
    No match: it runs the default page and sends `page_not_found`, which the browser shows as an
    English «Page not found» dialog, even for /overview, the default page's own path. Here the
    requested path is resolved first (kuban.app.routes.resolve: case, `.py`, old folders, Russian titles,
    the closest page to a typo) and the run's intent is set to that page, so st.navigation finds it.
    The browser's address then becomes the page's own (Streamlit rewrites it to the page it ran).
    Uses Streamlit's PagesManager (`intended_page_*`, `set_script_intent`); should that change, the
    guard below leaves Streamlit's own behaviour in place (tests/app/test_urls.py notices).
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx()
        manager = ctx.pages_manager
        requested, requested_hash = manager.intended_page_name, manager.intended_page_script_hash
    except Exception:   # noqa: BLE001 - no script context (bare mode) or another Streamlit
        return None
    restored = False
    if not signed_in:
        if requested and not requested_hash:
            st.session_state[_REQUESTED_PAGE] = requested   # kept while the sign-in form is shown
        return None
    main = getattr(manager, "main_script_hash", None)
    if not requested and requested_hash in ("", main) and _REQUESTED_PAGE in st.session_state:
        # The run right after signing in names no page (or dashboard.py itself, the page of the sign-in
        # form): the page the address asked for is restored.
        requested, requested_hash, restored = st.session_state.pop(_REQUESTED_PAGE), "", True
    if requested_hash or not requested:
        return None
    found = routes.resolve(requested, pages)
    if found.how == routes.EXACT and not restored:
        return None
    try:
        manager.set_script_intent("", "" if found.page.default else found.page.url_path)
    except Exception:   # noqa: BLE001
        return None
    path = requested if len(requested) <= 80 else requested[:79] + "…"
    if found.how == routes.GUESS:
        return fmt.md_format(T.ROUTE_GUESS, path=path, page=found.page.title)
    if found.how == routes.UNKNOWN:
        return fmt.md_format(T.ROUTE_UNKNOWN, path=path, page=found.page.title)
    return None


# --- Notices ------------------------------------------------------------------

def notices(db: Database | ScopedDatabase) -> None:
    """Demo marker, what the user's access limits, load problems: shown on every page."""
    if db.is_demo:
        st.info(T.DEMO_BANNER, icon=":material/science:")
    s = scope()
    if s.restricted:
        names = run("municipality_list")["name"]
        st.info(fmt.md_format(T.ACCESS_RESTRICTED_NOTICE, names=", ".join(names) or "—"), icon=":material/lock:")
    if s.aggregates_only:
        st.info(T.ACCESS_AGGREGATES_NOTICE, icon=":material/lock:")
    refused = db.result.refused_count if s.sees_load_report else 0
    if refused:
        st.warning(fmt.md_format(T.LOAD_NOTICE, refused=fmt.number(refused)), icon=":material/report:")
    source = _source(str(paths.data_dir()))
    if source.loading:
        st.info(T.DATA_RELOADING, icon=":material/hourglass_top:")
        if (progress := source.progress()) is not None:
            st.caption(fmt.load_progress(progress))
    if db.load_error:
        st.warning(fmt.md_format(T.DATA_RELOAD_FAILED, error=db.load_error), icon=":material/report:")


def page(title: str, note: str | None = None) -> Filters:
    """The start of every analytic page: its title, what the filters choose, its note (no data text in it);
    the page stops here while there is no monthly data (the sidebar says so)."""
    f = filters()
    header(title, f)
    if f is None:
        st.stop()
    if note:
        st.caption(note)
    _start_brief(title, note, f)
    return f


def _start_brief(title: str, note: str | None, f: Filters) -> None:
    """A new «Справка» record for this run (kuban/app/brief.py): what the page is about to draw is added to it."""
    divisions = run("division_list")
    last = run("period_bounds").iloc[0]["last_period"]
    s = scope()
    brief.start(page=brief.PAGE_OF_TITLE.get(title, title), title=title, note=note,
                filter_text=brief.filter_words(f, dict(zip(divisions["division"], divisions["name"]))),
                data_to=None if pd.isna(last) else fmt.month(last), demo=database().is_demo,
                user=s.user or T.BRIEF_USER_OPEN)


def header(title: str, f: Filters | None) -> None:
    """The page title and, under it, what the filters choose (municipality names are data: escaped)."""
    st.title(title)
    if f is not None:
        st.caption(fmt.md(fmt.describe(f)))


# --- Metrics, charts, tables ---------------------------------------------------

def metric(col, label: str, value: str, current=None, previous=None, help: str | None = None) -> None:
    # nothing this period (no subsidies yet, say): no «−100 %», which would read as a collapse
    ch = None if fmt._missing(current) or float(current) == 0 else fmt.change(current, previous)
    delta = fmt.percent(ch, signed=True) if ch is not None else None
    tip = " ".join(t for t in (help, T.KPI_HELP_DELTA if delta else None) if t) or None
    flat = delta is not None and round(ch * 100, 1) == 0         # «0,0 %»: neither green up nor red down
    col.metric(label, value, delta=delta, help=tip, border=True, delta_color="off" if flat else "normal",
               delta_arrow="off" if flat else "auto")
    brief.add_metric(label, value, delta, help)


def chart(fig, key: str | None = None, **kwargs):
    brief.add_figure(fig)
    return st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key, **kwargs)


def municipality_map(frame: pd.DataFrame, value: str, title: str, value_label: str, key: str,
                     money: bool = True, unit: str | None = None) -> None:
    """The map of all 44 municipalities coloured by `value` of `frame` (by oktmo); a click opens the passport.

    `unit`: the unit of a value that is not money (default: `value_label`)."""
    munis = run("municipality_list").rename(columns={"name": "municipality"})
    data = munis.merge(frame[["oktmo", value]].dropna(subset=["oktmo"]), on="oktmo", how="left")
    f = filters()
    fig = charts.municipality_map(data, value=value, title=title, value_label=value_label, money=money, unit=unit,
                                  boundaries=database().boundaries, selected=f.munis if f else ())
    brief.add_figure(fig, title)
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key, on_select=lambda: drill.on_map_click(key),
                    selection_mode="points")
    st.caption(T.MAP_HINT_PASSPORT)


def money_table(frame: pd.DataFrame, money_cols=(), share_cols=(), growth_cols=(), height: int | None = None,
                number_cols: dict[str, int] | None = None, thousand_cols=(), date_cols=(),
                title: str | None = None, key: str | None = None, inns: pd.Series | None = None) -> None:
    """A table with Russian headers and Russian-formatted numbers («—» where there is no value).

    money_cols in millions (1 decimal), thousand_cols in thousands (no decimals), number_cols
    {column: decimals} as they are, date_cols as dd.mm.yyyy. `title`: the table's name in the «Справка»
    (not drawn; by default kuban.app.brief.TABLE_TITLES names the page's tables in order).
    `inns` (with `key`): the INN of each row in order; a click on a row then opens that enterprise's card
    (kuban.app.drill), for a user who may see single enterprises.
    """
    shown = formatted_table(frame, money_cols=tuple(money_cols), share_cols=tuple(share_cols),
                            growth_cols=tuple(growth_cols), number_cols=dict(number_cols or {}),
                            thousand_cols=tuple(thousand_cols), date_cols=tuple(date_cols))
    numbers = (*money_cols, *share_cols, *growth_cols, *thousand_cols, *(number_cols or {}))
    widths = column_widths(list(frame.columns), numbers)
    config = {T.COL.get(c, c): st.column_config.TextColumn(alignment="right" if c in numbers else None,
                                                           width=widths[c])
              for c in frame.columns}
    hidden = [T.COL.get(c, c) for c in columns_past(list(frame.columns), widths)]
    if hidden:                  # wider than the page at 1440 px: say what is to the right
        st.caption(fmt.md_format(T.TABLE_MORE_COLUMNS, columns=", ".join(f"«{h}»" for h in hidden)))
    if inns is not None and key and len(frame) and enterprise_detail():
        rows = pd.Series(list(inns), dtype=object)
        st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto", column_config=config, key=key,
                     on_select=lambda: drill.on_row_click(key, rows), selection_mode="single-row")
        st.caption(T.OPEN_ENTERPRISE_HINT)
    else:
        st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto", column_config=config)
    brief.add_table(shown, title)


# Pixel widths of a table's columns, so that a page's table fits the main area of a 1440 px screen (about 980 px
# beside the sidebar); what does not fit is named above the table.
TABLE_PX = 975
WIDTHS_PX = {"inn": 100, "name": 210, "municipality": 140, "okved": 62, "period": 92, "decision_date": 96,
             "last_decision": 110, "programme": 170, "programmes": 190, "fund": 150, "status": 100,
             "support_kind": 80, "support_id": 110, "source": 150}
NUMBER_PX, TEXT_PX = 105, 140


def column_widths(columns: list[str], numbers) -> dict[str, int]:
    return {c: WIDTHS_PX.get(c, NUMBER_PX if c in numbers else TEXT_PX) for c in columns}


def columns_past(columns: list[str], widths: dict[str, int], budget: int = TABLE_PX) -> list[str]:
    """The columns that start beyond `budget` pixels (the row selector's 35 px counted)."""
    used, out = 35, []
    for c in columns:
        if used + widths[c] > budget:
            out.append(c)
        used += widths[c]
    return out


@memo.cached
def formatted_table(frame: pd.DataFrame, *, money_cols=(), share_cols=(), growth_cols=(), number_cols=None,
                    thousand_cols=(), date_cols=()) -> pd.DataFrame:
    """`frame` as money_table shows it: numbers as Russian text, Russian headers (computed once per content)."""
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
    return shown.rename(columns=T.COL)


def text_table(frame: pd.DataFrame, title: str | None = None) -> None:
    """st.table of text, headers included, shown as written (st.table renders Markdown in every cell)."""
    shown = frame.map(fmt.md)
    shown.columns = [fmt.md(c) for c in frame.columns]
    st.table(shown, hide_index=True)
    brief.add_table(frame, title)


TOP_ROWS = 50            # rows of a page's enterprise table (the download holds every one)
SEARCH_CHARS = 100


def enterprise_search(key: str) -> str:
    """A search box for the enterprise tables of a page (INN start or part of a name); the text, trimmed.
    The text is only ever a bound parameter (queries/model/aggregates.sql: matches_enterprise)."""
    text = st.text_input(T.ENTERPRISE_SEARCH, key=key, max_chars=SEARCH_CHARS,
                         placeholder=T.ENTERPRISE_SEARCH_PLACEHOLDER, help=T.ENTERPRISE_SEARCH_HELP)
    return (text or "").strip()[:SEARCH_CHARS]


def search_note(search: str, shown: pd.DataFrame, total, download: str = T.DL_PRODUCTION_ENTERPRISES) -> None:
    """What an enterprise table holds: the first TOP_ROWS of `total`, or what the search found."""
    n = len(shown)
    if search and not n:
        st.info(fmt.md_format(T.SEARCH_NOTHING, search=search), icon=":material/search_off:")
    elif search:
        st.caption(fmt.md_format(T.SEARCH_SHOWN if n >= TOP_ROWS else T.SEARCH_FOUND, search=search,
                                 shown=fmt.number(n)))
    elif total is not None and not pd.isna(total) and int(total) > n:
        st.caption(fmt.md_format(T.TOP_SHOWN, shown=fmt.number(n), total=fmt.number(total), download=download))


def note(text: str) -> None:
    """A method note under a chart or table (Markdown the caller made safe), also a note of the page's «Справка»."""
    st.caption(text)
    brief.add_note(text)


def wide_columns(*labels: str) -> dict:
    """Column settings that give the named (Russian-labelled) columns the room they need."""
    return {label: st.column_config.TextColumn(width="large") for label in labels}


# --- Downloads ----------------------------------------------------------------

def downloads(items: list[tuple[str, str, object]], f: Filters | None, data_to: date | None = None) -> None:
    """For each (label, file stem, frame or query thunk): the CSV for Excel, the plain CSV and the Excel
    workbook (.xlsx, with a sheet «Условия»: what, the filter, `data_to` — by default the last month with
    data — the source and when it was made), filtered as shown.

    A thunk (a function returning the frame) runs only when a button is clicked, so pages
    whose downloads hold every row (millions at scale) do not query them on every rerun.
    """
    st.subheader(T.DOWNLOADS)
    label = fmt.file_label(f) if f else T.FILE_ALL
    # The file is built when the browser fetches it, outside this script run: no session state there, so the
    # user, the data folder and what the workbook's «Условия» say are taken now.
    who, folder = st.session_state.get(SCOPE_KEY), paths.data_dir()
    about = _xlsx_about(f, data_to)
    for title, stem, source in items:
        rows = None if callable(source) else source

        def build(form, rows=rows, source=source, stem=stem, title=title):
            signin.record(folder, who, "download", what=stem, filter=label, detail=form)
            frame = rows if rows is not None else source()
            if form == "xlsx":
                return export.to_xlsx(frame, [(T.XLSX_ABOUT_WHAT, title), *about,
                                              (T.XLSX_ABOUT_MADE, datetime.now().replace(microsecond=0))])
            return export.to_excel_csv(frame) if form == "excel" else export.to_plain_csv(frame)

        c0, c1, c2, c3 = st.columns([3, 1.3, 1.3, 1.3], vertical_alignment="center")
        c0.markdown(fmt.md_format(T.DOWNLOAD_ROWS, label=title, rows=fmt.number(len(rows)),
                                  word=fmt.plural(len(rows), *T.ROW_WORDS)) if rows is not None else fmt.md(title))
        c1.download_button(T.DOWNLOAD_EXCEL, data=lambda b=build: b("excel"),
                           file_name=export.file_name(stem, label, "excel"), mime="text/csv",
                           help=T.DOWNLOAD_EXCEL_HELP, on_click="ignore", key=f"dl-x-{stem}",
                           icon=":material/download:")
        c2.download_button(T.DOWNLOAD_PLAIN, data=lambda b=build: b("plain"),
                           file_name=export.file_name(stem, label, "utf8"), mime="text/csv",
                           help=T.DOWNLOAD_PLAIN_HELP, on_click="ignore", key=f"dl-p-{stem}",
                           icon=":material/download:")
        c3.download_button(T.DOWNLOAD_XLSX, data=lambda b=build: b("xlsx"),
                           file_name=export.file_name(stem, label, "xlsx"), mime=XLSX_MIME,
                           help=T.DOWNLOAD_XLSX_HELP, on_click="ignore", key=f"dl-w-{stem}",
                           icon=":material/table_view:")
    _brief_buttons(f, label, who, folder)


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _brief_buttons(f: Filters | None, label: str, who, folder) -> None:
    """«Справка (Word)» and «Справка (HTML)» of this page run (kuban/app/brief.py), once per run, on analytic pages
    only (those that called `page`). Built on click from a snapshot taken now; each download is audited."""
    b = brief.current()
    if f is None or b is None or b.buttons_drawn:
        return
    b.buttons_drawn = True
    snap = brief.snapshot(b)
    from kuban.app import brief_images
    brief_images.warm()       # Chromium starts now, in the background, so a click does not wait for it

    def build(form: str) -> bytes:
        signin.record(folder, who, "download", what=brief.audit_what(snap), filter=label, detail=form)
        if form == "html":
            from kuban.app import brief_html
            return brief_html.to_html(snap)
        from kuban.app import brief_docx
        return brief_docx.build(snap)

    c0, c1, c2, _ = st.columns([3, 1.3, 1.3, 1.3], vertical_alignment="center")
    c0.markdown(T.BRIEF_DOWNLOADS)
    c1.download_button(T.BRIEF_DOCX, data=lambda: build("docx"), file_name=brief.file_name(snap, label, "docx"),
                       mime=DOCX_MIME, help=T.BRIEF_DOCX_HELP, on_click="ignore", key=f"dl-brief-docx-{snap.page}",
                       icon=":material/description:")
    c2.download_button(T.BRIEF_HTML, data=lambda: build("html"), file_name=brief.file_name(snap, label, "html"),
                       mime="text/html", help=T.BRIEF_HTML_HELP, on_click="ignore",
                       key=f"dl-brief-html-{snap.page}", icon=":material/html:")


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_about(f: Filters | None, data_to: date | None) -> list[tuple[str, object]]:
    """What the workbook's «Условия» sheet says besides what and when: the filter in words, the last month
    with data (as this user sees it), the source (the tables of the data folder that have loaded files; no
    paths), and the demo notice when the data is the demo set."""
    db = database()
    if data_to is None:
        last = run("period_bounds").iloc[0]["last_period"]
        data_to = None if pd.isna(last) else pd.Timestamp(last).date()
    files = db.result.files
    loaded = set(files.loc[files["status"] == "loaded", "table"]) if len(files) else set()
    tables = ", ".join(T.TABLE_LABELS.get(t, t) for t in T.TABLE_LABELS if t in loaded) or "—"
    about = [(T.XLSX_ABOUT_FILTER, fmt.describe(f) if f else T.XLSX_ABOUT_NO_FILTER),
             (T.XLSX_ABOUT_DATA_TO, data_to),
             (T.XLSX_ABOUT_SOURCE, T.XLSX_ABOUT_SOURCE_TEXT.format(tables=tables))]
    if db.is_demo:
        about.append(("", T.XLSX_ABOUT_DEMO))
    return about
