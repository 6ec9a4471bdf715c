"""The «Кластер» page through AppTest: on tests/fixtures/cluster the figures shown equal the ones worked
out by hand (see the fixture's README and tests/model/test_cluster.py); on the demo data it renders.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kuban.paths import ROOT
from tests.app.apptest import NB, chart, markdown, metrics, no_errors, start
from tests.conftest import FIXTURES
from tests.seen import seen, seen_all

FIXTURE = FIXTURES / "cluster"


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the fixture, so saved definitions land in a temporary folder."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_default_definition_figures(monkeypatch, data):
    at = start(monkeypatch, data, "cluster")
    assert at.title[0].value == "Кластер умной промышленности"
    assert metrics(at) == {
        "Участников кластера": "9",                      # X1-X3, W1-W3, Y1, Y2, Z1
        "Из них якорных": "5",                           # large X1 + top 5 by shipments (X1, Y2, X3, W2, X2)
        "МО со специализацией": "2",                     # Краснодар, Новороссийск: cluster LQ 1.5
        "Отгрузка кластера": f"3,0{NB}млрд{NB}₽",          # 3000 mln
        "Работников в кластере": f"1{NB}200",
        "Доля в отгрузке": f"50,0{NB}%",                 # 3000 / 6000
        "Доля в численности": f"40,0{NB}%",              # 1200 / 3000
        "Доля в господдержке": f"64,0{NB}%",             # 160 / 250
        "Рост отгрузки: кластер": f"+20,0{NB}%",         # 3000 / 2500 - 1
        "Рост отгрузки: прочие": f"0,0{NB}%",            # 3000 / 3000 - 1
        "Выработка: кластер": f"2,5{NB}млн{NB}₽",          # 3000 mln / 1200
        "Выработка: прочие": f"1,7{NB}млн{NB}₽",           # 3000 mln / 1800 = 1.667
    }
    text = markdown(at)
    assert "Краснодар — 1,50; Новороссийск — 1,50" in text
    assert any("Абинский район, Кореновский район" in c and "мало данных" in c.lower() for c in seen_all(at.caption))

    # the heat map: LQ by employment, Краснодар row first; 28 = 2.00 is thin (2 < 3 enterprises), shown in brackets
    heat = chart(at, "LQ по численности")
    main, grey = heat["data"][1], heat["data"][0]
    assert main["y"][:2] == ["Краснодар", "Новороссийск"]
    cluster_col = main["x"].index("КЛАСТЕР<br>в целом")
    assert [row[cluster_col] for row in main["text"][:2]] == ["1,50", "1,50"]
    col28 = [i for i, x in enumerate(main["x"]) if x.startswith("<b>28</b>")][0]
    assert grey["text"][0][col28] == "(2,00)" and main["z"][0][col28] is None
    # the quadrant: Краснодар leading (+0.25), Новороссийск mature (-0.375); Y and Z thin (grey)
    quad = chart(at, "Квадрант")
    traces = {t["name"]: t for t in quad["data"]}
    assert list(traces["ведущие"]["customdata"][0][:3]) == ["Краснодар", "1,50", "+0,25"]
    assert traces["зрелые"]["customdata"][0][0] == "Новороссийск"
    assert sorted(c[0] for c in traces["мало данных"]["customdata"]) == ["Абинский район", "Кореновский район"]

    members = at.dataframe[0].value
    assert len(members) == 9
    assert list(members["Предприятие"][:1]) == ["АО «Станкомаш-Тест»"]     # anchor, largest shipments
    assert members["Якорное — почему"].iloc[0] == "крупное, топ-5 по отгрузке"

    req = at.table[0].value
    assert list(req["Итог"]) == ["не выполнено"] + ["данные не позволяют проверить"] * 3
    assert list(req["Значение"])[0] == "9" and list(req["Порог"])[0] == "не менее 10"
    assert any("участников 9 при пороге 10" in w for w in seen_all(at.warning))


def test_definition_widgets_change_the_figures(monkeypatch, data):
    at = start(monkeypatch, data, "cluster")
    at.number_input(key="cl_min_ent").set_value(2).run()          # Кореновский: 2 enterprises, 200 employees
    at.number_input(key="cl_min_part").set_value(9).run()
    no_errors(at)
    quad = chart(at, "Квадрант")
    traces = {t["name"]: t for t in quad["data"]}
    assert traces["растущие"]["customdata"][0][:3] == ["Кореновский район", "0,50", "+0,19"]   # 0.5 - 0.3125
    assert any("выполнено: участников 9 при пороге 9" in s for s in seen_all(at.success))
    assert at.table[0].value["Итог"].iloc[0] == "выполнено"

    at.multiselect(key="cl_codes").set_value(["28"]).run()        # X1, X2, W1, Y1
    no_errors(at)
    m = metrics(at)
    assert m["Участников кластера"] == "4"
    # employment: X 400 of 1000, W 100 of 500, Y 100 of 1000 against 600 of 3000 -> LQ 2, 1, 0.5
    assert "Краснодар — 2,00" in markdown(at)
    assert m["Доля в численности"] == f"20,0{NB}%"                 # 600 / 3000

    # by output: X 1000/2000 against 1200/6000 -> 2.5
    at.radio(key="cl_basis").set_value("output").run()
    assert "Краснодар — 2,50" in markdown(at)


def test_lq_threshold_is_typed_and_shown_the_russian_way(monkeypatch, data):
    at = start(monkeypatch, data, "cluster")
    assert at.text_input(key="cl_lq").value == "1,25"
    at.text_input(key="cl_lq").input("1.6").run()              # Краснодар, Новороссийск: 1.50 < 1.60
    no_errors(at)
    assert at.text_input(key="cl_lq").value == "1,60"
    assert metrics(at)["МО со специализацией"] == "0"
    at.text_input(key="cl_lq").input(" 1,5 ").run()            # 1.50 >= 1.50: both again
    assert at.text_input(key="cl_lq").value == "1,50"
    assert metrics(at)["МО со специализацией"] == "2"
    for bad in ("много", "1,5,5", "0", "25", "nan", "1e3"):
        at.text_input(key="cl_lq").input(bad).run()
        no_errors(at)
        assert at.text_input(key="cl_lq").value == "1,50", bad   # the last good threshold stays, and says so
        assert metrics(at)["МО со специализацией"] == "2"
        assert any(f"Порог LQ «{bad}» не принят: нужно число от 0,05 до 20,00" in w for w in seen_all(at.warning))


def test_sidebar_filters_apply(monkeypatch, data):
    at = start(monkeypatch, data, "cluster")
    at.sidebar.multiselect(key="mo").set_value(["Кореновский район"]).run()
    no_errors(at)
    assert at.sidebar.multiselect(key="mo").value == ["Кореновский район"]
    assert metrics(at)["Участников кластера"] == "2"                 # Y2, Y1
    assert list(at.dataframe[0].value["Предприятие"]) == ["ООО «Прицеп-Тест»", "ООО «Насосный завод-Тест»"]
    assert metrics(at)["Доля в отгрузке"] == f"35,0{NB}%"            # 700 / 2000
    heat = chart(at, "LQ по численности")
    assert heat["data"][1]["y"] == ["Кореновский район"]
    # a period without data: the page says so instead of failing
    at.sidebar.selectbox(key="from").set_value("2024-12").run()
    at.sidebar.selectbox(key="to").set_value("2024-12").run()
    no_errors(at)
    assert metrics(at)["Участников кластера"] == "2"


def test_save_reload_and_compare_definitions(monkeypatch, data):
    at = start(monkeypatch, data, "cluster")
    assert any("Сохранённых определений пока нет" in c for c in seen_all(at.caption))
    at.text_input(key="cl_name").input("Машиностроение").run()
    at.button(key="cl_save").click().run()
    no_errors(at)
    assert (data / "clusters" / "Машиностроение.json").is_file()
    assert any("«Машиностроение» сохранено" in s for s in seen_all(at.success))

    at.multiselect(key="cl_codes").set_value(["28"]).run()
    at.text_input(key="cl_name").input("Только 28").run()
    at.button(key="cl_save").click().run()
    no_errors(at)
    assert sorted(p.name for p in (data / "clusters").iterdir()) == ["Машиностроение.json", "Только 28.json"]

    # a new session (a reload): the saved definitions are read back from the data folder
    at2 = start(monkeypatch, data, "cluster")
    assert at2.selectbox(key="cl_saved").options == ["Машиностроение", "Только 28"]
    at2.selectbox(key="cl_saved").set_value("Только 28").run()
    at2.button(key="cl_load").click().run()
    no_errors(at2)
    assert at2.multiselect(key="cl_codes").value == ["28"]
    assert metrics(at2)["Участников кластера"] == "4"
    compare = at2.table[1].value.map(seen).rename(columns=seen).set_index("Показатель")   # st.table: escaped
    assert list(compare.columns) == ["Машиностроение", "Только 28"]
    assert compare.loc["Участников", "Машиностроение"] == "9"
    assert compare.loc["Участников", "Только 28"] == "4"
    assert compare.loc["Отрасли и классы ОКВЭД", "Машиностроение"] == "26, 27, 28, 29, 30, 33"


def test_working_definition_survives_switching_pages(monkeypatch, data):
    at = start(monkeypatch, data, "cluster")
    at.multiselect(key="cl_codes").set_value(["29"]).run()
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/cluster.py").run()
    no_errors(at)
    assert at.multiselect(key="cl_codes").value == ["29"]
    assert metrics(at)["Участников кластера"] == "5"                 # X3, W2, W3, Y2, Z1


def test_broken_definition_file_is_reported_in_russian(monkeypatch, data):
    (data / "clusters").mkdir()
    (data / "clusters" / "сломанное.json").write_text("{не json", encoding="utf-8")
    (data / "clusters" / "годное.json").write_text('{"codes": ["29"]}', encoding="utf-8")
    at = start(monkeypatch, data, "cluster")
    assert any("файл «сломанное.json»: содержимое не является JSON" in w for w in seen_all(at.warning))
    assert at.selectbox(key="cl_saved").options == ["годное"]
    # a folder with settings is not a table: no load warning about it
    assert not any("clusters" in w for w in seen_all(at.warning) if "не относится" in w)


def _demo_ready() -> bool:
    r = subprocess.run([sys.executable, "-m", "kuban", "check", "--data-dir", str(ROOT / "data")],
                       cwd=ROOT, capture_output=True, timeout=600)
    return r.returncode == 0


def test_demo_data_default_definition(monkeypatch):
    if not _demo_ready():
        pytest.fail("the demo data set in data/ does not pass `python -m kuban check`")
    at = start(monkeypatch, ROOT / "data", "cluster")
    assert int(metrics(at)["Участников кластера"].replace(NB, "")) > 10
    assert len(at.dataframe[0].value) > 10
    req = at.table[0].value
    assert len(req) == 4 and req["Итог"].iloc[0] in ("выполнено", "не выполнено")
    assert len(at.get("plotly_chart")) == 6


def test_a_long_member_list_is_cut_on_the_page_but_not_in_the_download(monkeypatch, data):
    from kuban.app import cluster_ui
    monkeypatch.setattr(cluster_ui, "MEMBERS_SHOWN", 3)     # at scale: 1 000 rows drawn, all downloadable
    at = start(monkeypatch, data, "cluster")
    assert len(at.dataframe[0].value) == 3
    assert any("Показаны 3 из 9 участников" in c for c in seen_all(at.caption))
    assert "Участники кластера: 9 строк" in markdown(at)
