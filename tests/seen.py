"""What a reader sees of a Markdown body the dashboard wrote: `seen(body)`.

Data text reaches Markdown through kuban.app.fmt.md(), which backslash-escapes every ASCII punctuation mark
and puts an invisible word joiner into bare links (http:, www., @). Tests that look for a figure or a
name in a caption, a notice or st.markdown compare against `seen(...)` of the element's body.
"""
from __future__ import annotations

import re

from kuban.app.fmt import WORD_JOINER

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def seen(body: str) -> str:
    return _ESCAPE.sub(r"\1", body).replace(WORD_JOINER, "")


def seen_all(elements) -> list[str]:
    """`seen()` of the bodies of a list of AppTest elements (at.caption, at.warning, …)."""
    return [seen(e.value) for e in elements]
