"""The oracle's own plain helpers: months as numbers, money in kopecks, the raw tables as lists of dicts.

Nothing here comes from kuban/ or queries/: the oracle reads the loaded tables (`LoadResult.tables`) and
the shipped reference of OKVED divisions, and works out every figure again in plain Python.

Conventions of the whole oracle:
- a month is one integer, year * 12 + (month - 1); "the same months a year earlier" is every month minus 12;
- money is summed in whole kopecks (ints), so sums are exact; a result in rubles is kopecks / 100;
- NULL is None: a sum over no rows is None, a count over no rows is 0, a ratio with a missing or zero
  denominator is None.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

DIVISIONS_CSV = Path(__file__).resolve().parents[2] / "kuban" / "reference" / "okved_divisions.csv"


def month_number(d) -> int:
    return d.year * 12 + d.month - 1


def month_date(n: int) -> date:
    return date(n // 12, n % 12 + 1, 1)


def missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain(value):
    """A cell of a loaded frame as a plain Python value (None for every kind of missing)."""
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def kopecks(value) -> int | None:
    return None if missing(value) else int(round(float(value) * 100))


def rubles(kop: int | None) -> float | None:
    return None if kop is None else kop / 100


def total(values) -> int | None:
    """SQL sum(): None over no values (missing ones are skipped)."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def ratio(a, b):
    """a / b, None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def change(a, b):
    """a / b - 1 (growth), None when it cannot be computed."""
    r = ratio(a, b)
    return None if r is None else r - 1


# Loan statuses meaning a refused application, in lower case: kuban.texts.LOAN_REFUSED_STATUSES written out again
# here (the oracle reads nothing from kuban/), so a change of that list is a change the oracle is told about.
REFUSED_STATUSES = frozenset({"отказано", "отказ", "отклонено", "отклонён", "отклонен", "отозвано", "отозван",
                              "отозвана"})


def is_refused(status) -> bool:
    """A loan status means a refused application when, trimmed and in lower case, it is one of REFUSED_STATUSES
    (a missing status is not a refusal)."""
    return (status or "").strip().lower() in REFUSED_STATUSES


@dataclass(frozen=True)
class View:
    """The filters of a page: municipalities, divisions (empty = all) and months from..to inclusive."""
    munis: tuple
    divisions: tuple
    first: int      # month number of date_from
    last: int       # month number of date_to

    @classmethod
    def of(cls, params: dict) -> "View":
        return cls(tuple(params.get("munis", ())), tuple(params.get("divisions", ())),
                   month_number(params["date_from"]), month_number(params["date_to"]))

    def place(self, row) -> bool:
        """The row's enterprise is in a chosen municipality and division (unknown ones are in neither)."""
        if self.munis and row["oktmo"] not in self.munis:
            return False
        if self.divisions and row["division"] not in self.divisions:
            return False
        return True

    def current(self, month: int) -> bool:
        return self.first <= month <= self.last

    def year_before(self, month: int) -> bool:
        return self.first - 12 <= month <= self.last - 12


class Raw:
    """The loaded tables as lists of dicts; every fact row carries its enterprise's municipality and division."""

    def __init__(self, tables: dict[str, pd.DataFrame], files: pd.DataFrame | None = None,
                 problems: pd.DataFrame | None = None):
        def rows(frame):
            cols = [c for c in frame.columns if not c.startswith("_")]
            values = [[plain(v) for v in frame[c].tolist()] for c in cols]
            return [dict(zip(cols, row)) for row in zip(*values)]

        self.files = rows(files) if files is not None else []
        self.problems = rows(problems) if problems is not None else []

        self.municipalities = rows(tables["municipalities"])
        self.muni = {m["oktmo"]: m for m in self.municipalities}
        self.register = {}
        for e in rows(tables["enterprises"]):
            e["division"] = e["okved"][:2]
            self.register[e["inn"]] = e
        with DIVISIONS_CSV.open(encoding="utf-8") as fh:
            self.division_names = {r["division"]: r["name"] for r in csv.DictReader(fh)}

        def facts(name, money):
            out = []
            for r in rows(tables[name]):
                ent = self.register.get(r["inn"])
                r["oktmo"] = ent["oktmo"] if ent else None
                r["division"] = ent["division"] if ent else None
                for m in money:
                    r[m + "_kop"] = kopecks(r[m])
                if "period" in r:
                    r["month"] = month_number(r["period"])
                if "decision_date" in r:
                    r["month"] = month_number(r["decision_date"])
                out.append(r)
            return out

        self.shipments = facts("shipments", ("shipped_rub", "export_rub"))
        self.production = facts("production", ("output_rub",))
        self.loans = facts("loans", ("amount_rub",))
        self.subsidies = facts("subsidies", ("amount_rub",))

    def name_of(self, inn):
        e = self.register.get(inn)
        return e["name"] if e else None

    def okved_of(self, inn):
        e = self.register.get(inn)
        return e["okved"] if e else None

    def muni_name(self, oktmo):
        m = self.muni.get(oktmo)
        return m["name"] if m else None

    def muni_field(self, oktmo, field):
        m = self.muni.get(oktmo)
        return m[field] if m else None
