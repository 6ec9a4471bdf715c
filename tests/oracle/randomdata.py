"""Random small data sets and random filters (hypothesis strategies) for the differential test.

A data set is a few enterprises in a few municipalities and divisions, with shipments and production in
random months (gaps, missing headcounts, missing exports), loans with approved, refused, unknown and missing
statuses, subsidies, decisions before, inside and after the months with data, and facts of INNs missing
from the register. It becomes a `LoadResult` directly (typed frames shaped like `load_folder`'s), so no
file is written. Its repr is a readable listing, which hypothesis prints for the smallest failing example.
"""
from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import pandas as pd
from hypothesis import strategies as st

FIRST_MONTH = 2023 * 12          # month 0 of the data: January 2023; data months 0..35 (2023-01..2025-12)
DATA_MONTHS = 36
MUNIS = ("03701000", "03621000", "03601000", "03720000")   # Краснодар, Кореновский, Абинский, Новороссийск
EMPTY_MUNI = "03705000"                                     # Армавир: no enterprise there
OKVEDS = ("28.25", "28.2", "28", "29.10", "29.1", "26.11.1", "27.1", "33.12", "10.11", "24.10", "45.20",
          "28.2.1")   # the last is accepted by the loader (NN.N.N) but has no class NN.NN
DIVISIONS = ("28", "29", "26", "27", "33", "10", "24", "45", "11")
CLUSTER_CODES = ("28", "29.1", "26.11", "27", "33.1", "28.2", "28.25", "10", "45")
SIZES = ("micro", "small", "medium", "large", None)
UNREGISTERED = ("2399999901", "2399999902")
FUNDS = ("ФРП", "ФРП Краснодарского края")
PROGRAMMES = ("Проекты развития", "Приоритет", "Машиностроение")
SUBSIDY_PROGRAMMES = ("Лизинг", "Оборудование", "Экспорт")
BUDGETS = ("региональный", "федеральный", None)
STATUSES = ("Одобрен", "Выдан", "Отказано", "ОТКАЗАНО", "Отказ", "отклонён", "Отозвана", "На рассмотрении",
            "Неизвестно", None)
DECISIONS_FROM = date(2022, 10, 1)    # decisions from three months before the data ...
DECISION_DAYS = (date(2026, 12, 31) - DECISIONS_FROM).days    # ... to a year after it
KINDS = ("refused_file", "refused_row", "superseded", "warning")


def month_date(n: int) -> date:
    m = FIRST_MONTH + n
    return date(m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class Dataset:
    enterprises: tuple      # (inn, okved, oktmo, size)
    shipments: tuple        # (inn, month, shipped_kop, export_kop or None)
    production: tuple       # (inn, month, output_kop, employees or None)
    loans: tuple            # (loan_id, inn, fund, programme, amount_kop, rate_pct, term_years, decision_date, status)
    subsidies: tuple        # (subsidy_id, inn, programme, amount_kop, decision_date, budget)
    problems: tuple = ()    # (table, file, line or None, column or None, kind, reason)

    def __repr__(self) -> str:
        def rub(k):
            return None if k is None else f"{k // 100}.{k % 100:02d}"
        lines = ["Dataset("]
        lines += [f"  enterprise {inn} okved={okved} oktmo={oktmo} size={size}"
                  for inn, okved, oktmo, size in self.enterprises]
        lines += [f"  shipment {inn} {month_date(m):%Y-%m} shipped={rub(s)} export={rub(e)}"
                  for inn, m, s, e in self.shipments]
        lines += [f"  production {inn} {month_date(m):%Y-%m} output={rub(o)} employees={n}"
                  for inn, m, o, n in self.production]
        lines += [f"  loan {i} {inn} {fund!r} {prog!r} amount={rub(a)} rate={r} term={t} decided={d} status={s!r}"
                  for i, inn, fund, prog, a, r, t, d, s in self.loans]
        lines += [f"  subsidy {i} {inn} {prog!r} amount={rub(a)} decided={d} budget={b!r}"
                  for i, inn, prog, a, d, b in self.subsidies]
        lines += [f"  problem {p!r}" for p in self.problems]
        return "\n".join(lines) + "\n)"

    def _repr_pretty_(self, printer, cycle):      # hypothesis prints a failing example with this
        printer.text(repr(self))

    def load_result(self, fingerprint: str):
        """A LoadResult as kuban.data.ingest.load_folder would return for these rows."""
        base = _empty_result()
        t = {name: frame.copy() for name, frame in base.tables.items()}

        def frame(name, columns, rows):
            typed = t[name].dtypes
            data = {c: pd.array(list(values), dtype=typed[c]) for c, values in zip(columns, zip(*rows))} if rows \
                else {c: pd.array([], dtype=typed[c]) for c in columns}
            data["_line"] = pd.array(range(2, len(rows) + 2), dtype=typed["_line"])
            data["_file"] = pd.array([f"{name}/{name}.csv"] * len(rows), dtype=typed["_file"])
            return pd.DataFrame(data)[list(t[name].columns)]

        def money(k):
            return None if k is None else k / 100

        t["enterprises"] = frame("enterprises", ["inn", "name", "okved", "oktmo", "size"],
                                 [(inn, f"Предприятие {inn[-2:]}", okved, oktmo, size)
                                  for inn, okved, oktmo, size in self.enterprises])
        t["shipments"] = frame("shipments", ["inn", "period", "shipped_rub", "export_rub"],
                               [(inn, pd.Timestamp(month_date(m)), money(s), money(e))
                                for inn, m, s, e in self.shipments])
        t["production"] = frame("production", ["inn", "period", "output_rub", "employees"],
                                [(inn, pd.Timestamp(month_date(m)), money(o), n) for inn, m, o, n in self.production])
        t["loans"] = frame("loans", ["loan_id", "inn", "fund", "programme", "amount_rub", "rate_pct", "term_years",
                                     "decision_date", "status"],
                           [(i, inn, f, p, money(a), r, tm, pd.Timestamp(d), s)
                            for i, inn, f, p, a, r, tm, d, s in self.loans])
        t["subsidies"] = frame("subsidies", ["subsidy_id", "inn", "programme", "amount_rub", "decision_date", "budget"],
                               [(i, inn, p, money(a), pd.Timestamp(d), b) for i, inn, p, a, d, b in self.subsidies])
        problems = pd.DataFrame(list(self.problems), columns=list(base.problems.columns))
        problems["line"] = problems["line"].astype("Int64")
        return replace(base, fingerprint=fingerprint, tables=t, problems=problems)


@lru_cache(maxsize=1)
def _empty_result():
    """What the loader returns for an empty folder: the shipped municipalities and typed empty tables."""
    from kuban.data.ingest import load_folder
    return load_folder(tempfile.mkdtemp(prefix="kuban-oracle-"))


# --- Strategies ------------------------------------------------------------------------------------

MONTHS = st.one_of(st.sampled_from([0, 1, 11, 12, 13, 23, 24, 25, 35]), st.integers(0, DATA_MONTHS - 1))
KOPECKS = st.one_of(st.integers(0, 10 ** 11), st.sampled_from([0, 1, 100, 10_000_000]))   # up to 1 bn rubles
POSITIVE_KOPECKS = st.integers(1, 10 ** 11)
DECISIONS = st.integers(0, DECISION_DAYS).map(lambda d: DECISIONS_FROM + timedelta(days=d))


@st.composite
def datasets(draw, max_enterprises: int = 6) -> Dataset:
    register = draw(st.lists(st.tuples(st.sampled_from(OKVEDS), st.sampled_from(MUNIS), st.sampled_from(SIZES)),
                             min_size=2, max_size=max_enterprises))
    enterprises = tuple((f"23100000{i + 10:02d}", *e) for i, e in enumerate(register))
    inns = st.sampled_from([e[0] for e in enterprises] + list(UNREGISTERED))

    # Runs of consecutive months per enterprise (or unregistered INN); in each month a shipments row, a
    # production row, both or neither (a gap).
    shipment = st.tuples(KOPECKS, st.one_of(st.none(), KOPECKS))                     # shipped, export
    output = st.tuples(KOPECKS, st.one_of(st.integers(0, 3000), st.none()))         # output, employees
    cells = st.lists(st.tuples(st.one_of(shipment, st.none()), st.one_of(output, st.none())), min_size=1, max_size=12)
    shipments, production = {}, {}
    for inn, start, run in draw(st.lists(st.tuples(inns, MONTHS, cells), min_size=1, max_size=8)):
        for m, (s, o) in enumerate(run, start=start):
            if m >= DATA_MONTHS:
                break
            if s is not None:
                shipments.setdefault((inn, m), (inn, m, *s))
            if o is not None:
                production.setdefault((inn, m), (inn, m, *o))
    shipments = tuple(shipments[k] for k in sorted(shipments))
    production = tuple(production[k] for k in sorted(production))
    loans = draw(st.lists(st.tuples(inns, st.sampled_from(FUNDS), st.sampled_from(PROGRAMMES), POSITIVE_KOPECKS,
                                    st.integers(0, 10_000).map(lambda x: x / 100),
                                    st.integers(1, 300).map(lambda x: x / 10), DECISIONS, st.sampled_from(STATUSES)),
                          max_size=12))
    subsidies = draw(st.lists(st.tuples(inns, st.sampled_from(SUBSIDY_PROGRAMMES), POSITIVE_KOPECKS, DECISIONS,
                                        st.sampled_from(BUDGETS)), max_size=12))
    problems = draw(st.lists(st.tuples(st.sampled_from(("shipments", "loans", "enterprises")),
                                       st.sampled_from(("a.csv", "b.csv")), st.one_of(st.none(), st.integers(2, 9)),
                                       st.one_of(st.none(), st.just("inn")), st.sampled_from(KINDS),
                                       st.sampled_from(("плохая дата", "нет в реестре"))), max_size=5))
    return Dataset(enterprises, shipments, production,
                   tuple((f"L{i}", *row) for i, row in enumerate(loans, start=1)),
                   tuple((f"S{i}", *row) for i, row in enumerate(subsidies, start=1)),
                   tuple(problems))


# Search texts of the enterprise lists: none, case, a part of the names («Предприятие NN»), INN starts, text no
# name holds, characters LIKE would treat as patterns.
SEARCHES = ("", "   ", "предприятие", "ПРЕДПРИЯТИЕ 1", " тие 0", "1", "231000001", "00000", "нет такого", "%", "_", "ё")


# INNs an enterprise card may be asked for: every one a data set may hold in its register, the unregistered ones
# (facts without a register row) and one no data set has.
INNS = tuple(f"23100000{i:02d}" for i in range(10, 16)) + UNREGISTERED + ("7700000000",)


@st.composite
def views(draw) -> dict:
    """Every parameter a page may pass: place, sectors, months (one month to several years, starting before
    the data and ending after it), the cluster definition and the data page's problem kinds."""
    first = draw(st.one_of(st.sampled_from([0, 12, 24, 35]), st.integers(-3, DATA_MONTHS + 2)))
    length = draw(st.one_of(st.sampled_from([1, 12, 13, 24, 25, 36]), st.integers(1, 40)))
    return {
        "munis": draw(st.lists(st.sampled_from(MUNIS + (EMPTY_MUNI,)), max_size=3, unique=True)),
        "divisions": draw(st.lists(st.sampled_from(DIVISIONS), max_size=3, unique=True)),
        "date_from": month_date(first),
        "date_to": month_date(first + length - 1),
        "cluster_codes": sorted(draw(st.lists(st.sampled_from(CLUSTER_CODES), min_size=1, max_size=4, unique=True))),
        "years_back": draw(st.integers(1, 4)),
        "limit": draw(st.integers(1, 6)),
        "search": draw(st.sampled_from(SEARCHES)),
        "inn": draw(st.sampled_from(INNS)),
        "order": draw(st.sampled_from(("output", "productivity_growth"))),
        "kinds": draw(st.lists(st.sampled_from(KINDS), max_size=2, unique=True)),
    }


_fingerprints = itertools.count()


def fresh_fingerprint() -> str:
    """A fingerprint no other data set of this process has (the query cache is keyed by it)."""
    return f"oracle-{next(_fingerprints)}"
