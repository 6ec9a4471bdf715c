"""Chart builders by kind of chart: plain functions from a DataFrame to a Plotly figure.

Every builder takes the frame, then keyword-only options (`bars(frame, label=…, value=…, title=…)`).
Kinds: time series over months (`monthly_trend`, `count_trend`, `stacked_bars`) and over windows of the
same months in successive years (`shares_over_time`, `bars_over_time`); ranked horizontal bars (`bars`);
the map of municipalities (`municipality_map`); location quotients (`lq_heatmap`, `lq_quadrant`).

Money comes in rubles; each chart picks one unit (млн ₽, млрд ₽) for its
axis. Numbers use the Russian decimal comma and no-break-space thousands
(layout.separators); month ticks are Russian text, since Plotly's own date
labels are English and its locale files would have to come from a CDN.
Every text a user sees comes from kuban/texts.py or from the caller.

Each figure is built as one description (traces and layout as plain dicts, `_figure`) and validated once
when the figure is made: Plotly's `update_*` and `add_*` setters parse and validate every property path on
every call, which cost several times the figure itself (7.6 ms against 1.0 ms for a bar chart).

Text from data (names of municipalities, enterprises, programmes, funds, statuses, budgets, divisions)
becomes figure text only through `_labels()` / `fmt.plot()` here, so Plotly shows it as written: its
HTML subset (`<a href>`, `<b>`, `<br>`, …), entities and `$…$` never act. Data text never goes into a
hovertemplate itself (where `%{…}` would be a placeholder): it travels in customdata. Titles, units,
series names and the `<br>`/`<b>` of labels built here are the dashboard's own text.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kuban import texts as T
from kuban.app import fmt
from kuban.model import memo

PALETTE = ("#1f5fa6", "#e07b24", "#3a9a5b", "#c0392b", "#8e6bbf", "#7f8c8d", "#d4a017", "#16a3b5")
MAIN, PREV, ACCENT = PALETTE[0], "#9db4cf", PALETTE[1]
POSITIVE, NEGATIVE = PALETTE[2], PALETTE[3]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


# --- Layout, labels, units ------------------------------------------------------------------------

GRID = dict(gridcolor="#eceff3", zerolinecolor="#d5dae1")


def _merge(base: dict, extra: dict) -> dict:
    """`base` with `extra` laid over it, nested dicts merged key by key (as Plotly's update_layout does)."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def layout_dict(*, title: str | None = None, height: int = 380, **extra) -> dict:
    """The dashboard's layout (fonts, Russian separators, margins, the legend above the chart, light grid) with
    `extra` (xaxis=…, yaxis=…, legend=…, …) merged over it."""
    layout = dict(
        separators=fmt.PLOTLY_SEPARATORS,
        font=dict(family=FONT, size=13),
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        hoverlabel=dict(font=dict(family=FONT)),
        plot_bgcolor="white",
        xaxis=dict(GRID),
        yaxis=dict(GRID),
    )
    if title:
        layout["title"] = dict(text=title, x=0, xanchor="left")
    return _merge(layout, extra)


def _figure(traces: list[dict], **layout) -> go.Figure:
    """A figure from its traces (dicts with `type`) and layout (layout_dict's arguments), validated once."""
    return go.Figure({"data": traces, "layout": layout_dict(**layout)})


def _labels(values, wrap: int | None = None) -> pd.Series:
    """Category labels from data, ready for a figure: missing = «Не указано», escaped (`fmt.plot`), and with
    `wrap` broken into lines of about that many characters."""
    s = pd.Series(values).fillna(T.UNKNOWN_MUNICIPALITY).astype(str)
    return s.map(lambda t: fmt.plot_lines(t, wrap)) if wrap else s.map(fmt.plot)


def _short_names(names: pd.Series) -> pd.Series:
    """Municipality names without the word «район» (labels on the map and the quadrant; plain text)."""
    return names.str.replace(T.DISTRICT_WORD, "", regex=False)


def money_scale(*series: pd.Series) -> tuple[float, str]:
    peak = max((float(s.abs().max()) for s in series if len(s) and s.notna().any()), default=0.0)
    return fmt.money_unit(peak)


def common_scale(*series: pd.Series) -> tuple[float, str]:
    """One money unit for the charts of a page (each series: what one chart draws): the smallest of those each
    would pick, so that neighbours read alike (млн ₽ beside млн ₽) and no chart shows «0,06»."""
    return min((money_scale(s) for s in series if len(s) and s.notna().any()), default=fmt.money_unit(0.0))


def empty(message: str, *, title: str | None = None, height: int = 240) -> go.Figure:
    """A figure saying `message` (under the chart's `title`, which also keeps two empty charts of a page apart:
    Streamlit refuses two identical plotly_chart elements on one page)."""
    note = dict(text=message, showarrow=False, font=dict(size=15, color="#6b7785"), xref="paper", yref="paper",
                x=0.5, y=0.5)
    return _figure([], title=title, height=height, annotations=[note], xaxis=dict(visible=False),
                   yaxis=dict(visible=False))


def division_label(division, name, width: int | None = None) -> str:
    """«28 Производство машин и оборудования, …» whole (a chart wraps it: `bars(..., wrap=…)`; on paper a cut name
    says nothing); with `width`, cut to that many characters with «…». Plain text: the chart escapes it."""
    if not isinstance(name, str) or not name:
        return str(division) if isinstance(division, str) else T.UNKNOWN_MUNICIPALITY
    text = f"{division} {name}"
    return text if width is None or len(text) <= width else text[: width - 1].rstrip() + "…"


# --- Time: the period axis of months, and windows of the same months in successive years -------------

MAX_MONTH_TICKS = 7     # month labels on an axis: seven fit a phone's width upright


def _period_axis(periods: pd.Series, months: list | None) -> dict:
    """The x axis of months: Russian month ticks (at most MAX_MONTH_TICKS, every second month of a year); with `months` (every month of the chosen
    period) the axis spans them all, so a month without data shows as a gap."""
    axis = pd.Series(pd.to_datetime(months)) if months else periods
    axis = pd.to_datetime(axis).drop_duplicates().sort_values()
    ticks = axis.iloc[::max(1, -(-len(axis) // MAX_MONTH_TICKS))]
    # «ноя<br>2025», «дек», «янв<br>2026»: the year under the first month and each January, so that twelve
    # months fit a half-width chart (or a phone) upright instead of turned on their side
    text = [fmt.MONTHS_SHORT[p.month - 1] + (f"<br>{p.year}" if i == 0 or p.month == 1 else "")
            for i, p in enumerate(ticks)]
    out = dict(tickmode="array", tickvals=list(ticks), ticktext=text, tickangle=0)
    if months:
        half = pd.Timedelta(days=16)
        out["range"] = [pd.Timestamp(min(months)) - half, pd.Timestamp(max(months)) + half]
    return out


def window_label(w_from, w_to, *, compact: bool = False) -> str:
    """«2025» for a calendar year, «ноя 2024 — окт 2025» otherwise, «мар 2025» for one month;
    compact (axis ticks): «ноя 24 —<br>окт 25»."""
    a, b = pd.Timestamp(w_from), pd.Timestamp(w_to)
    if a.month == 1 and b.month == 12 and a.year == b.year:
        return str(a.year)
    if compact:
        short = lambda t: f"{fmt.MONTHS_SHORT[t.month - 1]} {t.year % 100:02d}"  # noqa: E731
        return short(a) if a == b else f"{short(a)}–<br>{short(b)}"
    if a == b:
        return fmt.month_short(a)
    return f"{fmt.month_short(a)} — {fmt.month_short(b)}"


def _window_axis(frame: pd.DataFrame) -> list[str]:
    """The x values of a chart over windows (window_from, window_to of each row): compact window labels."""
    return [window_label(a, b, compact=True) for a, b in zip(frame["window_from"], frame["window_to"])]


def _window_figure(traces: list[dict], title: str, **layout) -> go.Figure:
    """Windows as categories in order, the legend below the chart."""
    return _figure(traces, title=title, height=420,
                   legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
                   **_merge({"xaxis": dict(type="category", tickangle=0)}, layout))


# --- Time series -------------------------------------------------------------------------------------

@memo.cached
def monthly_trend(frame: pd.DataFrame, *, value: str, title: str, name: str, prev: str | None = None,
                  prev_name: str = T.YEAR_AGO, months: list | None = None, empty_text: str = T.NO_ROWS,
                  scale: tuple[float, str] | None = None) -> go.Figure:
    """Bars of a money measure per month (`period`); a line for the same month a year earlier (`prev`).

    `months`: every month of the chosen period, so a month without data shows as a gap.
    """
    if frame.empty or not (frame[value].notna().any() or (prev and frame[prev].notna().any())):
        return empty(empty_text, title=title)     # rows but no figure (one enterprise's months): say so
    divisor, unit = scale or money_scale(frame[value], frame[prev] if prev else pd.Series(dtype=float))
    labels = [fmt.month(p) for p in frame["period"]]
    traces = [dict(type="bar", x=frame["period"], y=frame[value] / divisor, name=name, marker=dict(color=MAIN),
                   customdata=labels, hovertemplate="%{customdata}<br>%{y:,.1f} " + unit + "<extra></extra>")]
    if prev and frame[prev].notna().any():
        traces.append(dict(type="scatter", x=frame["period"], y=frame[prev] / divisor, name=prev_name,
                           mode="lines+markers", line=dict(color=ACCENT, width=2), marker=dict(size=5),
                           customdata=labels, hovertemplate=T.CHART_HOVER_YEAR_AGO.format(month="%{customdata}")
                           + "<br>%{y:,.1f} " + unit + "<extra></extra>"))
    return _figure(traces, title=title, xaxis=_period_axis(frame["period"], months),
                   yaxis=dict(title=dict(text=unit), rangemode="tozero"))


@memo.cached
def count_trend(frame: pd.DataFrame, *, value: str, title: str, name: str, unit: str, prev: str | None = None,
                prev_name: str = T.YEAR_AGO, months: list | None = None, empty_text: str = T.NO_ROWS) -> go.Figure:
    """Bars of a count per month (people, enterprises) in `unit`; a line for the same month a year earlier."""
    data = frame.dropna(subset=[value]) if not frame.empty else frame
    if data.empty:
        return empty(empty_text, title=title)
    month_names = [fmt.month(p) for p in data["period"]]
    traces = [dict(type="bar", x=data["period"], y=data[value].astype(float), name=name, marker=dict(color=MAIN),
                   customdata=month_names, hovertemplate="%{customdata}<br>%{y:,.0f} " + unit + "<extra></extra>")]
    if prev and data[prev].notna().any():
        traces.append(dict(type="scatter", x=data["period"], y=data[prev].astype(float), name=prev_name,
                           mode="lines+markers", line=dict(color=ACCENT, width=2), marker=dict(size=5),
                           customdata=month_names, hovertemplate=T.CHART_HOVER_YEAR_AGO.format(month="%{customdata}")
                           + "<br>%{y:,.0f} " + unit + "<extra></extra>"))
    return _figure(traces, title=title, xaxis=_period_axis(data["period"], months),
                   yaxis=dict(title=dict(text=unit), rangemode="tozero", tickformat=",~f"))


@memo.cached
def stacked_bars(frame: pd.DataFrame, *, x: str, stack: str, value: str, title: str, by_month: bool = False,
                 months: list | None = None, missing_label: str = T.UNKNOWN_MUNICIPALITY,
                 empty_text: str = T.NO_ROWS, scale: tuple[float, str] | None = None) -> go.Figure:
    """Vertical money bars per `x`, stacked by `stack` (e.g. fund); `missing_label` for a missing `stack`.

    `x` is months with `by_month` (`months`: every month of the chosen period, as in monthly_trend),
    otherwise categories such as years, in ascending order."""
    if frame.empty or frame[value].notna().sum() == 0:
        return empty(empty_text, title=title)
    data = frame.dropna(subset=[value]).copy()
    data[stack] = _labels(data[stack].fillna(missing_label)).to_numpy()
    if not by_month:
        data[x] = _labels(data[x]).to_numpy()
    divisor, unit = scale or money_scale(data.groupby(x)[value].sum())
    traces = []
    order = data.groupby(stack)[value].sum().sort_values(ascending=False).index
    for i, key in enumerate(order):
        part = data[data[stack] == key]
        labels = [fmt.month(p) for p in part[x]] if by_month else list(part[x])
        trace = dict(type="bar", x=part[x], y=part[value] / divisor, name=key,
                     marker=dict(color=PALETTE[i % len(PALETTE)]), customdata=[[t, key] for t in labels],
                     hovertemplate="%{customdata[0]}<br>%{customdata[1]}: %{y:,.1f} " + unit + "<extra></extra>")
        if by_month:
            trace["width"] = 24 * 86_400_000    # 24 days in ms: a month's bar, however few months have one
        traces.append(trace)
    xaxis = _period_axis(data[x], months) if by_month else dict(type="category", categoryorder="category ascending")
    return _figure(traces, title=title, barmode="stack", showlegend=True, xaxis=xaxis,
                   yaxis=dict(title=dict(text=unit), rangemode="tozero"))


@memo.cached
def shares_over_time(frame: pd.DataFrame, *, series: dict[str, str], title: str,
                     empty_text: str = T.NO_ROWS) -> go.Figure:
    """Lines of shares (0..1, shown in %) over windows (kuban.model.cluster.versus_rest()): column -> series name."""
    if frame.empty:
        return empty(empty_text)
    labels = _window_axis(frame)
    traces = [dict(type="scatter", x=labels, y=frame[col] * 100, name=name, mode="lines+markers",
                   line=dict(color=color, width=2), marker=dict(size=7),
                   hovertemplate=name + ": %{y:,.1f} " + T.UNIT_PERCENT + "<extra></extra>")
              for (col, name), color in zip(series.items(), PALETTE) if frame[col].notna().any()]
    return _window_figure(traces, title, yaxis=dict(title=dict(text=T.UNIT_PERCENT), rangemode="tozero"))


@memo.cached
def bars_over_time(frame: pd.DataFrame, *, series: dict[str, str], title: str, kind: str = "money",
                   empty_text: str = T.NO_ROWS) -> go.Figure:
    """Grouped bars per window, one per series (column -> name; the first dark, the second light), e.g. the
    cluster against the rest. kind: money (rubles) or change (a relative change, shown in %)."""
    cols = list(series)
    if frame.empty or any(c not in frame for c in cols):
        return empty(empty_text)
    data = frame.dropna(subset=cols, how="all")
    if data.empty:
        return empty(empty_text)
    labels = _window_axis(data)
    if kind == "change":
        divisor, unit, fmt_hover = 0.01, T.UNIT_PERCENT, "%{y:+,.1f} " + T.UNIT_PERCENT
    else:
        divisor, unit = money_scale(*(data[c] for c in cols))
        fmt_hover = "%{y:,.2f} " + unit
    traces = [dict(type="bar", x=labels, y=data[col] / divisor, name=name, marker=dict(color=color),
                   hovertemplate=name + ": " + fmt_hover + "<extra></extra>")
              for (col, name), color in zip(series.items(), (MAIN, PREV))]
    return _window_figure(traces, title, barmode="group", yaxis=dict(title=dict(text=unit)))


# --- Ranked horizontal bars ------------------------------------------------------------------------

BAR_KINDS = ("money", "number", "share", "change")
DIVISION_WRAP, DIVISION_BAR_PX = 34, 44     # OKVED division names, whole, on lines of ~34 characters


@memo.cached
def bars(frame: pd.DataFrame, *, label: str, value: str, title: str, kind: str = "money", unit: str = "",
         per: str = "", decimals: int = 1, top: int = 20, color: str | None = None, wrap: int | None = None,
         bar_px: int = 26, empty_text: str = T.NO_ROWS, scale: tuple[float, str] | None = None) -> go.Figure:
    """Horizontal bars of `value` per `label` (municipalities, divisions, funds, …), the largest `top`, largest
    on top; rows without a value are left out.

    kind: money — rubles, on an axis in the unit that suits the largest bar (млн ₽, млрд ₽), `per` after it
    («млн ₽ на работника»); number — the value as it is, in `unit`; share — 0..1, shown in %; change — a
    relative change (0.12 = +12 %), growth green and decline red. `decimals` in the hover text (money,
    number); `wrap`: long labels on lines of about that many characters, with `bar_px` (height per bar)
    larger to fit them.
    """
    if kind not in BAR_KINDS:
        raise ValueError(f"kind must be one of {BAR_KINDS}, not {kind!r}")
    data = frame.dropna(subset=[value]) if not frame.empty else frame
    if data.empty:
        return empty(empty_text, title=title)
    data = data.copy()
    data[label] = _labels(data[label], wrap).to_numpy()
    total = len(data)
    if total > top:                 # say that the chart shows the largest ones only
        title = f"{title} {T.CHART_SHOWN_OF.format(shown=top, total=total)}"
    data = data.sort_values(value, ascending=False).head(top).iloc[::-1]
    if kind == "change":
        pct = data[value] * 100
        shown = [fmt.percent(v, signed=True) for v in data[value]]
        trace = dict(x=pct, marker=dict(color=[POSITIVE if v >= 0 else NEGATIVE for v in pct]),
                     customdata=shown, text=shown, hovertemplate="%{y}<br>%{customdata}<extra></extra>")
        xaxis = dict(title=dict(text=T.UNIT_PERCENT), zeroline=True, zerolinecolor="#8a96a3")
    elif kind == "share":
        trace = dict(x=data[value] * 100, marker=dict(color=color or PALETTE[2]),
                     text=[fmt.percent(v, decimals) for v in data[value]],
                     hovertemplate="%{y}<br>%{x:,." + str(decimals) + "f} " + T.UNIT_PERCENT + "<extra></extra>")
        xaxis = dict(title=dict(text=T.UNIT_PERCENT), rangemode="tozero")
    else:
        divisor, base = (scale or money_scale(data[value])) if kind == "money" else (1.0, unit)
        axis = (base + " " + per).strip()
        trace = dict(x=data[value] / divisor, marker=dict(color=color or MAIN),
                     text=[fmt.number(v, decimals) for v in data[value] / divisor],
                     hovertemplate="%{y}<br>%{x:,." + str(decimals) + "f} " + axis + "<extra></extra>")
        xaxis = dict(title=dict(text=axis), rangemode="tozero", tickformat=",~f")
    # the value at the end of each bar (outside it, allowed into the right margin)
    trace.update(type="bar", y=data[label], orientation="h", textposition="outside", cliponaxis=False,
                 textfont=dict(size=11, color="#33414e"))
    return _figure([trace], title=title, height=max(260, bar_px * len(data) + 90), xaxis=xaxis,
                   yaxis=dict(automargin=True), margin=dict(r=70))


# --- The map of municipalities (offline: plain axes, no tiles, no fetched topojson) ---------

MAP_COLORS = ["#e8eef6", "#b9cde5", "#7fa5cf", "#3f76b3", "#1f5fa6", "#123e6e"]
LAT0_COS = 0.7046   # cos(45.2°): one degree of longitude is shorter than one of latitude here


def _color_for(value: float, lo: float, hi: float) -> str:
    if value != value or hi <= lo:
        return MAP_COLORS[2]
    t = min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return MAP_COLORS[min(int(t * (len(MAP_COLORS) - 1) + 0.5), len(MAP_COLORS) - 1)]


# Label boxes in degrees at the map's usual size: ~0.052° of longitude per letter, 0.11° of latitude high.
_CHAR_W, _LABEL_H, _GAP = 0.052, 0.11, 0.07
_POINT_PAD = 0.2        # the largest circle's radius in degrees, at the map's usual size
_POSITIONS = ("top center", "bottom center", "middle right", "middle left",
              "top right", "top left", "bottom right", "bottom left")


def _box(x: float, y: float, width: float, position: str) -> tuple[float, float, float, float]:
    vertical, horizontal = position.split()
    if horizontal == "center":
        x0 = x - width / 2
    else:
        x0 = x + _GAP if horizontal == "right" else x - _GAP - width
    if vertical == "middle":
        y0 = y - _LABEL_H / 2
    else:
        y0 = y + _GAP if vertical == "top" else y - _GAP - _LABEL_H
    return x0, y0, x0 + width, y0 + _LABEL_H


def label_layout(xs, ys, labels: list[str], *, order) -> tuple[list[str], list[bool]]:
    """A text position per point and whether its label is drawn: greedy in `order` (largest first), each label on
    the side of its point that overlaps least with the labels placed so far and the points; a label that overlaps
    a placed label on every side is not drawn (its name stays in the hover text), so labels never overlap.

    Deterministic. The overlap of a label's eight candidate boxes with every label placed so far and every point
    is one array operation per label.
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    n = len(labels)
    # rows 0..placed-1: the label boxes drawn so far; rows n..2n-1: the points themselves
    others = np.zeros((2 * n, 4))
    others[n:] = np.column_stack([xs - 0.04, ys - 0.04, xs + 0.04, ys + 0.04])
    out, shown = ["top center"] * n, [False] * n
    placed = 0

    def overlap(boxes, against):
        w = np.minimum(boxes[:, None, 2], against[None, :, 2]) - np.maximum(boxes[:, None, 0], against[None, :, 0])
        h = np.minimum(boxes[:, None, 3], against[None, :, 3]) - np.maximum(boxes[:, None, 1], against[None, :, 1])
        return np.where((w > 0) & (h > 0), w * h, 0.0).sum(axis=1)

    for i in order:
        width = _CHAR_W * len(str(labels[i]))
        boxes = np.array([_box(xs[i], ys[i], width, position) for position in _POSITIONS])
        with_labels = overlap(boxes, others[:placed])
        costs = with_labels + overlap(boxes, others[n:])
        free = with_labels <= 1e-12
        if not free.any():
            continue                        # every side would cover a label drawn already
        best = None
        for j in range(len(_POSITIONS)):
            if free[j] and (best is None or costs[j] < costs[best] - 1e-12):
                best = j
        out[i], shown[i] = _POSITIONS[best], True
        others[placed] = boxes[best]
        placed += 1
    return out, shown


def label_positions(xs, ys, labels: list[str], *, order) -> list[str]:
    """The text position of each point's label (label_layout)."""
    return label_layout(xs, ys, labels, order=order)[0]


@memo.cached
def municipality_map(frame: pd.DataFrame, *, value: str, title: str, value_label: str, money: bool = True,
                     unit: str | None = None, boundaries=None, selected: tuple[str, ...] = (),
                     height: int = 560) -> go.Figure:
    """Municipalities coloured and sized by `value`; click a circle to choose that municipality.

    `frame` has oktmo, municipality, lat, lon and the value. Money is shown in the unit that suits it; another
    value in `unit` (default `value_label`). With `boundaries` (kuban.data.geo.Boundaries) polygons are filled
    by value; otherwise circles sit at the administrative centres. `selected`: OKTMO codes drawn with a red ring.
    Every municipality appears (no data = grey), so the map always shows the whole krai.
    """
    data = frame.dropna(subset=["lat", "lon"]).copy()
    if data.empty:
        return empty(title)
    vals = data[value].astype(float)
    divisor, unit = money_scale(vals) if money else (1.0, unit or value_label)
    shown = vals / divisor
    lo, hi = float(shown.min(skipna=True) or 0), float(shown.max(skipna=True) or 0)
    traces = []
    if boundaries is not None:
        for row, v in zip(data.itertuples(index=False), shown):
            for ring in boundaries.rings.get(row.oktmo, []):
                xs, ys = zip(*ring)
                traces.append(dict(type="scatter", x=xs, y=ys, mode="lines", fill="toself",
                                   line=dict(color="white", width=1),
                                   fillcolor=_color_for(v, lo, hi) if v == v else "#eeeeee",
                                   hoverinfo="skip", showlegend=False))
    peak = max(hi, 1e-9)
    has = shown.notna().to_numpy() & (shown.fillna(0).to_numpy() != 0)
    names = data["municipality"].fillna(T.UNKNOWN_MUNICIPALITY).astype(str)
    short = _short_names(names)
    positions, drawn = label_layout(data["lon"].to_numpy(), data["lat"].to_numpy(), list(short),
                                    order=(-shown.fillna(0)).to_numpy().argsort(kind="stable"))
    labels = _labels(short).where(pd.Series(drawn, index=short.index), "")
    text_values = [(fmt.number(v, 1) + fmt.NBSP + unit) if v == v else T.MAP_NO_DATA for v in shown]
    # customdata: oktmo (what a click selects, kuban.app.ui), the name and the value as hover text
    custom = list(zip(data["oktmo"], _labels(names), text_values))
    # an outline for every circle (a pale one on a white page floats otherwise); the chosen ones red and thicker
    border = ["#c0392b" if o in selected else "#7f8c9a" for o in data["oktmo"]]
    widths = [2.5 if o in selected else 1 for o in data["oktmo"]]
    for mask, with_data in ((~has, False), (has, True)):
        if not mask.any():
            continue
        idx = [i for i, m in enumerate(mask) if m]
        v = shown.to_numpy()[mask]
        marker = dict(size=[10 + 34 * (x / peak) ** 0.5 for x in v] if with_data else 8,
                      line=dict(color=[border[i] for i in idx], width=[widths[i] for i in idx]), opacity=0.9)
        if with_data:
            marker.update(color=v, cmin=lo if hi > lo else min(lo, 0.0), cmax=hi if hi > lo else max(hi, 1.0),
                          showscale=True,
                          colorscale=[[i / (len(MAP_COLORS) - 1), c] for i, c in enumerate(MAP_COLORS)],
                          colorbar=dict(title=dict(text=unit, side="top"), thickness=12, len=0.6, tickformat=",~f",
                                        xpad=20))
        else:
            marker.update(color="#c7ccd3")
        traces.append(dict(
            type="scatter", x=data["lon"].to_numpy()[mask], y=data["lat"].to_numpy()[mask], mode="markers+text",
            text=labels.to_numpy()[mask], textposition=[positions[i] for i in idx],
            textfont=dict(size=10, color="#33414e"),
            marker=marker, customdata=[custom[i] for i in idx],
            hovertemplate="%{customdata[1]}<br>" + fmt.plot(value_label) + ": %{customdata[2]}<extra></extra>",
            showlegend=False, name="",
        ))
    # the axes span every label's box, so that no label is cut at an edge («оссийск»)
    lon, lat = data["lon"].astype(float), data["lat"].astype(float)
    boxes = [_box(x, y, _CHAR_W * len(str(t)), p)
             for x, y, t, p, d in zip(lon, lat, short, positions, drawn) if d] \
        or [(float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))]
    x_range = [min(min(b[0] for b in boxes), float(lon.min()) - _POINT_PAD) - 0.05,
               max(max(b[2] for b in boxes), float(lon.max()) + _POINT_PAD) + 0.05]
    y_range = [min(min(b[1] for b in boxes), float(lat.min()) - _POINT_PAD) - 0.05,
               max(max(b[3] for b in boxes), float(lat.max()) + _POINT_PAD) + 0.05]
    return _figure(traces, title=title, height=height, dragmode=False, clickmode="event+select",
                   xaxis=dict(visible=False, showgrid=False, range=x_range),
                   yaxis=dict(visible=False, showgrid=False, scaleanchor="x", scaleratio=1 / LAT0_COS,
                              range=y_range))


# --- Location quotients: the heat map and the quadrant ---------------------------------------------

LQ_LOW, LQ_MID, LQ_HIGH = "#e07b24", "#f5f6f8", "#1f5fa6"   # below the krai, as the krai, above it
THIN_GREY = "#d3d7dd"
QUADRANT_COLORS = {"leading": "#1f5fa6", "mature": "#8e6bbf", "emerging": "#3a9a5b", "transforming": "#e07b24"}


@memo.cached
def lq_heatmap(frame: pd.DataFrame, *, value: str, columns: dict[str, str], title: str,
               thin_text: str = T.CLUSTER_HOVER_THIN, zmax: float = 3.0, empty_text: str = T.NO_ROWS) -> go.Figure:
    """Location quotients, municipalities (rows, in the order of `frame`) × industries (`columns`: key -> label).

    `frame` is long: municipality, industry, `value`, thin (bool), enterprises. The column labels are figure
    text as they are (kuban.app.cluster_view.heatmap_columns builds them from validated codes); municipality
    names are escaped here. A cell with too little data is
    grey and says `thin_text` (or «—» where the industry has no enterprise there); the colour scale is
    orange below 1 (less than the krai), neutral at 1, blue above (specialised), saturating at `zmax`.
    """
    data = frame[frame["industry"].isin(list(columns))]
    if data.empty:
        return empty(empty_text)
    data = data.assign(municipality=_labels(data["municipality"]).to_numpy())
    rows = list(dict.fromkeys(data["municipality"]))
    cols = [c for c in columns if c in set(data["industry"])]
    idx = data.set_index(["municipality", "industry"])
    z, zg, text, textg, hover = [], [], [], [], []
    for r in rows:
        zr, zgr, tr, tgr, hr = [], [], [], [], []
        for c in cols:
            cell = idx.loc[(r, c)] if (r, c) in idx.index else None
            v = float(cell[value]) if cell is not None and pd.notna(cell[value]) else float("nan")
            is_thin = bool(cell["thin"]) if cell is not None else True
            n = int(cell["enterprises"]) if cell is not None else 0
            shown = fmt.number(v, 2) if v == v else "—"
            if is_thin:
                zr.append(None)
                zgr.append(1)
                tr.append("")
                tgr.append(f"({shown})" if n > 0 else "—")
                hr.append(T.CHART_LQ_HOVER_THIN.format(municipality=r, column=columns[c], lq=shown, thin=thin_text,
                                                       n=n))
            else:
                zr.append(min(v, zmax) if v == v else None)
                zgr.append(None)
                tr.append(shown)
                tgr.append("")
                hr.append(T.CHART_LQ_HOVER.format(municipality=r, column=columns[c], lq=shown, n=n))
        z.append(zr)
        zg.append(zgr)
        text.append(tr)
        textg.append(tgr)
        hover.append(hr)
    x = [columns[c] for c in cols]
    mid = 1 / zmax
    traces = [
        dict(type="heatmap", z=zg, x=x, y=rows, colorscale=[[0, THIN_GREY], [1, THIN_GREY]], showscale=False,
             text=textg, texttemplate="%{text}", textfont=dict(size=10, color="#6b7785"),
             customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2),
        dict(type="heatmap", z=z, x=x, y=rows, zmin=0, zmax=zmax,
             colorscale=[[0, LQ_LOW], [mid, LQ_MID], [1, LQ_HIGH]],
             text=text, texttemplate="%{text}", textfont=dict(size=12),
             customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2,
             colorbar=dict(title=dict(text=T.CHART_LQ_SCALE), thickness=12, len=0.5, tickvals=[0, 1, 2, zmax],
                           ticktext=["0", "1", "2", f"≥{fmt.number(zmax, 0)}"])),
    ]
    layout = layout_dict(title=title, height=max(300, 26 * len(rows) + 140), margin=dict(l=10, r=10, t=120, b=10),
                         xaxis=dict(side="top", showgrid=False, tickangle=0),
                         yaxis=dict(autorange="reversed", showgrid=False, automargin=True))
    if title:       # above the column labels, which sit on top of the cells
        layout["title"].update(y=0.995, yanchor="top", yref="container")
    return go.Figure({"data": traces, "layout": layout})


@memo.cached
def lq_quadrant(frame: pd.DataFrame, *, threshold: float, title: str, x_title: str, y_title: str,
                size_unit: str, names: dict[str, str] = T.CLUSTER_QUADRANTS, x: str = "lq", y: str = "change",
                size: str = "employees", empty_text: str = T.NO_ROWS) -> go.Figure:
    """The Purdue quadrant: LQ now (`x`) against its change (`y`); bubble area = `size` (in `size_unit`).

    `frame` (kuban.app.cluster_view.quadrant_frame): municipality, x, y, size, quadrant
    (leading/mature/emerging/transforming/thin). `names` gives the Russian name of each quadrant key
    (thin = «мало данных», drawn grey and unlabelled).
    Lines at the LQ `threshold` and at zero change; quadrant names in the corners.
    """
    data = frame.dropna(subset=[x, y])
    if data.empty:
        return empty(empty_text, title=title)
    peak = float(data[size].max()) or 1.0
    sizeref = 2.0 * peak / (48 ** 2)
    hover = T.CHART_QUADRANT_HOVER.format(
        municipality="%{customdata[0]}", lq="%{customdata[1]}", change="%{customdata[2]}", size="%{customdata[3]}",
        unit=fmt.plot(size_unit), quadrant="%{customdata[4]}") + "<extra></extra>"
    traces = []
    for key in ("thin", "transforming", "emerging", "mature", "leading"):
        part = data[data["quadrant"] == key]
        if part.empty:
            continue
        is_thin = key == "thin"
        munis = part["municipality"].fillna(T.UNKNOWN_MUNICIPALITY).astype(str)
        labels = _labels(_short_names(munis))
        custom = list(zip(_labels(munis), [fmt.number(v, 2) for v in part[x]],
                          [("+" if v > 0 else "") + fmt.number(v, 2) for v in part[y]],
                          [fmt.number(v, 0) for v in part[size]], [names[key]] * len(part)))
        traces.append(dict(
            type="scatter", x=part[x], y=part[y], mode="markers" if is_thin else "markers+text", name=names[key],
            text=None if is_thin else labels, textposition="top center", textfont=dict(size=11, color="#33414e"),
            marker=dict(size=part[size].clip(lower=0), sizemode="area", sizeref=sizeref, sizemin=5,
                        color=THIN_GREY if is_thin else QUADRANT_COLORS[key],
                        opacity=0.55 if is_thin else 0.8, line=dict(color="white", width=1)),
            customdata=custom,
            hovertemplate=hover,
        ))
    xs, ys = data[x].astype(float), data[y].astype(float)
    x_hi = max(threshold * 1.4, float(xs.max()) * 1.12)
    x_lo = min(0.0, float(xs.min()) - 0.05)
    y_span = max(0.1, float(ys.abs().max()) * 1.25)
    dashed = dict(color="#6b7785", width=1, dash="dash")
    shapes = [dict(type="line", x0=threshold, x1=threshold, xref="x", y0=0, y1=1, yref="y domain", line=dashed),
              dict(type="line", x0=0, x1=1, xref="x domain", y0=0, y1=0, yref="y", line=dashed)]
    notes = [dict(x=ax, y=ay, text=f"<b>{names[key]}</b>", showarrow=False, xanchor=xa, yanchor=ya,
                  font=dict(size=13, color=QUADRANT_COLORS[key]))
             for key, ax, ay, xa, ya in (("leading", x_hi, y_span, "right", "top"),
                                         ("mature", x_hi, -y_span, "right", "bottom"),
                                         ("emerging", x_lo, y_span, "left", "top"),
                                         ("transforming", x_lo, -y_span, "left", "bottom"))]
    return _figure(traces, title=title, height=520, shapes=shapes, annotations=notes,
                   legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
                   xaxis=dict(title=dict(text=x_title), range=[x_lo, x_hi]),
                   yaxis=dict(title=dict(text=y_title), range=[-y_span, y_span]))
