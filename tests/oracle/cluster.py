"""The «Кластер» queries, worked out again from the raw rows.

Definitions (query headers and the page's method text): an enterprise belongs to the cluster when it is in the
register and its OKVED code starts with one of the cluster's codes (a division NN, a group NN.N or a class
NN.NN); enterprises missing from the register belong to "the rest". Average monthly headcount of an
enterprise = the mean of the headcounts it reported in the months; output per employee = output of the months
that report headcount / that average (the definition of the «Производство» page).
"""
from __future__ import annotations

import re
from collections import defaultdict

from .base import Raw, View, change, is_refused, month_date, ratio, rubles, total


def in_cluster(raw: Raw, inn, codes) -> bool:
    e = raw.register.get(inn)
    return e is not None and any(e["okved"].startswith(c) for c in codes)


def cluster_code_options(raw: Raw, p: dict) -> list[dict]:
    """Every division of the reference or the register, and every class NN.NN the register uses, with the
    number of enterprises of each."""
    divisions = set(raw.division_names) | {e["division"] for e in raw.register.values()}
    out = [{"code": d, "name": raw.division_names.get(d, ""),
            "enterprises": sum(1 for e in raw.register.values() if e["division"] == d)} for d in divisions]
    classes = defaultdict(int)
    for e in raw.register.values():
        if re.match(r"\d\d\.\d\d", e["okved"]):
            classes[e["okved"][:5]] += 1
    out += [{"code": c, "name": "", "enterprises": n} for c, n in classes.items()]
    return out


def cluster_members(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    codes = p["cluster_codes"]
    members = [e for e in raw.register.values() if in_cluster(raw, e["inn"], codes)]
    rows = []
    for e in members:
        inn = e["inn"]
        ship = [r for r in raw.shipments if r["inn"] == inn]
        prod = [r for r in raw.production if r["inn"] == inn]
        now_ship = [r for r in ship if v.current(r["month"])]
        now_prod = [r for r in prod if v.current(r["month"])]
        if not now_ship and not now_prod:
            continue
        shipped = total(r["shipped_rub_kop"] for r in now_ship)
        shipped_prev = total(r["shipped_rub_kop"] for r in ship if v.year_before(r["month"]))
        export = total(r["export_rub_kop"] for r in now_ship) or 0
        output = total(r["output_rub_kop"] for r in now_prod)
        staffed = [r for r in now_prod if r["employees"] is not None]
        employees = ratio(total(r["employees"] for r in staffed), len(staffed))
        output_staffed = total(r["output_rub_kop"] for r in staffed)
        loans = sum(r["amount_rub_kop"] for r in raw.loans
                    if r["inn"] == inn and v.current(r["month"]) and not is_refused(r["status"]))
        subsidies = sum(r["amount_rub_kop"] for r in raw.subsidies if r["inn"] == inn and v.current(r["month"]))
        rows.append({
            "inn": inn, "name": e["name"], "oktmo": e["oktmo"], "municipality": raw.muni_name(e["oktmo"]),
            "okved": e["okved"], "size": e["size"], "shipped_rub": rubles(shipped),
            "shipped_prev_rub": rubles(shipped_prev), "growth": change(shipped, shipped_prev),
            "employees": employees, "output_rub": rubles(output),
            "productivity_rub": ratio(rubles(output_staffed), employees),
            "export_rub": rubles(export), "export_share": ratio(export, shipped),
            "loans_rub": rubles(loans), "subsidies_rub": rubles(subsidies), "support_rub": rubles(loans + subsidies),
            "_shipped_kop": shipped,
        })
    # The rank among every member of the krai, before the municipality filter: largest shipments first.
    rows.sort(key=lambda r: (-(r["_shipped_kop"] or 0), r["inn"]))
    for i, r in enumerate(rows, start=1):
        r["shipped_rank"] = i
    for r in rows:     # members with the same shipments (to the kopeck) may come in either order
        tied = [o["shipped_rank"] for o in rows if (o["_shipped_kop"] or 0) == (r["_shipped_kop"] or 0)]
        r["_shipped_rank_range"] = (min(tied), max(tied))
    return [r for r in rows if not v.munis or r["oktmo"] in v.munis]


def cluster_specialisation(raw: Raw, p: dict) -> list[dict]:
    """Per municipality and industry (each code, 'cluster', 'total'): the enterprises' average monthly
    headcounts summed, output, and the number of enterprises with output, now and years_back years earlier.
    The whole krai, enterprises of the register only."""
    v = View.of(p)
    shift = 12 * p["years_back"]
    codes = sorted(set(p["cluster_codes"]))

    def now(m):
        return v.first <= m <= v.last

    def then(m):
        return v.first - shift <= m <= v.last - shift

    cells = defaultdict(lambda: {"employees": 0.0, "output": 0, "enterprises": 0,
                                 "employees_then": 0.0, "output_then": 0, "enterprises_then": 0})
    by_firm = defaultdict(list)
    for r in raw.production:
        if r["oktmo"] is not None and (now(r["month"]) or then(r["month"])):
            by_firm[r["inn"]].append(r)
    for inn, rows in by_firm.items():
        e = raw.register[inn]
        industries = [c for c in codes if e["okved"].startswith(c)]
        if industries:
            industries.append("cluster")
        industries.append("total")
        for when, suffix in ((now, ""), (then, "_then")):
            part = [r for r in rows if when(r["month"])]
            headcounts = [r["employees"] for r in part if r["employees"] is not None]
            for industry in industries:
                cell = cells[(e["oktmo"], industry)]
                if headcounts:
                    cell["employees" + suffix] += sum(headcounts) / len(headcounts)
                cell["output" + suffix] += sum(r["output_rub_kop"] for r in part)
                cell["enterprises" + suffix] += 1 if part else 0
    return [{"oktmo": oktmo, "municipality": raw.muni_name(oktmo), "industry": industry,
             "employees": c["employees"], "output_rub": rubles(c["output"]), "enterprises": c["enterprises"],
             "employees_then": c["employees_then"], "output_then_rub": rubles(c["output_then"]),
             "enterprises_then": c["enterprises_then"]}
            for (oktmo, industry), c in cells.items()]


def cluster_vs_rest(raw: Raw, p: dict) -> list[dict]:
    """For the chosen months and the same months 1, 2, ... years earlier (each window that has shipments or
    production in the chosen municipalities): the cluster and the rest, each with shipments, output,
    average monthly headcount (headcount summed over the window / the number of the window's months that
    have production data) and support decided in the window. A side with no facts but with support in a
    window that has facts is reported too (its support counts in the shares)."""
    v = View.of(p)
    codes = p["cluster_codes"]

    def chosen_place(r):
        return not v.munis or r["oktmo"] in v.munis

    ship = [r for r in raw.shipments if chosen_place(r)]
    prod = [r for r in raw.production if chosen_place(r)]
    support = [r for r in raw.loans if chosen_place(r) and not is_refused(r["status"])]
    support += [r for r in raw.subsidies if chosen_place(r)]
    fact_months = [r["month"] for r in ship + prod if r["month"] <= v.last]
    out = []
    k = 0
    while fact_months and v.last - 12 * k >= min(fact_months):
        lo, hi = v.first - 12 * k, v.last - 12 * k
        inside = lambda r: lo <= r["month"] <= hi     # noqa: E731
        if any(inside(r) for r in ship + prod):
            production_months = {r["month"] for r in prod if inside(r)}
            for flag in (True, False):
                side = lambda r: in_cluster(raw, r["inn"], codes) == flag    # noqa: E731
                s = [r for r in ship if inside(r) and side(r)]
                o = [r for r in prod if inside(r) and side(r)]
                g = [r for r in support if inside(r) and side(r)]
                if not (s or o or g):
                    continue
                out.append({
                    "years_back": k, "window_from": month_date(lo), "window_to": month_date(hi), "in_cluster": flag,
                    "shipped_rub": rubles(total(r["shipped_rub_kop"] for r in s)),
                    "output_rub": rubles(total(r["output_rub_kop"] for r in o)),
                    "employees": ratio(total(r["employees"] for r in o), len(production_months)),
                    "support_rub": rubles(sum(r["amount_rub_kop"] for r in g)),
                    "shippers": len({r["inn"] for r in s}), "producers": len({r["inn"] for r in o}),
                    "supported": len({r["inn"] for r in g}),
                })
        k += 1
    return out
