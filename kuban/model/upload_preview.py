"""What adding a checked file (kuban/data/uploads.py) would do to the data as it stands: the rows it would
supersede, old and new values side by side, and the change of the krai's totals in the months it touches.

Read from the current data version (queries/upload_*.sql), unrestricted: only users who may upload
(`Scope.can_upload`: editors and administrators seeing the whole krai in full) are shown a preview.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kuban.data.contract import TABLES
from kuban.data.uploads import Checked
from kuban.model import queries

# table -> (the figure whose monthly total a file changes, the column that gives its month)
TOTALS = {"shipments": ("shipped_rub", "period"), "production": ("output_rub", "period"),
          "loans": ("amount_rub", "decision_date"), "subsidies": ("amount_rub", "decision_date")}


@dataclass
class Preview:
    checked: Checked
    superseded: pd.DataFrame      # key columns, then `<column>_old` and `<column>_new` for each other column
    totals: pd.DataFrame          # month, before, after, change, rows_before, rows_after (empty for the register)
    new_keys: int                 # rows with a key the data does not have yet
    value_columns: list[str]      # the columns compared in `superseded`


def _value_columns(table: str) -> list[str]:
    spec = TABLES[table]
    names = [c.name for c in spec.columns if c.name not in spec.key]
    return ["oktmo" if n == "municipality" else n for n in names]


def _existing(db, checked: Checked, rows: pd.DataFrame) -> pd.DataFrame:
    table = checked.table
    if table in ("shipments", "production"):
        months = sorted({d.date() for d in pd.to_datetime(rows["period"]).dropna()})
        return queries.run(db, f"upload_existing_{table}", {"inns": sorted(set(rows["inn"].dropna())),
                                                            "months": months})
    if table == "enterprises":
        return queries.run(db, "upload_existing_enterprises", {"inns": sorted(set(rows["inn"].dropna()))})
    key = TABLES[table].key[0]
    return queries.run(db, f"upload_existing_{table}", {"ids": sorted(set(rows[key].dropna().astype(str)))})


def _month_of(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.to_period("M").dt.to_timestamp()


def preview(db, checked: Checked) -> Preview:
    """`db`: the current data version (kuban.model.db.Database)."""
    table = checked.table
    spec = TABLES[table]
    key = list(spec.key)
    rows = checked.rows.rename(columns={"municipality": "oktmo"}) if table == "enterprises" else checked.rows
    values = _value_columns(table)
    existing = _existing(db, checked, rows) if len(rows) else pd.DataFrame(columns=key + values)
    new = rows[key + values].copy()
    old = existing[key + values].copy()
    for k in key:
        if k == "period":
            new[k], old[k] = pd.to_datetime(new[k]), pd.to_datetime(old[k])
        else:
            new[k], old[k] = new[k].astype(str), old[k].astype(str)
    both = new.merge(old, on=key, how="left", suffixes=("_new", "_old"), indicator=True)
    matched = both["_merge"] == "both"
    superseded = both.loc[matched, key + [f"{c}_{s}" for c in values for s in ("old", "new")]].reset_index(drop=True)

    totals = pd.DataFrame(columns=["month", "before", "after", "change", "rows_before", "rows_after"])
    if table in TOTALS:
        figure, month_col = TOTALS[table]
        # After: the data less the rows the file supersedes (in their own months: a corrected loan may move to
        # another month), plus the file's rows (NULLs count as nothing).
        old_rows = both.loc[matched]
        old_sum = old_rows.groupby(_month_of(old_rows[f"{month_col}_old" if month_col not in key else month_col])
                                   )[f"{figure}_old"].agg(["sum", "size"])
        new_sum = rows.groupby(_month_of(rows[month_col]))[figure].agg(["sum", "size"])
        months = sorted({m.date() for m in [*new_sum.index, *old_sum.index]})
        now = queries.run(db, f"upload_totals_{table}", {"months": months})
        now = now.assign(month=pd.to_datetime(now["month"])).set_index("month")
        index = pd.DatetimeIndex(sorted(set(now.index) | set(new_sum.index) | set(old_sum.index)), name="month")
        before = now["total"].reindex(index).fillna(0.0).astype(float)
        rows_before = now["rows"].reindex(index).fillna(0).astype(int)
        after = (before - old_sum["sum"].reindex(index).fillna(0.0).astype(float)
                 + new_sum["sum"].reindex(index).fillna(0.0).astype(float))
        rows_after = (rows_before - old_sum["size"].reindex(index).fillna(0).astype(int)
                      + new_sum["size"].reindex(index).fillna(0).astype(int))
        totals = pd.DataFrame({"month": index, "before": before.to_numpy(), "after": after.to_numpy(),
                               "change": (after - before).to_numpy(), "rows_before": rows_before.to_numpy(),
                               "rows_after": rows_after.to_numpy()})
        totals["change"] = np.where(np.isclose(totals["change"], 0.0, atol=1e-6), 0.0, totals["change"])
    return Preview(checked, superseded, totals, int((~matched).sum()), values)
