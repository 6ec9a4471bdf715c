"""Chart builders: Russian separators and labels, and the map's label placement."""
from __future__ import annotations

import pandas as pd

from kuban.app import charts


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
    fig = charts.municipality_map(df, "v", "Карта", "Отгрузка")
    assert fig.layout.separators == ",\u00a0"
    texts = [t for trace in fig.data for t in trace.text]
    assert texts == ["Краснодар", "Кореновский"]        # no data first (grey), then the measured one
    hover = [c[2] for trace in fig.data for c in trace.customdata]
    assert hover == ["нет данных", "2,5\u00a0млрд\u00a0₽"]
