"""«Субсидии»: subsidies by programme, budget level, municipality and year; recipients; support intensity."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, ui

f = ui.page(T.SUBSIDIES_TITLE, T.SUBSIDIES_NOTE)
p = f.params()

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

ui.chart(charts.bars(dim("programme"), label="programme", value="amount_rub", title=T.CHART_SUBSIDIES_BY_PROGRAMME,
                     wrap=38, bar_px=44))
left, right = st.columns(2)
with left:
    ui.chart(charts.bars(dim("budget").fillna({"budget": T.BUDGET_NOT_STATED}), label="budget", value="amount_rub",
                         title=T.CHART_SUBSIDIES_BY_BUDGET, color=charts.PALETTE[4]))
    ui.chart(charts.stacked_bars(dim("year"), x="year", stack="budget", value="amount_rub", title=T.CHART_SUBSIDIES_BY_YEAR,
                                 missing_label=T.BUDGET_NOT_STATED))
with right:
    ui.chart(charts.bars(dim("municipality"), label="municipality", value="amount_rub", title=T.CHART_SUBSIDIES_BY_MUNI,
                         top=44))

st.subheader(T.INTENSITY_TITLE)
ui.note(T.INTENSITY_NOTE)
ui.municipality_map(by_muni_support, "intensity", T.MAP_INTENSITY, T.KPI_INTENSITY, key="map-subsidies",
                    money=False, unit=T.INTENSITY_UNIT_SHORT)
ui.chart(charts.bars(by_muni_support, label="municipality", value="intensity", title=T.CHART_INTENSITY, kind="number",
                     unit=T.INTENSITY_UNIT, decimals=0, top=44, color=charts.PALETTE[2]))

st.subheader(T.TABLE_RECIPIENTS)
if not ui.enterprise_detail():
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
    ui.downloads([(T.DL_SUBSIDIES_SUMMARY, "субсидии-итоги", summary), (T.DL_INTENSITY, "интенсивность-поддержки",
                                                                          intensity)], f)
    st.stop()
recipients = ui.run("subsidies_recipients", p)
ui.money_table(recipients, money_cols=["amount_rub"], number_cols={"subsidies": 0}, date_cols=["last_decision"],
               key="subsidies-recipients", inns=recipients["inn"])

ui.downloads([
    (T.DL_SUBSIDY_RECIPIENTS, "субсидии-получатели", recipients),
    (T.DL_SUBSIDIES_SUMMARY, "субсидии-итоги", summary),
    (T.DL_INTENSITY, "интенсивность-поддержки", intensity),
    (T.DL_SUBSIDY_ROWS, "субсидии", ui.run_later("subsidies_rows", p)),
], f)
