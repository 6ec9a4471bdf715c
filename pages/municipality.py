"""«Муниципалитет»: one municipality against the krai — shares and ranks, trend, largest enterprises,
specialisation by division, support intensity."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, passport_ui, ui
from kuban.model import passport

f = ui.page(T.MUNICIPALITY_TITLE, T.MUNICIPALITY_NOTE)
munis = ui.run("municipality_list")
oktmo = passport_ui.choose(munis)
if oktmo is None:
    st.stop()
m = munis[munis["oktmo"] == oktmo].iloc[0]
passport_ui.head(m)

whole = f.params(munis=[])                  # every municipality the user sees: the base of shares and ranks
here = f.params(munis=[oktmo])
divisions = ui.run("division_list")
codes = tuple(divisions["division"])
calls = [("shipments_by_municipality", whole), ("production_summary", whole), ("support_intensity", whole),
         ("cluster_specialisation", whole | {"cluster_codes": list(codes), "years_back": 1}),
         ("shipments_monthly", here), ("production_monthly", here)]
if ui.enterprise_detail():
    calls.append(("shipments_top_enterprises", here | {"limit": 10}))
by_muni, summary, intensity, spec, shipments, production, *top = ui.run_many(calls)     # side by side
table = passport.standing(munis, by_muni, summary, intensity, oktmo)
passport_ui.metrics(table)
passport_ui.standing_table(table)

left, right = st.columns(2)
with left:
    ui.chart(charts.monthly_trend(shipments, value="shipped_rub", prev="shipped_prev_rub",
                                  title=T.CHART_PASSPORT_SHIPMENTS, name=T.SERIES_SHIPPED, months=f.months))
with right:
    ui.chart(charts.monthly_trend(production, value="output_rub", prev="output_prev_rub",
                                  title=T.CHART_PASSPORT_OUTPUT, name=T.SERIES_OUTPUT, months=f.months))

lqs = passport.division_lqs(spec, codes, oktmo)
ui.chart(charts.bars(passport_ui.lq_bars(lqs, divisions), label="label", value="lq_employment",
                     title=T.CHART_PASSPORT_LQ, kind="number", unit="", decimals=2, top=24,
                     wrap=charts.DIVISION_WRAP, bar_px=charts.DIVISION_BAR_PX))
ui.note(T.PASSPORT_LQ_NOTE)

items = [(T.DL_PASSPORT, f"паспорт-{oktmo}", passport_ui.standing_download(table)),
         (T.DL_PASSPORT_LQ, f"паспорт-{oktmo}-отрасли", lqs)]
if top:
    top = top[0]
    st.subheader(T.TABLE_PASSPORT_TOP)
    ui.money_table(top.drop(columns=["export_rub"]), money_cols=["shipped_rub", "shipped_prev_rub"],
                   share_cols=["export_share"], growth_cols=["growth"], title=T.TABLE_PASSPORT_TOP,
                   key="passport-top", inns=top["inn"])
    items.append((T.DL_PASSPORT_TOP, f"паспорт-{oktmo}-предприятия", top))
else:
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
ui.downloads(items, f)
