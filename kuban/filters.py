"""The filters every page shares, as a plain value (no Streamlit here)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import fmt
from .texts import LOAN_REFUSED_STATUSES, WHOLE_KRAI


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
        """Query parameters; a statement binds only those it uses (kuban.queries.bind)."""
        return {"munis": list(self.munis), "divisions": list(self.divisions),
                "date_from": self.date_from, "date_to": self.date_to,
                "refused": [s.lower() for s in LOAN_REFUSED_STATUSES], **extra}

    @property
    def months(self) -> list[date]:
        """Every month of the chosen period (first days)."""
        return month_range(self.date_from, self.date_to)

    @property
    def place(self) -> str:
        if not self.muni_names:
            return WHOLE_KRAI
        if len(self.muni_names) <= 3:
            return ", ".join(self.muni_names)
        return f"{len(self.muni_names)} муниципальных образования" if len(self.muni_names) < 5 \
            else f"{len(self.muni_names)} муниципальных образований"

    def describe(self) -> str:
        """One line for captions: place, period, sectors."""
        text = f"{self.place} · {fmt.period(self.date_from, self.date_to)}"
        if self.divisions:
            text += " · ОКВЭД " + ", ".join(self.divisions)
        return text

    def file_label(self) -> str:
        """For file names: place, months, sectors."""
        place = "край" if not self.muni_names else (
            "_".join(self.muni_names) if len(self.muni_names) <= 2 else f"{len(self.muni_names)}-МО")
        label = f"{place}_{self.date_from:%Y-%m}_{self.date_to:%Y-%m}"
        if self.divisions:
            label += "_ОКВЭД-" + "-".join(self.divisions[:4]) + ("-и-др" if len(self.divisions) > 4 else "")
        return label
