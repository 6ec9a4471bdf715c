"""Differencing past the small-cell rule (issue 19): an aggregates-only user subtracting two views they may get.

The attack: the krai's figures and the krai's without one municipality, both unsuppressed, subtracted, give that
municipality's figures although its own view is suppressed. On the small fixture (tests/conftest.py) Абинский
район's C is its only enterprise: subsidy S2 1,5 mln in 2025, shipments 110 mln. An aggregates-only user chooses
one municipality and one division at most (or all), so the pair «the krai» / «the krai less Абинский» does not
exist for them; sums over divisions and over municipalities of one view are protected by the secondary rule.
"""
from __future__ import annotations

from kuban import texts as T
from tests.app.apptest import app, metrics, no_errors
from tests.app.test_pages_enterprise_municipality import folder, fresh_throttle, signed_in  # noqa: F401
from tests.app.test_signin import submit

OTHERS = ["Кореновский район", "Краснодар"]         # the krai less Абинский район: what the attack chooses


def test_an_aggregates_only_user_cannot_choose_the_krai_less_one_municipality(monkeypatch, folder):  # noqa: F811
    at = submit(app(monkeypatch, folder, {"mo": OTHERS}).run(), "petrov")     # a link holding the attack's choice
    at.switch_page("pages/subsidies.py").run()
    no_errors(at)
    munis = at.sidebar.multiselect(key="mo")
    assert munis.value == ["Кореновский район"]                  # the first of the link's values, no more
    assert munis.proto.max_selections == 1
    divisions = at.sidebar.multiselect(key="okved")
    assert divisions.proto.max_selections == 1
    # the krai user may still choose any set
    boss = signed_in(monkeypatch, folder, "ivanova", "subsidies")
    assert boss.sidebar.multiselect(key="mo").proto.max_selections == 0


def test_the_subtraction_over_one_views_breakdown_gives_nothing_hidden():
    """On the demo data, what an aggregates-only krai user can get of support by municipality (the subsidies
    page): the krai total, and every municipality's row. Славянский район's one recipient (and one borrower) are
    hidden, and so is at least one more row of each, so the krai less the shown rows is a sum of hidden ones,
    never Славянский район's own figure."""
    import math

    from kuban.access.scope import AGGREGATES, Scope
    from kuban.data.ingest import load_folder
    from kuban.model import queries
    from kuban.model.db import Database
    from kuban.model.filters import default_window
    from kuban.paths import DEFAULT_DATA

    full = Database(load_folder(DEFAULT_DATA))
    try:
        petrov = full.for_scope(Scope(user="petrov", role="krai", detail=AGGREGATES))
        bounds = queries.run(full, "period_bounds").iloc[0]
        d_from, d_to = default_window(bounds["last_period"].date(), bounds["first_period"].date())
        p = {"munis": [], "divisions": [], "date_from": d_from, "date_to": d_to}
        truth = queries.run(full, "support_intensity", p).set_index("oktmo")
        shown = queries.run(petrov, "support_intensity", p)
        rows = shown[shown["dimension"] == "municipality"].set_index("oktmo")
        total = shown[shown["dimension"] == "total"].iloc[0]
        for measure, count in (("subsidies_rub", "recipients"), ("loans_rub", "borrowers")):
            small = truth[(truth["dimension"] == "municipality") & truth[count].between(1, 2)].index
            assert len(small), count                          # the demo data has such municipalities
            hidden = rows[rows[measure].isna()].index
            assert set(small) <= set(hidden)                  # primary: each small one hidden
            assert not math.isnan(total[measure])             # the krai total is shown
            # what subtraction gives: the hidden rows together, which is never one small row's own figure
            rest = total[measure] - rows[measure].sum()
            assert len(hidden) >= 2
            for m in small:
                assert abs(rest - truth.loc[m, measure]) > 0.5, (measure, m)
    finally:
        full.close()
