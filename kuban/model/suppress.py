"""Small cells hidden for a user who may see aggregates only, as statistical offices do.

A user of the aggregates-only role sees figures per municipality, OKVED division and month, never a single
enterprise: `kuban.model.queries.run` refuses a statement marked `Level: enterprises` and passes the result of
every other one through `apply(query, frame)`, which hides every figure made from fewer than THRESHOLD (3)
enterprises. What to hide is written in the statement's header (queries/NAME.sql), beside Answers, Params and
Returns; put these lines after Params and before Returns (Returns goes last: its continuation lines run to the
end of the header):

    -- Level: enterprises
        The statement returns rows, names or INNs of single enterprises (row downloads, the largest
        enterprises, production by enterprise, loans, subsidy recipients, cluster members, the load problems
        whose reasons quote INNs). Refused for an aggregates-only user; such a statement has no Suppress lines.

    -- Suppress: COUNT: col, col, ...
        COUNT is a column of the result holding the number of DISTINCT enterprises (INNs) behind the figures of
        the row in `col, ...` — over the row's whole period (summing per-month counts over months counts an
        enterprise once per month: wrong), and for loans and subsidies the enterprises that received them, not
        the loans. In a row where COUNT is 1 or 2 the listed columns are hidden (NULL). Several lines for
        several counts (the chosen months and a year earlier; shipments and production; loans and subsidies).
        A figure derived from several (a growth from now and a year earlier, support = loans + subsidies, an
        intensity from support and shipments) is listed under every count it is made from, so that no hidden
        figure can be worked out from the shown ones. A line may continue on the next header lines
        (`--   col, col`).

    -- Suppress within: col, col
        Optional: the breakdown groups of secondary suppression (below) are the rows sharing the values of
        these columns. Several lines: several ways to group, all kept (a table by municipality and industry is
        grouped both ways). Without it a result with a `dimension` column is grouped by `dimension`, any other
        is one group.

Primary suppression. A row is hidden for a count when the count is 1 or 2 (below `threshold`). A count of 0 hides
nothing: no enterprise is behind the row, its figure is empty or zero and says nothing about anyone. A missing
(NULL) count hides the row's figures (fail closed); the statements give 0, not NULL, where nothing is counted.

Secondary suppression. Where a breakdown is shown together with its total (shipments by municipality and the
krai total on the same page, a `dimension` column splitting one result into several breakdowns, the cluster
against the rest of a window), one hidden cell could be worked out by subtraction. The simple standard rule:
within each breakdown group, if exactly one row is hidden for a count, the row with the next smallest count
among those not hidden with a count of at least `threshold` is hidden too (ties: the first in the result's
order; a row with a count of 0 adds nothing to a total and protects nothing). With several groupings the rule
is applied until no group has exactly one hidden row. Each count is handled on its own.
Totals for other filters: an aggregates-only user chooses one municipality and one division at most, or all
(kuban.app.ui.sidebar_filters, max_selections=1), so the pair «the krai» / «the krai less one municipality» (or
less one division), whose difference is a hidden cell, cannot be asked for; what one view shows, a breakdown
with its total, the secondary rule above protects (tests/app/test_differencing.py). What is not covered: two
periods whose difference is a month (January to December against February to December), two cluster
definitions whose codes differ by one small division, and linked breakdowns inside one group (year × budget rows against the
budget rows of subsidies_summary and loans_portfolio, loans per month and fund against the fund totals). A full
protection of those needs a suppression solver over every table published from the same data.
Headcount figures (employees, employees_avg, output_staffed_rub, productivity) come from the enterprises that
report headcount, which may be fewer than those with production that the counts hold; they are hidden with the
count of enterprises with production. An exact count needs what the aggregates do not keep (a mask of the months
with headcount in enterprise_years, rows with headcount in production_cells): queries/model/aggregates.sql.

Counts of enterprises are shown, never hidden: cluster_code_options and division_list (the enterprises of the
register per OKVED code) and the `enterprises` columns here. A statistical office publishes the number of units
in a cell even when it is 1 or 2 and hides what they reported: that an enterprise with a given OKVED code
exists in a municipality is public (the state register of legal entities), its shipments are not. Those two
statements are reference lists of the register and have no Suppress line.

`apply` returns a new frame (results are cached and shared: the input is never modified) with the hidden values
set to NULL (NaN in number columns, integer ones becoming float; None in others) and a boolean
column `suppressed`, True in the rows where any value was hidden; a statement without Suppress lines gets its
frame back unchanged. Vectorised: a few passes over the columns whatever the number of rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile

import numpy as np
import pandas as pd

THRESHOLD = 3
LEVEL_ENTERPRISES = "enterprises"
FLAG = "suppressed"

_SUPPRESS = re.compile(r"^--\s*Suppress:\s*(\w+)\s*:\s*(.*)$")
_WITHIN = re.compile(r"^--\s*Suppress within:\s*(.*)$")
_LEVEL = re.compile(r"^--\s*Level:\s*(\w+)\s*$")
_CONTINUED = re.compile(r"^--\s{2,}(\S.*)$")


@dataclass(frozen=True)
class Rule:
    """Hide `columns` in the rows where `count` (distinct enterprises) is below the threshold."""
    count: str
    columns: tuple[str, ...]


def _text(query) -> str:
    return query if isinstance(query, str) else query.sql


def _header(query) -> list[str]:
    """The comment lines the statement's file starts with."""
    return list(takewhile(lambda line: line.startswith("--"), _text(query).splitlines()))


def _names(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


def _lines(query, pattern: re.Pattern) -> list[tuple[re.Match, str]]:
    """Header lines matching `pattern`, each with the text of its continuation lines appended."""
    out: list[tuple[re.Match, str]] = []
    current = None
    for line in _header(query):
        if (m := pattern.match(line)) is not None:
            current = [m, m.groups()[-1]]
            out.append(current)
        elif current is not None and (c := _CONTINUED.match(line)) and not line[2:].lstrip().startswith("$"):
            current[1] += " " + c.group(1)
        else:
            current = None
    return [(m, text) for m, text in out]


def level(query) -> str:
    """The header's Level (LEVEL_ENTERPRISES for statements about single enterprises), "" without one."""
    for line in _header(query):
        if (m := _LEVEL.match(line)) is not None:
            return m.group(1)
    return ""


def rules(query) -> list[Rule]:
    """The Suppress lines of the statement's header (a query or its SQL text), in order."""
    return [Rule(m.group(1), _names(text)) for m, text in _lines(query, _SUPPRESS)]


def groupings(query, columns=None) -> list[tuple[str, ...]]:
    """The breakdown groupings of secondary suppression: the `Suppress within` lines, else (`dimension`,) when
    the result has that column (`columns`: the result's columns), else one group, ()."""
    within = [_names(text) for _, text in _lines(query, _WITHIN)]
    if within:
        return within
    return [("dimension",)] if columns is not None and "dimension" in columns else [()]


def _group_codes(frame: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    if not keys:
        return np.zeros(len(frame), dtype=np.int64)
    return frame.groupby(list(keys), dropna=False, sort=False).ngroup().to_numpy(dtype=np.int64)


def _hidden(count: np.ndarray, groups: list[np.ndarray], threshold: int) -> np.ndarray:
    """Rows hidden for one count: primary (1 .. threshold - 1, or unknown), then secondary within every grouping
    until no group has exactly one hidden row."""
    unknown = np.isnan(count)
    hidden = unknown | ((count > 0) & (count < threshold))
    safe = ~unknown & (count >= threshold)          # rows that can be hidden to protect another
    changed = True
    while changed:
        changed = False
        for g in groups:
            if not hidden.any():
                return hidden
            n_groups = int(g.max()) + 1
            alone = np.bincount(g, weights=hidden, minlength=n_groups) == 1
            candidates = np.flatnonzero(~hidden & safe & alone[g])
            if candidates.size == 0:
                continue
            # per group, the candidate with the smallest count, the first in the result's order among equals
            order = np.lexsort((candidates, count[candidates], g[candidates]))
            ranked = candidates[order]
            _, first = np.unique(g[ranked], return_index=True)
            hidden[ranked[first]] = True
            changed = True
    return hidden


def _blank(column: pd.Series, hide: np.ndarray) -> pd.Series:
    """`column` with the rows in `hide` set to NULL: NaN in a number column (an integer one becomes float, as
    pages compare and format numbers: pd.NA would raise in `bool()` and comparisons), None in any other."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.astype("float64").mask(hide)
    return column.astype(object).where(~hide, None)


def apply(query, frame: pd.DataFrame, threshold: int = THRESHOLD) -> pd.DataFrame:
    """`frame` (the result of `query`) with the small cells hidden and a `suppressed` column; unchanged when the
    statement has no Suppress lines. Never modifies `frame`."""
    found = rules(query)
    if not found:
        return frame
    wanted = {c for r in found for c in (r.count, *r.columns)}
    keys = groupings(query, frame.columns)
    wanted |= {c for k in keys for c in k}
    missing = sorted(wanted - set(frame.columns))
    if missing:
        name = getattr(query, "name", "the statement")
        raise KeyError(f"{name}: the Suppress lines name columns the result does not have: {missing}")

    groups = [_group_codes(frame, k) for k in keys]
    hide: dict[str, np.ndarray] = {}
    for rule in found:
        count = pd.to_numeric(frame[rule.count], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        hidden = _hidden(count, groups, threshold)
        for col in rule.columns:
            hide[col] = hide[col] | hidden if col in hide else hidden

    out = frame.copy()
    flag = np.zeros(len(frame), dtype=bool)
    for col, hidden in hide.items():
        if hidden.any():
            out[col] = _blank(out[col], hidden)
            flag |= hidden
    out[FLAG] = flag
    return out
