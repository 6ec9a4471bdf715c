"""«Предприятие» and «Муниципалитет» through AppTest on the small fixture (tests/conftest.py), figures worked out by
hand; who may open what; a click's way from one page to another (kuban/app/drill.py).

Default view: 2025-01..2025-12, a year earlier 2024-01..2024-12.
A = 2310000011 ООО «Альфа-Тест», 28.25, Кореновский район (medium): shipped 150 + 130 = 280 mln (2024: 100 + 120 =
220), export 30; output 140 + 135 = 275 (2024: 110 + 115 = 225); headcount 200 (2024: 190); loan L1 50 mln
15.11.2025, subsidy S1 2 mln 20.11.2025.
Кореновский район = A and D (2310000043, shipped 20 in 2025-12, loan L3 10 mln 01.12.2025).
The krai in 2025: shipments 1 290 (Краснодар's B 870, Кореновский 300, Абинский's C 110, unregistered U 10); loans
L1 + L3 = 60; subsidies S1 2 + S2 1,5 (C) = 3,5.
"""
from __future__ import annotations

import shutil

import pytest

from kuban import texts as T
from kuban.access import users
from tests.app.apptest import NB, app, markdown, metrics, no_errors, start
from tests.app.test_signin import PASSWORD, submit
from tests.conftest import ABINSK, KORENOVSK, KRASNODAR, SMALL
from tests.seen import seen

A, B, D = "2310000011", "2310000029", "2310000043"
ACCESS = """
[users.ivanova]
role = "municipal"
municipalities = ["Кореновский район"]

[users.petrov]
role = "krai"
detail = "aggregates"
"""


def mln(text: str) -> str:
    return f"{text}{NB}млн{NB}₽"


def card(monkeypatch, folder=SMALL, **query):
    at = start(monkeypatch, folder, "enterprise", query=query)
    return at


def texts(at) -> str:
    return "\n".join([markdown(at), *(c.value for c in at.caption), *(i.value for i in at.info),
                      *(w.value for w in at.warning), *(s.value for s in at.subheader)])


# --- «Предприятие» ---------------------------------------------------------------------------------------

def test_the_card_of_an_enterprise_with_a_loan_and_a_subsidy(monkeypatch):
    at = card(monkeypatch, inn=A)
    m = metrics(at)
    assert m[T.KPI_SHIPPED] == mln("280,0") and m[T.KPI_EXPORT] == mln("30,0") and m[T.KPI_OUTPUT] == mln("275,0")
    assert m[T.KPI_EMPLOYEES_AVG] == f"200{NB}чел." and m[T.KPI_PRODUCTIVITY] == f"1,4{NB}млн{NB}₽"   # 275 / 200
    deltas = {x.label: x.delta for x in at.metric}
    assert deltas[T.KPI_SHIPPED] == f"+27,3{NB}%"            # 280 / 220
    assert deltas[T.KPI_OUTPUT] == f"+22,2{NB}%"             # 275 / 225
    assert deltas[T.KPI_EMPLOYEES_AVG] == f"+5,3{NB}%"       # 200 / 190
    # A and D of division 28 and of Кореновский район shipped in 2025: A is first of two in both
    assert m[T.ENTERPRISE_PLACE_DIVISION.format(division="28")] == "1 из 2"
    assert m[T.ENTERPRISE_PLACE_MUNICIPALITY] == "1 из 2"
    assert "ООО «Альфа-Тест»" in [seen(s.value) for s in at.subheader]
    support = at.dataframe[0].value
    assert list(support["Номер"]) == ["S1", "L1"]
    loan = support.set_index("Номер").loc["L1"]
    # before November 2025: 2024-11 and 2024-12 (100 + 120); after: 2025-12 (130) -> 130 / 220 - 1 = -40,9 %
    assert (loan["Вид"], loan["Сумма, млн ₽"], loan["До решения, 12 мес., млн ₽"],
            loan["После решения, 12 мес., млн ₽"], loan["Изменение отгрузки"]) == \
        ("Заём ФРП", "50,0", "220,0", "130,0", f"−40,9{NB}%".replace("−", "-"))
    cluster = at.dataframe[1].value.set_index(T.CLUSTER_TABLE_COLUMNS["definition"])
    row = cluster.loc[T.CLUSTER_DEFAULT_NAME]
    assert row[T.CLUSTER_TABLE_COLUMNS["member"]] == T.CLUSTER_MEMBER_YES
    assert row[T.CLUSTER_TABLE_COLUMNS["why"]] == "ОКВЭД 28.25 подпадает под код 28"
    # the default definition's anchors: large ones and the top 5 by shipments (A, D are the only members)
    assert row[T.CLUSTER_TABLE_COLUMNS["anchor"]] == T.CLUSTER_MEMBER_YES
    assert row[T.CLUSTER_TABLE_COLUMNS["anchor_reason"]] == "топ-5 по отгрузке"
    monthly = at.dataframe[2].value.set_index("Месяц")
    assert len(monthly) == 12 and monthly.loc["01.11.2025", "Отгрузка, млн ₽"] == "150,0"
    assert monthly.loc["01.11.2025", "Выработка на работника, тыс. ₽"] == "700"      # 140 mln / 200
    assert monthly.loc["01.06.2025", "Отгрузка, млн ₽"] == "—"


def test_a_search_with_one_match_opens_its_card_and_puts_the_inn_in_the_address(monkeypatch):
    at = card(monkeypatch)
    assert T.ENTERPRISE_START in texts(at) and not at.metric
    at.text_input(key="enterprise-find").set_value("дельта").run()
    no_errors(at)
    assert at.query_params["inn"] == D
    assert metrics(at)[T.KPI_SHIPPED] == mln("20,0")
    assert metrics(at)[T.ENTERPRISE_PLACE_DIVISION.format(division="28")] == "2 из 2"
    # several matches: nothing is opened until one is chosen; the card of the address stays
    at.text_input(key="enterprise-find").set_value("тест").run()
    pick = [s for s in at.selectbox if s.label == T.ENTERPRISE_PICK][0]
    assert pick.options == ["АО «Бета-Тест» — ИНН 2310000029, Краснодар", "ООО «Альфа-Тест» — ИНН 2310000011, "
                            "Кореновский район", "ООО «Гамма-Тест» — ИНН 2310000036, Абинский район",
                            "ООО «Дельта-Тест» — ИНН 2310000043, Кореновский район"]
    pick.set_value(A).run()
    assert at.query_params["inn"] == A and metrics(at)[T.KPI_SHIPPED] == mln("280,0")


def test_a_malformed_or_unknown_inn_in_the_address(monkeypatch):
    at = card(monkeypatch, inn="23100<b>11")
    assert T.ENTERPRISE_BAD_INN in texts(at) and not at.metric
    at = card(monkeypatch, inn="7700000000")
    assert T.NO_ACCESS_OR_DATA in texts(at) and not at.metric


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    for login in ("ivanova", "petrov"):
        users.add(data, login, PASSWORD)
    (data / "access").mkdir(exist_ok=True)
    (data / "access" / "access.toml").write_text(ACCESS, encoding="utf-8")
    return data


@pytest.fixture(autouse=True)
def fresh_throttle():
    from kuban.app import signin
    signin._throttle.clear()
    yield


def signed_in(monkeypatch, folder, login, page, **query):
    at = submit(app(monkeypatch, folder).run(), login)
    no_errors(at)
    at.switch_page(f"pages/{page}.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    no_errors(at)
    return at


def page_text(at) -> str:
    """What the main area says, without the sidebar and the user's own notices (the same for any address)."""
    return texts(at) + "\n" + "\n".join(m.label + m.value for m in at.metric) + \
        "\n".join(df.value.to_csv() for df in at.dataframe)


def test_a_municipal_user_cannot_tell_another_municipalitys_enterprise_from_none(monkeypatch, folder):
    """A crafted link with Краснодар's B shows exactly what a link with an INN nobody has shows."""
    other = page_text(signed_in(monkeypatch, folder, "ivanova", "enterprise", inn=B))
    nobody = page_text(signed_in(monkeypatch, folder, "ivanova", "enterprise", inn="7700000000"))
    assert other == nobody and T.NO_ACCESS_OR_DATA in other
    assert "Бета" not in other and "870" not in other
    # the search suggests only Кореновский район's enterprises
    at = signed_in(monkeypatch, folder, "ivanova", "enterprise")
    at.text_input(key="enterprise-find").set_value("тест").run()
    pick = [s for s in at.selectbox if s.label == T.ENTERPRISE_PICK][0]
    assert [o.split("ИНН ")[1][:10] for o in pick.options] == [A, D]
    at.text_input(key="enterprise-find").set_value(B).run()
    assert fmt_none(B) in texts(at) and not [s for s in at.selectbox if s.label == T.ENTERPRISE_PICK]
    # their own enterprise opens, its places among what they see
    own = signed_in(monkeypatch, folder, "ivanova", "enterprise", inn=A)
    assert metrics(own)[T.KPI_SHIPPED] == mln("280,0")


def fmt_none(search: str) -> str:
    return T.ENTERPRISE_FOUND_NONE.format(search=search)


def test_an_aggregates_only_user_gets_no_card(monkeypatch, folder):
    at = signed_in(monkeypatch, folder, "petrov", "enterprise", inn=A)
    assert T.ACCESS_ENTERPRISES_HIDDEN in texts(at)
    assert not at.metric and not at.text_input(key="enterprise-find") if False else not at.metric
    assert "Альфа" not in page_text(at)


# --- «Муниципалитет» ---------------------------------------------------------------------------------------

def passport_rows(at) -> dict[str, dict]:
    table = at.table[0].value
    return {row["Показатель"].replace("\\", ""): {k: str(v).replace("\\", "") for k, v in row.items()}
            for _, row in table.iterrows()}


def test_the_passport_of_a_municipality_shares_and_ranks(monkeypatch):
    at = start(monkeypatch, SMALL, "municipality", query={"oktmo": KORENOVSK})
    rows = passport_rows(at)
    # shipments 300 of 1 290 = 23,3 %; Краснодар (870) is first, Кореновский second of the 44
    assert rows["Отгрузка"]["Значение"] == mln("300,0")
    assert rows["Отгрузка"]["Доля в крае"] == f"23,3{NB}%" and rows["Отгрузка"]["Место"] == "2 из 44"
    # output 275 of 1 145 (B 870) = 24,0 %
    assert rows["Производство"]["Доля в крае"] == f"24,0{NB}%" and rows["Производство"]["Место"] == "2 из 44"
    # loans L1 + L3 = 60 of 60; subsidies S1 2 of 3,5 = 57,1 %, first
    assert rows["Займы ФРП"]["Доля в крае"] == f"100,0{NB}%" and rows["Займы ФРП"]["Место"] == "1 из 44"
    assert rows["Субсидии"]["Доля в крае"] == f"57,1{NB}%" and rows["Субсидии"]["Место"] == "1 из 44"
    assert "Кореновский район" in [seen(s.value) for s in at.subheader]
    top = at.dataframe[0].value
    assert list(top["ИНН"]) == [A, D]


def test_a_municipal_user_gets_no_passport_of_another_municipality(monkeypatch, folder):
    other = page_text(signed_in(monkeypatch, folder, "ivanova", "municipality", oktmo=KRASNODAR))
    nowhere = page_text(signed_in(monkeypatch, folder, "ivanova", "municipality", oktmo="99999999"))
    assert other == nowhere and T.NO_ACCESS_OR_DATA in other and "Краснодар" not in other
    pick = signed_in(monkeypatch, folder, "ivanova", "municipality")
    box = [s for s in pick.selectbox if s.label == T.MUNICIPALITY_PICK][0]
    assert box.options == ["Кореновский район"]
    bad = signed_in(monkeypatch, folder, "ivanova", "municipality", oktmo="03621<i>")
    assert T.MUNICIPALITY_BAD_CODE in texts(bad)


def test_a_click_opens_the_passport_and_the_card_and_keeps_the_period(monkeypatch):
    """What a map click and a table row click leave for the next run (kuban.app.drill) takes the browser there,
    the period of the sidebar travelling along."""
    from kuban.app import drill
    at = start(monkeypatch, SMALL, "shipments")
    at.sidebar.selectbox(key="from").set_value("2025-11").run()
    at.session_state[drill._PENDING] = (drill.MUNICIPALITY_PAGE, drill.OKTMO_PARAM, ABINSK)
    at.run()
    no_errors(at)
    assert "Абинский район" in [seen(s.value) for s in at.subheader]
    assert at.query_params["oktmo"] == ABINSK and at.query_params["from"] == "ноябрь 2025"     # as the sidebar writes it
    at.session_state[drill._PENDING] = (drill.ENTERPRISE_PAGE, drill.INN_PARAM, A)
    at.run()
    no_errors(at)
    assert at.query_params["inn"] == A and metrics(at)[T.KPI_SHIPPED] == mln("280,0")   # 2025-11..12 = all of 2025
