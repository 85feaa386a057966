"""How many wrong codes are allowed, so that codes cannot be guessed (and say so to respondents).

Every code refused counts (not right, used, expired, or made in the same chat); a move refused
because the target has answers of its own does not. Per respondent id: 5 wrong codes an hour.
For everyone together: 1,000 an hour, which stops a guesser with many accounts while letting
ordinary typos through (a flood of guesses can pause moves for everyone for an hour; answering is
never paused). Wrong tries are stored by the MoveStore (a file beside the embedded database, a
table on PostgreSQL), so a restart does not reset them. With 128-bit codes, at 1,000 tries an hour,
guessing one live code of a million would take longer than the universe has existed; the limit
mostly keeps a typo loop from running for ever.
"""

from __future__ import annotations

from datetime import timedelta

from core.i18n import N_
from core.resume.port import Tries

WINDOW = timedelta(hours=1)
PER_RESPONDENT = 5
EVERYONE = 1_000

TOO_MANY_HERE = N_(
    "Too many wrong codes were tried in this chat, so codes are not taken here for an hour. "
    "Nothing was changed."
)
TOO_MANY_EVERYWHERE = N_(
    "Too many wrong codes were tried recently, so moving between apps is paused for an hour. "
    "Nothing was changed; you can go on answering where you are."
)


def refusal(tries: Tries) -> str | None:
    """Why no code is taken now, or None when one may be tried."""
    if tries.mine >= PER_RESPONDENT:
        return TOO_MANY_HERE
    if tries.everyone >= EVERYONE:
        return TOO_MANY_EVERYWHERE
    return None
