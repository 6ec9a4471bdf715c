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
