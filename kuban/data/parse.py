"""Vectorised parsers for the value kinds of the data contract.

Each parser takes a pandas Series of stripped text (NA = empty cell) and
returns `(values, errors)`: the parsed values (NA where invalid or empty) and
a Series of Russian reasons (NA where the value is fine or empty). Work is
done on whole columns so files of millions of rows load in seconds.
"""
from __future__ import annotations

import difflib
import functools
import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kuban.texts import R

SPACES = "\u00a0\u202f\u2007\u2009 \t"

MONTHS_RU = {
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6,
    "июль": 7, "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
}

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def _fmt(template: str, values: pd.Series, **extra) -> pd.Series:
    """Apply a reason template to each value (only where needed: callers pass the failing subset)."""
    return pd.Series([R[template].format(value=_shown(v), **extra) for v in values], index=values.index, dtype=object)


def _shown(v) -> str:
    """A value as a user wrote it; typed numbers from Parquet without a trailing «.0»."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace(".", ",") if isinstance(v, float) else str(v)


def _errors_like(s: pd.Series) -> pd.Series:
    return pd.Series(pd.NA, index=s.index, dtype=object)


def _arrow(s: pd.Series) -> pa.Array:
    """The Arrow string array behind a Series (zero-copy for pandas' Arrow-backed strings)."""
    arr = s.array if isinstance(s.array, pd.arrays.ArrowStringArray) else s.astype("string").array
    return pa.array(arr)


def _series(arr, index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(arr), index=index)


def _mask(arr) -> np.ndarray:
    """A boolean Arrow result as a numpy mask (null -> False)."""
    return arr.fill_null(False).to_numpy(zero_copy_only=False)


def by_unique(parser):
    """Parse each distinct value once and spread the results back.

    Codes, months, dates and INNs repeat: ten million rows carry a few hundred thousand
    distinct values, so parsing the distinct ones is what keeps big files fast.
    """
    @functools.wraps(parser)
    def wrapped(s: pd.Series, *args, **kwargs):
        if len(s) < 2000:
            return parser(s, *args, **kwargs)
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        if len(uniques) * 2 > len(s):
            return parser(s, *args, **kwargs)
        values, errors = parser(pd.Series(uniques), *args, **kwargs)
        missing = codes < 0
        safe = np.where(missing, 0, codes)
        out_values = pd.Series(values.array.take(np.where(missing, -1, codes), allow_fill=True), index=s.index)
        out_errors = errors.to_numpy(dtype=object)[safe]
        out_errors[missing] = pd.NA
        return out_values, pd.Series(out_errors, index=s.index, dtype=object)
    return wrapped


def clean_text(s: pd.Series) -> pd.Series:
    """Strip surrounding (also no-break) spaces; empty -> NA."""
    a = pc.utf8_trim(_arrow(s), characters=SPACES + "\r\n")
    a = pc.if_else(pc.equal(a, ""), pa.scalar(None, a.type), a)
    return _series(a, s.index)


_TOTAL = r"^(итого|всего)(\s*[:.,]?\s*(по(\s.*)?)?)?$"


def is_total(s: pd.Series) -> np.ndarray:
    """Cells that say «Итого», «Всего:», «ИТОГО по району» (a total row, never data)."""
    lower = pc.utf8_lower(pc.utf8_trim_whitespace(_arrow(s)))
    maybe = _mask(pc.or_(pc.starts_with(lower, "итого"), pc.starts_with(lower, "всего")))
    if not maybe.any():
        return maybe
    out = np.zeros(len(s), dtype=bool)
    idx = np.flatnonzero(maybe)
    out[idx] = _mask(pc.match_substring_regex(lower.take(pa.array(idx)), _TOTAL))
    return out


def parse_text(s: pd.Series):
    return s.astype("string"), _errors_like(s)


def parse_number(s: pd.Series, integer: bool = False):
    """Decimal point or comma; thousands grouped by space, NBSP or narrow NBSP."""
    errors = _errors_like(s)
    present = s.notna()
    compact = _arrow(s)
    for space in SPACES:
        compact = pc.replace_substring(compact, space, "")
    ok_arr = pc.match_substring_regex(compact, _NUMBER.pattern).fill_null(False)
    ok = pd.Series(ok_arr.to_numpy(zero_copy_only=False), index=s.index)
    number = pc.cast(pc.replace_substring(pc.if_else(ok_arr, compact, pa.scalar(None, compact.type)), ",", "."),
                     pa.float64())
    values = pd.Series(number.to_numpy(zero_copy_only=False), index=s.index).astype("Float64")
    bad = present & ~ok
    if bad.any():
        errors[bad] = _fmt("not_number", s[bad])
    if integer:
        not_int = present & ok & (values.round() != values).fillna(False).astype(bool)
        if not_int.any():
            errors[not_int] = _fmt("not_integer", s[not_int])
            values[not_int] = pd.NA
    return values, errors


def check_range(values: pd.Series, raw: pd.Series, lo=None, lo_exclusive=False, hi=None,
                hi_reason: str = "above_max") -> pd.Series:
    """Reasons for values outside [lo, hi] (or (lo, hi] when lo_exclusive), and for infinite values."""
    errors = _errors_like(values)
    v = values.astype("Float64")
    infinite = np.isinf(v.to_numpy(dtype="float64", na_value=0.0))
    if infinite.any():
        errors[infinite] = _fmt("not_finite", raw[infinite])
        v = v.mask(infinite)
    if lo is not None:
        bad = ((v <= lo) if lo_exclusive else (v < lo)).fillna(False).astype(bool)
        if bad.any():
            key = "not_positive" if (lo_exclusive and lo == 0) else "below_min"
            errors[bad] = _fmt(key, raw[bad], bound=_num(lo))
    if hi is not None:
        bad = (v > hi).fillna(False).astype(bool)
        if bad.any():
            errors[bad] = _fmt(hi_reason, raw[bad], bound=_num(hi))
    return errors


def check_plausible_day(values: pd.Series, raw: pd.Series, kind: str, first: date, last: date) -> pd.Series:
    """Reasons for months or dates outside [first, last] (a typo such as 12.9999, or 01.1900)."""
    errors = _errors_like(values)
    v = values.astype("datetime64[s]")
    bad = ((v < pd.Timestamp(first)) | (v > pd.Timestamp(last))).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        shown = raw[bad]
        if pd.api.types.is_datetime64_any_dtype(shown):
            shown = shown.dt.strftime("%m.%Y" if kind == "month" else "%d.%m.%Y")
        errors[bad] = _fmt("implausible_month" if kind == "month" else "implausible_date", shown,
                           first=f"{first:%m.%Y}" if kind == "month" else f"{first:%d.%m.%Y}",
                           last=f"{last:%m.%Y}" if kind == "month" else f"{last:%d.%m.%Y}")
    return errors


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def _ymd(year, month, day) -> pd.Series:
    """Build dates from integer Series; invalid combinations -> NaT."""
    frame = pd.DataFrame({"year": year, "month": month, "day": day}).astype("float64")
    return pd.to_datetime(frame, errors="coerce")


_MONTH_PATTERNS = [
    # (regex, group names)
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"), False),
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"), True),
    (re.compile(r"^(?P<m>\d{1,2})\.(?P<y>\d{4})$"), False),
    (re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"), True),
]
_MONTH_NAME = re.compile(r"^(?P<name>[а-яё]+)\s+(?P<y>\d{4})(?:\s*г(?:од|\.)?)?$")


@by_unique
def parse_month(s: pd.Series):
    """Months: 2025-03, 2025-03-01, 03.2025, 01.03.2025, март 2025. Returns first-of-month dates."""
    errors = _errors_like(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    lower = s.str.lower().str.replace("ё", "е", regex=False)
    done = s.isna().to_numpy().copy()
    for pattern, has_day in _MONTH_PATTERNS:
        m = lower.str.extract(pattern)
        hit = m["y"].notna().to_numpy() & ~done
        if not hit.any():
            continue
        y = m.loc[hit, "y"].astype(int)
        mo = m.loc[hit, "m"].astype(int)
        d = m.loc[hit, "d"].astype(int) if has_day else pd.Series(1, index=y.index)
        idx = y.index
        bad_month = (mo < 1) | (mo > 12)
        date = _ymd(y, mo.clip(1, 12), d)
        not_first = ~bad_month & date.notna() & (d != 1)
        impossible = ~bad_month & date.isna()
        good = ~bad_month & ~not_first & ~impossible
        out[idx[good]] = date[good].astype("datetime64[s]")
        if bad_month.any():
            errors[idx[bad_month]] = _fmt("bad_month_number", s[idx[bad_month]])
        if impossible.any():
            errors[idx[impossible]] = _fmt("impossible_date", s[idx[impossible]])
        if not_first.any():
            errors[idx[not_first]] = _fmt("month_not_first", s[idx[not_first]])
        done |= hit
    rest = ~done
    if rest.any():
        m = lower[rest].str.extract(_MONTH_NAME)
        month_no = m["name"].map(MONTHS_RU)
        hit = month_no.notna()
        idx = m.index[hit.to_numpy()]
        if len(idx):
            out[idx] = _ymd(m.loc[idx, "y"].astype(int), month_no[idx].astype(int), 1).astype("datetime64[s]").to_numpy()
        miss = m.index[~hit.to_numpy()]
        if len(miss):
            errors[miss] = _fmt("not_month", s[miss])
    return out, errors


_DATE_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
]


@by_unique
def parse_date(s: pd.Series):
    """Dates: 2025-03-14 or 14.03.2025; impossible dates (31.02.2025) are refused."""
    errors = _errors_like(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    done = s.isna().to_numpy().copy()
    for pattern in _DATE_PATTERNS:
        m = s.str.extract(pattern)
        hit = m["y"].notna().to_numpy() & ~done
        if not hit.any():
            continue
        idx = s.index[hit]
        date = _ymd(m.loc[hit, "y"].astype(int), m.loc[hit, "m"].astype(int), m.loc[hit, "d"].astype(int))
        good = date.notna()
        out[idx[good.to_numpy()]] = date[good].astype("datetime64[s]").to_numpy()
        bad = idx[~good.to_numpy()]
        if len(bad):
            errors[bad] = _fmt("impossible_date", s[bad])
        done |= hit
    rest = s.index[~done]
    if len(rest):
        errors[rest] = _fmt("not_date", s[rest])
    return out, errors


_INN10_W = np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])
_INN12_W1 = np.array([7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
_INN12_W2 = np.array([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


def inn_valid(values: pd.Series) -> np.ndarray:
    """Check digits of 10- and 12-digit INNs (vectorised). Non-digit strings are invalid."""
    result = np.zeros(len(values), dtype=bool)
    v = values.astype("string").fillna("")
    for n in (10, 12):
        mask = (v.str.len() == n) & v.str.fullmatch(r"\d+").fillna(False)
        mask = mask.to_numpy(dtype=bool)
        if not mask.any():
            continue
        digits = np.frombuffer("".join(v[mask].tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, n) - 48
        digits = digits.astype(np.int64)
        if n == 10:
            ok = (digits[:, :9] @ _INN10_W) % 11 % 10 == digits[:, 9]
        else:
            c1 = (digits[:, :10] @ _INN12_W1) % 11 % 10
            c2 = (digits[:, :11] @ _INN12_W2) % 11 % 10
            ok = (c1 == digits[:, 10]) & (c2 == digits[:, 11])
        result[np.flatnonzero(mask)] = ok
    return result


@by_unique
def parse_inn(s: pd.Series):
    errors = _errors_like(s)
    v = s.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    v = v.str.replace(r"\.0$", "", regex=True)  # a number column saved by Excel: 2312345678.0
    present = v.notna().to_numpy()
    digits = v.str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
    length = v.str.len().fillna(0).to_numpy()
    right_len = digits & ((length == 10) | (length == 12))
    lost_zero = present & digits & ((length == 9) | (length == 11))
    bad_format = present & ~right_len & ~lost_zero
    if bad_format.any():
        errors[bad_format] = _fmt("inn_format", s[bad_format])
    if lost_zero.any():
        errors[lost_zero] = [R["inn_leading_zero"].format(value=x, n=len(x)) for x in v[lost_zero]]
    checked = inn_valid(v)
    bad_sum = present & right_len & ~checked
    if bad_sum.any():
        errors[bad_sum] = _fmt("inn_checksum", s[bad_sum])
    return v.where(present & right_len & checked), errors


def _code_parser(pattern: str, reason: str):
    """A parser of codes: spaces removed, the whole text must match `pattern`, else `reason`."""
    @by_unique
    def parse(s: pd.Series):
        errors = _errors_like(s)
        v = s.str.replace(r"\s", "", regex=True)
        ok = v.str.fullmatch(pattern).fillna(False).astype(bool)
        bad = s.notna() & ~ok
        if bad.any():
            errors[bad] = _fmt(reason, s[bad])
        return v.where(ok), errors
    return parse


# OKVED2: NN, NN.N, NN.NN, NN.NN.N, NN.NN.NN (a group has one digit, a class two; sub-classes follow a class).
parse_okved = _code_parser(r"\d{2}(?:\.\d(?:\d(?:\.\d{1,2})?)?)?", "okved_format")
parse_oktmo = _code_parser(r"\d{8}", "oktmo_format")


_SIZE_PREFIX = [("микро", "micro"), ("мал", "small"), ("сред", "medium"), ("круп", "large"),
                ("micro", "micro"), ("small", "small"), ("medium", "medium"), ("large", "large")]


def _size_of(text: str):
    t = text.lower().replace("ё", "е").strip()
    for prefix, size in _SIZE_PREFIX:
        if t.startswith(prefix):
            return size
    return None


def parse_size(s: pd.Series):
    errors = _errors_like(s)
    uniques = s.dropna().unique()
    mapping = {u: _size_of(u) for u in uniques}
    v = s.map(mapping).astype("string")
    bad = s.notna() & v.isna()
    if bad.any():
        errors[bad] = _fmt("size_unknown", s[bad])
    return v, errors


# --- Municipality names -------------------------------------------------------

_PREFIXES = (
    "муниципальное образование", "муниципальный округ", "муниципальный район", "городской округ",
    "город-курорт", "город курорт", "город", "мо", "го", "г.", "г", "гор.", "станица", "ст.", "ст",
    "село", "с.", "поселок", "пос.", "п.", "пгт", "хутор",
)
_SUFFIXES = ("муниципальный район", "муниципальный округ", "городской округ", "район", "р-н", "р-он", "р.")


def municipality_key(text: str) -> str:
    """A spelling-independent key: «МО Кореновский р-н» -> «кореновский»."""
    t = str(text).lower().replace("ё", "е")
    t = re.sub(r"[«»\"'“”]", " ", t)
    t = " ".join(t.replace("\u00a0", " ").split())
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if t.startswith(p + " ") or (p.endswith(".") and t.startswith(p)):
                t = t[len(p):].strip()
                changed = True
        for suf in _SUFFIXES:
            if t.endswith(" " + suf):
                t = t[: -len(suf)].strip()
                changed = True
    return t


class MunicipalityMatcher:
    """Recognises a municipality by OKTMO code, name in any common spelling, or its centre."""

    def __init__(self, municipalities: pd.DataFrame):
        self.names = dict(zip(municipalities["oktmo"], municipalities["name"]))
        keys: dict[str, set[str]] = {}
        for row in municipalities.itertuples(index=False):
            keys.setdefault(municipality_key(row.name), set()).add(row.oktmo)
        # Administrative centres («Кореновск», «станица Динская») as extra aliases, unless ambiguous.
        centre_keys: dict[str, set[str]] = {}
        if "center" in municipalities:
            for row in municipalities.itertuples(index=False):
                if isinstance(row.center, str) and row.center:
                    centre_keys.setdefault(municipality_key(row.center), set()).add(row.oktmo)
        self.key_to_oktmo = {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}
        for k, v in centre_keys.items():
            if len(v) == 1 and k not in keys:
                self.key_to_oktmo[k] = next(iter(v))

    def match_one(self, text: str):
        t = re.sub(r"\s", "", str(text))
        if re.fullmatch(r"\d{8}(\d{3})?", t) and t[:8] in self.names:
            return t[:8]
        return self.key_to_oktmo.get(municipality_key(text))

    def closest(self, text: str, n: int = 3) -> list[str]:
        digits = re.sub(r"\D", "", str(text))
        if len(digits) >= 5:
            # A code: compare with the codes («3621000», its leading zero lost by Excel -> 03621000).
            found = difflib.get_close_matches(digits.zfill(8)[:8], list(self.names), n=n, cutoff=0.5)
            if found:
                return [self.names[c] for c in found]
        key = municipality_key(text)
        keys = list(self.key_to_oktmo)
        # The closest names; when none is close, still the nearest ones that share anything.
        found = (difflib.get_close_matches(key, keys, n=n * 2, cutoff=0.5)
                 or difflib.get_close_matches(key, keys, n=n * 2, cutoff=0.01))
        names: list[str] = []
        for k in found:
            name = self.names[self.key_to_oktmo[k]]
            if name not in names:
                names.append(name)
        return names[:n]

    def parse(self, s: pd.Series):
        errors = _errors_like(s)
        uniques = s.dropna().unique()
        mapping = {u: self.match_one(u) for u in uniques}
        v = s.map(mapping).astype("string")
        bad = s.notna() & v.isna()
        if bad.any():
            reasons = {}
            for u in s[bad].unique():
                close = self.closest(u)
                reasons[u] = (R["municipality_unknown"].format(value=u, closest=", ".join(close)) if close
                              else R["municipality_unknown_none"].format(value=u))
            errors[bad] = s[bad].map(reasons)
        return v, errors


PARSERS = {
    "text": parse_text,
    "number": parse_number,
    "money": parse_number,
    "integer": lambda s: parse_number(s, integer=True),
    "month": parse_month,
    "date": parse_date,
    "inn": parse_inn,
    "okved": parse_okved,
    "oktmo": parse_oktmo,
    "size": parse_size,
}
