"""The filters every page shares, as a plain value (no Streamlit here)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kuban.texts import LOAN_REFUSED_STATUSES


def month_range(first: date, last: date) -> list[date]:
    return [d.date() for d in pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="MS")]


def default_window(last: date, first: date, months: int = 12) -> tuple[date, date]:
    """The last `months` months that have data (clipped to the first month with data)."""
    start = (pd.Timestamp(last) - pd.DateOffset(months=months - 1)).date()
    return max(start, first), last


@dataclass(frozen=True)
class Filters:
    munis: tuple[str, ...]            # OKTMO codes; empty = whole krai
    muni_names: tuple[str, ...]
    divisions: tuple[str, ...]        # two-digit OKVED divisions; empty = all
    date_from: date
    date_to: date

    def params(self, **extra) -> dict:
        """Query parameters; a statement binds only those it uses (kuban.model.queries.bind)."""
        return {"munis": list(self.munis), "divisions": list(self.divisions),
                "date_from": self.date_from, "date_to": self.date_to,
                "refused": [s.lower() for s in LOAN_REFUSED_STATUSES], **extra}

    @property
    def months(self) -> list[date]:
        """Every month of the chosen period (first days)."""
        return month_range(self.date_from, self.date_to)
