"""No words of a respondent who may not be quoted reach any themes file or the JSON; they still count."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from string import ascii_lowercase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.export.records import Audience, Scope, compile_responses
from core.session import Session
from core.themes import files, source
from core.themes.model import Frame, GivenTheme, Source
from core.themes.represent import TfIdf
from core.themes.run import Choices, themes
from tests.support.responses import respondent
from tests.test_export_consent import readable

NOW = datetime(2013, 9, 1, tzinfo=UTC)
SUBJECTS = [
    "Developing countries need capacity building and funding to take part in the meetings.",
    "Cybersecurity and cybercrime call for cooperation between states on critical infrastructure.",
    "Every stakeholder, civil society and business too, should take part on an equal footing.",
]
secret = st.text(ascii_lowercase, min_size=10, max_size=10).map(lambda s: f"zq{s}")  # one length: none inside another
FRAME = {"*": Frame(source=Source.GIVEN, themes={"*": [GivenTheme(name="Capacity building"),
                                                        GivenTheme(name="Cybersecurity")]})}


@st.composite
def crowd(draw: st.DrawFn) -> list[tuple[Session, bool, str]]:
    """Ten to twelve respondents answering q2, each consenting or not, each with a word of their own."""
    size = draw(st.integers(min_value=10, max_value=12))
    words = draw(st.lists(secret, min_size=size, max_size=size, unique=True))
    people = []
    for n, word in enumerate(words):
        cited = draw(st.booleans())
        subject = SUBJECTS[draw(st.integers(0, len(SUBJECTS) - 1))]
        text = f"{subject} As {word} we add: {subject.lower()}" if draw(st.booleans()) else f"{word}. {subject}"
        people.append((respondent(f"Person {n}", consent="Yes" if cited else "No", answers={"q2": text}, day=n),
                       cited, word))
    return people


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(people=crowd(), frame=st.sampled_from([{}, FRAME]))
def test_no_file_and_no_json_quotes_a_respondent_who_may_not_be_cited(
    people: list[tuple[Session, bool, str]], frame: dict[str, Frame]
) -> None:
    compilation = compile_responses(respondent.__globals__["WGEC"], [s for s, _, _ in people], Audience.INTERNAL,
                                    Scope.SUBMITTED, NOW)
    report = themes(source.from_compilation(compilation), Choices(TfIdf(), frames=frame))
    with tempfile.TemporaryDirectory() as folder:
        written = files.write(report, Path(folder))
        everything = files.as_json(report) + "".join(readable(path) for path in written)
    for _, cited, word in people:
        if not cited:
            assert word not in everything, word
    question = json.loads(files.as_json(report))["questions"][0]
    counted = {r for theme in question["themes"] for r in theme["responses"]} | set(question["not_placed"])
    assert len(counted) == len(people), "those who may not be quoted still count"
    quoted = {q["response"] for theme in question["themes"] for q in theme["quotes"]}
    cited_numbers = {str(r.number) for r in compilation.records if r.may_cite}
    assert quoted <= cited_numbers


def test_the_export_themes_part_writes_markdown_word_and_a_sheet(tmp_path: Path) -> None:
    import dataclasses

    from openpyxl import load_workbook

    from core.export.compiling import compile_all
    from core.export.run import write

    people = [respondent(f"Person {n}", consent="Yes" if n % 2 else "No", day=n,
                         answers={"q2": f"zqsecret{n:04d} says: {SUBJECTS[n % 3]}"}) for n in range(12)]
    wgec = respondent.__globals__["WGEC"]
    internal = compile_responses(wgec, people, Audience.INTERNAL, Scope.SUBMITTED, NOW)
    report = themes(source.from_compilation(internal), Choices(TfIdf()))
    data = dataclasses.replace(compile_all(wgec, people, Audience.PUBLIC, Scope.SUBMITTED, NOW), themes=report)
    result = write(data, tmp_path / "out", formats=("xlsx", "md", "themes"))
    names = {p.name for p in result.files}
    assert {"themes.md", "themes.docx", "responses.xlsx"} <= names
    sheet = load_workbook(tmp_path / "out" / "responses.xlsx", read_only=True)["Themes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Question", "Theme", "Label") and len(rows) == 1 + len(report.questions[0].themes)
    everything = "".join(readable(p) for p in result.files)
    assert "machine-suggested" in everything or "suggested by consult" in everything
    for n in range(0, 12, 2):  # those who said no
        assert f"zqsecret{n:04d}" not in everything
