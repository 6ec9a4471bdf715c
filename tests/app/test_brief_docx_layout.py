"""The Word document's layout: tables as wide as their numbers and words need, a wide table on a landscape page,
headings in the body's font (a hand-made Brief; the widths are worked out in the test)."""
from __future__ import annotations

import io

import docx
import pandas as pd
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from kuban.app import brief_docx
from kuban.app.brief import Brief, Table


def brief_with(frame: pd.DataFrame) -> Brief:
    return Brief(page="loans", title="Займы", note=None, filter_text="Муниципальные образования: все.",
                 data_to="декабрь 2025", demo=False, user="тест", made="01.01.2026 10:00",
                 tables=[Table("Займы", frame, len(frame))])


def read(b: Brief) -> docx.document.Document:
    return docx.Document(io.BytesIO(brief_docx.to_docx(b, None)))


NARROW = pd.DataFrame({"Предприятие": ["ООО «Альфа-Тест»", "АО «Бета-Тест»"], "Сумма, млн ₽": ["1 234,5", "30,0"]})
WIDE = pd.DataFrame({f"Столбец {i}": ["1 234,5", "1,0"] for i in range(12)} | {"Предприятие": ["Техноиндустрия", "X"]})


def test_a_narrow_table_stays_on_the_portrait_page_and_fills_its_width():
    d = read(brief_with(NARROW))
    assert [s.orientation for s in d.sections] == [WD_ORIENT.PORTRAIT]
    widths = [c.width for c in d.tables[-1].columns]
    text = Cm(21.0 - 3.0 - 1.5)
    assert abs(sum(widths) - text) < Cm(0.05)
    # «1 234,5» (7 characters at 10 pt, 0.215 cm each) and the header's longest word «Сумма,» (6 × 1.1) fit
    assert widths[1] >= Cm(7 * 0.215 + 0.25)


def test_a_wide_table_goes_on_a_landscape_page_and_back():
    d = read(brief_with(WIDE))
    assert [s.orientation for s in d.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    land = d.sections[1]
    assert abs(land.page_width - Cm(29.7)) < Cm(0.01) and abs(land.page_height - Cm(21.0)) < Cm(0.01)
    t = d.tables[-1]
    widths = [c.width for c in t.columns]
    assert abs(sum(widths) - Cm(29.7 - 3.0 - 1.5)) < Cm(0.05)
    # 13 columns: set at 9 pt; every number «1 234,5» and every header word «Столбец» (7 characters, bold ×1.1)
    # keeps its width, unbroken; the enterprise's name too («Техноиндустрия», 14)
    assert all(w >= Cm(7 * 1.1 * 0.0215 * 9 + 0.25) for w in widths[:12]), widths
    assert widths[12] >= Cm(14 * 0.0215 * 9 + 0.25)
    sizes = {r.font.size.pt for row in t.rows for cell in row.cells for p in cell.paragraphs for r in p.runs}
    assert sizes == {9.0}


def test_headings_use_the_body_font_not_the_templates_theme_font():
    d = read(brief_with(NARROW))
    for name in ("Title", "Heading 1", "Heading 2"):
        fonts = d.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == "Times New Roman", name
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:hAnsiTheme")) is None, name
