"""Reading documents the dashboard writes, for the tests: the text of a Word file (python-docx)."""
from __future__ import annotations


def docx_text(document) -> str:
    """Every paragraph of the body and every cell of its tables, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [c.text for c in row.cells]
    return "\n".join(lines)
