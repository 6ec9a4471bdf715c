"""A deterministic synthetic demo data set of Kuban (Krasnodar Krai) industry.

`generate(out_dir)` writes a complete data folder (see ../shared/DATA_CONTRACT.md):

    enterprises/enterprises.csv   UTF-8 with BOM, `;`, Russian headers
    production/production.parquet
    shipments/shipments.parquet
    loans/loans.csv               UTF-8 with BOM, `;`, decimal comma, dd.mm.yyyy
    subsidies/subsidies.csv       UTF-8, `,`, decimal point, English headers, yyyy-mm-dd
    demo.json                     marker: the dashboard shows a "demo data" banner

Monthly data run from 2019-01 to 2026-10. The figures are fictional but
calibrated to published facts (kuban_facts.md): krai shipments per year, the
top-ten municipalities of 2023, the 2025 sector mix, the regional fund's loans
and the regional subsidies. Only the two enterprises of the news (ЗЭСКМИ and
Техноиндустрия) keep their real names and their real loans; every other name
carries the prefix «Демо-». INNs are synthetic (prefix 2399) with valid check digits.

How it works, in order:
1. a municipality x OKVED-division matrix of 2023 shipments, fitted (iterative
   proportional fitting) to the municipality totals and the sector mix;
2. enterprises placed in the cells of that matrix, the cell total split among them;
3. a monthly series per enterprise: krai trend, sector trend and seasonality,
   the firm's own growth, an occasional bad year, noise, late starters;
4. calibration: the enterprise series are rescaled so that 2023 municipality
   totals, 2025 sector shares and the yearly krai totals hit their targets;
5. output, headcount, export, the register's size category, loans, subsidies.

Same arguments => byte-identical CSV files and identical Parquet content.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kuban import paths

FIRST_YEAR, LAST_YEAR, LAST_MONTH = 2019, 2026, 10
N_MONTHS = (LAST_YEAR - FIRST_YEAR) * 12 + LAST_MONTH          # 94 months, 2019-01 .. 2026-10
YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))
DATA_END = date(LAST_YEAR, LAST_MONTH, 31)

# --- Calibration targets (kuban_facts.md) ---------------------------------------------

BN = 1e9
MLN = 1e6

# Krai shipments per year, bn rub. 2023-2025 published; 2026 is the forecast for the
# full year (the data hold Jan-Oct of it); 2019-2022 back-cast (2022 = 2023 / 1.15).
KRAI_TOTALS_BN = {2019: 368.0, 2020: 352.0, 2021: 409.0, 2022: 534.6 / 1.15,
                  2023: 534.6, 2024: 619.4, 2025: 624.6, 2026: 724.3}

# 2023 shipments of the ten largest municipalities, bn rub, in this order.
TOP_MUNICIPALITIES_2023_BN = {
    "Абинский район": 96.7, "Краснодар": 67.1, "Новороссийск": 58.7,
    "Белореченский район": 28.4, "Тимашевский район": 19.9, "Армавир": 15.9,
    "Северский район": 12.4, "Кущёвский район": 9.9, "Динской район": 9.6,
    "Крымский район": 8.8,
}
# The other 34 municipalities share the rest of 2023, from most to least industrial;
# values fall linearly from TAIL_MAX_BN, which keeps each below the tenth (8.8).
TAIL_ORDER = [
    "Ейский район", "Тихорецкий район", "Кавказский район", "Кореновский район",
    "Усть-Лабинский район", "Славянский район", "Горячий Ключ", "Гулькевичский район",
    "Курганинский район", "Новокубанский район", "Лабинский район", "Каневской район",
    "Павловский район", "Темрюкский район", "Выселковский район", "Брюховецкий район",
    "Апшеронский район", "Ленинградский район", "Красноармейский район", "Мостовский район",
    "Тбилисский район", "Калининский район", "Анапа", "Туапсинский район",
    "Новопокровский район", "Приморско-Ахтарский район", "Староминский район",
    "Крыловский район", "Белоглинский район", "Щербиновский район", "Сочи",
    "Отрадненский район", "Успенский район", "Геленджик",
]
TAIL_MAX_BN = 8.1

# 2025 share of each OKVED division in krai shipments, %. Published: 24 metallurgy
# 22.55, 23 building materials 20.62, machine-building (26-30, 33) 17.8; the rest is
# spread plausibly (food largest, light industry 13-15 about 1.5). No 12 and 19 (the
# ministry's scope leaves out tobacco and oil refining).
DIVISION_SHARES_2025 = {
    24: 22.55, 23: 20.62,
    26: 1.5, 27: 3.0, 28: 6.5, 29: 3.3, 30: 1.5, 33: 2.0,
    10: 18.0, 11: 3.0, 20: 6.5, 22: 2.5, 16: 1.5, 17: 1.8, 25: 2.5,
    13: 0.5, 14: 0.7, 15: 0.3, 31: 0.8, 18: 0.3, 21: 0.4, 32: 0.23,
}
MACHINE_BUILDING = (26, 27, 28, 29, 30, 33)

# Sector trend relative to the krai, per year (metallurgy shrinks, machines grow).
DIVISION_TREND = {24: -0.04, 20: 0.02, 10: 0.01, 23: 0.0, **{d: 0.05 for d in MACHINE_BUILDING}}

# Enterprise placement: the smallest municipality x division cell kept (bn rub), the
# spread of firm sizes within a cell (log scale), the smallest planned yearly shipments.
MIN_CELL_BN = 0.05
SPLIT_SIGMA = 2.0
MIN_REVENUE = 25 * MLN

# Where each industry sits: municipality -> {division: weight} (rough bn of 2023 before
# fitting). Municipalities not listed get AGRARIAN_PROFILE.
AGRARIAN_PROFILE = {10: 3.5, 23: 1.2, 28: 0.6, 25: 0.4}
GEOGRAPHY: dict[str, dict[int, float]] = {
    "Абинский район": {24: 85, 25: 4, 23: 3, 10: 3, 16: 1},
    "Краснодар": {10: 12, 11: 4, 28: 9, 27: 5, 26: 3, 33: 3, 29: 2, 30: 1, 22: 3, 18: 1,
                  21: 1, 14: 1.5, 13: 0.6, 15: 0.4, 31: 1.5, 25: 3, 17: 2, 20: 3, 23: 6,
                  24: 6, 32: 0.5},
    "Новороссийск": {23: 25, 10: 14, 11: 3, 24: 4, 25: 3, 30: 2, 33: 4, 22: 1, 28: 1, 26: 0.3},
    "Белореченский район": {20: 24, 10: 2, 16: 1, 23: 1, 22: 0.5},
    "Тимашевский район": {10: 14, 11: 2, 22: 1.5, 25: 1, 23: 1, 28: 0.5},
    "Армавир": {10: 4, 28: 3, 27: 2, 29: 1.5, 30: 1.5, 24: 2, 13: 0.7, 14: 0.5, 23: 1,
                25: 1, 20: 0.5, 26: 0.3},
    "Северский район": {23: 6, 10: 2, 16: 1.5, 20: 1.5, 25: 1, 24: 0.5},
    "Кущёвский район": {10: 5, 23: 2, 28: 1.5, 25: 1},
    "Динской район": {10: 4, 11: 1, 22: 1.5, 23: 1.5, 25: 1, 28: 0.6},
    "Крымский район": {10: 4, 23: 2, 17: 1.2, 16: 0.8, 22: 0.5, 11: 0.3},
    "Ейский район": {28: 2.5, 29: 1.5, 30: 1, 33: 0.5, 10: 2, 23: 1, 14: 0.3},
    "Тихорецкий район": {30: 2.5, 28: 2.5, 33: 1, 24: 1, 10: 2, 23: 1, 13: 0.3},
    "Кавказский район": {33: 1.5, 30: 1.5, 24: 1, 10: 2.5, 23: 1.5, 20: 0.5},
    "Кореновский район": {10: 4, 28: 1.5, 22: 1, 23: 1},
    "Усть-Лабинский район": {10: 4, 23: 1.5, 28: 1},
    "Славянский район": {10: 3, 11: 1, 23: 1.5, 24: 1, 28: 0.5},
    "Горячий Ключ": {23: 2.5, 11: 1, 10: 1.5, 16: 1, 31: 0.8, 24: 1, 21: 0.3},
    "Гулькевичский район": {23: 3, 20: 1.5, 24: 1.5, 10: 1.5},
    "Курганинский район": {10: 3, 23: 2, 28: 1, 24: 0.5},
    "Лабинский район": {10: 2.5, 23: 1.5, 16: 1, 27: 1, 24: 0.7, 14: 0.3},
    "Новокубанский район": {10: 2.5, 28: 2, 27: 1, 23: 1},
    "Каневской район": {10: 4, 23: 1.5, 28: 1, 13: 0.3},
    "Павловский район": {10: 3, 23: 2, 28: 1.2},
    "Темрюкский район": {11: 3, 10: 2.5, 23: 1},
    "Апшеронский район": {16: 2.5, 31: 1.2, 23: 1.5, 10: 1},
    "Мостовский район": {23: 2.5, 16: 1.5, 10: 1.5, 24: 0.5},
    "Анапа": {11: 3, 10: 2, 23: 1, 32: 0.3},
    "Туапсинский район": {16: 1.5, 23: 2, 10: 1.5, 33: 1},
    "Приморско-Ахтарский район": {10: 3, 11: 1, 30: 0.5},
    "Сочи": {10: 1.5, 11: 1.5, 18: 0.5, 23: 1, 32: 0.5},
    "Геленджик": {11: 2, 10: 1, 23: 1, 31: 0.5},
}

# OKVED classes per division (the first one is the anchor firm's in a big cell).
OKVED_CLASSES = {
    10: ["10.41", "10.51", "10.81", "10.61", "10.11", "10.39", "10.71", "10.82", "10.13",
         "10.32", "10.91", "10.12"],
    11: ["11.02", "11.07", "11.05", "11.01"],
    13: ["13.92", "13.20", "13.99"],
    14: ["14.12", "14.13", "14.19"],
    15: ["15.20", "15.12"],
    16: ["16.10", "16.21", "16.23", "16.24"],
    17: ["17.21", "17.12", "17.22"],
    18: ["18.12", "18.13"],
    20: ["20.15", "20.16", "20.30", "20.41", "20.20"],
    21: ["21.20", "21.10"],
    22: ["22.22", "22.21", "22.23", "22.29"],
    23: ["23.51", "23.61", "23.32", "23.13", "23.63", "23.70", "23.52"],
    24: ["24.10", "24.20", "24.33", "24.42", "24.52"],
    25: ["25.11", "25.62", "25.29", "25.93", "25.99"],
    26: ["26.51", "26.30", "26.20", "26.11"],
    27: ["27.11", "27.12", "27.32", "27.40", "27.51"],
    28: ["28.30", "28.25", "28.29", "28.13", "28.22", "28.93", "28.14", "28.96"],
    29: ["29.20", "29.32", "29.10"],
    30: ["30.20", "30.11", "30.12", "30.99"],
    31: ["31.01", "31.09", "31.02"],
    32: ["32.50", "32.99", "32.12"],
    33: ["33.12", "33.15", "33.17", "33.20"],
}

# Name stems per division (every fictional name is «Демо-<stem> <town>»).
NAME_STEMS = {
    10: ["Агро", "Молоко", "Сахар", "Маслозавод", "Мукомол", "Мясокомбинат", "Консервы",
         "Хлебозавод", "Кондитер", "Рис", "Комбикорм", "Птицепром"],
    11: ["Винодел", "Напитки", "Пивзавод", "Минводы"],
    13: ["Текстиль", "Ткани"], 14: ["Швейная фабрика", "Спецодежда", "Трикотаж"],
    15: ["Обувь", "Кожа"], 16: ["Лес", "Деревообработка", "Пиломатериалы"],
    17: ["Картон", "Упаковка", "Бумага"], 18: ["Полиграф", "Типография"],
    20: ["Агрохим", "Удобрения", "Химия", "Лакокраски"], 21: ["Фарм", "Медпрепараты"],
    22: ["Пласт", "Полимер", "ПЭТ-тара"],
    23: ["Цемент", "Бетон", "Кирпич", "Стекло", "ЖБИ", "Стройматериалы"],
    24: ["Электросталь", "Металл", "Прокат", "Литейный завод", "Трубный завод"],
    25: ["Металлоконструкции", "Металлоизделия", "Метиз"],
    26: ["Прибор", "Электроника", "Оптика"],
    27: ["Электро", "Кабель", "Трансформатор", "Светотехника"],
    28: ["Агромаш", "Станкозавод", "Насосы", "Теплообмен", "Пищемаш", "Компрессор"],
    29: ["Автоприцеп", "Автокомпонент", "Кузов"], 30: ["Вагоностроитель", "Судоверфь", "Катер"],
    31: ["Мебель", "Мебельная фабрика"], 32: ["Медтехника", "Изделия", "Игрушка"],
    33: ["Ремонт", "Судоремонт", "Монтаж", "Сервис"],
}

# Output per employee, mln rub a year (a typical firm of the sector).
PRODUCTIVITY_MLN = {
    10: 9, 11: 10, 13: 3.5, 14: 3, 15: 3.5, 16: 6, 17: 12, 18: 4, 20: 20, 21: 9, 22: 8,
    23: 12, 24: 27, 25: 6, 26: 5, 27: 7, 28: 6, 29: 8, 30: 6, 31: 4, 32: 4, 33: 4.5,
}

# Share of export in shipments for an exporting firm of the sector.
EXPORT_SHARE = {
    24: 0.30, 20: 0.45, 10: 0.12, 11: 0.04, 23: 0.03, 16: 0.20, 17: 0.08, 22: 0.05,
    25: 0.04, 13: 0.05, 14: 0.05, 15: 0.05, 31: 0.03, 21: 0.05, 18: 0.0, 32: 0.05,
    **{d: 0.06 for d in MACHINE_BUILDING},
}

# Seasonal profile by month (normalised to mean 1 when used).
SEASONS = {
    "metal": [0.93, 0.95, 1.00, 1.00, 1.02, 1.00, 0.98, 1.00, 1.02, 1.04, 1.03, 1.03],
    "building": [0.66, 0.74, 0.92, 1.05, 1.14, 1.18, 1.20, 1.20, 1.14, 1.07, 0.93, 0.77],
    "food": [0.88, 0.85, 0.92, 0.92, 0.95, 0.97, 1.00, 1.08, 1.15, 1.18, 1.10, 1.00],
    "drinks": [0.72, 0.76, 0.90, 1.00, 1.12, 1.24, 1.28, 1.24, 1.05, 0.95, 0.88, 0.86],
    "machines": [0.74, 0.88, 1.00, 0.98, 0.97, 1.02, 0.95, 0.97, 1.03, 1.05, 1.08, 1.33],
    "fertiliser": [1.05, 1.10, 1.15, 1.05, 0.95, 0.90, 0.92, 0.95, 0.98, 1.00, 0.98, 0.97],
    "other": [0.85, 0.92, 1.00, 1.00, 1.00, 1.02, 0.98, 1.00, 1.03, 1.05, 1.04, 1.11],
}
SEASON_OF_DIVISION = {24: "metal", 23: "building", 10: "food", 11: "drinks", 20: "fertiliser",
                      **{d: "machines" for d in MACHINE_BUILDING}}

# Size thresholds (Federal Law 209-FZ; revenue: Government Decree 265/2016).
SIZE_HEADCOUNT = [(15, "micro"), (100, "small"), (250, "medium")]
SIZE_REVENUE = [(120 * MLN, "micro"), (800 * MLN, "small"), (2 * BN, "medium")]
SIZE_ORDER = ["micro", "small", "medium", "large"]
SIZE_RU = {"micro": "микро", "small": "малое", "medium": "среднее", "large": "крупное"}

# --- The two real enterprises of the news -------------------------------------------


@dataclass(frozen=True)
class NewsFirm:
    name: str
    municipality: str
    okved: str
    revenue_2023_bn: float
    loan_rub: int
    term_years: int


NEWS_FIRMS = [
    NewsFirm("ЗЭСКМИ", "Краснодар", "28.25", 0.95, 55_000_000, 3),
    NewsFirm("Техноиндустрия", "Кореновский район", "28.96", 0.30, 47_000_000, 5),
]
NEWS_LOAN_DATE = date(2026, 10, 14)
REGIONAL_FUND = "ФРП Краснодарского края"
FEDERAL_FUND = "ФРП"

# --- Loans and subsidies -----------------------------------------------------------------

# Regional fund: approved loans per year (count, total rub). 2026 is Jan-Aug, before the
# two news loans of October: "since the start of the year about 500 mln".
REGIONAL_LOANS = {2019: (14, 620 * MLN), 2020: (19, 860 * MLN), 2021: (24, 1080 * MLN),
                  2022: (29, 1370 * MLN), 2023: (35, 1710 * MLN), 2024: (44, 2180 * MLN),
                  2025: (37, 1840 * MLN), 2026: (13, 500 * MLN)}
FEDERAL_LOANS_PER_YEAR = {2019: 1, 2020: 2, 2021: 2, 2022: 3, 2023: 3, 2024: 4, 2025: 3, 2026: 2}


@dataclass(frozen=True)
class LoanProgramme:
    fund: str
    name: str
    amount_mln: tuple[float, float]
    rates: tuple[float, ...]
    terms: tuple[int, ...]
    since: int
    weight: float
    food_only: bool = False


REGIONAL_PROGRAMMES = [
    LoanProgramme(REGIONAL_FUND, "Проекты развития", (5, 100), (3.0, 3.0, 2.5), (3, 5, 5, 7, 7), 2019, 0.50),
    LoanProgramme(REGIONAL_FUND, "Приоритет", (3, 30), (1.0, 2.0, 3.0), (3, 5), 2021, 0.25),
    LoanProgramme(REGIONAL_FUND, "Импортозамещение", (10, 50), (0.1,), (3, 5), 2022, 0.12),
    LoanProgramme(REGIONAL_FUND, "Пищевик", (5, 50), (1.0, 2.0, 3.0), (3, 5), 2023, 0.15, food_only=True),
]
FEDERAL_PROGRAMMES = [
    LoanProgramme(FEDERAL_FUND, "Проекты развития", (100, 1000), (3.0, 3.0, 1.0), (5,), 2019, 0.55),
    LoanProgramme(FEDERAL_FUND, "Комплектующие изделия", (80, 500), (3.0,), (5,), 2020, 0.20),
    LoanProgramme(FEDERAL_FUND, "Производительность труда", (20, 200), (5.0, 3.0), (5,), 2019, 0.25),
]
LONG_TERM_FROM_MLN = 75      # regional «Проекты развития»: up to 10 years from 75 mln
REFUSED_SHARE = 0.07


@dataclass(frozen=True)
class SubsidyProgramme:
    name: str
    amount_mln: tuple[float, float]
    weight: float
    machine_only: bool = False


SUBSIDY_PROGRAMMES = [
    SubsidyProgramme("Компенсация скидок покупателям продукции машиностроения", (2, 40), 0.18, True),
    SubsidyProgramme("Возмещение процентов по кредитам на пополнение оборотных средств", (0.3, 12), 0.25),
    SubsidyProgramme("Возмещение затрат на инвестиции и модернизацию производства", (5, 90), 0.22),
    SubsidyProgramme("Возмещение первого взноса по договору лизинга", (1, 10), 0.20),
    SubsidyProgramme("Приобретение нового российского оборудования", (1, 10), 0.15),
]
LEASING_CAP_FROM_2024_MLN = 20
# Subsidies per year, rub; 2026 = Jan-Sep, then the October batch of the news (20.8 mln).
SUBSIDY_TOTALS = {2019: 580 * MLN, 2020: 920 * MLN, 2021: 810 * MLN, 2022: 1120 * MLN,
                  2023: 1290 * MLN, 2024: 1530 * MLN, 2025: 642 * MLN, 2026: 410 * MLN}
NEWS_SUBSIDY_DATE = date(2026, 10, 21)
NEWS_SUBSIDY_KOPECKS = [735_000_000, 592_000_000, 448_000_000, 305_000_000]   # 20.8 mln rub
NEWS_SUBSIDY_PROGRAMMES = [0, 4, 3, 1]      # indices into SUBSIDY_PROGRAMMES

# --- Small helpers ---------------------------------------------------------------------


def inn_check_digit(first_nine: str) -> str:
    """The 10th digit of an organisation INN."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return str(sum(int(d) * w for d, w in zip(first_nine, weights)) % 11 % 10)


def make_inns(rng: np.random.Generator, n: int) -> list[str]:
    """Unique synthetic organisation INNs: 2399 + five digits + check digit."""
    middles = rng.choice(100_000, size=n, replace=False)
    return [f"2399{m:05d}" + inn_check_digit(f"2399{m:05d}") for m in middles]


def year_columns(year: int) -> slice:
    start = (year - FIRST_YEAR) * 12
    return slice(start, min(start + 12, N_MONTHS))


def size_category(headcount: float, revenue: float) -> str:
    """209-FZ: the category is the higher of the headcount and the revenue categories."""
    def by(value, thresholds):
        for limit, name in thresholds:
            if value <= limit:
                return SIZE_ORDER.index(name)
        return SIZE_ORDER.index("large")
    return SIZE_ORDER[max(by(headcount, SIZE_HEADCOUNT), by(revenue, SIZE_REVENUE))]


def business_day(rng: np.random.Generator, start: date, end: date) -> date:
    """A random weekday in [start, end]."""
    while True:
        d = start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))
        if d.weekday() < 5:
            return d


def town_of(center: str) -> str:
    for prefix in ("станица ", "село ", "посёлок "):
        if center.startswith(prefix):
            return center[len(prefix):]
    return center


def ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, iterations: int = 500) -> np.ndarray:
    """Iterative proportional fitting of a non-negative matrix to row and column sums."""
    m = seed.astype(float).copy()
    for _ in range(iterations):
        m *= (rows / np.maximum(m.sum(1), 1e-12))[:, None]
        m *= (cols / np.maximum(m.sum(0), 1e-12))[None, :]
    return m


# --- 1. The municipality x division plan of 2023 ---------------------------------------


def load_municipalities() -> pd.DataFrame:
    return pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str, keep_default_na=False)


def municipality_targets_2023() -> dict[str, float]:
    """2023 shipments per municipality, bn rub (top ten published, the rest spread)."""
    rest = KRAI_TOTALS_BN[2023] - sum(TOP_MUNICIPALITIES_2023_BN.values())
    n = len(TAIL_ORDER)
    low = 2 * rest / n - TAIL_MAX_BN
    tail = np.linspace(TAIL_MAX_BN, low, n)
    return {**TOP_MUNICIPALITIES_2023_BN, **dict(zip(TAIL_ORDER, tail.tolist()))}


def division_targets_2023() -> dict[int, float]:
    """2023 shipments per division, bn: the 2025 mix taken back along the sector trends."""
    back = {d: s * np.exp(-2 * DIVISION_TREND.get(d, 0.0)) for d, s in DIVISION_SHARES_2025.items()}
    total = sum(back.values())
    return {d: KRAI_TOTALS_BN[2023] * v / total for d, v in back.items()}


def plan_matrix(names: list[str], divisions: list[int], max_cells: int) -> np.ndarray:
    """2023 shipments, bn, per (municipality, division), fitted to both margins."""
    seed = np.zeros((len(names), len(divisions)))
    for i, name in enumerate(names):
        for d, w in GEOGRAPHY.get(name, AGRARIAN_PROFILE).items():
            seed[i, divisions.index(d)] = w
    mun = municipality_targets_2023()
    div = division_targets_2023()
    rows = np.array([mun[n] for n in names])
    cols = np.array([div[d] for d in divisions])
    plan = ipf(seed, rows, cols)
    keep = required_cells(plan, names, divisions)
    news = news_cells(plan.shape, names, divisions)
    order = np.argsort(-plan, axis=None, kind="stable")
    for flat in order:
        if keep.sum() >= max_cells:
            break
        if plan.flat[flat] >= MIN_CELL_BN:
            keep.flat[flat] = True
    for _ in range(10):                   # pruning can starve a cell: drop it and refit
        fitted = ipf(np.where(keep, plan, 0.0), rows, cols)
        tiny = keep & (fitted < MIN_CELL_BN) & ~news
        if not tiny.any():
            return fitted
        keep &= ~tiny
        for i in np.flatnonzero(~keep.any(1)):
            keep[i, plan[i].argmax()] = True
        for j in np.flatnonzero(~keep.any(0)):
            keep[plan[:, j].argmax(), j] = True
    raise ValueError("cannot fit the demo geography; try more enterprises")


def required_cells(plan: np.ndarray, names: list[str], divisions: list[int]) -> np.ndarray:
    """The largest cell of every row and column, and the cells of the news firms."""
    keep = np.zeros(plan.shape, dtype=bool)
    keep[np.arange(plan.shape[0]), plan.argmax(1)] = True
    keep[plan.argmax(0), np.arange(plan.shape[1])] = True
    return keep | news_cells(plan.shape, names, divisions)


def news_cells(shape: tuple[int, int], names: list[str], divisions: list[int]) -> np.ndarray:
    cells = np.zeros(shape, dtype=bool)
    for firm in NEWS_FIRMS:
        cells[names.index(firm.municipality), divisions.index(int(firm.okved[:2]))] = True
    return cells


# --- 2. Enterprises ----------------------------------------------------------------------


class DemoTooSmall(ValueError):
    """Fewer enterprises asked for than the demo geography has cells."""

    def __init__(self, needed: int):
        super().__init__(f"need at least {needed} enterprises for the demo geography")
        self.needed = needed


def allocate_counts(plan: np.ndarray, divisions: list[int], n_total: int) -> np.ndarray:
    """Enterprises per cell: one each, the rest by the square root of the cell's size."""
    counts = (plan > 0).astype(int)
    extra = n_total - counts.sum()
    if extra < 0:
        raise DemoTooSmall(int(counts.sum()))
    many_small = {10: 1.6, 13: 2.0, 14: 2.0, 15: 2.0, 31: 1.6, 16: 1.3, 25: 1.3, 22: 1.2, 24: 0.4}
    factor = np.array([many_small.get(d, 1.0) for d in divisions])
    weight = np.sqrt(plan) * factor[None, :]
    share = weight / weight.sum() * extra
    base = np.floor(share).astype(int)
    rest = extra - base.sum()
    order = np.argsort(-(share - base), axis=None, kind="stable")[:rest]
    base.flat[order] += 1
    return counts + base


def plan_enterprises(rng, plan, names, divisions, n_total) -> pd.DataFrame:
    """One row per enterprise: municipality, division, 2023 shipments (rub), flags."""
    counts = allocate_counts(plan, divisions, n_total)
    rows = []
    for i, name in enumerate(names):
        for j, d in enumerate(divisions):
            n = counts[i, j]
            if n == 0:
                continue
            news = [f for f in NEWS_FIRMS if f.municipality == name and int(f.okved[:2]) == d]
            total = plan[i, j] * BN
            for f in news:
                revenue = min(f.revenue_2023_bn * BN, 0.5 * total) if n > len(news) else total
                rows.append(dict(municipality=name, division=d, revenue=revenue,
                                 news=f.name, anchor=False, rank=-1))
                total -= revenue
            for rank, value in enumerate(split_cell(rng, total, n - len(news))):
                rows.append(dict(municipality=name, division=d, revenue=value, news="",
                                 anchor=rank == 0 and value > 10 * BN, rank=rank))
    return pd.DataFrame(rows)


def split_cell(rng: np.random.Generator, total: float, n: int) -> np.ndarray:
    """A heavy-tailed split of a cell's total: one leading firm, a tail of small ones."""
    if n <= 0:
        return np.array([])
    w = np.sort(rng.lognormal(0.0, SPLIT_SIGMA, size=n))[::-1]
    w[0] *= 1.5
    floor = min(MIN_REVENUE, total / (2 * n))
    return floor + (total - n * floor) * w / w.sum()


def name_enterprises(rng, ents: pd.DataFrame, centers: dict[str, str]) -> pd.DataFrame:
    """Names, OKVED classes and INNs."""
    used: set[str] = set()
    names, okveds = [], []
    for row in ents.itertuples():
        if row.news:
            firm = next(f for f in NEWS_FIRMS if f.name == row.news)
            names.append(firm.name)
            okveds.append(firm.okved)
            continue
        classes = OKVED_CLASSES[row.division]
        okveds.append(classes[0] if row.rank == 0 else classes[int(rng.integers(len(classes)))])
        stems = NAME_STEMS[row.division]
        stem = stems[0] if row.rank == 0 else stems[int(rng.integers(len(stems)))]
        form = "АО" if row.revenue > 5 * BN or (row.revenue > BN and rng.random() < 0.3) else "ООО"
        base = f"Демо-{stem} {town_of(centers[row.municipality])}"
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base} {k}"
        used.add(name)
        names.append(f"{form} «{name}»")
    ents = ents.assign(name=names, okved=okveds, inn=make_inns(rng, len(ents)))
    return ents


def choose_late_starters(rng, ents: pd.DataFrame, share: float = 0.03) -> np.ndarray:
    """Start month (0 = 2019-01) per enterprise: a few small firms start later."""
    start = np.zeros(len(ents), dtype=int)
    cell_size = ents.groupby(["municipality", "division"])["revenue"].transform("size")
    eligible = np.flatnonzero((ents["rank"] > 0) & (ents["revenue"] < 2 * BN) & (cell_size >= 3))
    n = min(len(eligible), max(1, round(share * len(ents))))
    chosen = rng.choice(eligible, size=n, replace=False)
    start[np.sort(chosen)] = rng.integers(3, 72, size=n)     # 2019-04 .. 2024-12
    return start


# --- 3. Monthly series -----------------------------------------------------------------------


def krai_trend() -> np.ndarray:
    """Krai level per month: log-linear between mid-year totals, with the 2020 dip."""
    t = np.arange(N_MONTHS)
    mid = np.array([(y - FIRST_YEAR) * 12 + 5.5 for y in YEARS])
    level = np.exp(np.interp(t, mid, np.log([KRAI_TOTALS_BN[y] / 12 for y in YEARS])))
    covid = {15: 0.82, 16: 0.88, 17: 0.95}          # 2020-04 .. 2020-06
    for month, f in covid.items():
        level[month] *= f
    return level


def seasonal_matrix(rng, divisions: np.ndarray) -> np.ndarray:
    """Per enterprise and month: the sector's profile with a small firm-level twist."""
    profiles = np.array([SEASONS[SEASON_OF_DIVISION.get(int(d), "other")] for d in divisions])
    profiles *= rng.lognormal(0.0, 0.03, size=profiles.shape)
    profiles /= profiles.mean(1, keepdims=True)
    return profiles[:, np.arange(N_MONTHS) % 12]


def bad_years(rng, ents: pd.DataFrame, share: float = 0.12) -> np.ndarray:
    """A multiplicative dip of 14 months (15-40 %) for some enterprises."""
    dip = np.ones((len(ents), N_MONTHS))
    eligible = np.flatnonzero(~ents["anchor"].to_numpy() & (ents["news"] == "").to_numpy())
    chosen = np.sort(rng.choice(eligible, size=round(share * len(ents)), replace=False))
    for e in chosen:
        t0 = int(rng.integers(0, 7)) * 12 + int(rng.integers(0, 6))      # a start in 2019..2025
        depth = rng.uniform(0.15, 0.40)
        t = np.arange(t0, min(t0 + 14, N_MONTHS))
        dip[e, t] = 1 - depth * np.sin(np.pi * (t - t0 + 0.5) / 14)
    return dip


def raw_series(rng, ents: pd.DataFrame, start: np.ndarray) -> np.ndarray:
    """Shipments per enterprise and month before calibration, rub (2023 = plan)."""
    t = np.arange(N_MONTHS)
    years_from_2023 = (t - 53.5) / 12
    div = ents["division"].to_numpy()
    sector = np.exp(np.outer([DIVISION_TREND.get(int(d), 0.0) for d in div], years_from_2023))
    own = np.exp(np.outer(rng.normal(0.0, 0.03, size=len(ents)), years_from_2023))
    sigma = np.where(ents["revenue"].to_numpy() > 2 * BN, 0.035, 0.07)
    noise = np.exp(sigma[:, None] * rng.standard_normal(size=(len(ents), N_MONTHS)))
    x = krai_trend()[None, :] * sector * own * seasonal_matrix(rng, div) * bad_years(rng, ents) * noise
    x *= (ents["revenue"].to_numpy() / x[:, year_columns(2023)].sum(1))[:, None]
    return x * ramp_up(start)


def ramp_up(start: np.ndarray, months: int = 6) -> np.ndarray:
    """0 before a late starter's first month, then a linear ramp to full level."""
    t = np.arange(N_MONTHS)[None, :]
    ramp = np.clip((t - start[:, None] + 1) / months, 0.0, 1.0)
    return np.where(start[:, None] > 0, ramp, 1.0)


# --- 4. Calibration ---------------------------------------------------------------------------


def yearly_targets(x: np.ndarray) -> dict[int, float]:
    """Krai shipments per year, rub; 2026 = Jan-Oct of the forecast by 2025's seasonality."""
    targets = {y: KRAI_TOTALS_BN[y] * BN for y in YEARS[:-1]}
    y25 = x[:, year_columns(2025)].sum(0)
    targets[LAST_YEAR] = KRAI_TOTALS_BN[LAST_YEAR] * BN * y25[:LAST_MONTH].sum() / y25.sum()
    return targets


def scale_groups(x: np.ndarray, groups: np.ndarray, targets: dict, year: int) -> None:
    """Rescale whole enterprise series so each group's total of `year` hits its target."""
    totals = pd.Series(x[:, year_columns(year)].sum(1)).groupby(groups).sum()
    factor = np.array([targets[g] / totals[g] for g in groups])
    x *= factor[:, None]


def scale_years(x: np.ndarray, smooth: bool) -> None:
    """Rescale months so that each year's krai total hits its target (smoothly, or exactly)."""
    targets = yearly_targets(x)
    log_f = np.log([targets[y] / x[:, year_columns(y)].sum() for y in YEARS])
    if smooth:
        mid = np.array([(y - FIRST_YEAR) * 12 + (LAST_MONTH if y == LAST_YEAR else 12) / 2 - 0.5
                        for y in YEARS])
        curve = np.exp(np.interp(np.arange(N_MONTHS), mid, log_f))
    else:
        curve = np.exp(log_f[np.arange(N_MONTHS) // 12])
    x *= curve[None, :]


def calibrate(x: np.ndarray, ents: pd.DataFrame) -> np.ndarray:
    """Fit the series to: 2023 municipality totals, 2025 division shares, yearly totals."""
    x = x.copy()
    mun_targets = {k: v * BN for k, v in municipality_targets_2023().items()}
    share_sum = sum(DIVISION_SHARES_2025.values())
    div_targets = {d: KRAI_TOTALS_BN[2025] * BN * s / share_sum for d, s in DIVISION_SHARES_2025.items()}
    municipalities = ents["municipality"].to_numpy()
    divisions = ents["division"].to_numpy()
    for _ in range(60):
        scale_groups(x, municipalities, mun_targets, 2023)
        scale_groups(x, divisions, div_targets, 2025)
        scale_years(x, smooth=True)
    scale_years(x, smooth=False)
    return x


# --- 5. Output, headcount, export, size --------------------------------------------------------


def rolling_year_mean(x: np.ndarray) -> np.ndarray:
    """Centred 12-month mean per row (shorter windows at the edges)."""
    c = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x, axis=1)], axis=1)
    t = np.arange(x.shape[1])
    lo = np.clip(t - 6, 0, x.shape[1])
    hi = np.clip(t + 6, 0, x.shape[1])
    return (c[:, hi] - c[:, lo]) / (hi - lo)


def headcount(rng, x: np.ndarray, ents: pd.DataFrame) -> np.ndarray:
    """Employees per enterprise and month, from output per employee of the sector."""
    revenue_2025 = x[:, year_columns(2025)].sum(1)
    base_prod = np.array([PRODUCTIVITY_MLN[int(d)] for d in ents["division"]]) * MLN
    prod = base_prod * rng.lognormal(0.0, 0.2, size=len(ents)) * (revenue_2025 / BN) ** 0.06
    prod = np.clip(prod, 3 * MLN, 32 * MLN)
    # Headcount follows the firm's real growth, damped: its share of the krai's
    # shipments (power 0.5) times the krai's nominal level (power 0.15, mostly prices).
    trend = rolling_year_mean(x)
    krai = trend.sum(0)
    share = trend / krai
    share_ratio = share / share[:, year_columns(2025)].mean(1, keepdims=True)
    krai_ratio = krai / krai[year_columns(2025)].mean()
    base = revenue_2025 / prod
    emp = base[:, None] * np.power(np.maximum(share_ratio, 1e-9), 0.5) * np.power(krai_ratio, 0.15)[None, :]
    emp *= rng.lognormal(0.0, 0.01, size=emp.shape)
    return np.maximum(np.rint(emp), 1).astype(np.int64)


def export_series(rng, x: np.ndarray, ents: pd.DataFrame) -> np.ndarray:
    """Export per enterprise and month (0 for non-exporters), never above shipments."""
    revenue = ents["revenue"].to_numpy()
    p_export = np.select([revenue > 2 * BN, revenue > 0.8 * BN, revenue > 0.12 * BN], [0.85, 0.55, 0.2], 0.03)
    exporter = rng.random(len(ents)) < p_export
    base = np.array([EXPORT_SHARE.get(int(d), 0.0) for d in ents["division"]])
    share = np.minimum(base * rng.lognormal(0.0, 0.35, size=len(ents)), np.minimum(1.6 * base, 0.85)) * exporter
    monthly = np.minimum(share[:, None] * rng.uniform(0.6, 1.4, size=x.shape), 0.95)
    return x * monthly


def register_sizes(shipped: np.ndarray, employees: np.ndarray, active: np.ndarray) -> list[str]:
    """Size category from the 2025 average headcount and 2025 shipments (revenue)."""
    cols = year_columns(2025)
    emp = np.where(active[:, cols], employees[:, cols], 0)
    avg = emp.sum(1) / np.maximum(active[:, cols].sum(1), 1)
    revenue = shipped[:, cols].sum(1)
    return [size_category(h, r) for h, r in zip(avg, revenue)]


# --- Loans ---------------------------------------------------------------------------------------


def borrower_weights(ents: pd.DataFrame) -> np.ndarray:
    """Loans go mostly to medium and large manufacturers, machine-builders more often."""
    size_w = ents["size"].map({"micro": 0.3, "small": 1.5, "medium": 3.0, "large": 2.5}).to_numpy()
    div = ents["division"].to_numpy()
    sector_w = np.where(np.isin(div, MACHINE_BUILDING), 2.5, np.where(np.isin(div, (25, 22, 27)), 1.5, 1.0))
    return size_w * sector_w * (ents["news"] == "").to_numpy()


def pick(rng, weights: np.ndarray, mask: np.ndarray) -> int:
    w = np.where(mask, weights, 0.0)
    return int(rng.choice(len(w), p=w / w.sum()))


def amounts_to_total(rng, ranges: list[tuple[float, float]], total: float, unit: int) -> list[int]:
    """Amounts inside their ranges, log-uniform, rescaled to `total`, multiples of `unit`."""
    lo = np.array([r[0] for r in ranges])
    hi = np.array([r[1] for r in ranges])
    a = np.exp(rng.uniform(np.log(lo), np.log(hi)))
    for _ in range(50):
        a = np.clip(a * total / a.sum(), lo, hi)
    out = (np.rint(a / unit) * unit).astype(np.int64)
    residual = int(round(total)) - int(out.sum())
    for i in np.argsort(-a, kind="stable"):       # put the residual where there is room
        if residual == 0:
            break
        room = int(hi[i] // unit * unit - out[i]) if residual > 0 else int(out[i] - np.ceil(lo[i] / unit) * unit)
        step = min(abs(residual), max(room, 0)) * np.sign(residual)
        out[i] += step
        residual -= step
    return out.tolist()


def loan_status(rng, decision: date, term: float) -> str:
    if decision >= date(2026, 8, 1):
        return "Одобрен"
    ends = date(decision.year + int(term), decision.month, min(decision.day, 28))
    if ends <= DATA_END:
        return "Погашен"
    if decision.year <= 2023 and rng.random() < 0.08:
        return "Погашен"            # repaid early
    return "Выдан"


def year_window(year: int, last: date | None = None) -> tuple[date, date]:
    return date(year, 1, 10), last or (DATA_END if year == LAST_YEAR else date(year, 12, 25))


def draw_programme(rng, programmes, year: int):
    options = [p for p in programmes if p.since <= year]
    w = np.array([p.weight for p in options])
    return options[int(rng.choice(len(options), p=w / w.sum()))]


def loan_record(rng, prog: LoanProgramme, amount_rub: float, inn: str, decided: date, refused: bool) -> dict:
    amount_mln = amount_rub / MLN
    if prog.fund == REGIONAL_FUND and prog.name == "Проекты развития" and amount_mln >= LONG_TERM_FROM_MLN:
        term = int(rng.choice([7, 8, 10]))
    else:
        term = int(rng.choice(prog.terms))
    rate = float(rng.choice(prog.rates))
    status = "Отказано" if refused else loan_status(rng, decided, term)
    return dict(inn=inn, fund=prog.fund, programme=prog.name, amount_rub=float(amount_rub),
                rate_pct=rate, term_years=term, decision_date=decided, status=status)


def make_loans(rng, ents: pd.DataFrame, start: np.ndarray) -> pd.DataFrame:
    weights = borrower_weights(ents)
    food = ents["division"].isin([10, 11]).to_numpy()
    start_dates = [date(FIRST_YEAR + s // 12, s % 12 + 1, 1) for s in start]
    records = []

    def borrower(prog, decided):
        mask = np.array([d <= decided for d in start_dates])
        if prog.food_only:
            mask &= food
        if prog.fund == FEDERAL_FUND:
            mask &= ents["size"].isin(["medium", "large"]).to_numpy()
        return ents["inn"].iloc[pick(rng, weights, mask)]

    for year, (count, total) in REGIONAL_LOANS.items():
        last = date(2026, 8, 31) if year == LAST_YEAR else None
        progs = [draw_programme(rng, REGIONAL_PROGRAMMES, year) for _ in range(count)]
        amounts = amounts_to_total(rng, [tuple(v * MLN for v in p.amount_mln) for p in progs], total, 100_000)
        for prog, amount in zip(progs, amounts):
            decided = business_day(rng, *year_window(year, last))
            records.append(loan_record(rng, prog, amount, borrower(prog, decided), decided, False))
        for _ in range(int(rng.binomial(count, REFUSED_SHARE))):
            prog = draw_programme(rng, REGIONAL_PROGRAMMES, year)
            decided = business_day(rng, *year_window(year, last))
            amount = round(np.exp(rng.uniform(*np.log(prog.amount_mln))) * 10) * 100_000
            records.append(loan_record(rng, prog, amount, borrower(prog, decided), decided, True))
    for year, count in FEDERAL_LOANS_PER_YEAR.items():
        for _ in range(count):
            prog = draw_programme(rng, FEDERAL_PROGRAMMES, year)
            decided = business_day(rng, *year_window(year, date(2026, 8, 31) if year == LAST_YEAR else None))
            amount = round(np.exp(rng.uniform(*np.log(prog.amount_mln)))) * MLN
            records.append(loan_record(rng, prog, amount, borrower(prog, decided), decided, rng.random() < 0.1))
    for firm in NEWS_FIRMS:
        inn = ents.loc[ents["news"] == firm.name, "inn"].iloc[0]
        records.append(dict(inn=inn, fund=REGIONAL_FUND, programme="Машиностроение",
                            amount_rub=float(firm.loan_rub), rate_pct=3.0, term_years=firm.term_years,
                            decision_date=NEWS_LOAN_DATE, status="Одобрен"))
    return number_records(pd.DataFrame(records), "loan_id", "ФРП-{year}-{n:03d}")


def number_records(df: pd.DataFrame, column: str, pattern: str) -> pd.DataFrame:
    """Sort by decision date (stable) and number within each year."""
    df = df.reset_index(drop=True)
    day = df["decision_date"].map(date.toordinal).to_numpy()
    df = df.iloc[np.argsort(day, kind="stable")].reset_index(drop=True)
    years = df["decision_date"].map(lambda d: d.year)
    seq = years.groupby(years).cumcount() + 1
    df.insert(0, column, [pattern.format(year=y, n=n) for y, n in zip(years, seq)])
    return df


# --- Subsidies -----------------------------------------------------------------------------------


def subsidy_cap_mln(prog: SubsidyProgramme, year: int) -> tuple[float, float]:
    lo, hi = prog.amount_mln
    if prog.name.startswith("Возмещение первого взноса") and year >= 2024:
        hi = LEASING_CAP_FROM_2024_MLN
    return lo, hi


def draw_subsidy_amounts(rng, year: int, total_kopecks: int, machine_ok: bool) -> list[tuple[int, int]]:
    """(programme index, kopecks) until the year's total is reached exactly."""
    out: list[tuple[int, int]] = []
    left = total_kopecks
    while left > 0:
        options = [i for i, p in enumerate(SUBSIDY_PROGRAMMES) if machine_ok or not p.machine_only]
        w = np.array([SUBSIDY_PROGRAMMES[i].weight for i in options])
        i = options[int(rng.choice(len(options), p=w / w.sum()))]
        lo, hi = subsidy_cap_mln(SUBSIDY_PROGRAMMES[i], year)
        amount = int(round(np.exp(rng.uniform(np.log(lo), np.log(hi))) * MLN * 100))
        if amount >= left or left - amount < 10_000_000:       # the last one takes the rest
            amount = left
        out.append((i, amount))
        left -= amount
    return out


def make_subsidies(rng, ents: pd.DataFrame, start: np.ndarray) -> pd.DataFrame:
    weights = borrower_weights(ents) + 0.2 * (ents["news"] == "").to_numpy()
    machine = ents["division"].isin(MACHINE_BUILDING).to_numpy()
    start_dates = [date(FIRST_YEAR + s // 12, s % 12 + 1, 1) for s in start]
    records = []
    for year, total in SUBSIDY_TOTALS.items():
        last = date(2026, 9, 30) if year == LAST_YEAR else None
        for i, kopecks in draw_subsidy_amounts(rng, year, int(round(total * 100)), True):
            prog = SUBSIDY_PROGRAMMES[i]
            decided = business_day(rng, *year_window(year, last))
            mask = np.array([d <= decided for d in start_dates]) & (machine if prog.machine_only else True)
            budget = "федеральный" if (i in (2, 4) and rng.random() < 0.35) else "региональный"
            records.append(dict(inn=ents["inn"].iloc[pick(rng, weights, mask)], programme=prog.name,
                                amount_rub=kopecks / 100, decision_date=decided, budget=budget))
    for i, kopecks in zip(NEWS_SUBSIDY_PROGRAMMES, NEWS_SUBSIDY_KOPECKS):
        prog = SUBSIDY_PROGRAMMES[i]
        mask = machine if prog.machine_only else np.ones(len(ents), dtype=bool)
        records.append(dict(inn=ents["inn"].iloc[pick(rng, weights, mask)], programme=prog.name,
                            amount_rub=kopecks / 100, decision_date=NEWS_SUBSIDY_DATE, budget="региональный"))
    return number_records(pd.DataFrame(records), "subsidy_id", "СУБ-{year}-{n:04d}")


# --- Writers -----------------------------------------------------------------------------------------


def ru_number(x: float, decimals: int) -> str:
    """A number with a decimal comma."""
    return f"{x:.{decimals}f}".replace(".", ",")


def ru_rate(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}".replace(".", ",")


def write_csv(path: Path, header: list[str], rows, *, delimiter: str, bom: bool, newline: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + buf.getvalue().encode("utf-8"))


def write_enterprises(out: Path, ents: pd.DataFrame) -> None:
    df = ents.sort_values("inn", kind="stable")
    rows = [[r.inn, r.name, r.okved, r.municipality, SIZE_RU[r.size]] for r in df.itertuples()]
    write_csv(out / "enterprises" / "enterprises.csv",
              ["ИНН", "Наименование", "ОКВЭД", "Муниципальное образование", "Категория"],
              rows, delimiter=";", bom=True, newline="\r\n")


def write_loans(out: Path, loans: pd.DataFrame) -> None:
    rows = [[r.loan_id, r.inn, r.fund, r.programme, ru_number(r.amount_rub, 2), ru_rate(r.rate_pct),
             str(r.term_years), r.decision_date.strftime("%d.%m.%Y"), r.status] for r in loans.itertuples()]
    write_csv(out / "loans" / "loans.csv",
              ["Номер займа", "ИНН", "Фонд", "Программа", "Сумма, руб.", "Ставка, %", "Срок, лет",
               "Дата решения", "Статус"], rows, delimiter=";", bom=True, newline="\r\n")


def write_subsidies(out: Path, subs: pd.DataFrame) -> None:
    rows = [[r.subsidy_id, r.inn, r.programme, f"{r.amount_rub:.2f}", r.decision_date.isoformat(), r.budget]
            for r in subs.itertuples()]
    write_csv(out / "subsidies" / "subsidies.csv",
              ["subsidy_id", "inn", "programme", "amount_rub", "decision_date", "budget"],
              rows, delimiter=",", bom=False, newline="\n")


def long_table(ents: pd.DataFrame, active: np.ndarray, columns: dict[str, tuple[np.ndarray, pa.DataType]]) -> pa.Table:
    """Enterprise x month matrices -> one row per active (inn, month), sorted by inn, period."""
    order = np.argsort(ents["inn"].to_numpy(), kind="stable")
    e_idx, t_idx = np.nonzero(active[order])
    e_idx = order[e_idx]
    periods = np.array([np.datetime64(f"{FIRST_YEAR + t // 12}-{t % 12 + 1:02d}-01") for t in range(N_MONTHS)],
                       dtype="datetime64[D]")
    arrays = {"inn": pa.array(ents["inn"].to_numpy()[e_idx].tolist(), pa.string()),
              "period": pa.array(periods[t_idx], pa.date32())}
    for name, (matrix, typ) in columns.items():
        arrays[name] = pa.array(matrix[e_idx, t_idx], typ)
    return pa.table(arrays)


def write_parquet(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def write_marker(out: Path, seed: int, enterprises: int) -> None:
    marker = {"demo": True, "seed": seed, "enterprises": enterprises,
              "generator": "python -m kuban demo",
              "periods": f"{FIRST_YEAR}-01..{LAST_YEAR}-{LAST_MONTH:02d}",
              "note": "Синтетические демонстрационные данные; реальны только названия и займы ЗЭСКМИ и Техноиндустрии."}
    (out / "demo.json").write_text(json.dumps(marker, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- Entry point -----------------------------------------------------------------------------------------


def build(enterprises: int = 400, seed: int = 2026) -> dict:
    """All tables as Python objects (no files): enterprises, matrices, loans, subsidies."""
    rng = np.random.default_rng(seed)
    munis = load_municipalities()
    names = munis["name"].tolist()
    centers = dict(zip(munis["name"], munis["center"]))
    divisions = sorted(DIVISION_SHARES_2025)
    plan = plan_matrix(names, divisions, max_cells=int(0.7 * enterprises))
    ents = plan_enterprises(rng, plan, names, divisions, enterprises)
    ents = name_enterprises(rng, ents, centers)
    start = choose_late_starters(rng, ents)
    active = np.arange(N_MONTHS)[None, :] >= start[:, None]

    shipped = np.round(calibrate(raw_series(rng, ents, start), ents), 2)
    export = np.minimum(np.round(export_series(rng, shipped, ents), 2), shipped)
    output = np.round(shipped * rng.uniform(0.975, 1.035, size=shipped.shape), 2)
    employees = headcount(rng, shipped, ents)
    ents["size"] = register_sizes(shipped, employees, active)

    loans = make_loans(rng, ents, start)
    subsidies = make_subsidies(rng, ents, start)
    return dict(enterprises=ents, start=start, active=active, shipped=shipped, export=export,
                output=output, employees=employees, loans=loans, subsidies=subsidies)


def generate(out_dir: Path, enterprises: int = 400, seed: int = 2026) -> None:
    """Write the demo data folder (deterministic for given arguments)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    d = build(enterprises, seed)
    ents, active = d["enterprises"], d["active"]
    write_enterprises(out, ents)
    write_parquet(out / "production" / "production.parquet", long_table(ents, active, {
        "output_rub": (d["output"], pa.float64()), "employees": (d["employees"], pa.int64())}))
    write_parquet(out / "shipments" / "shipments.parquet", long_table(ents, active, {
        "shipped_rub": (d["shipped"], pa.float64()), "export_rub": (d["export"], pa.float64())}))
    write_loans(out, d["loans"])
    write_subsidies(out, d["subsidies"])
    write_marker(out, seed, enterprises)
