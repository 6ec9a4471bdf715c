"""A naive oracle: every query the pages run, computed a second time in plain Python from the loaded tables.

Written from the definitions in the queries' headers (Answers / Params / Returns), not from their SQL: no
code is shared with queries/ or kuban/. tests/model/test_differential.py runs each query and its oracle on random
data and random filters and compares them figure by figure (tests/oracle/compare.py).

ORACLES maps a query name to its Spec: the oracle function `f(raw, params) -> list of row dicts`, the key
columns of a row, and the documented order of the rows (`spec_for` gives the Spec of one filter).
"""
from __future__ import annotations

from . import cluster, enterprise, facts, reference, support
from .base import Raw
from .compare import Spec, asc, compare, desc

DIMENSIONS = {"total": 0, "fund": 1, "programme": 2, "status": 3, "year": 4, "budget": 2, "municipality": 5,
              "division": 6}
PRODUCTION_DIMENSIONS = {"total": 0, "municipality": 1, "division": 2}
SUBSIDY_DIMENSIONS = {"total": 0, "programme": 1, "budget": 2, "year": 3, "municipality": 4}

# A Spec, or a function of the parameters giving one (a query whose order depends on them).
ORACLES: dict = {
    # «Обзор»
    "overview_kpis": Spec(facts.overview_kpis, ()),
    # «Отгрузка» (and «Обзор»)
    "shipments_monthly": Spec(facts.shipments_monthly, ("period",), lambda r: asc(r["period"])),
    "shipments_by_municipality": Spec(facts.shipments_by_municipality, ("oktmo",),
                                      lambda r: (desc(r["shipped_rub"]), asc(r["oktmo"]))),
    "shipments_by_division": Spec(facts.shipments_by_division, ("division",),
                                  lambda r: (desc(r["shipped_rub"]), asc(r["division"]))),
    "shipments_top_enterprises": Spec(facts.shipments_top_enterprises, ("inn",),
                                      lambda r: (desc(r["shipped_rub"]), r["inn"]),
                                      limit="limit", limit_value="shipped_rub"),
    "shipments_rows": Spec(facts.shipments_rows, ("inn", "period"), lambda r: (r["period"], r["inn"])),
    # «Производство»
    "production_summary": Spec(facts.production_summary, ("dimension", "oktmo", "division"),
                               lambda r: (PRODUCTION_DIMENSIONS[r["dimension"]], desc(r["output_rub"]),
                                          asc(r["oktmo"]), asc(r["division"]))),
    "production_monthly": Spec(facts.production_monthly, ("period",), lambda r: asc(r["period"])),
    "production_enterprises": Spec(facts.production_enterprises, ("inn",),
                                   lambda r: (desc(r["output_rub"]), r["inn"])),
    "production_top_enterprises": lambda p: Spec(
        facts.production_top_enterprises, ("inn",),
        (lambda r: (desc(r["productivity_growth"]), r["inn"])) if p["order"] == "productivity_growth"
        else (lambda r: (desc(r["output_rub"]), r["inn"])),
        limit="limit", limit_value="productivity_growth" if p["order"] == "productivity_growth" else "output_rub"),
    "production_rows": Spec(facts.production_rows, ("inn", "period"), lambda r: (r["period"], r["inn"])),
    # «Займы ФРП»
    "loans_portfolio": Spec(support.loans_portfolio, ("dimension", "fund", "programme", "status", "year", "oktmo"),
                            lambda r: (DIMENSIONS[r["dimension"]], asc(r["year"]), desc(r["amount_all_rub"]),
                                       asc(r["fund"]), asc(r["programme"]), asc(r["status"]), asc(r["oktmo"]))),
    "loans_monthly": Spec(support.loans_monthly, ("period", "fund"), lambda r: (r["period"], r["fund"])),
    "loans_list": Spec(support.loans_list, ("loan_id",),
                       lambda r: (-r["decision_date"].toordinal(), r["loan_id"])),
    # «Субсидии»
    "subsidies_summary": Spec(support.subsidies_summary, ("dimension", "programme", "budget", "year", "oktmo"),
                              lambda r: (SUBSIDY_DIMENSIONS[r["dimension"]], asc(r["year"]), desc(r["amount_rub"]),
                                         asc(r["programme"]), asc(r["budget"]), asc(r["oktmo"]))),
    "support_intensity": Spec(support.support_intensity, ("dimension", "oktmo"),
                              lambda r: (r["dimension"] != "total", desc(r["intensity"]), asc(r["oktmo"]))),
    "subsidies_recipients": Spec(support.subsidies_recipients, ("inn",), lambda r: (desc(r["amount_rub"]), r["inn"])),
    "subsidies_rows": Spec(support.subsidies_rows, ("subsidy_id",), lambda r: (r["decision_date"], r["subsidy_id"])),
    # «Кластер»
    "cluster_code_options": Spec(cluster.cluster_code_options, ("code",), lambda r: r["code"]),
    "cluster_members": Spec(cluster.cluster_members, ("inn",), lambda r: r["shipped_rank"],
                            ranks=("shipped_rank",)),
    "cluster_specialisation": Spec(cluster.cluster_specialisation, ("oktmo", "industry"),
                                   lambda r: (asc(r["oktmo"]), r["industry"])),
    "cluster_vs_rest": Spec(cluster.cluster_vs_rest, ("years_back", "in_cluster"),
                            lambda r: (-r["years_back"], not r["in_cluster"])),
    # «Предприятие»
    "enterprise_search": lambda p: Spec(enterprise.enterprise_search, ("inn",), enterprise.search_order(p["search"])),
    "enterprise_profile": Spec(enterprise.enterprise_profile, ("inn",)),
    "enterprise_monthly": Spec(enterprise.enterprise_monthly, ("period",), lambda r: r["period"]),
    "enterprise_summary": Spec(enterprise.enterprise_summary, ("inn",)),
    "enterprise_support": Spec(enterprise.enterprise_support, ("kind", "id"),
                               lambda r: (-r["decision_date"].toordinal(), r["kind"], r["id"])),
    # The sidebar and «Данные»
    "municipality_list": Spec(reference.municipality_list, ("oktmo",),
                              lambda r: (r["kind"] != "городской округ", r["name"])),
    "division_list": Spec(reference.division_list, ("division",), lambda r: r["division"]),
    "period_bounds": Spec(reference.period_bounds, ()),
    "load_files": Spec(reference.load_files, ("table", "file"), lambda r: (r["table"], r["file"])),
    "load_problems": Spec(reference.load_problems, None,
                          lambda r: (r["table"], r["file"], r["line"] is not None, r["line"] or 0)),
}

__all__ = ["ORACLES", "Raw", "Spec", "compare"]


def spec_for(name: str, params: dict) -> Spec:
    spec = ORACLES[name]
    return spec if isinstance(spec, Spec) else spec(params)
