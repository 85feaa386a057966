"""Right-to-left text that reads correctly with Latin words, numbers and lists inside (the Unicode Bidi Algorithm).

Two marks, each where the algorithm would otherwise reorder (UAX #9; Unicode's "Unicode Bidi" notes):
- a value put into a sentence (a name, an e-mail, a number) is isolated (FSI ... PDI), so that its
  punctuation stays with it and never changes places with the sentence around it;
- a line holding right-to-left letters but beginning with a number or a Latin word ("1. ...",
  "E-mail (2 of 4)") starts with a RIGHT-TO-LEFT MARK, so that the line is right-to-left as a whole.
Lines without right-to-left letters (a question not translated yet) are left as they are: left-to-right.
"""

from __future__ import annotations

import re
import unicodedata

FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"
_PLACEHOLDER = re.compile(r"(?<!\{)\{[a-z_]+\}(?!\})")
_RTL = frozenset({"R", "AL"})
_STRONG = frozenset({"L", "R", "AL"})


def isolate_placeholders(template: str) -> str:
    """The template with each named placeholder isolated: '{field} مطلوب' -> FSI '{field}' PDI ' مطلوب'."""
    return _PLACEHOLDER.sub(lambda m: f"{FSI}{m.group(0)}{PDI}", template)


def rtl_lines(text: str) -> str:
    """Each line with right-to-left letters made right-to-left as a whole (a mark only where it is needed)."""
    return "\n".join(_rtl_line(line) for line in text.split("\n"))


def _rtl_line(line: str) -> str:
    classes = [unicodedata.bidirectional(ch) for ch in line]
    if not _RTL.intersection(classes):
        return line
    return line if _first_strong(classes) in _RTL else RLM + line


def _first_strong(classes: list[str]) -> str | None:
    """The line's first strong direction, skipping isolated runs as the algorithm does (UAX #9, rule P2)."""
    depth = 0
    for c in classes:
        if c in ("FSI", "LRI", "RLI"):
            depth += 1
        elif c == "PDI" and depth:
            depth -= 1
        elif c in _STRONG and not depth:
            return c
    return None
