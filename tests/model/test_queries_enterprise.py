"""The statements of the enterprise card («Предприятие») on the small fixture; every figure worked out by hand.

A = 2310000011 ООО «Альфа-Тест», 28.25, Кореновский район: shipments 2024-11 100, 2024-12 120, 2025-11 150 (export
30), 2025-12 130 (export 0) mln; production 2024-11 110 (190 people), 2024-12 115 (190), 2025-11 140 (200),
2025-12 135 (200) mln; loan L1 50 mln 15.11.2025, subsidy S1 2 mln 20.11.2025.
D = 2310000043 ООО «Дельта-Тест», 28.96, Кореновский: shipments 2025-12 20 mln; loan L3 10 mln 01.12.2025.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kuban.model import queries
from tests.conftest import KORENOVSK, M

A, B, C, D, U = "2310000011", "2310000029", "2310000036", "2310000043", "2310000050"
YEAR = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 1)}


def q(db, name, **params):
    return queries.run(db, name, params)


def test_search_finds_by_inn_start_and_name_part_and_orders_an_exact_inn_first(small_db):
    def found(text, limit=10):
        return list(q(small_db, "enterprise_search", search=text, limit=limit)["inn"])
    assert found("альфа") == [A] and found("АЛЬФА-тест") == [A]
    # every name holds «тест»: by name, АО «Бета…» before the three ООО
    assert found("тест") == [B, A, C, D]
    # names starting with the text first: the three ООО, then none else holds «ооо»
    assert found("ооо") == [A, C, D]
    assert found("2310000") == [B, A, C, D] and found("2310000", limit=2) == [B, A]
    assert found("2310000043") == [D] and found(" 2310000043 ") == [D]
    assert found("") == [] and found("   ") == [] and found("%") == [] and found("_") == []
    assert found(U) == []                            # facts without a register row: not an enterprise card
    row = q(small_db, "enterprise_search", search="дельта", limit=5).iloc[0]
    assert (row["name"], row["municipality"], row["okved"], row["size"]) == \
        ("ООО «Дельта-Тест»", "Кореновский район", "28.96", "small")     # sizes are stored as codes


def test_profile_is_the_register_row(small_db):
    p = q(small_db, "enterprise_profile", inn=A).iloc[0]
    assert (p["name"], p["okved"], p["division"], p["oktmo"], p["municipality"]) == \
        ("ООО «Альфа-Тест»", "28.25", "28", KORENOVSK, "Кореновский район")
    assert p["division_name"].startswith("Производство машин и оборудования")
    assert q(small_db, "enterprise_profile", inn=U).empty
    assert q(small_db, "enterprise_profile", inn="' OR 1=1 --").empty


def test_monthly_has_every_chosen_month_and_the_year_before(small_db):
    m = q(small_db, "enterprise_monthly", inn=A, **YEAR).set_index("period")
    assert len(m) == 12 and m.index[0] == pd.Timestamp("2025-01-01")
    nov, dec = m.loc[pd.Timestamp("2025-11-01")], m.loc[pd.Timestamp("2025-12-01")]
    assert (nov.shipped_rub, nov.export_rub, nov.output_rub, nov.employees) == (150 * M, 30 * M, 140 * M, 200)
    assert nov.productivity_rub == pytest.approx(140 * M / 200)                    # 700 000 ₽ per person
    assert (nov.shipped_prev_rub, nov.output_prev_rub, nov.employees_prev) == (100 * M, 110 * M, 190)
    assert (dec.shipped_rub, dec.export_rub, dec.output_rub) == (130 * M, 0, 135 * M)
    assert dec.productivity_rub == pytest.approx(135 * M / 200)
    assert (dec.shipped_prev_rub, dec.output_prev_rub) == (120 * M, 115 * M)
    assert m.loc[pd.Timestamp("2025-06-01")].isna().all()                         # a month without reports


def test_summary_totals_and_places(small_db):
    a = q(small_db, "enterprise_summary", inn=A, **YEAR).iloc[0]
    assert (a.shipped_rub, a.shipped_prev_rub, a.export_rub) == (280 * M, 220 * M, 30 * M)
    assert a.shipped_growth == pytest.approx(280 / 220 - 1)
    assert (a.output_rub, a.output_prev_rub, a.employees_avg, a.employees_avg_prev) == (275 * M, 225 * M, 200, 190)
    assert a.productivity_rub == pytest.approx(275 * M / 200)
    assert a.productivity_prev_rub == pytest.approx(225 * M / 190)
    # division 28 and Кореновский район: A (280) and D (20) shipped in 2025
    assert (a.division_rank, a.division_enterprises, a.municipality_rank, a.municipality_enterprises) == (1, 2, 1, 2)
    d = q(small_db, "enterprise_summary", inn=D, **YEAR).iloc[0]
    assert (d.division_rank, d.division_enterprises, d.municipality_rank, d.municipality_enterprises) == (2, 2, 2, 2)
    assert pd.isna(d.output_rub) and pd.isna(d.employees_avg)
    # 2024: only A of division 28 shipped; D has no place without shipments
    d24 = q(small_db, "enterprise_summary", inn=D, date_from=date(2024, 1, 1), date_to=date(2024, 12, 1)).iloc[0]
    assert pd.isna(d24.division_rank) and d24.division_enterprises == 1
    assert q(small_db, "enterprise_summary", inn=U, **YEAR).empty


def test_support_with_shipments_before_and_after(small_db):
    s = q(small_db, "enterprise_support", inn=A)
    assert list(s["id"]) == ["S1", "L1"]                     # newest first: 20.11.2025, then 15.11.2025
    loan = s.set_index("id").loc["L1"]
    assert (loan.kind, loan.programme, loan.source, loan.amount_rub, loan.refused) == \
        ("loan", "Машиностроение", "ФРП Краснодарского края", 50 * M, False)
    # decided in November 2025: before = 2024-11..2025-10 (100 + 120), after = 2025-12..2026-11 (130)
    assert (loan.shipped_before_rub, loan.months_before, loan.shipped_after_rub, loan.months_after) == \
        (220 * M, 2, 130 * M, 1)
    sub = s.set_index("id").loc["S1"]
    assert (sub.kind, sub.source, sub.amount_rub, pd.isna(sub.status)) == ("subsidy", "региональный", 2 * M, True)
    assert (sub.shipped_before_rub, sub.shipped_after_rub) == (220 * M, 130 * M)
    d = q(small_db, "enterprise_support", inn=D).iloc[0]
    # L3 decided 01.12.2025, D shipped only in that month: neither before nor after
    assert (d.id, d.months_before, d.months_after, pd.isna(d.shipped_before_rub)) == ("L3", 0, 0, True)
