"""Every page through Streamlit's AppTest, on the small fixture; figures worked out by hand (see conftest)."""
from __future__ import annotations

import pytest

from tests.app.apptest import NB, metrics, no_errors, start
from tests.conftest import SMALL


@pytest.fixture
def app(monkeypatch):
    return start(monkeypatch, SMALL)


def test_overview_whole_krai(app):
    no_errors(app)
    m = metrics(app)
    assert m["Отгрузка"] == f"1,3{NB}млрд{NB}₽"                 # 1 290 mln
    assert m["Производство"] == f"1,1{NB}млрд{NB}₽"             # 1 145 mln
    assert m["Предприятий отчитались"] == "5"
    assert m["Займы ФРП одобрены"] == f"60,0{NB}млн{NB}₽"
    assert m["Субсидии"] == f"3,5{NB}млн{NB}₽"
    deltas = {x.label: x.delta for x in app.metric}
    assert deltas["Отгрузка"].startswith(f"+15,2{NB}%")    # 1290 / 1120 - 1 = 15.18 %
    assert deltas["Займы ФРП одобрены"].startswith(f"-80,0{NB}%")  # 60 / 300 - 1
    assert len(app.get("plotly_chart")) == 3           # trend, map, bars
    assert app.caption[0].value.startswith("Весь край · январь 2025 — декабрь 2025")


def test_overview_one_municipality(app):
    app.sidebar.multiselect(key="mo").set_value(["Кореновский район"]).run()
    no_errors(app)
    m = metrics(app)
    assert m["Отгрузка"] == f"300,0{NB}млн{NB}₽"
    assert m["Предприятий отчитались"] == "2"
    assert m["Займы ФРП одобрены"] == f"60,0{NB}млн{NB}₽"
    assert m["Субсидии"] == f"2,0{NB}млн{NB}₽"
    assert {x.label: x.delta for x in app.metric}["Отгрузка"].startswith(f"+36,4{NB}%")  # 300/220-1


def test_filters_come_from_the_url(monkeypatch):
    # A copied link: /shipments?mo=Кореновский+район&okved=28+Производство+… opens the same view.
    # Streamlit keeps a bound multiselect's options in the URL as shown (format_func): «28 Производство …»
    at = start(monkeypatch, SMALL, munis=["Кореновский район"],
               query={"okved": ["28 Производство машин и оборудования, не включенных в другие группировки"]})
    assert not at.warning
    assert at.sidebar.multiselect(key="mo").value == ["Кореновский район"]
    assert at.sidebar.multiselect(key="okved").value == ["28"]
    assert metrics(at)["Отгрузка"] == f"300,0{NB}млн{NB}₽"       # A and D are both division 28


def test_overview_sector_and_period(app):
    app.sidebar.multiselect(key="okved").set_value(["24"]).run()
    app.sidebar.selectbox(key="from").set_value("2025-12").run()
    no_errors(app)
    assert metrics(app)["Отгрузка"] == f"420,0{NB}млн{NB}₽"      # B, December 2025


def test_shipments_page(app):
    app.switch_page("pages/shipments.py").run()
    no_errors(app)
    m = metrics(app)
    assert m["Отгрузка"] == f"1,3{NB}млрд{NB}₽"
    assert m["Экспорт"] == f"300,0{NB}млн{NB}₽"
    assert m["Доля экспорта"] == f"23,3{NB}%"                 # 300 / 1290
    assert len(app.get("plotly_chart")) == 5           # trend, map, by municipality, by division, export share
    top = app.dataframe[0].value
    assert list(top["ИНН"][:2]) == ["2310000029", "2310000011"]


def test_shipments_page_one_municipality_and_filter_kept(app):
    app.sidebar.multiselect(key="mo").set_value(["Кореновский район"]).run()
    app.switch_page("pages/shipments.py").run()
    no_errors(app)
    assert app.sidebar.multiselect(key="mo").value == ["Кореновский район"]
    assert metrics(app)["Отгрузка"] == f"300,0{NB}млн{NB}₽"
    assert metrics(app)["Доля экспорта"] == f"10,0{NB}%"      # 30 / 300
    assert len(app.dataframe[0].value) == 2                   # A and D


def test_data_page(app):
    app.switch_page("pages/data.py").run()
    no_errors(app)
    m = metrics(app)
    assert m["Предупреждений"] == "1" and m["Отклонено"] == "0"
    problems = app.dataframe[1].value
    assert list(problems["Файл"]) == ["shipments/2025_extra.parquet"]
    assert list(problems["Строка"]) == [2]
    assert "2310000050" in problems["Причина"][0]


def test_demo_marker_shows_banner_on_every_page(monkeypatch, tmp_path):
    import shutil
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    (folder / "demo.json").write_text('{"demo": true}', encoding="utf-8")
    at = start(monkeypatch, folder)
    for page in ("pages/overview.py", "pages/shipments.py", "pages/data.py"):
        at.switch_page(page).run()
        assert any("Демонстрационные данные" in i.value for i in at.info), page


def test_refused_rows_notice_on_every_page(monkeypatch, tmp_path):
    import shutil
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    (folder / "shipments" / "2026.csv").write_text(
        "inn,period,shipped_rub\n2310000011,2026-01,5000000\n2310000011,2026-02,н/д\n", encoding="utf-8")
    at = start(monkeypatch, folder)
    for page in ("pages/overview.py", "pages/shipments.py", "pages/data.py"):
        at.switch_page(page).run()
        assert any("отклонено: 1" in w.value for w in at.warning), page
    # the good row counts: January 2026 is now the last month
    assert at.sidebar.selectbox(key="to").value == "2026-01"
