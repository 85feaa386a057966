"""Golden transcripts: the bundled questionnaire walked in each language, on the terminal and both chat stand-ins.

A difference means what people read has changed. If the change is meant (new wording, a translation
landed), write the goldens again: python -m tests.support.goldens --update
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.i18n import LANGUAGES
from tests.support.goldens import KINDS, golden_path, transcript


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_walk_reads_as_its_golden(lang: str, kind: str, tmp_path: Path) -> None:
    fresh = transcript(lang, kind, tmp_path)
    golden = golden_path(lang, kind)
    assert golden.exists(), f"no golden yet: python -m tests.support.goldens --update --language {lang}"
    assert fresh == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; if the change is meant: python -m tests.support.goldens --update --language {lang}"
    )


def test_english_goldens_say_the_catalogues_english() -> None:
    chat = golden_path("en", "chat").read_text(encoding="utf-8")
    assert "Question 1 of 15" in chat and "That was the last question." in chat
    assert "Thank you" in chat  # the walk ends submitted
