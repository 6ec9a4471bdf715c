"""The data contract (../shared/DATA_CONTRACT.md) as data: tables, columns, types, keys.

Every other module reads the contract from here; nothing else hard-codes
a column list. `kind` names the parser in `kuban.parse` that reads the value.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str          # English name, also the name in DuckDB
    ru: str            # Russian header
    kind: str          # parser: text, oktmo, inn, okved, municipality, size, month, date, money, number, integer
    required: bool = False
    min: float | None = None          # inclusive lower bound
    min_exclusive: bool = False       # True: value must be > min
    max: float | None = None          # inclusive upper bound


@dataclass(frozen=True)
class Table:
    name: str
    title: str                         # Russian title for users
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    is_fact: bool = False              # carries an INN that must be in the register
    aliases: dict[str, str] = field(default_factory=dict)  # extra accepted headers -> column

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


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
        Column("inn", "ИНН", "inn", required=True),
        Column("name", "Наименование", "text", required=True),
        Column("okved", "ОКВЭД", "okved", required=True),
        Column("municipality", "Муниципальное образование", "municipality", required=True),
        Column("size", "Категория", "size"),
    ),
    key=("inn",),
)

PRODUCTION = Table(
    "production", "Производство",
    (
        Column("inn", "ИНН", "inn", required=True),
        Column("period", "Период", "month", required=True),
        Column("output_rub", "Объём производства, руб.", "money", required=True, min=0),
        Column("employees", "Численность, чел.", "integer", min=0),
    ),
    key=("inn", "period"),
    is_fact=True,
)

SHIPMENTS = Table(
    "shipments", "Отгрузка",
    (
        Column("inn", "ИНН", "inn", required=True),
        Column("period", "Период", "month", required=True),
        Column("shipped_rub", "Отгружено, руб.", "money", required=True, min=0),
        Column("export_rub", "Экспорт, руб.", "money", min=0),
    ),
    key=("inn", "period"),
    is_fact=True,
)

LOANS = Table(
    "loans", "Займы ФРП",
    (
        Column("loan_id", "Номер займа", "text", required=True),
        Column("inn", "ИНН", "inn", required=True),
        Column("fund", "Фонд", "text", required=True),
        Column("programme", "Программа", "text", required=True),
        Column("amount_rub", "Сумма, руб.", "money", required=True, min=0, min_exclusive=True),
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
        Column("inn", "ИНН", "inn", required=True),
        Column("programme", "Направление", "text", required=True),
        Column("amount_rub", "Сумма, руб.", "money", required=True, min=0, min_exclusive=True),
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

SIZES = ("micro", "small", "medium", "large")


def normalize_header(text: str) -> str:
    """Header matching ignores case, surrounding and repeated spaces, and ё/е."""
    return " ".join(str(text).replace("\ufeff", "").split()).lower().replace("ё", "е")


def header_map(table: Table) -> dict[str, str]:
    """Normalised header (English or Russian) -> column name."""
    out: dict[str, str] = {}
    for c in table.columns:
        out[normalize_header(c.name)] = c.name
        out[normalize_header(c.ru)] = c.name
    for alias, col in table.aliases.items():
        out[normalize_header(alias)] = col
    return out
