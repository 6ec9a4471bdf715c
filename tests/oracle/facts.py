"""Shipments, production and the overview, worked out again from the raw rows.

Definitions (from the query headers and the README): the chosen months are date_from..date_to inclusive;
"a year earlier" is the same months minus twelve (for a window longer than a year the two overlap);
municipality and division are those of the enterprise in the register (NULL when its INN is not there,
and then no municipality or division filter keeps the row).
"""
from __future__ import annotations

from collections import defaultdict

from .base import Raw, View, change, is_refused, month_date, ratio, rubles, total


def _chosen(rows, v: View, year_before: bool = True):
    """Rows of the chosen place in the chosen months (and, with year_before, the same months a year earlier)."""
    return [r for r in rows if v.place(r) and (v.current(r["month"]) or (year_before and v.year_before(r["month"])))]


# --- Overview --------------------------------------------------------------------------------------

def overview_kpis(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    ship = [r for r in raw.shipments if v.place(r)]
    prod = [r for r in raw.production if v.place(r)]
    loans = [r for r in raw.loans if v.place(r) and not is_refused(r["status"])]
    subs = [r for r in raw.subsidies if v.place(r)]

    def money(rows, col, when):
        return total(r[col] for r in rows if when(r["month"]))

    cur, prev = v.current, v.year_before
    return [{
        "shipped_rub": rubles(money(ship, "shipped_rub_kop", cur)),
        "shipped_prev_rub": rubles(money(ship, "shipped_rub_kop", prev)),
        "export_rub": rubles(money(ship, "export_rub_kop", cur) or 0),
        "output_rub": rubles(money(prod, "output_rub_kop", cur)),
        "output_prev_rub": rubles(money(prod, "output_rub_kop", prev)),
        "enterprises": len({r["inn"] for r in ship + prod if cur(r["month"])}),
        "enterprises_prev": len({r["inn"] for r in ship + prod if prev(r["month"])}),
        "loans_rub": rubles(money(loans, "amount_rub_kop", cur) or 0),
        "loans_prev_rub": rubles(money(loans, "amount_rub_kop", prev) or 0),
        "loans_count": sum(1 for r in loans if cur(r["month"])),
        "loans_prev_count": sum(1 for r in loans if prev(r["month"])),
        "subsidies_rub": rubles(money(subs, "amount_rub_kop", cur) or 0),
        "subsidies_prev_rub": rubles(money(subs, "amount_rub_kop", prev) or 0),
        # the distinct enterprises behind each figure (small-cell suppression)
        "shippers": len({r["inn"] for r in ship if cur(r["month"])}),
        "shippers_prev": len({r["inn"] for r in ship if prev(r["month"])}),
        "producers": len({r["inn"] for r in prod if cur(r["month"])}),
        "producers_prev": len({r["inn"] for r in prod if prev(r["month"])}),
        "borrowers": len({r["inn"] for r in loans if cur(r["month"])}),
        "borrowers_prev": len({r["inn"] for r in loans if prev(r["month"])}),
        "recipients": len({r["inn"] for r in subs if cur(r["month"])}),
        "recipients_prev": len({r["inn"] for r in subs if prev(r["month"])}),
    }]


# --- Shipments -------------------------------------------------------------------------------------

def shipments_monthly(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    rows = [r for r in raw.shipments if v.place(r)]
    out = []
    for m in range(v.first, v.last + 1):
        now = [r for r in rows if r["month"] == m]
        if not now:
            continue
        before = [r for r in rows if r["month"] == m - 12]
        out.append({
            "period": month_date(m),
            "shipped_rub": rubles(total(r["shipped_rub_kop"] for r in now)),
            "export_rub": rubles(total(r["export_rub_kop"] for r in now) or 0),
            "shipped_prev_rub": rubles(total(r["shipped_rub_kop"] for r in before)),
            "enterprises": len({r["inn"] for r in now}),
            "enterprises_prev": len({r["inn"] for r in before}),
        })
    return out


def _shipment_figures(rows, v: View) -> dict:
    now = [r for r in rows if v.current(r["month"])]
    before = [r for r in rows if v.year_before(r["month"])]
    shipped = total(r["shipped_rub_kop"] for r in now)
    export = total(r["export_rub_kop"] for r in now) or 0
    prev = total(r["shipped_rub_kop"] for r in before)
    return {"shipped": shipped, "export": export, "prev": prev, "inns": {r["inn"] for r in now},
            "inns_prev": {r["inn"] for r in before}}


def shipments_by_municipality(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    groups = defaultdict(list)
    for r in _chosen(raw.shipments, v):
        groups[r["oktmo"]].append(r)
    out = []
    for oktmo, rows in groups.items():
        f = _shipment_figures(rows, v)
        if f["shipped"] is None:
            continue
        out.append({"oktmo": oktmo, "municipality": raw.muni_name(oktmo), "lat": raw.muni_field(oktmo, "lat"),
                    "lon": raw.muni_field(oktmo, "lon"), "shipped_rub": rubles(f["shipped"]),
                    "export_rub": rubles(f["export"]), "shipped_prev_rub": rubles(f["prev"]),
                    "enterprises": len(f["inns"]), "enterprises_prev": len(f["inns_prev"])})
    return out


def shipments_by_division(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    groups = defaultdict(list)
    for r in raw.shipments:
        if v.place(r) and v.current(r["month"]):
            groups[r["division"]].append(r)
    out = []
    for division, rows in groups.items():
        f = _shipment_figures(rows, v)
        out.append({"division": division, "division_name": raw.division_names.get(division),
                    "shipped_rub": rubles(f["shipped"]), "export_rub": rubles(f["export"]),
                    "export_share": ratio(f["export"], f["shipped"]), "enterprises": len(f["inns"])})
    return out


def shipments_top_enterprises(raw: Raw, p: dict) -> list[dict]:
    """Every enterprise with shipments in the chosen months, largest first (the comparison applies $limit)."""
    v = View.of(p)
    groups = defaultdict(list)
    for r in _chosen(raw.shipments, v):
        groups[r["inn"]].append(r)
    out = []
    for inn, rows in groups.items():
        f = _shipment_figures(rows, v)
        if f["shipped"] is None:
            continue
        oktmo = rows[0]["oktmo"]
        out.append({"inn": inn, "name": raw.name_of(inn), "municipality": raw.muni_name(oktmo),
                    "okved": raw.okved_of(inn), "shipped_rub": rubles(f["shipped"]),
                    "export_rub": rubles(f["export"]), "export_share": ratio(f["export"], f["shipped"]),
                    "shipped_prev_rub": rubles(f["prev"]), "growth": change(f["shipped"], f["prev"]),
                    "_sort": (-f["shipped"], inn)})
    out.sort(key=lambda r: r["_sort"])
    return out


def shipments_rows(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    return [{"inn": r["inn"], "name": raw.name_of(r["inn"]), "municipality": raw.muni_name(r["oktmo"]),
             "okved": raw.okved_of(r["inn"]), "period": r["period"], "shipped_rub": r["shipped_rub"],
             "export_rub": r["export_rub"]}
            for r in raw.shipments if v.place(r) and v.current(r["month"])]


# --- Production ------------------------------------------------------------------------------------

def production_figures(rows, when) -> dict:
    """Output, output of the rows that report headcount, average monthly headcount (headcount summed over
    the months, divided by the number of months that report headcount) and output per employee."""
    chosen = [r for r in rows if when(r["month"])]
    staffed = [r for r in chosen if r["employees"] is not None]
    output = total(r["output_rub_kop"] for r in chosen)
    output_staffed = total(r["output_rub_kop"] for r in staffed)
    months = {r["month"] for r in staffed}
    employees = ratio(total(r["employees"] for r in staffed), len(months))
    productivity = ratio(rubles(output_staffed), employees)
    return {"output": output, "output_staffed": output_staffed, "employees": employees,
            "productivity": productivity, "inns": {r["inn"] for r in chosen}}


def _production_row(rows, v: View) -> dict:
    now = production_figures(rows, v.current)
    then = production_figures(rows, v.year_before)
    return {
        "output_rub": rubles(now["output"]), "output_prev_rub": rubles(then["output"]),
        "output_growth": change(now["output"], then["output"]),
        "output_staffed_rub": rubles(now["output_staffed"]), "output_staffed_prev_rub": rubles(then["output_staffed"]),
        "employees_avg": now["employees"], "employees_avg_prev": then["employees"],
        "productivity_rub": now["productivity"], "productivity_prev_rub": then["productivity"],
        "productivity_growth": change(now["productivity"], then["productivity"]),
        "enterprises": len(now["inns"]),
        "enterprises_prev": len(then["inns"]),
    }


def production_summary(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    rows = _chosen(raw.production, v)
    out = [{"dimension": "total", "oktmo": None, "division": None, "name": None, "lat": None, "lon": None,
            **_production_row(rows, v)}]
    for dimension, col in (("municipality", "oktmo"), ("division", "division")):
        groups = defaultdict(list)
        for r in rows:
            groups[r[col]].append(r)
        for value, part in groups.items():
            figures = _production_row(part, v)
            if figures["output_rub"] is None:
                continue
            if dimension == "municipality":
                head = {"oktmo": value, "division": None, "name": raw.muni_name(value),
                        "lat": raw.muni_field(value, "lat"), "lon": raw.muni_field(value, "lon")}
            else:
                head = {"oktmo": None, "division": value, "name": raw.division_names.get(value),
                        "lat": None, "lon": None}
            out.append({"dimension": dimension, **head, **figures})
    return out


def production_monthly(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    rows = [r for r in raw.production if v.place(r)]
    out = []
    for m in range(v.first, v.last + 1):
        now = [r for r in rows if r["month"] == m]
        if not now:
            continue
        before = [r for r in rows if r["month"] == m - 12]
        out.append({
            "period": month_date(m),
            "output_rub": rubles(total(r["output_rub_kop"] for r in now)),
            "output_prev_rub": rubles(total(r["output_rub_kop"] for r in before)),
            "employees": total(r["employees"] for r in now),
            "employees_prev": total(r["employees"] for r in before),
            "enterprises": len({r["inn"] for r in now}),
            "enterprises_prev": len({r["inn"] for r in before}),
        })
    return out


def production_enterprises(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    groups = defaultdict(list)
    for r in _chosen(raw.production, v):
        groups[r["inn"]].append(r)
    out = []
    for inn, rows in groups.items():
        f = _production_row(rows, v)
        if f["output_rub"] is None:
            continue
        out.append({"inn": inn, "name": raw.name_of(inn), "municipality": raw.muni_name(rows[0]["oktmo"]),
                    "okved": raw.okved_of(inn), "output_rub": f["output_rub"], "output_prev_rub": f["output_prev_rub"],
                    "output_growth": f["output_growth"], "employees_avg": f["employees_avg"],
                    "employees_avg_prev": f["employees_avg_prev"], "productivity_rub": f["productivity_rub"],
                    "productivity_prev_rub": f["productivity_prev_rub"],
                    "productivity_growth": f["productivity_growth"]})
    return out


def _finds(search, inn, name) -> bool:
    """The search text finds the enterprise: nothing asked (spaces only), the start of its INN, or a part of its
    name with case and ё/е ignored (spaces around the text do not count)."""
    s = (search or "").strip(" ")
    fold = lambda t: (t or "").lower().replace("ё", "е")  # noqa: E731
    return not s or inn.startswith(s) or fold(s) in fold(name)


def production_top_enterprises(raw: Raw, p: dict) -> list[dict]:
    """production_enterprises found by the search text; by change of output per employee only those that have
    one (the comparison applies $limit and the order)."""
    rows = [r for r in production_enterprises(raw, p) if _finds(p["search"], r["inn"], r["name"])]
    if p["order"] == "productivity_growth":
        rows = [r for r in rows if r["productivity_growth"] is not None]
    return rows


def production_rows(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    return [{"inn": r["inn"], "name": raw.name_of(r["inn"]), "municipality": raw.muni_name(r["oktmo"]),
             "okved": raw.okved_of(r["inn"]), "period": r["period"], "output_rub": r["output_rub"],
             "employees": r["employees"]}
            for r in raw.production if v.place(r) and v.current(r["month"])]
