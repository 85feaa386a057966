"""One invitation, and how its code is made."""

from __future__ import annotations

import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from core.windows import INVITE

# 12 random bytes are 16 URL-safe characters ([A-Za-z0-9_-]: Telegram's deep-link alphabet) and
# 96 bits: guessing one of even a million codes takes about 10^23 tries.
CODE_BYTES = 12


def new_code() -> str:
    """An unguessable invitation code that fits a Telegram deep link (`?start=CODE`)."""
    code = secrets.token_urlsafe(CODE_BYTES)
    # A leading '-' would read as an option in `consult invite revoke CODE`; 'move-' begins resume codes.
    while code.startswith(("-", "move-")):
        code = secrets.token_urlsafe(CODE_BYTES)
    assert INVITE.match(code)
    return code


def organisation_key(name: str) -> str:
    """An organisation's name as compared: casefolded, spaces collapsed ("UN  Women" is "un women")."""
    return " ".join(name.split()).casefold()


class Invitation(BaseModel):
    """Who was invited, under which code; everything but the organisation is optional."""

    model_config = ConfigDict(frozen=True)

    code: str
    organisation: str
    category: str | None = None
    subcategory: str | None = None
    name: str | None = None
    email: str | None = None
    language: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Invited(BaseModel):
    """What the session keeps of its invitation: the values offered, beside those the respondent gave."""

    code: str
    organisation: str
    category: str | None = None
    subcategory: str | None = None

    @classmethod
    def of(cls, invitation: Invitation) -> Invited:
        return cls(code=invitation.code, organisation=invitation.organisation,
                   category=invitation.category, subcategory=invitation.subcategory)
