"""Resume codes: made with `secrets`, checked by their shape, stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

# The prefix tells a resume code from an invitation code at a glance, and in '/start CODE' too.
PREFIX = "move-"
RANDOM_BYTES = 16  # 128 bits: guessing one live code among millions, at the rate limit, is hopeless
VALID_FOR = timedelta(minutes=15)
# token_urlsafe writes Telegram's deep-link alphabet [A-Za-z0-9_-]: 22 characters for 16 bytes.
_SHAPE = re.compile(r"^move-[A-Za-z0-9_-]{22}$")


def new_code() -> str:
    """An unguessable code of 27 characters (fits a Telegram deep link's 64)."""
    return PREFIX + secrets.token_urlsafe(RANDOM_BYTES)


def well_formed(code: str) -> bool:
    """True when `code` has the shape of a resume code (a typo usually has not)."""
    return _SHAPE.match(code) is not None


def digest(code: str) -> str:
    """What is stored instead of the code, so that a copy of the database moves no response.

    A plain SHA-256 suffices: a salt or a slow hash protects guessable secrets (passwords); these
    codes carry 128 random bits, so no list of guesses can be hashed ahead.
    """
    return hashlib.sha256(code.encode()).hexdigest()
