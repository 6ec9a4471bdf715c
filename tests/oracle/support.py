"""ФРП loans, subsidies and support intensity, worked out again from the raw rows.

Definitions (query headers): a loan or subsidy belongs to the chosen months when its decision date falls in
one of them; the borrower's municipality and division are those of the register; a refused application is
a loan whose status, trimmed and in lower case, is a refusal status (base.REFUSED_STATUSES; a missing
status is not a refusal); "support" is loans without refusals plus subsidies.
"""
from __future__ import annotations

from collections import defaultdict

from .base import Raw, View, change, is_refused, month_date, ratio, rubles, total


def _decided(rows, v: View):
    return [r for r in rows if v.place(r) and v.current(r["month"])]


# --- Loans -----------------------------------------------------------------------------------------

def _portfolio_figures(rows) -> dict:
    approved = [r for r in rows if not is_refused(r["status"])]
    amount = total(r["amount_rub_kop"] for r in approved)
    weighted_rate = sum(r["amount_rub"] * r["rate_pct"] for r in approved)
    weighted_term = sum(r["amount_rub"] * r["term_years"] for r in approved)
    return {"loans": len(approved), "amount_rub": rubles(amount),
            "rate_avg_pct": ratio(weighted_rate, rubles(amount)) if approved else None,
            "term_avg_years": ratio(weighted_term, rubles(amount)) if approved else None,
            "loans_all": len(rows), "amount_all_rub": rubles(total(r["amount_rub_kop"] for r in rows)),
            # the distinct enterprises behind the figures (small-cell suppression)
            "borrowers": len({r["inn"] for r in approved}), "borrowers_all": len({r["inn"] for r in rows})}


def _by_dimension(raw: Raw, chosen: list[dict], dimensions: dict, blank: dict, figures) -> list[dict]:
    """One row per group of each dimension (`key_of(row)` gives the group's columns), with its figures;
    a municipality row also names it and gives its centre."""
    out = []
    for dimension, key_of in dimensions.items():
        groups = defaultdict(list)
        for r in chosen:
            groups[tuple(sorted(key_of(r).items()))].append(r)
        for key, rows in groups.items():
            row = {"dimension": dimension, **blank, **dict(key)}
            if dimension == "municipality":
                row.update(municipality=raw.muni_name(row["oktmo"]), lat=raw.muni_field(row["oktmo"], "lat"),
                           lon=raw.muni_field(row["oktmo"], "lon"))
            out.append({**row, **figures(rows)})
    return out


def loans_portfolio(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    chosen = _decided(raw.loans, v)
    blank = {"fund": None, "programme": None, "status": None, "year": None, "oktmo": None,
             "municipality": None, "lat": None, "lon": None}
    out = [{"dimension": "total", **blank, **_portfolio_figures(chosen)}]
    dimensions = {
        "fund": lambda r: {"fund": r["fund"]},
        "programme": lambda r: {"programme": r["programme"]},
        "status": lambda r: {"status": r["status"]},
        "year": lambda r: {"year": r["decision_date"].year, "fund": r["fund"]},
        "municipality": lambda r: {"oktmo": r["oktmo"]},
    }
    return out + _by_dimension(raw, chosen, dimensions, blank, _portfolio_figures)


def loans_monthly(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    groups = defaultdict(list)
    for r in _decided(raw.loans, v):
        if not is_refused(r["status"]):
            groups[(r["month"], r["fund"])].append(r)
    return [{"period": month_date(m), "fund": fund, "loans": len(rows),
             "amount_rub": rubles(total(r["amount_rub_kop"] for r in rows)), "borrowers": len({r["inn"] for r in rows})}
            for (m, fund), rows in groups.items()]


def loans_list(raw: Raw, p: dict) -> list[dict]:
    """Every loan decided in the chosen months, refusals included; the borrower's shipments in the 12 months
    before the decision month, and in the latest 12 months of data (ending with the last month any
    enterprise reported shipments); months of data after the decision month (0 when none)."""
    v = View.of(p)
    months = [r["month"] for r in raw.shipments]
    last = max(months) if months else None
    first_latest = last - 11 if last is not None else None
    out = []
    for loan in _decided(raw.loans, v):
        mine = [s for s in raw.shipments if s["inn"] == loan["inn"]]
        dm = loan["month"]
        before = total(s["shipped_rub_kop"] for s in mine if dm - 12 <= s["month"] <= dm - 1)
        latest = total(s["shipped_rub_kop"] for s in mine if last is not None and first_latest <= s["month"] <= last)
        out.append({
            "loan_id": loan["loan_id"], "inn": loan["inn"], "name": raw.name_of(loan["inn"]),
            "municipality": raw.muni_name(loan["oktmo"]), "fund": loan["fund"], "programme": loan["programme"],
            "amount_rub": loan["amount_rub"], "rate_pct": loan["rate_pct"], "term_years": loan["term_years"],
            "decision_date": loan["decision_date"], "status": loan["status"],
            "shipped_before_rub": rubles(before), "shipped_latest_rub": rubles(latest),
            "shipped_change": change(latest, before),
            "months_after": max(last - dm, 0) if last is not None else 0,
            "latest_from": month_date(first_latest) if last is not None else None,
            "latest_to": month_date(last) if last is not None else None,
        })
    return out


# --- Subsidies -------------------------------------------------------------------------------------

def _subsidy_figures(rows) -> dict:
    return {"subsidies": len(rows), "amount_rub": rubles(total(r["amount_rub_kop"] for r in rows)),
            "recipients": len({r["inn"] for r in rows})}


def subsidies_summary(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    chosen = _decided(raw.subsidies, v)
    blank = {"programme": None, "budget": None, "year": None, "oktmo": None, "municipality": None,
             "lat": None, "lon": None}
    out = [{"dimension": "total", **blank, **_subsidy_figures(chosen)}]
    dimensions = {
        "programme": lambda r: {"programme": r["programme"]},
        "budget": lambda r: {"budget": r["budget"]},
        "year": lambda r: {"year": r["decision_date"].year, "budget": r["budget"]},
        "municipality": lambda r: {"oktmo": r["oktmo"]},
    }
    return out + _by_dimension(raw, chosen, dimensions, blank, _subsidy_figures)


def subsidies_recipients(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    groups = defaultdict(list)
    for r in _decided(raw.subsidies, v):
        groups[r["inn"]].append(r)
    out = []
    for inn, rows in groups.items():
        out.append({"inn": inn, "name": raw.name_of(inn), "municipality": raw.muni_name(rows[0]["oktmo"]),
                    "okved": raw.okved_of(inn), "subsidies": len(rows),
                    "amount_rub": rubles(total(r["amount_rub_kop"] for r in rows)),
                    "programmes": "; ".join(sorted({r["programme"] for r in rows})),
                    "last_decision": max(r["decision_date"] for r in rows)})
    return out


def subsidies_rows(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    return [{"subsidy_id": r["subsidy_id"], "inn": r["inn"], "name": raw.name_of(r["inn"]),
             "municipality": raw.muni_name(r["oktmo"]), "okved": raw.okved_of(r["inn"]),
             "programme": r["programme"], "budget": r["budget"], "amount_rub": r["amount_rub"],
             "decision_date": r["decision_date"]}
            for r in _decided(raw.subsidies, v)]


# --- Support intensity -----------------------------------------------------------------------------

def support_intensity(raw: Raw, p: dict) -> list[dict]:
    """Per municipality with any loan, subsidy or shipment in the selection, and in total: rubles of support
    per million rubles of shipments of the same months."""
    v = View.of(p)
    loans = [r for r in _decided(raw.loans, v) if not is_refused(r["status"])]
    subsidies = _decided(raw.subsidies, v)
    shipments = [r for r in raw.shipments if v.place(r) and v.current(r["month"])]

    def figures(oktmos) -> dict:
        loan = sum(r["amount_rub_kop"] for r in loans if r["oktmo"] in oktmos)
        subsidy = sum(r["amount_rub_kop"] for r in subsidies if r["oktmo"] in oktmos)
        shipped = sum(r["shipped_rub_kop"] for r in shipments if r["oktmo"] in oktmos)
        return {"loans_rub": rubles(loan), "subsidies_rub": rubles(subsidy), "support_rub": rubles(loan + subsidy),
                "shipped_rub": rubles(shipped), "intensity": ratio(loan + subsidy, shipped / 1_000_000),
                "borrowers": len({r["inn"] for r in loans if r["oktmo"] in oktmos}),
                "recipients": len({r["inn"] for r in subsidies if r["oktmo"] in oktmos}),
                "shippers": len({r["inn"] for r in shipments if r["oktmo"] in oktmos})}

    present = {r["oktmo"] for r in loans + subsidies + shipments}
    out = [{"dimension": "total", "oktmo": None, "municipality": None, "lat": None, "lon": None, **figures(present)}]
    for oktmo in present:
        out.append({"dimension": "municipality", "oktmo": oktmo, "municipality": raw.muni_name(oktmo),
                    "lat": raw.muni_field(oktmo, "lat"), "lon": raw.muni_field(oktmo, "lon"),
                    **figures({oktmo})})
    return out
