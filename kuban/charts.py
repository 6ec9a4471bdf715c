"""Chart builders: plain functions from a DataFrame to a Plotly figure.

Money comes in rubles; each chart picks one unit (млн ₽, млрд ₽) for its
axis. Numbers use the Russian decimal comma and no-break-space thousands
(layout.separators); month ticks are Russian text, since Plotly's own date
labels are English and its locale files would have to come from a CDN.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import fmt
from .texts import UNKNOWN_MUNICIPALITY

PALETTE = ("#1f5fa6", "#e07b24", "#3a9a5b", "#c0392b", "#8e6bbf", "#7f8c8d", "#d4a017", "#16a3b5")
MAIN, PREV, ACCENT = PALETTE[0], "#9db4cf", PALETTE[1]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def base_layout(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left") if title else None,
        separators=fmt.PLOTLY_SEPARATORS,
        font=dict(family=FONT, size=13),
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        hoverlabel=dict(font=dict(family=FONT)),
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#eceff3", zerolinecolor="#d5dae1")
    fig.update_yaxes(gridcolor="#eceff3", zerolinecolor="#d5dae1")
    return fig


def money_scale(*series: pd.Series) -> tuple[float, str]:
    peak = max((float(s.abs().max()) for s in series if len(s) and s.notna().any()), default=0.0)
    return fmt.money_unit(peak)


def empty(message: str, height: int = 240) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=15, color="#6b7785"),
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height=height)


def _month_ticks(fig: go.Figure, periods: pd.Series) -> None:
    periods = pd.to_datetime(periods).drop_duplicates().sort_values()
    step = max(1, len(periods) // 12)
    ticks = periods.iloc[::step]
    fig.update_xaxes(tickmode="array", tickvals=list(ticks), ticktext=[fmt.month_short(p) for p in ticks])


def monthly_trend(df: pd.DataFrame, value: str, prev: str | None, title: str, name: str,
                  prev_name: str, empty_text: str) -> go.Figure:
    """Bars of a money measure per month; a line for the same month a year earlier."""
    if df.empty:
        return empty(empty_text)
    divisor, unit = money_scale(df[value], df[prev] if prev else pd.Series(dtype=float))
    months = [fmt.month(p) for p in df["period"]]
    fig = go.Figure()
    fig.add_bar(x=df["period"], y=df[value] / divisor, name=name, marker_color=MAIN, customdata=months,
                hovertemplate="%{customdata}<br>%{y:,.1f} " + unit + "<extra></extra>")
    if prev and df[prev].notna().any():
        fig.add_scatter(x=df["period"], y=df[prev] / divisor, name=prev_name, mode="lines+markers",
                        line=dict(color=ACCENT, width=2), marker=dict(size=5), customdata=months,
                        hovertemplate="%{customdata}, год назад<br>%{y:,.1f} " + unit + "<extra></extra>")
    _month_ticks(fig, df["period"])
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    return base_layout(fig, title)


def ranked_bars(df: pd.DataFrame, label: str, value: str, title: str, empty_text: str,
                top: int = 20, color: str = MAIN) -> go.Figure:
    """Horizontal bars, largest on top (municipalities, divisions, enterprises)."""
    if df.empty:
        return empty(empty_text)
    data = df.copy()
    data[label] = data[label].fillna(UNKNOWN_MUNICIPALITY).astype(str)
    data = data.sort_values(value, ascending=False).head(top).iloc[::-1]
    divisor, unit = money_scale(data[value])
    fig = go.Figure(go.Bar(
        x=data[value] / divisor, y=data[label], orientation="h", marker_color=color,
        hovertemplate="%{y}<br>%{x:,.1f} " + unit + "<extra></extra>",
    ))
    fig.update_xaxes(title_text=unit)
    fig.update_yaxes(automargin=True)
    return base_layout(fig, title, height=max(260, 26 * len(data) + 90))


def share_bars(df: pd.DataFrame, label: str, share: str, title: str, empty_text: str, top: int = 20) -> go.Figure:
    """Horizontal bars of a share (0..1), shown in percent."""
    data = df.dropna(subset=[share])
    if data.empty:
        return empty(empty_text)
    data = data.copy()
    data[label] = data[label].fillna(UNKNOWN_MUNICIPALITY).astype(str)
    data = data.sort_values(share, ascending=False).head(top).iloc[::-1]
    fig = go.Figure(go.Bar(
        x=data[share] * 100, y=data[label], orientation="h", marker_color=PALETTE[2],
        hovertemplate="%{y}<br>%{x:,.1f} %<extra></extra>",
    ))
    fig.update_xaxes(title_text="%", rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return base_layout(fig, title, height=max(260, 26 * len(data) + 90))


def division_label(division, name, width: int = 42) -> str:
    """«28 Производство машин и оборудования…» (short enough for an axis)."""
    if not isinstance(name, str) or not name:
        return str(division) if isinstance(division, str) else UNKNOWN_MUNICIPALITY
    text = f"{division} {name}"
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- The map of municipalities (offline: plain axes, no tiles, no fetched topojson) ---------

MAP_COLORS = ["#e8eef6", "#b9cde5", "#7fa5cf", "#3f76b3", "#1f5fa6", "#123e6e"]
LAT0_COS = 0.7046   # cos(45.2°): one degree of longitude is shorter than one of latitude here


def _color_for(value: float, lo: float, hi: float) -> str:
    if value != value or hi <= lo:
        return MAP_COLORS[2]
    t = min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return MAP_COLORS[min(int(t * (len(MAP_COLORS) - 1) + 0.5), len(MAP_COLORS) - 1)]


def municipality_map(df: pd.DataFrame, value: str, title: str, value_label: str,
                     money: bool = True, boundaries=None, selected: tuple[str, ...] = (),
                     height: int = 560) -> go.Figure:
    """Municipalities coloured and sized by `value`; click a circle to choose that municipality.

    `df` has oktmo, municipality, lat, lon and the value. With `boundaries` (kuban.geo.Boundaries)
    polygons are filled by value; otherwise circles sit at the administrative centres.
    Every municipality appears (no data = grey), so the map always shows the whole krai.
    """
    data = df.dropna(subset=["lat", "lon"]).copy()
    if data.empty:
        return empty(title)
    vals = data[value].astype(float)
    divisor, unit = money_scale(vals) if money else (1.0, value_label)
    shown = vals / divisor
    lo, hi = float(shown.min(skipna=True) or 0), float(shown.max(skipna=True) or 0)
    fig = go.Figure()
    if boundaries is not None:
        for row, v in zip(data.itertuples(index=False), shown):
            for ring in boundaries.rings.get(row.oktmo, []):
                xs, ys = zip(*ring)
                fig.add_scatter(x=xs, y=ys, mode="lines", fill="toself", line=dict(color="white", width=1),
                                fillcolor=_color_for(v, lo, hi) if v == v else "#eeeeee",
                                hoverinfo="skip", showlegend=False)
    peak = max(hi, 1e-9)
    has = shown.notna().to_numpy() & (shown.fillna(0).to_numpy() != 0)
    labels = data["municipality"].str.replace(" район", "", regex=False)
    text_values = [(fmt.number(v, 1) + " " + unit) if v == v else "нет данных" for v in shown]
    custom = list(zip(data["oktmo"], data["municipality"], text_values))
    border = ["#c0392b" if o in selected else "white" for o in data["oktmo"]]
    for mask, with_data in ((~has, False), (has, True)):
        if not mask.any():
            continue
        idx = [i for i, m in enumerate(mask) if m]
        v = shown.to_numpy()[mask]
        marker = dict(size=[10 + 34 * (x / peak) ** 0.5 for x in v] if with_data else 8,
                      line=dict(color=[border[i] for i in idx], width=2), opacity=0.9)
        if with_data:
            marker.update(color=v, cmin=lo, cmax=hi if hi > lo else lo + 1, showscale=True,
                          colorscale=[[i / (len(MAP_COLORS) - 1), c] for i, c in enumerate(MAP_COLORS)],
                          colorbar=dict(title=dict(text=unit), thickness=12, len=0.6))
        else:
            marker.update(color="#c7ccd3")
        fig.add_scatter(
            x=data["lon"].to_numpy()[mask], y=data["lat"].to_numpy()[mask], mode="markers+text",
            text=labels.to_numpy()[mask], textposition="top center", textfont=dict(size=10, color="#33414e"),
            marker=marker, customdata=[custom[i] for i in idx],
            hovertemplate="%{customdata[1]}<br>" + value_label + ": %{customdata[2]}<extra></extra>",
            showlegend=False, name="",
        )
    fig.update_xaxes(visible=False, showgrid=False)
    fig.update_yaxes(visible=False, showgrid=False, scaleanchor="x", scaleratio=1 / LAT0_COS)
    fig.update_layout(dragmode=False, clickmode="event+select")
    return base_layout(fig, title, height=height)
