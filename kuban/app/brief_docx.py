"""«Справка (Word)»: a Brief (kuban/app/brief.py) as a .docx document (python-docx).

Layout, as Russian ministries expect an informational note: A4 portrait; margins left 3 cm (room for filing, the
custom of ГОСТ Р 7.0.97-2016 and ГОСТ 7.32), right 1.5 cm, top and bottom 2 cm; Times New Roman 13 pt body (every
reader has it), tables 10 pt, headings bold; the demo notice first when the data is the demo set; the title, the
conditions (filter in words, the last month of data, made when and by whom); the headline figures as a two-column
table (figure, value with its change); each chart a picture at the text width with the caption «Рисунок N — …»
below it (a SEQ field, so Word can list and renumber figures); each table with «Таблица N — …» above it, its
header row repeated on every page (w:tblHeader), rows kept whole, columns as wide as their numbers and words need
(a table of more than 7 columns on a landscape page); the note of rows left out; the method notes;
page numbers in the footer (a PAGE field). Numbers are the page's own Russian text («1 234,5», «млн ₽»).
"""
from __future__ import annotations

import io
import struct

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kuban import texts as T
from kuban.app.brief import Brief, printable, rows_note

FONT = "Times New Roman"
BODY_PT, TABLE_PT, SMALL_PT = 13, 10, 11
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = Cm(3.0), Cm(1.5), Cm(2.0), Cm(2.0)
PICTURE_W = Cm(16.0)                   # = kuban.app.brief_images.PRINT_WIDTH_CM, within the 16.5 cm text width
PICTURE_MAX_H = Cm(21.0)               # a taller chart is scaled down to fit a page with its caption


def build(b: Brief) -> bytes:
    """The document with the charts rendered by kuban.app.brief_images; without Chromium, without pictures
    (and a note saying so)."""
    from kuban.app import brief_images
    try:
        pictures = brief_images.png([printable(f.fig) for f in b.figures])
    except brief_images.ChartsUnavailable:
        pictures = None
    return to_docx(b, pictures)


# --- python-docx helpers ---------------------------------------------------------------------------------

def _fonts(style_or_run_font, size: float | None = None, bold: bool | None = None) -> None:
    f = style_or_run_font
    f.name = FONT
    if size:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    f.color.rgb = RGBColor(0, 0, 0)
    fonts = f._element.get_or_add_rPr().get_or_add_rFonts()      # Cyrillic, complex and East Asian text too
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    # The template's headings name theme fonts (Calibri Light), which win over the names above: removed.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _style(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal.font, BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 16), ("Heading 1", 14), ("Heading 2", 13)):
        st = styles[name]
        _fonts(st.font, size, bold=True)
        st.font.italic = False
        st.paragraph_format.space_before = Pt(12)
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.keep_with_next = True
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = styles["Caption"]
    _fonts(caption.font, SMALL_PT + 1, bold=False)
    caption.font.italic = False
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_after = Pt(12)


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, SEQ …) with `shown` as its current result."""
    def run_with(el):
        r = paragraph.add_run()
        r._r.append(el)
        return r
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _cell(cell, text: str, size: float = TABLE_PT, bold: bool = False, align=None, small: str | None = None):
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    if align is not None:
        p.alignment = align
    r = p.add_run(text)
    r.font.size = Pt(size)
    r.bold = bold
    if small:
        p2 = cell.add_paragraph()
        p2.paragraph_format.space_after = Pt(0)
        p2.paragraph_format.line_spacing = 1.0
        if align is not None:
            p2.alignment = align
        r2 = p2.add_run(small)
        r2.font.size = Pt(size - 1)
        r2.italic = True


WIDE_TABLE_COLUMNS = 7                  # a table with more columns is printed on a landscape page
# Width of a character per point of size, in cm: Times New Roman (and Liberation Serif, metric-compatible, which
# LibreOffice puts in its place) averages ~0.6 em for Cyrillic words and digits.
CM_PER_CHAR = 0.0215
CROWDED_COLUMNS, CROWDED_PT = 10, 9     # a table of more columns is set smaller
CELL_MARGIN_CM = 0.1                    # a table cell's left and right margin each (Word's default is 0.19 cm)
CELL_PAD_CM = 2 * CELL_MARGIN_CM + 0.05
BOLD = 1.1                              # header cells are bold


def _column_widths(frame, numeric: list[bool], text_cm: float, pt: float) -> list[float]:
    """Widths (cm) that fill `text_cm`: a number never wraps, no word is broken (headers' and cells' words up to
    16 characters), and the room left goes to the columns with longer text."""
    cw = CM_PER_CHAR * pt
    mins, wants = [], []
    for col, is_number in zip(frame.columns, numeric):
        cells = [str(v) for v in frame[col]]
        head_word = BOLD * max((len(w) for w in str(col).split()), default=1)
        longest = max((len(x) for x in cells), default=1)
        word = max((len(w) for x in cells for w in x.split()), default=1)
        low = max(head_word, longest if is_number else min(word, 16))
        mins.append(low)
        wants.append(max(low, min(longest, 40)))
    need = [m * cw + CELL_PAD_CM for m in mins]
    room = text_cm - sum(need)
    if room <= 0:                      # even the least does not fit: numbers keep theirs, text columns shrink alike
        fixed = sum(n for n, is_number in zip(need, numeric) if is_number)
        text = sum(need) - fixed
        scale = max(text_cm - fixed, 0.1 * text) / text if text else 1.0
        widths = [n if is_number else n * scale for n, is_number in zip(need, numeric)]
        return [w * text_cm / sum(widths) for w in widths]
    extra = [w - m for w, m in zip(wants, mins)]
    spread = sum(extra) or len(extra)
    return [n + room * ((e if sum(extra) else 1) / spread) for n, e in zip(need, extra)]


def _set_widths(t, widths_cm: list[float]) -> None:
    t.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(CELL_MARGIN_CM / 2.54 * 1440)))      # twentieths of a point
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    t._tbl.tblPr.append(margins)
    for j, w in enumerate(widths_cm):
        t.columns[j].width = Cm(w)
        for cell in t.columns[j].cells:
            cell.width = Cm(w)


def _orient(doc, landscape: bool) -> float:
    """A new section (on a new page) in the orientation asked; returns its text width in cm."""
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    sec.left_margin, sec.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    sec.top_margin, sec.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    return (sec.page_width - sec.left_margin - sec.right_margin) / Cm(1)


def _numeric(text: str) -> bool:
    """A cell the page right-aligns: a number, a share, money («1 234,5», «+12,3 %», «—»)."""
    t = text.replace("\u00a0", "").replace(" ", "").replace("%", "").replace("₽", "")
    return bool(t) and (t == "—" or t.lstrip("+-−").replace(",", "").replace(".", "").isdigit())


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


# --- The document ------------------------------------------------------------------------------------------

def to_docx(b: Brief, pictures: list[bytes] | None) -> bytes:
    """The document of `b`; `pictures`: one PNG per figure of `b`, in order (None: charts could not be drawn)."""
    doc = Document()
    _style(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.left_margin, sec.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    sec.top_margin, sec.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")
    core = doc.core_properties
    core.title, core.author, core.language = f"{T.BRIEF_KIND}: {b.title}", T.BRIEF_SOURCE, "ru-RU"

    if b.demo:
        p = doc.add_paragraph()
        r = p.add_run(T.XLSX_ABOUT_DEMO)
        r.bold = True
        r.font.size = Pt(SMALL_PT)
    kind = doc.add_paragraph(T.BRIEF_KIND.upper())
    kind.alignment = WD_ALIGN_PARAGRAPH.CENTER
    kind.runs[0].bold = True
    doc.add_paragraph(b.title, style="Title")
    if b.note:
        p = doc.add_paragraph(b.note)
        p.runs[0].font.size = Pt(SMALL_PT)

    doc.add_heading(T.BRIEF_CONDITIONS, level=1)
    doc.add_paragraph(b.filter_text)
    if b.data_to:
        doc.add_paragraph(T.BRIEF_DATA_TO.format(month=b.data_to))
    doc.add_paragraph(T.BRIEF_MADE.format(made=b.made, user=b.user) + " " + T.BRIEF_SOURCE + ".")

    if b.metrics:
        doc.add_heading(T.BRIEF_METRICS, level=1)
        t = doc.add_table(rows=1, cols=2)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = t.rows[0]
        for cell, text in zip(head.cells, T.BRIEF_METRICS_COLUMNS):
            _cell(cell, text, BODY_PT - 1, bold=True)
        _repeat_header(head)
        for m in b.metrics:
            row = t.add_row()
            _cant_split(row)
            _cell(row.cells[0], m.label, BODY_PT - 1, small=m.help)
            _cell(row.cells[1], m.value, BODY_PT - 1, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT,
                  small=T.BRIEF_DELTA.format(delta=m.delta) if m.delta else None)
        for row in t.rows:
            row.cells[0].width, row.cells[1].width = Cm(10.0), Cm(6.5)

    if b.figures:
        doc.add_heading(T.BRIEF_CHARTS, level=1)
        if pictures is None:
            doc.add_paragraph(T.BRIEF_NO_PICTURES)
        for n, f in enumerate(b.figures, start=1):
            if pictures is not None and n - 1 < len(pictures):
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.space_after = Pt(2)
                width = PICTURE_W
                size = _png_size(pictures[n - 1])
                if size and size[0] and width * size[1] / size[0] > PICTURE_MAX_H:
                    width = int(PICTURE_MAX_H * size[0] / size[1])
                p.add_run().add_picture(io.BytesIO(pictures[n - 1]), width=width)
            cap = doc.add_paragraph(style="Caption")
            head, _, tail = T.BRIEF_FIGURE_CAPTION.partition("{n}")
            cap.add_run(head)
            _field(cap, "SEQ Рисунок \\* ARABIC", str(n))
            cap.add_run(tail.format(title=f.title))

    portrait_cm = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / Cm(1)
    landscape = False
    for n, table in enumerate(b.tables, start=1):
        wide = len(table.frame.columns) > WIDE_TABLE_COLUMNS
        if wide != landscape:            # a wide table on a landscape page; back to portrait after it
            landscape = wide
            text_cm = _orient(doc, landscape)
        else:
            text_cm = (PAGE_H - MARGIN_LEFT - MARGIN_RIGHT) / Cm(1) if landscape else portrait_cm
        doc.add_heading(T.BRIEF_TABLES if len(b.tables) == 1 else table.title, level=1)
        cap = doc.add_paragraph()
        cap.paragraph_format.keep_with_next = True
        head, _, tail = T.BRIEF_TABLE_CAPTION.partition("{n}")
        cap.add_run(head)
        _field(cap, "SEQ Таблица \\* ARABIC", str(n))
        cap.add_run(tail.format(title=table.title))
        frame = table.frame
        pt = CROWDED_PT if len(frame.columns) > CROWDED_COLUMNS else TABLE_PT
        t = doc.add_table(rows=1, cols=max(1, len(frame.columns)))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, col in zip(t.rows[0].cells, frame.columns):
            _cell(cell, str(col), pt, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _repeat_header(t.rows[0])
        numeric = [frame[c].map(_numeric).all() and len(frame) > 0 for c in frame.columns]
        for values in frame.itertuples(index=False):
            cells = t.add_row().cells
            for j, v in enumerate(values):
                _cell(cells[j], str(v), pt, align=WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] else None)
        for row in t.rows[1:]:
            _cant_split(row)
        if len(frame.columns):
            _set_widths(t, _column_widths(frame, numeric, text_cm, pt))
        for text in (table.note, rows_note(table)):
            if text:
                p = doc.add_paragraph(text)
                p.runs[0].font.size = Pt(SMALL_PT)

    if landscape:
        _orient(doc, False)
    if b.notes:
        doc.add_heading(T.BRIEF_NOTES, level=1)
        for i, text in enumerate(b.notes, start=1):
            for k, part in enumerate(x for x in text.split("\n\n") if x.strip()):
                p = doc.add_paragraph((f"{i}. " if k == 0 and len(b.notes) > 1 else "") + part.replace("\n", " "))
                p.paragraph_format.first_line_indent = Cm(1.25)
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
