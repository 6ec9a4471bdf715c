"""One municipality against the krai (the «Муниципалитет» page): its shares and ranks, from the page queries.

No Streamlit here. The figures come from statements the other pages already run for every municipality at once
(queries/shipments_by_municipality.sql, production_summary.sql, support_intensity.sql), so a passport agrees with
«Отгрузка», «Производство» and «Субсидии» to the ruble; this module only lines them up per measure:

    share = the municipality's value / the whole the user sees (the statement's total: enterprises of no
            known municipality included)
    rank  = 1 + the number of the municipalities the user sees with a larger value (no row counts as 0)

For a krai user "every municipality" is the 44 of the krai; a user restricted to some municipalities compares
with those (their scope is all their queries see). A value hidden by the small-cell rule stays hidden (NaN): it
gets neither a share nor a rank, and the others are ranked without it.
"""
from __future__ import annotations

import math

import pandas as pd

from kuban.data.cluster_definitions import Definition
from kuban.model import memo
from kuban.model.cluster import location_quotients

# measure key -> (source, column); the Russian names are kuban.texts.PASSPORT_MEASURES
MEASURES = {
    "shipped": ("shipments", "shipped_rub"),
    "export": ("shipments", "export_rub"),
    "output": ("production", "output_rub"),
    "employees": ("production", "employees_avg"),
    "loans": ("support", "loans_rub"),
    "subsidies": ("support", "subsidies_rub"),
    "intensity": ("support", "intensity"),
}
SHARELESS = ("intensity",)      # a ratio: no share of a krai total, only a rank
MIN_ENTERPRISES, MIN_EMPLOYEES = 3, 100     # a division's LQ with less than this is «мало данных» (as the cluster)


def _column(frame: pd.DataFrame, column: str, munis: list[str]) -> pd.Series:
    """`column` per municipality (index: every OKTMO of `munis`), NaN where the frame has no row."""
    if frame.empty or column not in frame:
        return pd.Series(math.nan, index=munis, dtype=float)
    rows = frame[frame["oktmo"].notna()].drop_duplicates("oktmo").set_index("oktmo")[column]
    return rows.reindex(munis).astype(float)


def _total(frame: pd.DataFrame, column: str) -> float:
    """The value of the whole: the frame's total row where it has one, else the sum of all its rows (those of
    enterprises missing from the register too); NaN when a part is hidden."""
    if frame.empty or column not in frame:
        return 0.0
    if "dimension" in frame:
        row = frame[frame["dimension"] == "total"]
        return float(row[column].iloc[0]) if len(row) else math.nan
    return math.nan if frame[column].isna().any() else float(frame[column].sum())


@memo.cached
def standing(municipalities: pd.DataFrame, shipments: pd.DataFrame, production: pd.DataFrame,
             support: pd.DataFrame, oktmo: str) -> pd.DataFrame:
    """One row per measure (MEASURES order): measure, value (the municipality's), total (of all the user sees,
    enterprises of no known municipality included; NaN for a ratio), share, rank, of (how many municipalities
    are ranked).

    `municipalities`: municipality_list (the ones compared); `shipments`: shipments_by_municipality;
    `production`: production_summary; `support`: support_intensity. A municipality without a row had none of
    it (0); a value the small-cell rule hid is NaN and stays so."""
    munis = list(municipalities["oktmo"])
    sources = {"shipments": shipments, "production": production, "support": support}
    rows = []
    for key, (source, column) in MEASURES.items():
        frame = sources[source]
        per_muni = frame[frame["dimension"] == "municipality"] if "dimension" in frame else frame
        values = _column(per_muni, column, munis)
        if key not in SHARELESS:
            present = set(per_muni["oktmo"].dropna()) if not per_muni.empty else set()
            values = values.where(values.index.isin(present), 0.0)     # no row: none of it
        value = float(values.get(oktmo, math.nan)) if oktmo in values.index else math.nan
        known = values.dropna()
        total = math.nan if key in SHARELESS else _total(frame, column)
        share = value / total if not math.isnan(value) and not math.isnan(total) and total > 0 else math.nan
        rank = float(1 + int((known > value).sum())) if not math.isnan(value) else math.nan
        rows.append({"measure": key, "value": value, "total": total, "share": share, "rank": rank,
                     "of": int(len(known))})
    return pd.DataFrame(rows)


@memo.cached
def division_lqs(specialisation: pd.DataFrame, divisions: tuple[str, ...], oktmo: str) -> pd.DataFrame:
    """Location quotients of every OKVED division in the municipality (employment and output against the whole
    of what the user sees), from queries/cluster_specialisation.sql run with every division as a code.
    Columns: division, lq_employment, lq_output, employees, output_rub, enterprises, thin; highest LQ first."""
    d = Definition(codes=tuple(divisions), min_enterprises=MIN_ENTERPRISES, min_employees=MIN_EMPLOYEES)
    lqs = location_quotients(specialisation, d, (oktmo,))
    lqs = lqs[lqs["industry"].isin(divisions)].rename(columns={"industry": "division"})
    cols = ["division", "lq_employment", "lq_output", "employees", "output_rub", "enterprises", "thin"]
    lqs = lqs[(lqs["employees"] > 0) | (lqs["output_rub"] > 0)]
    return lqs.sort_values(["lq_employment", "division"], ascending=[False, True], na_position="last")[cols] \
        .reset_index(drop=True)
