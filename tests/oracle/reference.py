"""The lists behind the sidebar filters, the period bounds and the «Данные» page, worked out again."""
from __future__ import annotations

from .base import Raw, month_date


def municipality_list(raw: Raw, p: dict) -> list[dict]:
    return [{k: m[k] for k in ("oktmo", "name", "kind", "center", "lat", "lon")} for m in raw.municipalities]


def division_list(raw: Raw, p: dict) -> list[dict]:
    """Section C of the reference plus every other division the register uses, with its enterprises."""
    divisions = set(raw.division_names) | {e["division"] for e in raw.register.values()}
    return [{"division": d, "name": raw.division_names.get(d, ""),
             "enterprises": sum(1 for e in raw.register.values() if e["division"] == d)} for d in divisions]


def period_bounds(raw: Raw, p: dict) -> list[dict]:
    months = [r["month"] for r in raw.shipments + raw.production]
    return [{"first_period": month_date(min(months)) if months else None,
             "last_period": month_date(max(months)) if months else None}]


def load_files(raw: Raw, p: dict) -> list[dict]:
    return [dict(f) for f in raw.files]


def load_problems(raw: Raw, p: dict) -> list[dict]:
    kinds = p["kinds"]
    return [dict(x) for x in raw.problems if not kinds or x["kind"] in kinds]
