"""Chart builders: Russian separators and labels, the map's label placement, the one horizontal-bar builder
by kind, and every builder's options by keyword."""
from __future__ import annotations

import inspect
from datetime import date

import pandas as pd
import pytest

from kuban import texts as T
from kuban.app import charts, fmt

NB = "\u00a0"
BUILDERS = ["monthly_trend", "count_trend", "stacked_bars", "shares_over_time", "bars_over_time", "bars",
            "municipality_map", "lq_heatmap", "lq_quadrant"]


def test_map_labels_of_close_points_do_not_overlap():
    # Two municipalities 0.05° apart with long names: both "top center" would overlap,
    # so the second one (smaller value, placed later) goes elsewhere.
    xs, ys = [39.00, 39.05], [45.00, 45.00]
    positions = charts.label_positions(xs, ys, ["Усть-Лабинский", "Кореновский"], order=[0, 1])
    assert positions[0] == "top center"
    assert positions[1] != "top center"
    # A lone point keeps the default position.
    assert charts.label_positions([38.0], [45.0], ["Анапа"], order=[0]) == ["top center"]


def test_map_uses_russian_separators_and_all_municipalities():
    df = pd.DataFrame({"oktmo": ["03621000", "03701000"], "municipality": ["Кореновский район", "Краснодар"],
                       "lat": [45.46, 45.04], "lon": [39.46, 38.98], "v": [2_500_000_000.0, None]})
    fig = charts.municipality_map(df, value="v", title="Карта", value_label="Отгрузка")
    assert fig.layout.separators == ",\u00a0"
    texts = [t for trace in fig.data for t in trace.text]
    assert texts == ["Краснодар", "Кореновский"]        # no data first (grey), then the measured one
    hover = [c[2] for trace in fig.data for c in trace.customdata]
    assert hover == ["нет данных", "2,5\u00a0млрд\u00a0₽"]


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_takes_the_frame_then_keywords_only(name):
    params = list(inspect.signature(getattr(charts, name)).parameters.values())
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:]), name
    with pytest.raises(TypeError):
        getattr(charts, name)(pd.DataFrame(), "value")


BARS = pd.DataFrame({"name": ["А", "Б", "В", "Г"], "rub": [2.5e9, 400e6, None, 1.2e9],
                     "share": [0.25, 0.5, None, 0.1], "change": [0.12, -0.05, None, 0.0]})


def test_bars_of_money_largest_on_top_in_one_unit():
    fig = charts.bars(BARS, label="name", value="rub", title="Отгрузка", top=2)
    bar = fig.data[0]
    assert list(bar.y) == ["Г", "А"]           # the two largest, the largest last (on top); В has no value
    assert list(bar.x) == pytest.approx([1.2, 2.5])             # млрд ₽, the unit of the largest bar
    assert fig.layout.xaxis.title.text == f"млрд{NB}₽"
    assert bar.hovertemplate == f"%{{y}}<br>%{{x:,.1f}} млрд{NB}₽<extra></extra>"
    assert fig.layout.height == 260                            # at least 260 px; 26 px a bar above that
    tall = charts.bars(BARS, label="name", value="rub", title="t", per="на работника", decimals=2, bar_px=44)
    assert tall.layout.xaxis.title.text == f"млрд{NB}₽ на работника"
    assert tall.data[0].hovertemplate == f"%{{y}}<br>%{{x:,.2f}} млрд{NB}₽ на работника<extra></extra>"
    many = pd.DataFrame({"name": list("абвгдежзик"), "rub": [float(i) for i in range(1, 11)]})
    assert charts.bars(many, label="name", value="rub", title="t", bar_px=44).layout.height == 44 * 10 + 90


def test_bars_of_a_number_a_share_and_a_change():
    number = charts.bars(BARS, label="name", value="rub", title="t", kind="number", unit="₽", decimals=0)
    assert list(number.data[0].x) == [400e6, 1.2e9, 2.5e9] and number.layout.xaxis.title.text == "₽"
    assert number.data[0].marker.color == charts.MAIN
    share = charts.bars(BARS, label="name", value="share", title="t", kind="share")
    assert list(share.data[0].x) == pytest.approx([10.0, 25.0, 50.0]) and share.layout.xaxis.title.text == "%"
    assert share.data[0].marker.color == charts.PALETTE[2]
    change = charts.bars(BARS, label="name", value="change", title="t", kind="change")
    assert list(change.data[0].y) == ["Б", "Г", "А"]
    assert list(change.data[0].marker.color) == [charts.NEGATIVE, charts.POSITIVE, charts.POSITIVE]
    assert list(change.data[0].customdata) == [f"-5,0{NB}%", f"0,0{NB}%", f"+12,0{NB}%"]
    with pytest.raises(ValueError):
        charts.bars(BARS, label="name", value="rub", title="t", kind="percent")


def test_bars_without_values_say_so_under_their_title():
    fig = charts.bars(BARS.iloc[2:3], label="name", value="rub", title="Отгрузка", empty_text="Нет данных")
    assert fig.layout.annotations[0].text == "Нет данных" and fig.layout.title.text == "Отгрузка"


def test_time_series_share_one_period_axis():
    months = [date(2025, m, 1) for m in range(1, 13)]
    frame = pd.DataFrame({"period": pd.to_datetime(["2025-03-01", "2025-05-01"]), "rub": [1e6, 2e6],
                          "prev": [None, 1e6], "people": [10.0, 12.0], "fund": ["Ф", "Ф"]})
    figures = [charts.monthly_trend(frame, value="rub", prev="prev", title="t", name="n", months=months),
               charts.count_trend(frame, value="people", title="t", name="n", unit="чел.", months=months),
               charts.stacked_bars(frame, x="period", stack="fund", value="rub", title="t", by_month=True,
                                   months=months)]
    for fig in figures:                     # every chosen month on the axis, a month without data as a gap
        assert list(fig.layout.xaxis.ticktext) == ["янв<br>2025", "мар", "май", "июл", "сен", "ноя"]
        assert fig.layout.xaxis.range[0] == pd.Timestamp("2024-12-16")
    assert figures[0].data[1].hovertemplate.startswith("%{customdata}, год назад<br>")


def test_an_empty_quadrant_keeps_its_title():
    """Documents caption a chart by its title («Рисунок N — …»): an empty chart keeps it."""
    import pandas as pd
    from kuban.app import charts
    fig = charts.lq_quadrant(pd.DataFrame({"lq": [], "change": [], "employees": [], "municipality": [],
                                           "quadrant": []}), threshold=1.25, title="Квадрант", x_title="x",
                             y_title="y", size_unit="чел.")
    assert fig.layout.title.text and "Квадрант" in fig.layout.title.text


def test_figures_are_valid_plotly_and_keep_the_dashboard_layout():
    """Each builder makes its figure from one description (charts._figure): Plotly validates it when it is made, so
    a misspelt property fails here; and every figure has the Russian separators and the light grid."""
    import plotly.graph_objects as go
    periods = pd.date_range("2025-01-01", periods=3, freq="MS")
    figs = [
        charts.monthly_trend(pd.DataFrame({"period": periods, "v": [1e8, 2e8, 3e8], "p": [1e8, None, 2e8]}),
                             value="v", prev="p", title="Т", name="Н"),
        charts.bars(pd.DataFrame({"n": ["а", "б"], "v": [0.1, -0.2]}), label="n", value="v", title="Т", kind="change"),
        charts.empty("нет данных", title="Т"),
    ]
    for fig in figs:
        again = go.Figure(fig.to_dict())            # validates every property again
        assert again.layout.separators == fmt.PLOTLY_SEPARATORS
        assert fig.layout.xaxis.gridcolor == charts.GRID["gridcolor"] or fig.layout.xaxis.visible is False
    # a change's zero line is the darker one (the grid's default used to overwrite it)
    assert figs[1].layout.xaxis.zerolinecolor == "#8a96a3"
    with pytest.raises(ValueError):
        charts._figure([dict(type="bar", colour="red")])     # an unknown property is refused


def test_a_table_wider_than_the_page_names_the_columns_to_its_right():
    from kuban.app import ui
    cols = ["inn", "name", "municipality", "okved", "a", "b", "c", "d"]
    widths = ui.column_widths(cols, ("a", "b", "c", "d"))
    assert ui.columns_past(cols, widths) == []          # 35 + 100 + 210 + 140 + 62 + 4 × 105 = 967 ≤ 975
    cols5 = cols + ["e"]
    assert ui.columns_past(cols5, ui.column_widths(cols5, ("a", "b", "c", "d", "e"))) == ["e"]


def test_one_money_unit_for_a_page():
    big, small = pd.Series([1.2e9, 3e8]), pd.Series([6e7, 1e7])
    assert charts.money_scale(big)[1].startswith("млрд") and charts.common_scale(big, small)[1].startswith("млн")
    fig = charts.bars(pd.DataFrame({"n": ["а", "б"], "v": [1.2e9, 3e8]}), label="n", value="v", title="т",
                      scale=charts.common_scale(big, small))
    assert list(fig.data[0].x) == [300.0, 1200.0] and fig.layout.xaxis.title.text.startswith("млн")


def test_map_labels_never_overlap_a_label_that_cannot_fit_is_left_to_the_hover():
    from kuban import paths
    # ten long names on one spot: eight sides at most, so some are not drawn
    positions, drawn = charts.label_layout([39.0] * 10, [45.0] * 10, ["Приморско-Ахтарский"] * 10, order=range(10))
    assert drawn[0] and not all(drawn)

    def boxes(xs, ys, labels, positions, drawn):
        return [charts._box(x, y, charts._CHAR_W * len(t), p)
                for x, y, t, p, d in zip(xs, ys, labels, positions, drawn) if d]

    def overlapping(bs):
        return [(a, b) for i, a in enumerate(bs) for b in bs[i + 1:]
                if min(a[2], b[2]) - max(a[0], b[0]) > 1e-9 and min(a[3], b[3]) - max(a[1], b[1]) > 1e-9]

    assert overlapping(boxes([39.0] * 10, [45.0] * 10, ["Приморско-Ахтарский"] * 10, positions, drawn)) == []
    # the 44 municipalities of the krai, largest first by population: no two drawn labels overlap
    munis = pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype={"oktmo": str})
    names = list(charts._short_names(munis["name"]))
    order = (-munis["population"].fillna(0)).to_numpy().argsort(kind="stable")
    pos, shown = charts.label_layout(munis["lon"], munis["lat"], names, order=order)
    assert overlapping(boxes(munis["lon"], munis["lat"], names, pos, shown)) == []
    assert sum(shown) >= 38                     # most keep their label


def test_a_monthly_trend_with_months_but_no_figures_says_there_is_no_data():
    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    frame = pd.DataFrame({"period": months, "v": [None, None, None], "p": [None, None, None]}, dtype=object)
    frame["v"] = frame["v"].astype(float)
    frame["p"] = frame["p"].astype(float)
    fig = charts.monthly_trend(frame, value="v", prev="p", title="Т", name="Н")
    assert not fig.data and fig.layout.annotations[0].text == T.NO_ROWS
