"""One enterprise (the card «Предприятие»), worked out again from the raw rows.

Definitions (from the query headers): an enterprise is an INN of the register; its municipality and division are
the register's; "a year earlier" is every month minus twelve; the average monthly headcount is the headcount
summed over the months that report it, divided by their number; a support decision's "before" is the 12 months
before its month and "after" the 12 months after it.
"""
from __future__ import annotations

from .base import Raw, View, change, is_refused, month_date, month_number, ratio, rubles, total


def _fold(text) -> str:
    return (text or "").lower().replace("ё", "е")


def search_order(search):
    """The documented order of enterprise_search for this text, as a sort key of a row."""
    s = (search or "").strip(" ")
    return lambda e: (e["inn"] != s, not _fold(e["name"]).startswith(_fold(s)), e["name"] is None, e["name"] or "",
                      e["inn"])


def enterprise_search(raw: Raw, p: dict) -> list[dict]:
    """Enterprises of the register the text finds (the start of the INN, or a part of the name with case and
    ё/е ignored; spaces around the text do not count), the INN typed whole first, then names starting with the
    text, then by name (none last) and INN; the first $limit."""
    s = (p["search"] or "").strip(" ")
    if not s:
        return []
    found = [e for e in raw.register.values() if e["inn"].startswith(s) or _fold(s) in _fold(e["name"])]
    found.sort(key=search_order(s))
    return [{"inn": e["inn"], "name": e["name"], "municipality": raw.muni_name(e["oktmo"]), "okved": e["okved"],
             "size": e["size"]} for e in found[:p["limit"]]]


def enterprise_profile(raw: Raw, p: dict) -> list[dict]:
    e = raw.register.get(p["inn"])
    if e is None:
        return []
    return [{"inn": e["inn"], "name": e["name"], "okved": e["okved"], "division": e["division"],
             "division_name": raw.division_names.get(e["division"]), "oktmo": e["oktmo"],
             "municipality": raw.muni_name(e["oktmo"]), "size": e["size"]}]


def _months(raw: Raw, inn: str) -> dict[int, dict]:
    """The INN's shipments and production by month: {month: {"ship": row or None, "prod": row or None}}."""
    out: dict[int, dict] = {}
    for r in raw.shipments:
        if r["inn"] == inn:
            out.setdefault(r["month"], {"ship": None, "prod": None})["ship"] = r
    for r in raw.production:
        if r["inn"] == inn:
            out.setdefault(r["month"], {"ship": None, "prod": None})["prod"] = r
    return out


def enterprise_monthly(raw: Raw, p: dict) -> list[dict]:
    v = View.of(p)
    by_month = _months(raw, p["inn"])

    def field(m, kind, col):
        row = by_month.get(m, {}).get(kind)
        return None if row is None else row[col]

    out = []
    for m in range(v.first, v.last + 1):
        output, employees = field(m, "prod", "output_rub_kop"), field(m, "prod", "employees")
        out.append({
            "period": month_date(m),
            "shipped_rub": rubles(field(m, "ship", "shipped_rub_kop")),
            "export_rub": rubles(field(m, "ship", "export_rub_kop")),
            "output_rub": rubles(output),
            "employees": employees,
            "productivity_rub": ratio(rubles(output), employees),
            "shipped_prev_rub": rubles(field(m - 12, "ship", "shipped_rub_kop")),
            "output_prev_rub": rubles(field(m - 12, "prod", "output_rub_kop")),
            "employees_prev": field(m - 12, "prod", "employees"),
        })
    return out


def _production(rows) -> tuple:
    """Output, average monthly headcount and output per employee of these production rows (one per month)."""
    output = total(r["output_rub_kop"] for r in rows)
    staffed = [r for r in rows if r["employees"] is not None]
    employees = ratio(total(r["employees"] for r in staffed), len(staffed))
    return output, employees, ratio(rubles(total(r["output_rub_kop"] for r in staffed)), employees)


def _shippers(raw: Raw, v: View) -> dict[str, int]:
    """Every INN of the register with shipments in the chosen months: its shipments in kopecks."""
    out: dict[str, int] = {}
    for r in raw.shipments:
        if r["inn"] in raw.register and v.current(r["month"]) and r["shipped_rub_kop"] is not None:
            out[r["inn"]] = out.get(r["inn"], 0) + r["shipped_rub_kop"]
    return out


def enterprise_summary(raw: Raw, p: dict) -> list[dict]:
    e = raw.register.get(p["inn"])
    if e is None:
        return []
    v = View.of(p)
    ship = [r for r in raw.shipments if r["inn"] == e["inn"]]
    prod = [r for r in raw.production if r["inn"] == e["inn"]]
    shipped = total(r["shipped_rub_kop"] for r in ship if v.current(r["month"]))
    shipped_prev = total(r["shipped_rub_kop"] for r in ship if v.year_before(r["month"]))
    output, employees, productivity = _production([r for r in prod if v.current(r["month"])])
    output_prev, employees_prev, productivity_prev = _production([r for r in prod if v.year_before(r["month"])])
    shippers = _shippers(raw, v)
    mine = shippers.get(e["inn"])

    def place(field):
        peers = [k for inn, k in shippers.items() if raw.register[inn][field] == e[field]] \
            if e[field] is not None else []
        rank = None if mine is None or e[field] is None else 1 + sum(1 for k in peers if k > mine)   # kopecks
        return rank, len(peers)

    division_rank, division_n = place("division")
    municipality_rank, municipality_n = place("oktmo")
    return [{
        "inn": e["inn"], "shipped_rub": rubles(shipped), "shipped_prev_rub": rubles(shipped_prev),
        "shipped_growth": change(shipped, shipped_prev),
        "export_rub": rubles(total(r["export_rub_kop"] for r in ship if v.current(r["month"]))),
        "output_rub": rubles(output), "output_prev_rub": rubles(output_prev), "output_growth": change(output, output_prev),
        "employees_avg": employees, "employees_avg_prev": employees_prev,
        "productivity_rub": productivity, "productivity_prev_rub": productivity_prev,
        "division_rank": division_rank, "division_enterprises": division_n,
        "municipality_rank": municipality_rank, "municipality_enterprises": municipality_n,
    }]


def enterprise_support(raw: Raw, p: dict) -> list[dict]:
    inn = p["inn"]
    ship = {r["month"]: r["shipped_rub_kop"] for r in raw.shipments if r["inn"] == inn}
    decided = [("loan", r["loan_id"], r["programme"], r["fund"], r, r["status"], is_refused(r["status"]))
               for r in raw.loans if r["inn"] == inn]
    decided += [("subsidy", r["subsidy_id"], r["programme"], r["budget"], r, None, False)
                for r in raw.subsidies if r["inn"] == inn]
    out = []
    for kind, ident, programme, source, r, status, refused in decided:
        m = month_number(r["decision_date"])
        before = [ship[k] for k in range(m - 12, m) if k in ship]
        after = [ship[k] for k in range(m + 1, m + 13) if k in ship]
        out.append({"kind": kind, "id": ident, "programme": programme, "source": source,
                    "amount_rub": rubles(r["amount_rub_kop"]), "decision_date": r["decision_date"],
                    "status": status, "refused": refused,
                    "shipped_before_rub": rubles(total(before)), "months_before": len(before),
                    "shipped_after_rub": rubles(total(after)), "months_after": len(after)})
    return out
