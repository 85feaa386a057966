"""Text every export writer needs made safe for its file format."""

from __future__ import annotations

import itertools
import re
import unicodedata

# What XML 1.0 cannot hold, and lone surrogates, which no UTF encoding can: answers from older data
# may carry them, and a replacement character is better than a failed export or a dropped answer.
UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
LETTER = re.compile(r"&(?:amp|lt|gt);|([^\W\d_])")  # a letter, or an XML entity to pass over
RIGHT_TO_LEFT = ("R", "AL")  # Unicode bidirectional classes: Hebrew and others, Arabic and others
# Letters enough to tell a paragraph's script: a 100,000-character answer is not read to the end for it.
SAMPLE_LETTERS = 400


def readable(text: str) -> str:
    """The text with what XML 1.0 cannot hold replaced by U+FFFD."""
    return UNREADABLE.sub(REPLACEMENT, text) if UNREADABLE.search(text) else text


def right_to_left(text: str) -> bool:
    """True when the text is mainly of right-to-left scripts (Arabic, Hebrew...): more such letters than others.

    Mainly, not first (UAX #9's rule P2): an Arabic answer that opens with "WSIS" or "IGF" is still an
    Arabic paragraph. Works on escaped XML too: the letters of its entities (&amp; &lt; &gt;) are passed over.
    """
    if text.isascii():
        return False
    balance = 0
    letters = (m.group(1) for m in LETTER.finditer(text) if m.group(1))
    for letter in itertools.islice(letters, SAMPLE_LETTERS):
        balance += 1 if unicodedata.bidirectional(letter) in RIGHT_TO_LEFT else -1
    return balance > 0
