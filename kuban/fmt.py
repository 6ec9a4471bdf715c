"""Russian number formatting: «1 234,5 млн ₽», «12,3 %», «март 2025»."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd

NBSP = "\u00a0"
THOUSANDS = NBSP                   # no-break space: numbers never wrap
PLOTLY_SEPARATORS = "," + NBSP     # Plotly: decimal mark, then thousands separator

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь",
          "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь")
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")

# (divisor, unit) from largest to smallest
MONEY_UNITS = ((1e12, "трлн\u00a0₽"), (1e9, "млрд\u00a0₽"), (1e6, "млн\u00a0₽"), (1e3, "тыс.\u00a0₽"), (1, "₽"))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def number(x, decimals: int = 0) -> str:
    """1234567.891 -> «1 234 567,9» (decimals=1)."""
    if _missing(x):
        return "—"
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def money_unit(max_abs: float) -> tuple[float, str]:
    """The unit that suits a magnitude (for a whole chart axis or table)."""
    for divisor, unit in MONEY_UNITS:
        if abs(max_abs) >= divisor:
            return divisor, unit
    return 1, "₽"


def money(x, decimals: int = 1) -> str:
    """Rubles in the largest fitting unit: 1 234 500 000 -> «1,2 млрд ₽»."""
    if _missing(x):
        return "—"
    divisor, unit = money_unit(float(x))
    if divisor == 1:
        decimals = 0
    return f"{number(float(x) / divisor, decimals)}{NBSP}{unit}"


def percent(x, decimals: int = 1, signed: bool = False) -> str:
    """A share 0.123 -> «12,3 %»; signed -> «+12,3 %»."""
    if _missing(x) or (isinstance(x, float) and math.isinf(x)):
        return "—"
    text = number(float(x) * 100, decimals)
    if signed and float(x) > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural agreement: 1 строка, 2 строки, 5 строк, 21 строка, 11 строк."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def change(current, previous):
    """Relative change, or None where there is nothing to compare with."""
    if _missing(current) or _missing(previous) or float(previous) == 0:
        return None
    return float(current) / float(previous) - 1


def month(d) -> str:
    """date(2025, 3, 1) -> «март 2025»."""
    d = pd.Timestamp(d)
    return f"{MONTHS[d.month - 1]} {d.year}"


def month_short(d) -> str:
    d = pd.Timestamp(d)
    return f"{MONTHS_SHORT[d.month - 1]} {d.year}"


def period(d_from: date, d_to: date) -> str:
    """«ноябрь 2025 — октябрь 2026»."""
    if pd.Timestamp(d_from) == pd.Timestamp(d_to):
        return month(d_from)
    return f"{month(d_from)} — {month(d_to)}"


def date_ru(d) -> str:
    if _missing(d):
        return "—"
    return pd.Timestamp(d).strftime("%d.%m.%Y")
