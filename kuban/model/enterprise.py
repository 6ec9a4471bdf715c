"""One enterprise (the «Предприятие» card): what its queries do not say on their own.

No Streamlit here. The figures are queries/enterprise_*.sql; this module decides, for each cluster definition,
whether the enterprise is a member and an anchor and why (the «Кластер» page's own rules: kuban.model.cluster),
and checks the INN a link or a search asks for.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Callable

import pandas as pd

from kuban import texts as T
from kuban.data.cluster_definitions import Definition
from kuban.model import cluster
from kuban.model.queries import NotPermitted

INN_RE = re.compile(r"^(\d{10}|\d{12})$")


def valid_inn(text) -> str | None:
    """The INN of a link or a search box (10 or 12 digits, spaces around ignored), or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    return text if INN_RE.match(text) else None


def matching_code(okved, codes) -> str | None:
    """The definition's code the OKVED code falls under (the longest of those that are its prefix), or None."""
    if not isinstance(okved, str) or not okved:
        return None
    under = [c for c in codes if okved.startswith(c)]
    return max(under, key=len) if under else None


def cluster_membership(run: Callable[[str, dict], pd.DataFrame], inn: str, okved, definitions: dict[str, Definition],
                       date_from: date, date_to: date) -> pd.DataFrame:
    """One row per definition (name -> Definition): definition, member (bool), why, anchor (bool or None),
    anchor_reason. Membership and anchors are those of the «Кластер» page for the whole krai (as the user sees
    it) in these months: queries/cluster_members.sql and cluster.mark_anchors."""
    rows = []
    for name, d in definitions.items():
        code = matching_code(okved, d.codes)
        row = {"definition": name, "member": False, "why": "", "anchor": None, "anchor_reason": ""}
        if code is None:
            row["why"] = T.CLUSTER_WHY_NOT_CODE.format(okved=okved or "—", codes=", ".join(d.codes))
            rows.append(row)
            continue
        try:
            members = cluster.mark_anchors(run("cluster_members", cluster.params(d, (), date_from, date_to)), d)
        except NotPermitted:
            members = None
        mine = members[members["inn"] == inn] if members is not None else pd.DataFrame()
        if mine.empty:
            row["why"] = T.CLUSTER_WHY_NO_FACTS.format(okved=okved, code=code)
        else:
            first = mine.iloc[0]
            row.update(member=True, why=T.CLUSTER_WHY_CODE.format(okved=okved, code=code),
                       anchor=bool(first["anchor"]), anchor_reason=str(first["anchor_reason"] or ""))
        rows.append(row)
    return pd.DataFrame(rows, columns=["definition", "member", "why", "anchor", "anchor_reason"])
