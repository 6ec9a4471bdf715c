"""The data contract (../shared/DATA_CONTRACT.md) as data: tables, columns, types, keys.

Every other module reads the contract from here; nothing else hard-codes
a column list. `kind` names the parser in `kuban.data.parse` that reads the value.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Column:
    name: str          # English name, also the name in DuckDB
    ru: str            # Russian header
    kind: str          # parser: text, oktmo, inn, okved, municipality, size, month, date, money, number, integer
    required: bool = False
    min: float | None = None          # inclusive lower bound
    min_exclusive: bool = False       # True: value must be > min
    max: float | None = None          # inclusive upper bound
    max_reason: str = "above_max"     # the reason (a key of texts.R) for a value above `max`


@dataclass(frozen=True)
class Table:
    name: str
    title: str                         # Russian title for users
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    is_fact: bool = False              # carries an INN that must be in the register

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# --- Plausibility and cost limits (DATA_CONTRACT.md, «What bad input gets») ----------------

MAX_MONEY = 1e15                 # rubles: above this an amount is refused as implausible
MAX_HEADCOUNT = 1_000_000        # employees of one enterprise
MIN_YEAR = 1990                  # months and dates from 1 January 1990 ...
MONEY = {"max": MAX_MONEY, "max_reason": "implausible_money"}

MAX_HEADER_CELLS = 500           # a header with more cells: the file is refused
MAX_LINE_BYTES = 1 << 20         # a line longer than 1 MB: the line is refused (the file, if it is the header)
MAX_CELL_BYTES = 100 * 1024      # a cell longer than 100 KB: its row is refused
DEFAULT_MAX_FILE_MB = 2048       # a bigger file is refused; $KUBAN_MAX_FILE_MB changes it


def max_file_bytes() -> int:
    """The file size limit: $KUBAN_MAX_FILE_MB megabytes (default 2 GB)."""
    try:
        mb = float(os.environ.get("KUBAN_MAX_FILE_MB") or DEFAULT_MAX_FILE_MB)
    except ValueError:
        mb = DEFAULT_MAX_FILE_MB
    return int(max(mb, 0) * (1 << 20))


def last_plausible_day(today: date | None = None) -> date:
    """... to the end of next year."""
    return date((today or date.today()).year + 1, 12, 31)


INN = Column("inn", "ИНН", "inn", required=True)
PERIOD = Column("period", "Период", "month", required=True)


def _monthly_facts(name: str, title: str, *measures: Column) -> Table:
    """A table of one row per enterprise and month: INN and month, then its measures."""
    return Table(name, title, (INN, PERIOD, *measures), key=("inn", "period"), is_fact=True)


MUNICIPALITIES = Table(
    "municipalities", "Муниципальные образования",
    (
        Column("oktmo", "ОКТМО", "oktmo", required=True),
        Column("name", "Наименование", "text", required=True),
        Column("kind", "Вид", "text", required=True),
        Column("center", "Административный центр", "text"),
        Column("lat", "Широта", "number", min=-90, max=90),
        Column("lon", "Долгота", "number", min=-180, max=180),
        Column("population", "Население", "integer", min=0),
    ),
    key=("oktmo",),
)

ENTERPRISES = Table(
    "enterprises", "Реестр предприятий",
    (
        INN,
        Column("name", "Наименование", "text", required=True),
        Column("okved", "ОКВЭД", "okved", required=True),
        Column("municipality", "Муниципальное образование", "municipality", required=True),
        Column("size", "Категория", "size"),
    ),
    key=("inn",),
)

PRODUCTION = _monthly_facts(
    "production", "Производство",
    Column("output_rub", "Объём производства, руб.", "money", required=True, min=0, **MONEY),
    Column("employees", "Численность, чел.", "integer", min=0, max=MAX_HEADCOUNT, max_reason="implausible_headcount"),
)

SHIPMENTS = _monthly_facts(
    "shipments", "Отгрузка",
    Column("shipped_rub", "Отгружено, руб.", "money", required=True, min=0, **MONEY),
    Column("export_rub", "Экспорт, руб.", "money", min=0, **MONEY),
)

LOANS = Table(
    "loans", "Займы ФРП",
    (
        Column("loan_id", "Номер займа", "text", required=True),
        INN,
        Column("fund", "Фонд", "text", required=True),
        Column("programme", "Программа", "text", required=True),
        Column("amount_rub", "Сумма, руб.", "money", required=True, min=0, min_exclusive=True, **MONEY),
        Column("rate_pct", "Ставка, %", "number", required=True, min=0, max=100),
        Column("term_years", "Срок, лет", "number", required=True, min=0, min_exclusive=True),
        Column("decision_date", "Дата решения", "date", required=True),
        Column("status", "Статус", "text"),
    ),
    key=("loan_id",),
    is_fact=True,
)

SUBSIDIES = Table(
    "subsidies", "Субсидии",
    (
        Column("subsidy_id", "Номер субсидии", "text", required=True),
        INN,
        Column("programme", "Направление", "text", required=True),
        Column("amount_rub", "Сумма, руб.", "money", required=True, min=0, min_exclusive=True, **MONEY),
        Column("decision_date", "Дата решения", "date", required=True),
        Column("budget", "Бюджет", "text"),
    ),
    key=("subsidy_id",),
    is_fact=True,
)

# Load order matters: municipalities before enterprises (names are resolved
# against them), enterprises before facts (INNs are checked against the register).
TABLES: dict[str, Table] = {
    t.name: t for t in (MUNICIPALITIES, ENTERPRISES, PRODUCTION, SHIPMENTS, LOANS, SUBSIDIES)
}
FACT_TABLES = [t.name for t in TABLES.values() if t.is_fact]



def normalize_header(text: str) -> str:
    """Header matching ignores case, surrounding and repeated spaces, and ё/е."""
    return " ".join(str(text).replace("\ufeff", "").split()).lower().replace("ё", "е")


def header_map(table: Table) -> dict[str, str]:
    """Normalised header (English or Russian) -> column name."""
    out: dict[str, str] = {}
    for c in table.columns:
        out[normalize_header(c.name)] = c.name
        out[normalize_header(c.ru)] = c.name
    return out
