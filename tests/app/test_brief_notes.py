"""Method notes a page shows under its charts and tables (`ui.note`) are the notes of its «Справка», once each."""
from __future__ import annotations

import pytest

from kuban import texts as T
from kuban.app import brief
from tests.app.apptest import start
from tests.conftest import SMALL


@pytest.mark.parametrize(("page", "expected"), [
    ("subsidies", T.INTENSITY_NOTE),
    ("loans", T.LOANS_TABLE_NOTE.split("{latest}")[0]),
    ("production", T.PRODUCERS_NOTE.split("{n}")[0]),
])
def test_a_pages_method_notes_are_in_its_brief_once(monkeypatch, page, expected):
    at = start(monkeypatch, SMALL, page)
    notes = at.session_state[brief.KEY].notes
    hits = [n for n in notes if n.startswith(brief.plain(expected).strip())]
    assert len(hits) == 1, notes
    shown = [c.value for c in at.caption]
    assert any(brief.plain(c).startswith(brief.plain(expected).strip()) for c in shown), shown
