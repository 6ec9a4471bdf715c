"""Writing data files as offices produce them, and reading load results, for the loader tests.

INN check digits are computed here independently of kuban.data.parse.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# --- INN with real check digits (written independently of kuban.data.parse) -------------

W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
W12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
W12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def inn10(body: str) -> str:
    """An organisation's INN: 9 digits + 1 check digit."""
    assert len(body) == 9 and body.isdigit()
    return body + _check_digit(body, W10)


def inn12(body: str) -> str:
    """A sole proprietor's INN: 10 digits + 2 check digits."""
    assert len(body) == 10 and body.isdigit()
    first = body + _check_digit(body, W12_1)
    return first + _check_digit(first, W12_2)


def broken(inn: str) -> str:
    """The same INN with its last check digit wrong."""
    return inn[:-1] + str((int(inn[-1]) + 1) % 10)


ORG = [inn10(f"23{n:07d}") for n in range(11, 60)]       # Krasnodar Krai organisations
IP = [inn12(f"23{n:08d}") for n in range(11, 30)]        # sole proprietors
A, B, C, D, E, F = ORG[:6]
P = IP[0]
ADYGEA = inn10("010500123")                              # starts with a zero: must stay text
STRANGER = inn10("230999999")                            # valid, never in a register
STRANGER2 = inn10("230888888")


# --- Writing office files ----------------------------------------------------------

def cell(value: str, delim: str, quote_all: bool = False) -> str:
    if quote_all or delim in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def line(cells, delim: str = ";", quote_all: bool = False) -> str:
    return delim.join(cell(str(c), delim, quote_all) for c in cells)


def put(folder: Path, rel: str, content, *, enc: str = "utf-8", eol: str = "\r\n") -> Path:
    """Write a data file: bytes as given, or lines joined by `eol` (Excel: CRLF) and encoded."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        data = content
    else:
        data = (eol.join(content) + eol).encode(enc)
    path.write_bytes(data)
    return path


def register(folder: Path, inns, rel: str = "enterprises/reestr.csv", muni: str = "Кореновский район") -> None:
    put(folder, rel, ["ИНН;Наименование;ОКВЭД;Муниципальное образование;Категория"]
        + [f"{inn};ООО Предприятие {i};10.11;{muni};малое" for i, inn in enumerate(inns, 1)], enc="cp1251")


def put_parquet(folder: Path, rel: str, table: pa.Table) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


# --- Reading results -----------------------------------------------------------------

def plain(v):
    """Loaded cell -> plain Python value (NA -> None, Timestamp -> 'YYYY-MM-DD', numbers -> float)."""
    if not isinstance(v, str) and pd.isna(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, (int, float)) or hasattr(v, "dtype"):
        return float(v)
    return v


def rows(result, table: str, *cols) -> set:
    frame = result.tables[table]
    return {tuple(plain(v) for v in rec) for rec in frame[list(cols)].itertuples(index=False, name=None)}


def problems(result, kind: str | None = None) -> list[dict]:
    out = []
    for rec in result.problems.to_dict("records"):
        rec = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in rec.items()}
        if rec["line"] is not None:
            rec["line"] = int(rec["line"])
        if kind is None or rec["kind"] == kind:
            out.append(rec)
    return out


def where(result, kind: str | None = None) -> list[tuple]:
    """(table, file, line, column, kind) of every problem, sorted."""
    return sorted(((p["table"], p["file"], p["line"], p["column"], p["kind"]) for p in problems(result, kind)),
                  key=repr)


CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def assert_russian(reason: str, *fragments: str) -> None:
    assert isinstance(reason, str) and CYRILLIC.search(reason), reason
    for f in fragments:
        assert f in reason, (f, reason)


SHIP_RU = ["ИНН", "Период", "Отгружено, руб.", "Экспорт, руб."]
SHIP_EN = ["inn", "period", "shipped_rub", "export_rub"]
PROD_RU = ["ИНН", "Период", "Объём производства, руб.", "Численность, чел."]
LOAN_RU = ["Номер займа", "ИНН", "Фонд", "Программа", "Сумма, руб.", "Ставка, %", "Срок, лет", "Дата решения", "Статус"]
SUBS_RU = ["Номер субсидии", "ИНН", "Направление", "Сумма, руб.", "Дата решения", "Бюджет"]
ENT_RU = ["ИНН", "Наименование", "ОКВЭД", "Муниципальное образование", "Категория"]
