"""The secretariat's decision on an organisation's several submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Decision(BaseModel):
    """Which submission counts as the organisation's (`chosen`), or all of them as one joint submission."""

    model_config = ConfigDict(frozen=True)

    key: str  # the organisation as compared (core.invitations.model.organisation_key)
    organisation: str  # as shown when deciding
    kind: Literal["chosen", "joint"]
    chosen: str | None = None  # the respondent id, for "chosen"
    # The submissions there were when deciding: a later one makes the decision due again.
    respondents: tuple[str, ...]
    decided_at: datetime
