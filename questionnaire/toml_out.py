"""Write a questionnaire as TOML that the loader reads back as the same questionnaire."""

from __future__ import annotations

import tomli_w

from questionnaire.model import Questionnaire

HEADER = "# Written by `consult questionnaire import`. Check it with `consult questionnaire check`.\n\n"


def dumps(q: Questionnaire, header: str = HEADER) -> str:
    """The questionnaire as TOML text: only what differs from the defaults, long texts on several lines."""
    return header + tomli_w.dumps(q.model_dump(exclude_defaults=True), multiline_strings=True)
