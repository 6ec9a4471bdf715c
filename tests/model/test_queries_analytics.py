"""The production, loan and subsidy queries against tests/fixtures/analytics (rows listed in its README).

Every expected figure is worked out by hand below, in millions of rubles (M). Enterprises: P1 2310001015 and
P3 2310001030 in Кореновский район, P2 2310001022 in Краснодар, P4 2310001047 in Абинский район.
Default view 2025-01..2025-12; a year earlier 2024-01..2024-12.
"""
from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from kuban import texts as T
from kuban.model import queries
from tests.conftest import ABINSK, FIXTURES, KORENOVSK, KRASNODAR, M

ANALYTICS = FIXTURES / "analytics"
P1, P2, P3, P4 = "2310001015", "2310001022", "2310001030", "2310001047"


@pytest.fixture(scope="module")
def db():
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    result = load_folder(ANALYTICS)
    assert result.refused_count == 0 and len(result.problems) == 0
    database = Database(result)
    yield database
    database.close()


@pytest.fixture
def view():
    return {"munis": [], "divisions": [], "date_from": date(2025, 1, 1), "date_to": date(2025, 12, 1)}


def q(db, name, **params):
    return queries.run(db, name, params)


def dims(frame, name):
    return frame[frame["dimension"] == name]


# --- Production -----------------------------------------------------------------------------------

def test_production_monthly(db, view):
    f = q(db, "production_monthly", **view)
    assert list(f["period"]) == [pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01")]
    # 2025-11: P1 150 + P2 450 + P3 30 = 630; 2024-11: P1 100 + P2 400 = 500
    # 2025-12: P1 150 + P2 450 + P3 34 + P4 60 = 694; 2024-12: P1 110 + P2 400 + P4 50 = 560
    assert list(f["output_rub"]) == [630 * M, 694 * M]
    assert list(f["output_prev_rub"]) == [500 * M, 560 * M]
    # headcount reported: 2025-11 60 + 900 + 40 = 1000; 2025-12 60 + 900 + (P3 none) + 40 = 1000
    # a year earlier:     2024-11 50 + 1000 = 1050;      2024-12 50 + 1000 + 40 = 1090
    assert list(f["employees"]) == [1000, 1000]
    assert list(f["employees_prev"]) == [1050, 1090]
    assert list(f["enterprises"]) == [3, 4]


def test_production_summary_whole_krai(db, view):
    f = q(db, "production_summary", **view)
    t = dims(f, "total").iloc[0]
    assert t.output_rub == (150 + 150 + 450 + 450 + 30 + 34 + 60) * M == 1324 * M
    assert t.output_prev_rub == (100 + 110 + 400 + 400 + 50) * M == 1060 * M
    assert t.output_growth == pytest.approx(1324 / 1060 - 1)
    # Productivity counts only rows with headcount: P3's 2025-12 (34, no headcount) is left out of both.
    assert t.output_staffed_rub == (1324 - 34) * M == 1290 * M
    # average monthly headcount: (60 + 60 + 900 + 900 + 40 + 40) / 2 months = 2000 / 2 = 1000
    assert t.employees_avg == 1000
    # a year earlier: (50 + 50 + 1000 + 1000 + 40) / 2 months = 2140 / 2 = 1070
    assert t.employees_avg_prev == 1070
    assert t.productivity_rub == pytest.approx(1290 * M / 1000) == 1_290_000
    assert t.productivity_prev_rub == pytest.approx(1060 * M / 1070)          # 990 654,2 ₽
    assert t.productivity_growth == pytest.approx((1290 / 1000) / (1060 / 1070) - 1)   # +30,2 %
    assert t.enterprises == 4


def test_production_summary_by_municipality_and_division(db, view):
    f = q(db, "production_summary", **view)
    m = dims(f, "municipality").set_index("oktmo")
    assert list(m.index) == [KRASNODAR, KORENOVSK, ABINSK]                   # largest output first
    kor = m.loc[KORENOVSK]
    assert kor["name"] == "Кореновский район" and kor.lat == pytest.approx(45.46)
    assert kor.output_rub == (150 + 150 + 30 + 34) * M == 364 * M               # P1 + P3
    assert kor.output_prev_rub == (100 + 110) * M
    # headcount (60 + 60 + 40) / 2 = 80; staffed output 150 + 150 + 30 = 330 -> 330 / 80 = 4,125 mln per employee
    assert kor.employees_avg == 80
    assert kor.productivity_rub == pytest.approx(330 * M / 80) == 4_125_000
    # a year earlier: 210 / ((50 + 50) / 2 = 50) = 4,2 mln -> 4,125 / 4,2 - 1 = -1,79 %
    assert kor.productivity_prev_rub == pytest.approx(4_200_000)
    assert kor.productivity_growth == pytest.approx(4.125 / 4.2 - 1)
    # Краснодар: 900 / 900 = 1,0 mln; a year earlier 800 / 1000 = 0,8 mln -> +25 %
    assert m.loc[KRASNODAR, "productivity_rub"] == pytest.approx(1_000_000)
    assert m.loc[KRASNODAR, "productivity_growth"] == pytest.approx(0.25)
    # Абинский: only December has P4: 60 / 40 = 1,5 mln; a year earlier 50 / 40 = 1,25 mln -> +20 %
    assert m.loc[ABINSK, "productivity_rub"] == pytest.approx(1_500_000)
    assert m.loc[ABINSK, "productivity_growth"] == pytest.approx(0.2)
    assert m["output_rub"].sum() == 1324 * M

    d = dims(f, "division").set_index("division")
    # 28: P1 (28.29) + P4 (28.41): 300 + 60 = 360; headcount (60 + 60 + 40) / 2 = 80 -> 4,5 mln
    assert d.loc["28", "output_rub"] == 360 * M
    assert d.loc["28", "productivity_rub"] == pytest.approx(360 * M / 80)
    # a year earlier: (210 + 50) / ((50 + 50 + 40) / 2 = 70) = 3,714 mln
    assert d.loc["28", "productivity_prev_rub"] == pytest.approx(260 * M / 70)
    assert d.loc["28", "name"].startswith("Производство машин")
    # 10: P3 only; staffed output 30 (November) / headcount 40 / 1 month = 0,75 mln; nothing a year earlier
    assert d.loc["10", "output_rub"] == 64 * M
    assert d.loc["10", "productivity_rub"] == pytest.approx(750_000)
    assert pd.isna(d.loc["10", "productivity_growth"])


def test_production_summary_filters(db, view):
    f = q(db, "production_summary", **(view | {"munis": [KORENOVSK]}))
    assert dims(f, "total").iloc[0].output_rub == 364 * M
    assert list(dims(f, "municipality")["oktmo"]) == [KORENOVSK]
    f = q(db, "production_summary", **(view | {"divisions": ["28"], "munis": [KORENOVSK]}))
    t = dims(f, "total").iloc[0]
    assert t.output_rub == 300 * M and t.productivity_rub == pytest.approx(300 * M / 60)   # P1 only: 5 mln
    # nothing matches: the total row is still there, empty
    f = q(db, "production_summary", **(view | {"divisions": ["24"], "munis": [KORENOVSK]}))
    assert list(f["dimension"]) == ["total"] and pd.isna(f.iloc[0].output_rub)


def test_production_enterprises(db, view):
    f = q(db, "production_enterprises", **view).set_index("inn")
    assert list(f.index) == [P2, P1, P3, P4]                                  # 900, 300, 64, 60
    assert f.loc[P1, "name"] == "ООО «Прибор-Аналитика»" and f.loc[P1, "municipality"] == "Кореновский район"
    # P1: 300 / 60 = 5,0 mln; a year earlier 210 / 50 = 4,2 mln -> +19,05 %
    assert f.loc[P1, "productivity_rub"] == pytest.approx(5_000_000)
    assert f.loc[P1, "productivity_growth"] == pytest.approx(5 / 4.2 - 1)
    assert f.loc[P1, "output_growth"] == pytest.approx(300 / 210 - 1)
    # ranking by productivity growth: P2 +25 %, P4 +20 %, P1 +19,05 %; P3 has nothing a year earlier
    growth = f["productivity_growth"].dropna().sort_values(ascending=False)
    assert list(growth.index) == [P2, P4, P1]
    assert pd.isna(f.loc[P3, "productivity_growth"]) and f.loc[P3, "employees_avg"] == 40


def test_production_top_enterprises_search_order_and_limit(db, view):
    top = lambda **kw: list(q(db, "production_top_enterprises", **(view | {"search": "", "order": "output",  # noqa: E731
                                                                          "limit": 50} | kw))["inn"])
    assert top() == [P2, P1, P3, P4]                                       # 900, 300, 64, 60
    assert top(limit=2) == [P2, P1]
    # by the change of output per employee: P2 +25 %, P4 +20 %, P1 +19,05 %; P3 (nothing a year earlier) left out
    assert top(order="productivity_growth") == [P2, P4, P1]
    assert top(order="productivity_growth", limit=1) == [P2]
    # a part of the name, any case, ё for е: «Аналитика» is in every name, «станок» only in P4's
    assert top(search="аналитика") == [P2, P1, P3, P4]
    assert top(search="СТАНОК") == [P4] and top(search="  станок ") == [P4]
    assert top(search="ПИЩЁВИК") == [P3]
    # the start of an INN (2310001015 is P1's; 001 is inside every INN, not at the start)
    assert top(search="2310001015") == [P1] and top(search="231000102") == [P2]
    assert top(search="001") == []
    # the filters still apply; text that finds nothing, and LIKE's pattern characters, are only text
    assert top(search="аналитика", munis=[KORENOVSK]) == [P1, P3]
    assert top(search="%") == [] and top(search="_") == [] and top(search="'; DROP TABLE x; --") == []


def test_production_rows(db, view):
    f = q(db, "production_rows", **(view | {"munis": [KORENOVSK]}))
    assert len(f) == 4                                                     # P1, P3 in Nov and Dec
    assert f["output_rub"].sum() == 364 * M
    assert f["employees"].isna().sum() == 1                                # P3 December
    assert len(q(db, "production_rows", **view)) == 7


# --- ФРП loans ------------------------------------------------------------------------------------

def test_loans_portfolio_whole_krai(db, view):
    f = q(db, "loans_portfolio", **view)
    t = dims(f, "total").iloc[0]
    # decided in 2025: LA1 60, LA2 20 (refused), LF2 200, LA3 30; the portfolio leaves LA2 out
    assert t.loans == 3 and t.amount_rub == (60 + 200 + 30) * M == 290 * M
    assert t.loans_all == 4 and t.amount_all_rub == 310 * M
    # weighted rate: (60*3 + 200*3 + 30*2,5) / 290 = 855 / 290 = 2,948 %
    assert t.rate_avg_pct == pytest.approx(855 / 290)
    # weighted term: (60*5 + 200*3 + 30*7) / 290 = 1110 / 290 = 3,83 years
    assert t.term_avg_years == pytest.approx(1110 / 290)

    fund = dims(f, "fund").set_index("fund")
    assert fund.loc["ФРП", "amount_rub"] == 200 * M and fund.loc["ФРП", "loans"] == 1
    assert fund.loc["ФРП Краснодарского края", "amount_rub"] == 90 * M               # LA1 + LA3
    assert fund.loc["ФРП Краснодарского края", "loans_all"] == 3                     # and the refused LA2
    assert fund.loc["ФРП Краснодарского края", "rate_avg_pct"] == pytest.approx((180 + 75) / 90)

    prog = dims(f, "programme").set_index("programme")
    assert prog.loc["Машиностроение", "amount_rub"] == 60 * M
    assert prog.loc["Приоритет", "loans"] == 0 and prog.loc["Приоритет", "amount_all_rub"] == 20 * M

    status = dims(f, "status").set_index("status")["amount_all_rub"].to_dict()
    assert status == {"Одобрен": 230 * M, "Выдан": 60 * M, "Отказано": 20 * M}

    year = dims(f, "year")
    assert set(zip(year["year"], year["fund"], year["amount_rub"])) == {
        (2025, "ФРП", 200 * M), (2025, "ФРП Краснодарского края", 90 * M)}

    muni = dims(f, "municipality").set_index("oktmo")
    assert muni.loc[KORENOVSK, "amount_rub"] == 90 * M and muni.loc[KORENOVSK, "municipality"] == "Кореновский район"
    assert muni.loc[KRASNODAR, "amount_rub"] == 200 * M
    assert pd.isna(muni.loc[ABINSK, "amount_rub"]) and muni.loc[ABINSK, "amount_all_rub"] == 20 * M


def test_loans_portfolio_filters_and_years(db, view):
    t = dims(q(db, "loans_portfolio", **(view | {"munis": [KORENOVSK]})), "total").iloc[0]
    # LA1 60 at 3 % for 5 years, LA3 30 at 2,5 % for 7 years
    assert t.amount_rub == 90 * M and t.loans == 2
    assert t.rate_avg_pct == pytest.approx((60 * 3 + 30 * 2.5) / 90)               # 2,83 %
    assert t.term_avg_years == pytest.approx((60 * 5 + 30 * 7) / 90)                # 5,67 years
    # 2024-01..2025-12 adds LF1 (500, federal, 2024)
    wide = q(db, "loans_portfolio", **(view | {"date_from": date(2024, 1, 1)}))
    year = dims(wide, "year").groupby("year")["amount_rub"].sum().to_dict()
    assert year == {2024: 500 * M, 2025: 290 * M}
    # a sector filter: division 24 is P2 only (LF2 in 2025)
    assert dims(q(db, "loans_portfolio", **(view | {"divisions": ["24"]})), "total").iloc[0].amount_rub == 200 * M
    # nothing matches: the total row says 0 loans
    t = dims(q(db, "loans_portfolio", **(view | {"munis": ["03726000"]})), "total").iloc[0]
    assert t.loans == 0 and pd.isna(t.amount_rub)


def test_loans_monthly(db, view):
    f = q(db, "loans_monthly", **view)
    # by month of the decision date, refusals left out: 2025-03 LA1, 2025-10 LF2, 2025-12 LA3
    assert list(zip(f["period"], f["fund"], f["amount_rub"])) == [
        (pd.Timestamp("2025-03-01"), "ФРП Краснодарского края", 60 * M),
        (pd.Timestamp("2025-10-01"), "ФРП", 200 * M),
        (pd.Timestamp("2025-12-01"), "ФРП Краснодарского края", 30 * M)]


def test_loans_list_shipments_before_and_latest(db, view):
    f = q(db, "loans_list", **view).set_index("loan_id")
    assert list(f.index) == ["LA3", "LF2", "LA2", "LA1"]                     # newest decision first
    la1 = f.loc["LA1"]
    assert (la1["name"], la1["municipality"], la1.rate_pct, la1.term_years) == \
        ("ООО «Прибор-Аналитика»", "Кореновский район", 3.0, 5.0)
    # LA1 decided 14.03.2025: 12 months before = 2024-03..2025-02: 80 (2024-06) + 100 (2024-12) + 90 (2025-02)
    assert la1.shipped_before_rub == 270 * M
    # latest 12 months of data (last month 2025-12): 2025-01..2025-12: 90 + 120 + 130 = 340
    assert la1.shipped_latest_rub == 340 * M
    assert la1.shipped_change == pytest.approx(340 / 270 - 1)
    assert la1.months_after == 9                                           # 2025-03 -> 2025-12
    # LF2 01.10.2025: before = 2024-10..2025-09: P2 480 (2025-06); latest 480 + 500 = 980
    assert f.loc["LF2", "shipped_before_rub"] == 480 * M and f.loc["LF2", "shipped_latest_rub"] == 980 * M
    # LA2 (refused, listed) 01.07.2025: before 2024-07..2025-06: P4 50; latest 50 + 60 = 110
    assert f.loc["LA2", "status"] == "Отказано" and f.loc["LA2", "shipped_before_rub"] == 50 * M
    # LA3 10.12.2025: P3 shipped nothing in 2024-12..2025-11; latest 34; no month after the decision yet
    assert pd.isna(f.loc["LA3", "shipped_before_rub"]) and f.loc["LA3", "shipped_latest_rub"] == 34 * M
    assert pd.isna(f.loc["LA3", "shipped_change"]) and f.loc["LA3", "months_after"] == 0
    assert set(f["latest_from"]) == {pd.Timestamp("2025-01-01")} and set(f["latest_to"]) == {pd.Timestamp("2025-12-01")}
    # LF1 (20.05.2024) only in a wider view: before 2023-05..2024-04: P2 400 (2023-12)
    wide = q(db, "loans_list", **(view | {"date_from": date(2024, 1, 1)})).set_index("loan_id")
    assert wide.loc["LF1", "shipped_before_rub"] == 400 * M and wide.loc["LF1", "months_after"] == 19
    kor = q(db, "loans_list", **(view | {"munis": [KORENOVSK]}))
    assert list(kor["loan_id"]) == ["LA3", "LA1"]


# --- Subsidies and support intensity -----------------------------------------------------------------

def test_subsidies_summary(db, view):
    f = q(db, "subsidies_summary", **view)
    t = dims(f, "total").iloc[0]
    # decided in 2025: SA1 4, SA3 10, SA2 2, SA5 1 (SA4 is 2024)
    assert (t.subsidies, t.amount_rub, t.recipients) == (4, 17 * M, 3)      # P1, P2, P3
    prog = dims(f, "programme").set_index("programme")["amount_rub"].to_dict()
    assert prog == {"Приобретение нового российского оборудования": 10 * M,
                    "Компенсация скидок покупателям продукции машиностроения": 4 * M,
                    "Возмещение первого взноса по договору лизинга": 2 * M,
                    "Возмещение процентов по кредитам на пополнение оборотных средств": 1 * M}
    budget = dims(f, "budget")
    assert dict(zip(budget["budget"].fillna("—"), budget["amount_rub"])) == {
        "федеральный": 10 * M, "региональный": 6 * M, "—": 1 * M}
    muni = dims(f, "municipality").set_index("oktmo")
    assert muni.loc[KORENOVSK, "amount_rub"] == 7 * M and muni.loc[KORENOVSK, "recipients"] == 2   # P1 4+2, P3 1
    assert muni.loc[KRASNODAR, "amount_rub"] == 10 * M
    wide = q(db, "subsidies_summary", **(view | {"date_from": date(2024, 1, 1)}))
    year = dims(wide, "year").groupby("year")["amount_rub"].sum().to_dict()
    assert year == {2024: 3 * M, 2025: 17 * M}


def test_subsidies_recipients_and_rows(db, view):
    f = q(db, "subsidies_recipients", **view)
    assert list(f["inn"]) == [P2, P1, P3]                                     # 10, 6, 1
    p1 = f.set_index("inn").loc[P1]
    assert p1.subsidies == 2 and p1.amount_rub == 6 * M
    assert p1.programmes == ("Возмещение первого взноса по договору лизинга; "
                             "Компенсация скидок покупателям продукции машиностроения")
    assert p1.last_decision == pd.Timestamp("2025-09-01")
    rows = q(db, "subsidies_rows", **(view | {"munis": [KORENOVSK]}))
    assert list(rows["subsidy_id"]) == ["SA1", "SA2", "SA5"] and rows["amount_rub"].sum() == 7 * M


def test_support_intensity(db, view):
    f = q(db, "support_intensity", **view)
    t = dims(f, "total").iloc[0]
    # support = loans without refusals 290 + subsidies 17 = 307; shipments 2025: P1 90+120+130 + P2 480+500
    #           + P3 34 + P4 50+60 = 340 + 980 + 34 + 110 = 1464 -> 307 / 1464 mln = 209 699,45 ₽ per 1 mln ₽
    assert (t.loans_rub, t.subsidies_rub, t.shipped_rub) == (290 * M, 17 * M, 1464 * M)
    assert t.intensity == pytest.approx(307 * M / 1464)
    m = dims(f, "municipality").set_index("oktmo")
    # Кореновский: (90 + 7) / (340 + 34) = 97 / 374 mln -> 259 358,3 ₽
    assert m.loc[KORENOVSK, "support_rub"] == 97 * M and m.loc[KORENOVSK, "shipped_rub"] == 374 * M
    assert m.loc[KORENOVSK, "intensity"] == pytest.approx(97 * M / 374)
    # Краснодар: (200 + 10) / 980 -> 214 285,7 ₽; Абинский: LA2 refused, no subsidy in 2025 -> 0 on 110
    assert m.loc[KRASNODAR, "intensity"] == pytest.approx(210 * M / 980)
    assert m.loc[ABINSK, "intensity"] == 0 and m.loc[ABINSK, "shipped_rub"] == 110 * M
    assert list(m.index) == [KORENOVSK, KRASNODAR, ABINSK]                    # most intense first
    one = q(db, "support_intensity", **(view | {"munis": [KRASNODAR]}))
    assert list(one["dimension"]) == ["total", "municipality"]
    assert dims(one, "total").iloc[0].intensity == pytest.approx(210 * M / 980)


@pytest.mark.parametrize("status, portfolio", [(" ОТКАЗАНО ", 290), ("отозвана", 290), ("Одобрен", 310)])
def test_refusal_statuses_are_matched_case_insensitively(view, status, portfolio):
    # LA2 (20 M, «Отказано» in the fixture) written otherwise: a refusal in any case and with spaces stays out
    # of the portfolio (290); an approval puts it back: 290 + 20 = 310
    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    result = load_folder(ANALYTICS)
    loans = result.tables["loans"].copy()
    loans.loc[loans["loan_id"] == "LA2", "status"] = status
    database = Database(dataclasses.replace(result, tables=result.tables | {"loans": loans},
                                            fingerprint=f"analytics-LA2-{status}"))
    try:
        t = dims(q(database, "loans_portfolio", **view), "total").iloc[0]
    finally:
        database.close()
    assert t.amount_rub == portfolio * M and t.amount_all_rub == 310 * M
    assert "Отказано" in T.LOAN_REFUSED_STATUSES                               # the fixture writes «Отказано»
