"""«Субсидии»: subsidies by programme, budget level, municipality and year; recipients; support intensity."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, ui

f = ui.filters()
ui.header(T.SUBSIDIES_TITLE, f)
if f is None:
    st.stop()
st.caption(T.SUBSIDIES_NOTE)
p = f.params(refused=[s.lower() for s in T.LOAN_REFUSED_STATUSES])

summary = ui.run("subsidies_summary", p)
dim = lambda name: summary[summary["dimension"] == name]  # noqa: E731
total = dim("total").iloc[0]
intensity = ui.run("support_intensity", p)
krai = intensity[intensity["dimension"] == "total"].iloc[0]
by_muni_support = intensity[intensity["dimension"] == "municipality"]

c = st.columns(4)
ui.metric(c[0], T.KPI_SUBSIDIES, fmt.money(total.amount_rub if total.subsidies else 0))
ui.metric(c[1], T.KPI_SUBSIDY_COUNT, fmt.number(total.subsidies))
ui.metric(c[2], T.KPI_RECIPIENTS, fmt.number(total.recipients))
ui.metric(c[3], T.KPI_INTENSITY, f"{fmt.number(krai.intensity)}{fmt.NBSP}₽" if krai.intensity == krai.intensity else "—",
          help=T.KPI_INTENSITY_HELP)

ui.chart(charts.ranked_values(dim("programme"), "programme", "amount_rub", T.CHART_SUBSIDIES_BY_PROGRAMME, T.NO_ROWS,
                              bar_px=44, wrap=38))
left, right = st.columns(2)
with left:
    ui.chart(charts.ranked_bars(dim("budget").fillna({"budget": T.BUDGET_NOT_STATED}), "budget", "amount_rub",
                                T.CHART_SUBSIDIES_BY_BUDGET, T.NO_ROWS, color=charts.PALETTE[4]))
    ui.chart(charts.stacked_bars(dim("year"), "year", "budget", "amount_rub", T.CHART_SUBSIDIES_BY_YEAR, T.NO_ROWS,
                                 stack_label=T.BUDGET_NOT_STATED))
with right:
    ui.chart(charts.ranked_bars(dim("municipality"), "municipality", "amount_rub", T.CHART_SUBSIDIES_BY_MUNI,
                                T.NO_ROWS, top=44))

st.subheader(T.INTENSITY_TITLE)
st.caption(T.INTENSITY_NOTE)
ui.municipality_map(by_muni_support, "intensity", T.MAP_INTENSITY, T.KPI_INTENSITY, key="map-subsidies",
                    money=False, unit=T.INTENSITY_UNIT_SHORT)
ui.chart(charts.ranked_values(by_muni_support, "municipality", "intensity", T.CHART_INTENSITY, T.NO_ROWS,
                              money=False, unit=T.INTENSITY_UNIT, top=44, decimals=0, color=charts.PALETTE[2]))

st.subheader(T.TABLE_RECIPIENTS)
recipients = ui.run("subsidies_recipients", p)
ui.money_table(recipients, money_cols=["amount_rub"], number_cols={"subsidies": 0}, date_cols=["last_decision"])

ui.downloads([
    (T.DL_SUBSIDY_RECIPIENTS, "субсидии-получатели", recipients),
    (T.DL_SUBSIDIES_SUMMARY, "субсидии-итоги", summary),
    (T.DL_INTENSITY, "интенсивность-поддержки", intensity),
    (T.DL_SUBSIDY_ROWS, "субсидии", ui.run_later("subsidies_rows", p)),
], f)
