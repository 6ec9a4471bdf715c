"""«Справка»: what an analytic page shows, recorded as it is drawn, for the Word and HTML documents.

`kuban.app.ui` records into a per-run `Brief` (in `st.session_state[KEY]`): `ui.page` starts it (title, note, the
filter in words, the last month of data, the demo flag, who), `ui.metric` adds the headline figures as shown,
`ui.chart` / `ui.municipality_map` the very Plotly figures the page draws, `ui.money_table` / `ui.text_table` (and
the cluster page's own tables, kuban/app/cluster_ui.py) the tables as shown, cut to MAX_TABLE_ROWS. The download
buttons of `ui.downloads` take a `snapshot()` when they are drawn and build the documents from it on click
(kuban/app/brief_docx.py, kuban/app/brief_html.py).

The dataclasses hold plain text (Markdown and Plotly markup removed, `plain()` / `plot_text()`); each document
escapes it for its own format. Only `start`, `current` and the `add_*` functions touch Streamlit's session state.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from kuban import texts as T
from kuban.app import fmt

KEY = "_brief"
MAX_TABLE_ROWS = 50

# The analytic pages: URL path (dashboard.py) -> the title their `ui.page` call gives.
PAGE_TITLES = {"overview": T.OVERVIEW_TITLE, "shipments": T.SHIPMENTS_TITLE, "production": T.PRODUCTION_TITLE,
               "loans": T.LOANS_TITLE, "subsidies": T.SUBSIDIES_TITLE, "cluster": T.CLUSTER_TITLE,
               "enterprise": T.ENTERPRISE_TITLE, "municipality": T.MUNICIPALITY_TITLE}
PAGE_OF_TITLE = {title: page for page, title in PAGE_TITLES.items()}

# Titles (and notes) of a page's tables drawn by ui.money_table / ui.text_table without a title, in drawing order.
# (Pages stay as they are: these name what they draw.) Method notes come from the page's `ui.note` calls.
TABLE_TITLES = {
    "shipments": [(T.TABLE_TOP, None)],
    "production": [(T.TABLE_TOP_OUTPUT, None), (T.TABLE_TOP_PRODUCTIVITY, T.TABLE_TOP_PRODUCTIVITY_NOTE)],
    "loans": [(T.TABLE_LOANS, None)],
    "subsidies": [(T.TABLE_RECIPIENTS, None)],
    "cluster": [(T.CLUSTER_COMPARE_HEADER, None)],
}


@dataclass
class Metric:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None


@dataclass
class Figure:
    title: str
    fig: go.Figure          # the same figure object the page drew


@dataclass
class Table:
    title: str
    frame: pd.DataFrame     # as shown: Russian headers, formatted text; at most MAX_TABLE_ROWS rows
    total_rows: int
    note: str | None = None


@dataclass
class Brief:
    page: str               # URL path of the page: overview, shipments, production, loans, subsidies, cluster
    title: str
    note: str | None
    filter_text: str        # the filter in words (municipalities, divisions, months)
    data_to: str | None     # the last month with data, «декабрь 2025»
    demo: bool
    user: str
    made: str               # «02.01.2026 03:04»
    metrics: list[Metric] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    buttons_drawn: bool = field(default=False, compare=False, repr=False)   # the Справка row, once per run
    untitled: int = field(default=0, compare=False, repr=False)     # tables named from TABLE_TITLES so far


# --- Plain text ---------------------------------------------------------------------------------------

_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1", re.S)
_TAGS = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_NUMBERED = re.compile(r"^\d+\.\s+")


def plain(markdown: str | None) -> str | None:
    """Markdown the dashboard wrote (fmt.md escapes, **bold**) as the plain text a reader sees."""
    if markdown is None:
        return None
    text = _MD_EMPHASIS.sub(r"\2", str(markdown))
    text = _MD_ESCAPE.sub(r"\1", text).replace(fmt.WORD_JOINER, "")
    return re.sub(r"[ \t]+\n", "\n", text).strip()


def plot_text(text) -> str:
    """Plotly figure text (its HTML subset, entities from fmt.plot) as plain text: <br> a space, tags dropped."""
    if text is None:
        return ""
    s = _BREAK.sub(" ", str(text))
    s = _TAGS.sub("", s)
    return re.sub(r"\s+", " ", html.unescape(s)).strip()


def figure_title(fig: go.Figure, fallback: str = "") -> str:
    try:
        return plot_text(fig.layout.title.text) or fallback
    except (AttributeError, ValueError):
        return fallback


def printable(fig: go.Figure, max_height: int | None = None) -> go.Figure:
    """A copy of a page's figure for a document: every axis with room for its tick labels (Streamlit's theme
    turns `automargin` on in the browser; plotly.js alone, in a file or in kaleido, would cut them at the page's
    10 px margins), not taller than `max_height` pixels. The page's figure is not changed."""
    out = go.Figure(fig)
    out.update_xaxes(automargin=True)
    out.update_yaxes(automargin=True)
    if max_height and (out.layout.height or 0) > max_height:
        out.update_layout(height=max_height)
    return out


# --- The filter in words ------------------------------------------------------------------------------

def filter_words(f, division_names: dict | None = None) -> str:
    """«Муниципальные образования: Кореновский район; отрасли: все; месяцы: январь 2025 — декабрь 2025»: every
    chosen municipality and division named (a document has room), unlike the page's one-line caption."""
    munis = ", ".join(f.muni_names) if f.muni_names else T.WHOLE_KRAI
    names = division_names or {}
    divisions = "; ".join(fmt.division_label(d, names.get(d)) for d in f.divisions) if f.divisions \
        else T.BRIEF_ALL_DIVISIONS
    return T.BRIEF_FILTER.format(munis=munis, divisions=divisions, period=fmt.period(f.date_from, f.date_to))


def file_name(b: Brief, label: str, ext: str) -> str:
    """«справка_займы-ФРП_Кореновский-район_2025-01_2025-12.docx»: safe on every OS."""
    text = f"{T.BRIEF_FILE}_{T.BRIEF_STEMS.get(b.page, b.page)}_{label}"
    text = re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE).strip("-")
    return text[:150] + "." + ext


def audit_what(b: Brief) -> str:
    """What the audit log says was downloaded: «займы-ФРП-справка»."""
    return f"{T.BRIEF_STEMS.get(b.page, b.page)}-{T.BRIEF_FILE}"


# --- Recording (session state) --------------------------------------------------------------------------

def _state():
    import streamlit as st
    return st.session_state


def start(page: str, title: str, note: str | None, filter_text: str, data_to: str | None, demo: bool,
          user: str) -> Brief:
    """A new Brief for this page run (replacing the last run's)."""
    b = Brief(page=page, title=title, note=plain(note), filter_text=filter_text, data_to=data_to, demo=demo,
              user=user, made=datetime.now().strftime("%d.%m.%Y %H:%M"))
    _state()[KEY] = b
    return b


def current() -> Brief | None:
    try:
        b = _state().get(KEY)
    except Exception:   # noqa: BLE001 - no session (bare Python): nothing is recorded
        return None
    return b if isinstance(b, Brief) else None


def add_metric(label: str, value: str, delta: str | None = None, help: str | None = None) -> None:
    if (b := current()) is not None:
        b.metrics.append(Metric(plain(label), plain(value), plain(delta), plain(help)))


def add_figure(fig: go.Figure, title: str | None = None) -> None:
    if (b := current()) is not None:
        b.figures.append(Figure(figure_title(fig, plot_text(title) if title else T.BRIEF_UNTITLED), fig))


def add_table(frame: pd.DataFrame, title: str | None = None, note: str | None = None) -> None:
    """A table as shown (Russian headers, formatted text), cut to MAX_TABLE_ROWS; without a title, the page's
    TABLE_TITLES entry of its place in drawing order."""
    b = current()
    if b is None:
        return
    if title is None:
        known = TABLE_TITLES.get(b.page, [])
        i, b.untitled = b.untitled, b.untitled + 1
        title, default_note = known[i] if i < len(known) else (T.BRIEF_TABLE_UNTITLED, None)
        note = note or default_note
    title = _NUMBERED.sub("", plain(title))         # the page's own section numbers («2. Участники…») go
    shown = frame.head(MAX_TABLE_ROWS).copy()
    shown.columns = [str(c) for c in shown.columns]
    shown = shown.astype(object).map(_cell)
    b.tables.append(Table(title, shown.reset_index(drop=True), int(len(frame)), plain(note)))


def _cell(v) -> str:
    """A cell as text: missing «—», a number the page left unformatted in Russian form, the rest as it is."""
    if fmt._missing(v):
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return fmt.number(v, 0 if v.is_integer() else 2)
    if isinstance(v, (pd.Timestamp, datetime)):
        return fmt.date_ru(v)
    return str(v)


def add_note(text: str) -> None:
    if (b := current()) is not None and text:
        t = plain(text)
        if t not in b.notes:
            b.notes.append(t)


def snapshot(b: Brief) -> Brief:
    """A copy whose lists later recording cannot change (the buttons build from it after the run)."""
    return replace(b, metrics=list(b.metrics), figures=list(b.figures), tables=list(b.tables), notes=list(b.notes))


def rows_note(t: Table) -> str | None:
    """«Показаны первые 50 из 1 234; все строки — в CSV» when the table was cut."""
    if t.total_rows <= len(t.frame):
        return None
    return T.BRIEF_ROWS_CUT.format(shown=fmt.number(len(t.frame)), total=fmt.number(t.total_rows))
