"""Streamlit pieces of the «Кластер» page: the definition panel and the page's tables.

The working definition lives in `st.session_state[STATE]` (a plain key, so it survives switching pages,
when Streamlit drops the widgets' own state); the widgets are filled from it before they are drawn.
Saved definitions are files `<data folder>/clusters/NAME.json` (kuban.data.cluster_definitions.save / saved).
The arithmetic is in kuban/model/cluster.py; what it shows, shaped, in kuban/app/cluster_view.py; the charts
in kuban/app/charts.py.

A saved file, its name and what the user types (a definition's name, codes typed into the multiselect)
are data: every message that shows them escapes them (`fmt.md_format`), and a broken file only gets a
warning, whatever it holds (kuban.data.cluster_definitions.saved never raises).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from kuban import texts as T
from kuban.app import brief, cluster_view, drill, fmt, ui
from kuban.app.charts import window_label
from kuban.data import cluster_definitions as defs
from kuban.data.cluster_definitions import Definition, DefinitionError
from kuban.model import memo

STATE = "cluster_definition"          # the working definition, as a dict
MESSAGE = "cluster_message"           # (kind, text) to show once after a save or load
KEYS = {"codes": "cl_codes", "lq_threshold": "cl_lq", "min_enterprises": "cl_min_ent",
        "min_employees": "cl_min_emp", "anchor_large": "cl_anchor_large", "anchor_top_n": "cl_anchor_top",
        "min_participants": "cl_min_part", "years_back": "cl_years"}
NAME_KEY, SAVED_KEY, BASIS_KEY = "cl_name", "cl_saved", "cl_basis"
COMPARE_KEYS = ("cl_cmp_a", "cl_cmp_b")
MEMBERS_SHOWN = 1000                  # rows of the member table drawn on the page
LQ_RANGE = defs.field_range("lq_threshold")


def working() -> Definition:
    data = st.session_state.get(STATE)
    if not data:
        return Definition()
    try:
        return defs.from_dict(data)
    except DefinitionError:
        return Definition()


def _widget_value(name: str, value):
    """What a definition's field looks like in its widget: the codes as a list, the LQ threshold as Russian
    text («1,25»: a number input would show «1.25»), the rest as they are."""
    if name == "codes":
        return list(value)
    if name == "lq_threshold":
        return fmt.number(value, 2)
    return value


def _put(d: Definition) -> None:
    """Make `d` the working definition and the widgets' values (call before drawing them, or in a callback)."""
    st.session_state[STATE] = d.to_dict()
    for name, key in KEYS.items():
        st.session_state[key] = _widget_value(name, getattr(d, name))
    st.session_state[NAME_KEY] = d.name


def _typed_lq() -> float | None:
    """The LQ threshold typed, when it is a number in the allowed range."""
    value = fmt.parse_decimal(st.session_state.get(KEYS["lq_threshold"]))
    return value if value is not None and LQ_RANGE[0] <= value <= LQ_RANGE[1] else None


def _on_lq() -> None:
    """Typed «1.6» or «1,6»: shown back as «1,60»; not a number in range: the last good value back, and why."""
    key = KEYS["lq_threshold"]
    value = _typed_lq()
    if value is None:
        st.session_state[MESSAGE] = ("warning", fmt.md_format(
            T.CLUSTER_LQ_BAD, value=defs.shown(st.session_state.get(key, "")),
            low=fmt.number(LQ_RANGE[0], 2), high=fmt.number(LQ_RANGE[1], 2)))
        value = working().lq_threshold
    st.session_state[key] = fmt.number(value, 2)


def _from_widgets() -> tuple[Definition | None, list[str]]:
    codes, bad = defs.clean_codes(st.session_state.get(KEYS["codes"], []))
    if not codes:
        return None, bad
    values = {name: st.session_state[key] for name, key in KEYS.items() if name != "codes"}
    lq = _typed_lq()
    d = Definition(name=(st.session_state.get(NAME_KEY) or T.CLUSTER_DEFAULT_NAME).strip() or T.CLUSTER_DEFAULT_NAME,
                   codes=codes, lq_threshold=working().lq_threshold if lq is None else lq,
                   min_enterprises=int(values["min_enterprises"]), min_employees=int(values["min_employees"]),
                   anchor_large=bool(values["anchor_large"]), anchor_top_n=int(values["anchor_top_n"]),
                   min_participants=int(values["min_participants"]), years_back=int(values["years_back"]))
    return d, bad


def _on_save(data_dir: Path) -> None:
    if not ui.scope().can_edit:     # the button is disabled for them; a forged click changes nothing either
        st.session_state[MESSAGE] = ("warning", T.CLUSTER_SAVE_EDITORS)
        return
    d, _ = _from_widgets()
    if d is None:
        st.session_state[MESSAGE] = ("warning", T.CLUSTER_NO_CODES)
        return
    try:
        path = defs.save(data_dir, d, st.session_state.get(NAME_KEY, ""))
    except DefinitionError as exc:
        st.session_state[MESSAGE] = ("warning", fmt.md_format(T.CLUSTER_SAVE_FAILED, error=exc))
        return
    except OSError as exc:
        st.session_state[MESSAGE] = ("warning", fmt.md_format(T.CLUSTER_SAVE_FAILED, error=exc.strerror or exc))
        return
    ui.audit("definition_saved", what=path.stem, detail=", ".join(d.codes))
    st.session_state[NAME_KEY] = path.stem
    st.session_state[SAVED_KEY] = path.stem
    st.session_state[MESSAGE] = ("success", fmt.md_format(T.CLUSTER_SAVED_OK, name=path.stem, file=path.name))


def _on_load(data_dir: Path) -> None:
    name = st.session_state.get(SAVED_KEY)
    found, _ = defs.saved(data_dir)
    if name in found:
        _put(found[name])
        st.session_state[MESSAGE] = ("success", fmt.md_format(T.CLUSTER_LOADED_OK, name=name))


def _on_reset() -> None:
    _put(Definition())


def _code_label(options: pd.DataFrame):
    names = dict(zip(options["code"], options["name"]))
    counts = dict(zip(options["code"], options["enterprises"]))

    def label(code: str) -> str:
        name = names.get(code)
        if name:
            return f"{code} {name}" if len(name) <= 34 else f"{code} {name[:33].rstrip()}…"
        if code in counts:
            return T.CLUSTER_CODE_CLASS.format(code=code, n=fmt.number(counts[code]))
        return code
    return label


def definition_panel(data_dir: Path, options: pd.DataFrame) -> tuple[Definition | None, str]:
    """Draw the definition widgets, save / load; return the working definition (None without codes)
    and the LQ basis chosen (employment or output)."""
    if STATE not in st.session_state:
        _put(Definition())
    current = working()
    for name, key in KEYS.items():               # widgets dropped when another page ran: refill them
        if key not in st.session_state:
            st.session_state[key] = _widget_value(name, getattr(current, name))
    if NAME_KEY not in st.session_state:
        st.session_state[NAME_KEY] = current.name
    if BASIS_KEY not in st.session_state:
        st.session_state[BASIS_KEY] = "employment"

    found, errors = defs.saved(data_dir)
    code_options = list(dict.fromkeys(list(options["code"]) + list(st.session_state[KEYS["codes"]])))
    with st.container(border=True):
        st.subheader(T.CLUSTER_DEF_HEADER)
        st.multiselect(T.CLUSTER_CODES, code_options, key=KEYS["codes"], help=T.CLUSTER_CODES_HELP,
                       accept_new_options=True, format_func=_code_label(options), placeholder=T.CLUSTER_NO_CODES)
        c = st.columns(4)
        c[0].text_input(T.CLUSTER_LQ, key=KEYS["lq_threshold"], help=T.CLUSTER_LQ_HELP, max_chars=12,
                        on_change=_on_lq)
        c[1].number_input(T.CLUSTER_YEARS, min_value=1, max_value=20, step=1, key=KEYS["years_back"],
                          help=T.CLUSTER_YEARS_HELP)
        c[2].number_input(T.CLUSTER_MIN_PART, min_value=1, max_value=100_000, step=1, key=KEYS["min_participants"],
                          help=T.CLUSTER_MIN_PART_HELP)
        c[3].radio(T.CLUSTER_BASIS, list(T.CLUSTER_BASIS_OPTIONS), key=BASIS_KEY,
                   format_func=T.CLUSTER_BASIS_OPTIONS.get)
        c = st.columns(4, vertical_alignment="bottom")
        c[0].number_input(T.CLUSTER_MIN_ENT, min_value=1, max_value=10_000, step=1, key=KEYS["min_enterprises"],
                          help=T.CLUSTER_MIN_ENT_HELP)
        c[1].number_input(T.CLUSTER_MIN_EMP, min_value=0, max_value=10_000_000, step=50, key=KEYS["min_employees"],
                          help=T.CLUSTER_MIN_EMP_HELP)
        c[2].number_input(T.CLUSTER_ANCHOR_TOP_LABEL, min_value=0, max_value=10_000, step=1,
                          key=KEYS["anchor_top_n"], help=T.CLUSTER_ANCHOR_TOP_HELP)
        c[3].checkbox(T.CLUSTER_ANCHOR_LARGE_LABEL, key=KEYS["anchor_large"])
        c = st.columns([2.2, 1.3, 2.2, 1.2, 1.4], vertical_alignment="bottom")
        c[0].text_input(T.CLUSTER_NAME, key=NAME_KEY, help=T.CLUSTER_NAME_HELP, max_chars=defs.NAME_MAX)
        editor = ui.scope().can_edit
        c[1].button(T.CLUSTER_SAVE, on_click=_on_save, args=(data_dir,), icon=":material/save:", key="cl_save",
                    disabled=not editor, help=None if editor else T.CLUSTER_SAVE_EDITORS, width="stretch")
        if found:
            c[2].selectbox(T.CLUSTER_SAVED_LIST, list(found), key=SAVED_KEY)
            c[3].button(T.CLUSTER_LOAD, on_click=_on_load, args=(data_dir,), key="cl_load", width="stretch")
        else:
            c[2].caption(T.CLUSTER_NONE_SAVED)
        c[4].button(T.CLUSTER_RESET, on_click=_on_reset, key="cl_reset", width="stretch")
        message = st.session_state.pop(MESSAGE, None)
        if message:
            (st.success if message[0] == "success" else st.warning)(message[1])
        for error in errors:
            st.warning(fmt.md_format(T.CLUSTER_BROKEN_FILE, error=error), icon=":material/report:")

    d, bad = _from_widgets()
    if bad:
        st.warning(fmt.md_format(T.CLUSTER_BAD_CODES, codes=defs.quoted(bad)))
    if d is None:
        st.warning(T.CLUSTER_NO_CODES)
        return None, st.session_state[BASIS_KEY]
    st.session_state[STATE] = d.to_dict()
    st.markdown(cluster_view.describe(d))
    brief.add_note(cluster_view.describe(d))
    return d, st.session_state[BASIS_KEY]


# --- Tables ---------------------------------------------------------------------------------------

def members_table(members: pd.DataFrame) -> None:
    if members.empty:
        st.info(T.CLUSTER_NO_MEMBERS)
        return
    if len(members) > MEMBERS_SHOWN:    # the page draws the first rows; the download has all
        st.caption(T.CLUSTER_MEMBERS_CUT.format(shown=fmt.number(MEMBERS_SHOWN), total=fmt.number(len(members))))
    shown = members_shown(members, limit=MEMBERS_SHOWN)
    c = T.CLUSTER_COL
    config = {c["name"]: st.column_config.TextColumn(width="medium", pinned=True),   # stays when scrolled sideways
              c["anchor_reason"]: st.column_config.TextColumn(width="medium"),
              c["okved"]: st.column_config.TextColumn(width="small"),
              c["size"]: st.column_config.TextColumn(width="small")}
    config.update({c[k]: st.column_config.TextColumn(alignment="right") for k in MEMBERS_NUMBERS})
    inns = _drawn(members, MEMBERS_SHOWN)["inn"].reset_index(drop=True)    # the rows' INNs, in members_shown's order
    st.dataframe(shown, hide_index=True, width="stretch", height=min(35 * len(shown) + 38, 460), key="cl_members",
                 column_config=config, placeholder="—", on_select=lambda: drill.on_row_click("cl_members", inns),
                 selection_mode="single-row")
    st.caption(T.OPEN_ENTERPRISE_HINT)
    _record(shown, {}, T.CLUSTER_MEMBERS_HEADER, len(members))


MEMBERS_NUMBERS = ("shipped_rub", "growth", "employees", "productivity_rub", "export_share", "support_rub")


def _drawn(members: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The members the table draws, in its order: anchors first, then by shipments, the first `limit`."""
    return members.sort_values(["anchor", "shipped_rub"], ascending=[False, False], na_position="last").head(limit)


@memo.cached
def members_shown(members: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The member table as drawn: anchors first, then by shipments, the first `limit` rows, numbers as
    Russian text («—» where missing), Russian headers (computed once per content, kuban/model/memo.py)."""
    shown = _drawn(members, limit)
    shown = shown.assign(size=shown["size"].map(T.CLUSTER_SIZE_LABELS).fillna("—"))
    cols = ["name", "anchor_reason", "municipality", "okved", "size", "shipped_rub", "growth", "employees",
            "productivity_rub", "export_share", "support_rub"]
    shown = shown[cols].copy()
    formats = {"shipped_rub": lambda x: fmt.number(x / 1e6, 1), "support_rub": lambda x: fmt.number(x / 1e6, 1),
               "productivity_rub": lambda x: fmt.number(x / 1e6, 2), "employees": lambda x: fmt.number(x, 0),
               "growth": lambda x: fmt.percent(x, signed=True), "export_share": lambda x: fmt.percent(x)}
    for col, func in formats.items():
        shown[col] = shown[col].map(lambda x, func=func: "—" if fmt._missing(x) else func(x))
    return shown.rename(columns=T.CLUSTER_COL).reset_index(drop=True)


def _record(shown: pd.DataFrame, formats: dict, title: str, total: int) -> None:
    """The table as shown (the Styler's formats applied) for the «Справка» (kuban/app/brief.py)."""
    head = shown.head(brief.MAX_TABLE_ROWS).copy()
    for col, func in formats.items():
        head[col] = head[col].map(lambda x, func=func: "—" if fmt._missing(x) else func(x))
    brief.add_table(head, title)
    if (b := brief.current()) is not None and b.tables:
        b.tables[-1].total_rows = total


_RESULT_STYLE = {T.CLUSTER_REQ_PASS: "background-color: #e3f4e8; color: #1e6b37",
                 T.CLUSTER_REQ_FAIL: "background-color: #fbe5e1; color: #a3271a",
                 T.CLUSTER_REQ_UNKNOWN: "background-color: #eef0f3; color: #4a5563"}


def requirements_table(req: pd.DataFrame) -> None:
    shown = req[["requirement", "threshold", "value", "result"]].rename(columns=T.CLUSTER_REQ_COL)
    styler = shown.style.map(lambda v: _RESULT_STYLE.get(v, ""), subset=[T.CLUSTER_REQ_COL["result"]])
    st.table(styler, hide_index=True)
    brief.add_table(shown, T.CLUSTER_REQ_HEADER)


def trend_table(trend: pd.DataFrame) -> None:
    """The numbers behind the cluster-against-the-rest charts, newest period first."""
    if trend.empty:
        return
    c = T.CLUSTER_VS_COL
    shown = trend.assign(window=[window_label(a, b) for a, b in zip(trend["window_from"], trend["window_to"])])
    shown = shown.iloc[::-1][list(c)].rename(columns=c)
    money = lambda x: fmt.number(x / 1e6, 1)  # noqa: E731
    formats = {c["c_shipped_rub"]: money, c["c_productivity_rub"]: lambda x: fmt.number(x / 1e6, 2),
               c["r_productivity_rub"]: lambda x: fmt.number(x / 1e6, 2)}
    formats.update({c[k]: (lambda x: fmt.percent(x)) for k in ("share_shipped", "share_employees", "share_support")})
    formats.update({c[k]: (lambda x: fmt.percent(x, signed=True)) for k in ("c_growth", "r_growth")})
    st.dataframe(shown.style.format(formats, na_rep="—"), hide_index=True, width="stretch", key="cl_trend",
                 placeholder="—", column_config={c["window"]: st.column_config.TextColumn(pinned=True)})
    _record(shown, formats, T.CLUSTER_VS_TABLE, len(shown))


def compare_choice(data_dir: Path) -> tuple[Definition, Definition] | None:
    """Two selectboxes of the saved definitions; None (with a hint) while fewer than two are saved."""
    found, _ = defs.saved(data_dir)
    if len(found) < 2:
        st.info(T.CLUSTER_COMPARE_NEED_TWO)
        return None
    names = list(found)
    c = st.columns(2)
    a = c[0].selectbox(T.CLUSTER_COMPARE_A, names, index=0, key=COMPARE_KEYS[0])
    b = c[1].selectbox(T.CLUSTER_COMPARE_B, names, index=1, key=COMPARE_KEYS[1])
    return found[a], found[b]
