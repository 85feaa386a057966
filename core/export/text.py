"""Text every export writer needs made safe for its file format."""

from __future__ import annotations

import re

# What XML 1.0 cannot hold, and lone surrogates, which no UTF encoding can: answers from older data
# may carry them, and a replacement character is better than a failed export or a dropped answer.
UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def readable(text: str) -> str:
    """The text with what XML 1.0 cannot hold replaced by U+FFFD."""
    return UNREADABLE.sub(REPLACEMENT, text) if UNREADABLE.search(text) else text
