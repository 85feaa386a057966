"""Small text helpers shared by the writers."""

from __future__ import annotations

import re

# Characters that make structure inside one line of Markdown: emphasis, code, links, HTML, tables.
# (Line-start markers such as "#" or "-" cannot occur: the text always follows other text.)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell or heading: one line, punctuation escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
