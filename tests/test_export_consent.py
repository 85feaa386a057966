"""No identity of a respondent who did not authorise citation reaches any public file."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from string import ascii_lowercase
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Text

from core.export.records import Audience, Scope, compile_responses
from core.export.run import FORMATS, export
from core.session import Session
from questionnaire.loader import bundled_path, parse
from questionnaire.model import Questionnaire
from tests.support.responses import WGEC, respondent

NOW = datetime(2013, 9, 1, tzinfo=UTC)
token = st.text(ascii_lowercase, min_size=8, max_size=12)


@st.composite
def people(draw: st.DrawFn) -> list[tuple[Session, bool, list[str]]]:
    """Respondents with unmistakable names, each consenting or not, of any category."""
    count = draw(st.integers(1, 5))
    tokens = draw(st.lists(token, min_size=count, max_size=count, unique=True))
    crowd = []
    for index, tok in enumerate(tokens):
        consents = draw(st.booleans())
        # Consent as submitted, and as it stands now: taking it back must protect at once.
        later = draw(st.sampled_from(["same", "withdrawn", "given"]))
        non_gov = draw(st.booleans())
        session = respondent(
            f"Nm{tok}",
            consent="Yes" if consents else "No",
            category="Non-Government" if non_gov else "Government",
            group="Civil society" if non_gov else None,
            answers={"q2": draw(st.sampled_from(["", "An answer.", "=1+1", "# heading"])) or None},
            channel=draw(st.sampled_from(["console", "telegram", "slack"])),
            submitted=draw(st.booleans()),
            day=index,
        )
        session.invite = f"Inv{tok}"
        session.answers["contact"].value["country"] = f"Land{tok}"  # type: ignore[index]
        if later != "same":
            changed = "No" if later == "withdrawn" else "Yes"
            session.answers["consent"] = session.answers["consent"].model_copy(update={"value": changed})
        # Named only when the counted version and the current one both say yes.
        cited = (later == "same" and consents) or (later == "given" and (consents or session.submitted is None))
        secrets = [f"Nm{tok}", f"nm{tok}@example.org", f"Land{tok}", session.respondent_id, f"Inv{tok}"]
        crowd.append((session, cited, secrets))
    return crowd


@contextmanager
def drawn_text() -> Iterator[list[str]]:
    """Every text drawn in a chart (a PNG's pixels hide it from a byte search)."""
    texts: list[str] = []
    original = Figure.savefig

    def recording(figure: Figure, *args: Any, **kwargs: Any) -> None:
        texts.extend(t.get_text() for t in figure.findobj(Text))
        original(figure, *args, **kwargs)

    with patch.object(Figure, "savefig", recording):
        yield texts


def readable(path: Path) -> str:
    """Everything a file holds, as text: every part of a zip (XLSX, DOCX), or the raw bytes."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return path.name + "".join(archive.read(n).decode("utf-8", "replace") + n for n in archive.namelist())
    return path.name + path.read_bytes().decode("utf-8", "replace")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowd=people(), scope=st.sampled_from(list(Scope)))
def test_public_files_hold_no_identity_of_non_consenting_respondents(
    crowd: list[tuple[Session, bool, list[str]]], scope: Scope
) -> None:
    with tempfile.TemporaryDirectory() as folder, drawn_text() as chart_text:
        result = export(WGEC, [s for s, _, _ in crowd], Path(folder) / "out", formats=FORMATS,
                        audience=Audience.PUBLIC, scope=scope, now=NOW)
        everything = "\n".join(readable(path) for path in result.files) + "\n".join(chart_text)
    for session, consents, secrets in crowd:
        hidden = secrets if not consents else secrets[3:]  # ids and invitations are never public
        for secret in hidden:
            assert secret not in everything, (secret, session.respondent_id)
        if consents and (scope is Scope.ALL or session.submitted is not None):
            assert secrets[0] in everything, "a respondent who may be named is named"


def removed_contact_item() -> tuple[Questionnaire, Session]:
    """The file was edited: the contact item got another id after this respondent answered."""
    text = bundled_path().read_text().replace('id = "contact"', 'id = "contact_details"')
    return parse(text), respondent("Nmrenamed", consent="No", answers={"q2": "Mine."})


def test_contact_details_of_a_removed_item_stay_hidden() -> None:
    q, session = removed_contact_item()
    with tempfile.TemporaryDirectory() as folder:
        result = export(q, [session], Path(folder) / "out", audience=Audience.PUBLIC, now=NOW)
        everything = "\n".join(readable(path) for path in result.files)
    assert "Mine." in everything
    for secret in ("Nmrenamed", "nmrenamed@example.org", "Nmrenamed Org"):
        assert secret not in everything


def test_respondent_numbers_do_not_depend_on_the_selection() -> None:
    early_unfinished = respondent("Nmearly", consent="No", submitted=False, day=0)
    late = respondent("Nmlate", consent="No", day=3)
    for scope in Scope:
        c = compile_responses(WGEC, [late, early_unfinished], Audience.PUBLIC, scope, NOW)
        assert [r.label for r in c.records if r.submitted_at] == ["Respondent 2 (Government)"]


def test_internal_files_name_everyone_and_say_confidential() -> None:
    crowd = [respondent("Nmhidden", consent="No", answers={"q2": "Mine."}), respondent("Nmshown", consent="Yes")]
    with tempfile.TemporaryDirectory() as folder:
        result = export(WGEC, crowd, Path(folder) / "out", audience=Audience.INTERNAL, now=NOW)
        assert len(result.files) == 12
        for path in result.files:
            assert path.name.startswith("CONFIDENTIAL-")
        texts = {path.name: readable(path).removeprefix(path.name) for path in result.files}
    for name, text in texts.items():
        if name.endswith(".png"):
            continue  # a chart shows figures only; its title says Confidential (see the chart tests)
        assert "Confidential" in text or "CONFIDENTIAL" in text, name
        if "summary" not in name:
            assert "Nmhidden" in text, name
