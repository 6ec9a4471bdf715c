"""The widgets and tables of «Предприятие» (pages/enterprise.py): choosing the enterprise, its head, its tables.

The INN comes from the URL (`?inn=`, kuban.app.drill) or from the search box's suggestions, which are the user's
own query (queries/enterprise_search.sql over the scoped register: nothing outside the user's municipalities is
ever suggested). An INN that is malformed gets its own message; one that is well formed but not found, or not
the user's, gets kuban.texts.NO_ACCESS_OR_DATA, the same in both cases.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from kuban import paths
from kuban import texts as T
from kuban.app import brief, drill, fmt, ui
from kuban.data import cluster_definitions as defs
from kuban.model import enterprise

SUGGESTIONS = 20
SEARCH_CHARS = 100
SEARCH_KEY = "enterprise-find"
SEEN_KEY = "_enterprise_url"       # the address's INN as last seen


def _label(row) -> str:
    """A suggestion as plain text (a selectbox shows its options as text)."""
    name = row["name"] if isinstance(row["name"], str) and row["name"] else T.ENTERPRISE_NO_NAME
    place = row["municipality"] if isinstance(row["municipality"], str) else T.UNKNOWN_MUNICIPALITY
    return f"{name} — ИНН {row['inn']}, {place}"


def choose() -> str | None:
    """The INN the card shows (URL or search), or None (with the reason shown) while there is none."""
    url_value = st.query_params.get(drill.INN_PARAM)
    if st.session_state.get(SEEN_KEY, url_value) != url_value:
        st.session_state[SEARCH_KEY] = ""       # a new address (a link, a click elsewhere, Back): it decides
    st.session_state[SEEN_KEY] = url_value
    text = st.text_input(T.ENTERPRISE_FIND, key=SEARCH_KEY, max_chars=SEARCH_CHARS,
                         placeholder=T.ENTERPRISE_FIND_PLACEHOLDER, help=T.ENTERPRISE_FIND_HELP)
    text = (text or "").strip()[:SEARCH_CHARS]
    url_inn = enterprise.valid_inn(url_value)
    if text:
        found = ui.run("enterprise_search", {"search": text, "limit": SUGGESTIONS + 1})
        if found.empty:
            st.info(fmt.md_format(T.ENTERPRISE_FOUND_NONE, search=text), icon=":material/search_off:")
        else:
            shown = found.head(SUGGESTIONS)
            if len(found) > SUGGESTIONS:
                st.caption(T.ENTERPRISE_FOUND_MORE.format(n=SUGGESTIONS))
            options = list(shown["inn"])
            labels = {row["inn"]: _label(row) for _, row in shown.iterrows()}
            current = url_inn if url_inn in options else options[0] if len(options) == 1 else None
            # one widget per search text: its options are that text's suggestions
            key = "enterprise-pick-" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
            pick = st.selectbox(T.ENTERPRISE_PICK, options, index=options.index(current) if current else None,
                                format_func=lambda inn: labels.get(inn, inn), key=key,
                                placeholder=T.ENTERPRISE_PICK_PLACEHOLDER)
            if pick:
                if pick != url_value:           # chosen among the suggestions: the address follows
                    st.query_params[drill.INN_PARAM] = pick
                    st.session_state[SEEN_KEY] = pick
                return pick
    if url_value is None:
        st.info(T.ENTERPRISE_START, icon=":material/search:")
        return None
    if url_inn is None:
        st.warning(T.ENTERPRISE_BAD_INN, icon=":material/link_off:")
        return None
    return url_inn


def head(e) -> None:
    """The enterprise's name and what the register says of it (data text: escaped)."""
    name = e["name"] if isinstance(e["name"], str) and e["name"] else T.ENTERPRISE_NO_NAME
    st.subheader(fmt.md(name))
    division = fmt.division_label(e["division"], e["division_name"]) if isinstance(e["division"], str) else "—"
    st.caption(fmt.md_format(T.ENTERPRISE_FACTS, inn=e["inn"], okved=e["okved"] or "—", division=division,
                             municipality=e["municipality"] or T.UNKNOWN_MUNICIPALITY,
                             size=T.CLUSTER_SIZE_LABELS.get(e["size"], e["size"] or "—")))


def place_label(template: str, **values) -> str:
    """A metric label naming a division or municipality (plain text: st.metric labels are not Markdown here)."""
    return template.format(**{k: (v if isinstance(v, str) and v else "—") for k, v in values.items()})


def place(rank, of) -> str:
    if rank is None or pd.isna(rank):
        return T.ENTERPRISE_PLACE_NONE
    return T.ENTERPRISE_PLACE_VALUE.format(rank=fmt.number(rank), of=fmt.number(of))


def support_download(support: pd.DataFrame) -> pd.DataFrame:
    """The decisions as downloaded: Russian kinds, the columns named for the workbook (kuban.texts.XLSX_COLUMNS)."""
    out = support.rename(columns={"kind": "support_kind", "id": "support_id", "refused": "loan_refused"})
    out["support_kind"] = out["support_kind"].map(T.SUPPORT_KINDS)
    return out


def support_table(support: pd.DataFrame) -> None:
    shown = support_download(support).assign(
        status=[T.SUPPORT_REFUSED if r else s for s, r in zip(support["status"], support["refused"])],
        change=[None if pd.isna(b) or not b or pd.isna(a) else a / b - 1
                for a, b in zip(support["shipped_after_rub"], support["shipped_before_rub"])])
    shown = shown.drop(columns=["loan_refused"])
    ui.money_table(shown, money_cols=["amount_rub", "shipped_before_rub", "shipped_after_rub"], growth_cols=["change"],
                   number_cols={"months_before": 0, "months_after": 0}, date_cols=["decision_date"],
                   title=T.TABLE_ENTERPRISE_SUPPORT)


def summary_download(e, summary) -> pd.DataFrame:
    """The card's head and totals as one row."""
    head_cols = ["inn", "name", "okved", "division", "division_name", "oktmo", "municipality", "size"]
    row = {c: e[c] for c in head_cols} | {c: summary[c] for c in summary.index if c != "inn"}
    return pd.DataFrame([row])


def membership(inn: str, okved, f) -> pd.DataFrame:
    """Its part in the default cluster and in every saved definition (a bad file is left out: the «Кластер» page
    says why), in the chosen months."""
    saved, _ = defs.saved(paths.data_dir())
    return enterprise.cluster_membership(ui.run, inn, okved, {T.CLUSTER_DEFAULT_NAME: defs.Definition(), **saved},
                                         f.date_from, f.date_to)


def membership_download(membership: pd.DataFrame) -> pd.DataFrame:
    return membership.assign(member=membership["member"].astype(bool))


def membership_table(membership: pd.DataFrame) -> None:
    shown = pd.DataFrame({
        "definition": membership["definition"],
        "member": [T.CLUSTER_MEMBER_YES if m else T.CLUSTER_MEMBER_NO for m in membership["member"]],
        "why": membership["why"],
        "anchor": ["—" if a is None or pd.isna(a) else T.CLUSTER_MEMBER_YES if a else T.CLUSTER_ANCHOR_NO
                   for a in membership["anchor"]],
        "anchor_reason": membership["anchor_reason"],
    }).rename(columns=T.CLUSTER_TABLE_COLUMNS)
    st.dataframe(shown, hide_index=True, width="stretch")
    brief.add_table(shown, T.ENTERPRISE_CLUSTER)         # the «Справка» records the table as shown
