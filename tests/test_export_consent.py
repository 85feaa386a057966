"""No identity of a respondent who did not authorise citation reaches any public file."""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from string import ascii_lowercase
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Text
from openpyxl import load_workbook

from core.export.grouping import group_answers
from core.export.records import Audience, Scope, compile_responses
from core.export.run import FORMATS, export
from core.session import Session, Status
from questionnaire.loader import bundled_path, parse
from questionnaire.model import ConsentRule, Questionnaire
from tests.support.chat import Clock, Respondent, make_service
from tests.support.responses import WGEC, panel, respondent
from tests.test_cli import WALK

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
            answers={"q2": draw(st.sampled_from(["", "View{tok}.", "=1+View{tok}", "# View{tok}"])).format(tok=tok)
                     or None},
            channel=draw(st.sampled_from(["console", "telegram", "slack"])),
            submitted=draw(st.booleans()),
            day=index,
        )
        session.invite = f"Inv{tok}"
        session.answers["contact"].value["country"] = f"Land{tok}"  # type: ignore[index]
        if later != "same":
            changed = "No" if later == "withdrawn" else "Yes"
            session.answers["consent"] = session.answers["consent"].model_copy(update={"value": changed})
        # Named only when the submitted version and the current one both say yes: never a draft.
        cited = session.submitted is not None and consents and later != "withdrawn"
        secrets = [f"Nm{tok}", f"View{tok}", f"Land{tok}", session.respondent_id, f"Inv{tok}", f"nm{tok}@example.org"]
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
    for session, cited, secrets in crowd:
        # Ids, invitations and e-mail addresses are never public; names, views and countries only if cited.
        for secret in secrets if not cited else secrets[3:]:
            assert secret not in everything, (secret, session.respondent_id)
        if cited:
            assert secrets[0] in everything, "a respondent who may be named is named"


def removed_contact_item() -> tuple[Questionnaire, Session]:
    """The file was edited: the contact item got another id after this respondent answered.

    The anonymous rule shows the answers of this respondent, who did not authorise citation, by number.
    """
    text = bundled_path().read_text().replace('id = "contact"', 'id = "contact_details"')
    text = text.replace('consent_rule = "aggregate"', 'consent_rule = "anonymous"')
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


# --- the audit's database: what each respondent allowed, in every public file -------------------------

ARABIC = "التعاون المعزز ضروري للجميع"
LONG_HIDDEN = "".join(f"Longhidden paragraph {n}: enhanced cooperation, é 🌍.\n" for n in range(900))[:40_000]
# Words that only people who may not be cited wrote: none may reach a public file.
NOT_SHOWN = ["Viewofbruno", "Viewofchanged", "Viewofrestarted", "Viewofwithdrawn", "Viewofdraft", ARABIC,
             "🙈 Viewofemoji 🙈", "Viewofformula", "Longhidden"]
NOT_NAMED = ["Bruno Hidden", "Carla Changed", "Rita Restarted", "Walter Withdrawn", "Dora Draft", "Aziz Arabic",
             "Emma Emoji", "Fred Formula", "Lena Long"]


def walk(consent: str, name: str, view: str) -> list[str]:
    """The whole WGEC questionnaire, as typed in a chat, with this consent, name and answer to Q2."""
    lines = ["start", *WALK]
    lines[1], lines[2], lines[5], lines[9] = consent, name, f"{name.split()[0].lower()}@example.org", view
    return lines


async def audit_database() -> tuple[list[Session], datetime]:
    """Respondents of every kind the audit met; the ones whose consent moved talk through the real chat."""
    clock = Clock(NOW)
    service = make_service(WGEC, clock)
    ana = Respondent(service, "ana")
    await ana.says(*walk("yes", "Ana Cited", "=Viewofana نعم للتعاون 🌍"))
    carla = Respondent(service, "carla")
    await carla.says(*walk("yes", "Carla Changed", "Viewofchanged"), "edit 1", "no")  # after submitting
    rita = Respondent(service, "rita")
    await rita.says(*walk("yes", "Rita Restarted", "Viewofrestarted"), "restart", "yes")
    walter = Respondent(service, "walter")
    await walter.says(*walk("yes", "Walter Withdrawn", "Viewofwithdrawn"), "withdraw", "yes")
    dora = Respondent(service, "dora")
    await dora.says(*walk("yes", "Dora Draft", "Viewofdraft")[:12])  # consented, answered Q2, never submitted
    chatted = [await who.session() for who in (ana, carla, rita, walter, dora)]
    assert (await carla.session()).answers["consent"].value == "No"
    assert chatted[2].answers == {} and chatted[3].status is Status.WITHDRAWN and chatted[4].submitted is None
    built = [
        respondent("Bruno Hidden", consent="No", category="Non-Government", group="Civil society",
                   answers={"q2": "Viewofbruno", "q3": None}, day=1),
        respondent("Aziz Arabic", consent="No", answers={"q2": ARABIC}, day=2),
        respondent("Emma Emoji", consent="No", category="Non-Government", group="Private sector",
                   answers={"q2": "🙈 Viewofemoji 🙈"}, day=3),
        respondent("Fred Formula", consent="No", answers={"q2": '=HYPERLINK("http://x","Viewofformula")'}, day=4),
        respondent("Lena Long", consent="No", answers={"q2": LONG_HIDDEN}, day=5),
    ]
    clock.advance(days=1)
    return chatted + built, clock.now


@pytest.mark.parametrize("scope", list(Scope))
async def test_public_files_hold_no_answer_of_anyone_who_may_not_be_cited(tmp_path: Path, scope: Scope) -> None:
    sessions, now = await audit_database()
    with drawn_text() as chart_text:
        result = export(WGEC, sessions, tmp_path / "out", audience=Audience.PUBLIC, scope=scope, now=now)
    files = {path.name: readable(path) for path in result.files}
    assert len(files) == 12
    for name, text in [*files.items(), ("charts", "\n".join(chart_text))]:
        for secret in NOT_SHOWN + NOT_NAMED:
            assert secret not in text, (secret, name)
    for name in ("responses.csv", "responses.json", "compilation-by-question.md"):
        assert "Viewofana" in files[name] and "Ana Cited" in files[name], name  # the scan sees what is there
    summary = files["summary.md"]
    assert "Rule applied: **aggregate**" in summary
    hidden = 7 if scope is Scope.SUBMITTED else 8  # Bruno, Carla, Rita, Aziz, Emma, Fred, Lena (and Dora's draft)
    assert f"Counted but not shown: **{hidden}** of {hidden + 1} respondents" in summary


async def test_internal_files_hold_every_answer(tmp_path: Path) -> None:
    sessions, now = await audit_database()
    result = export(WGEC, sessions, tmp_path / "out", audience=Audience.INTERNAL, scope=Scope.ALL, now=now)
    [json_file] = [path for path in result.files if path.suffix == ".json"]
    text = json_file.read_text()
    for secret in [*NOT_SHOWN[:2], *NOT_SHOWN[4:], "Bruno Hidden", "Carla Changed", "Dora Draft"]:
        assert secret in text, secret


async def test_the_anonymous_rule_shows_answers_under_a_number_but_never_a_draft_s_name(tmp_path: Path) -> None:
    sessions, now = await audit_database()
    anonymous = WGEC.model_copy(update={"consent_rule": ConsentRule.ANONYMOUS})
    result = export(anonymous, sessions, tmp_path / "out", formats=("md",), scope=Scope.ALL, now=now)
    compilation = next(readable(p) for p in result.files if p.name == "compilation-by-question.md")
    summary = next(readable(p) for p in result.files if p.name == "summary.md")
    assert "Viewofbruno" in compilation and "Viewofdraft" in compilation and "Viewofchanged" in compilation
    assert "**Respondent 8 (Civil society)**\n\n> Viewofdraft" in compilation  # Dora consented, but never submitted
    for secret in NOT_NAMED:
        assert secret not in compilation + summary, secret
    assert "Rule applied: **anonymous**" in summary and "Counted but not shown" not in summary


async def test_may_be_cited_follows_consent_as_it_stands_now_in_every_table(tmp_path: Path) -> None:
    sessions, now = await audit_database()
    for audience in Audience:
        result = export(WGEC, sessions, tmp_path / audience.value, formats=("xlsx", "csv", "json"),
                        audience=audience, now=now)
        paths = {path.suffix: path for path in result.files}
        with paths[".csv"].open(encoding="utf-8-sig", newline="") as stream:
            header, *rows = list(csv.reader(stream))
        sheet = [[("" if v is None else str(v)) for v in row]
                 for row in load_workbook(paths[".xlsx"])["Responses"].iter_rows(values_only=True)]
        people = json.loads(paths[".json"].read_text())["respondents"]
        consent = header.index("Consent to cite")
        assert sheet[0][: consent + 3] == header[: consent + 3] and len(sheet) == len(rows) + 1
        assert header[consent + 1] == "May be cited"
        # Respondents 6, 7 and 9: Ana, Carla (No since she submitted), Rita (cleared her answers with restart).
        for table in (rows, sheet[1:]):
            by_number = {row[0]: row[consent : consent + 3] for row in table}
            assert by_number["6"][:2] == ["Yes", "Yes"]
            assert by_number["7"][:2] == ["No", "No"]
            assert by_number["9"][:2] == ["", "No"]
            assert by_number["1"][:2] == ["No", "No"]  # Bruno said no from the start
            if audience is Audience.INTERNAL:
                assert header[consent + 2] == "Consent changed"
                assert by_number["7"][2] == "Changed since submitting: Yes when submitted, now No"
                assert by_number["9"][2] == "Changed since submitting: Yes when submitted, now not answered"
                assert by_number["6"][2] == by_number["1"][2] == ""
        by_number_json = {p["number"]: p for p in people}
        assert [(by_number_json[n]["consent"], by_number_json[n]["may_cite"]) for n in (6, 7, 9)] == [
            ("Yes", True), ("No", False), (None, False)]
        if audience is Audience.INTERNAL:
            assert by_number_json[7]["consent_changed"] == "Changed since submitting: Yes when submitted, now No"
            assert "Viewofchanged" in json.dumps(by_number_json[7])
        else:
            assert "Consent changed" not in header and "consent_changed" not in by_number_json[7]
            assert by_number_json[7]["answers"] == {} and by_number_json[7]["answers_shown"] is False


@contextmanager
def drawn_figures() -> Iterator[dict[str, Figure]]:
    """Every chart as drawn, by the file it was saved to."""
    figures: dict[str, Figure] = {}
    original = Figure.savefig

    def recording(figure: Figure, path: Path, *args: Any, **kwargs: Any) -> None:
        figures[Path(path).name] = figure
        original(figure, path, *args, **kwargs)

    with patch.object(Figure, "savefig", recording):
        yield figures


def test_summary_and_charts_count_only_the_respondents_the_status_chose(tmp_path: Path) -> None:
    """Emil started and answered Q3 but has not submitted: in the figures only with the status 'all'."""
    for scope, started, government, q3, unfinished in (
        (Scope.SUBMITTED, "Respondents who submitted: **4**", "| Government | 1 | 1 |", "| 2 | 50% |",
         "Not in these files (status 'submitted')"),
        (Scope.ALL, "Respondents who started: **5**", "| Government | 2 | 1 |", "| 3 | 60% |",
         "| The review, before submitting | 1 |"),
    ):
        with drawn_figures() as figures:
            export(WGEC, panel(), tmp_path / scope.value, formats=("md", "png"), scope=scope, now=NOW)
            bars = [patch.get_width() for patch in figures["chart-respondents-by-category.png"].axes[0].patches]
            rate_axis = figures["chart-answer-rate.png"].axes[0].get_ylabel()
        summary = (tmp_path / scope.value / "summary.md").read_text()
        assert started in summary and government in summary and unfinished in summary
        assert next(line for line in summary.splitlines() if line.startswith("| 3. ")).endswith(q3)
        if scope is Scope.SUBMITTED:
            assert "Started but not submitted yet (not in these files): **1**" in summary
            assert bars[:2] == bars[4:6] == [1, 3]  # started = submitted: Emil is not in these files
            assert rate_axis == "% of submitted respondents"
        else:
            assert bars[:2] == [2, 3] and rate_axis == "% of respondents, drafts included"


def public_text(q: Questionnaire, sessions: list[Session], scope: Scope = Scope.SUBMITTED) -> str:
    """Every public file of one export, as text."""
    with tempfile.TemporaryDirectory() as folder:
        result = export(q, sessions, Path(folder) / "out", scope=scope, now=NOW)
        return "\n".join(readable(path) for path in result.files)


def test_a_removed_one_line_contact_item_stays_a_contact_detail() -> None:
    """A phone item answered, then taken out of the file: its answers are still contact details."""
    text = bundled_path().read_text()
    at = text.index("[[items]]\nid = \"q1\"")
    phone = '[[items]]\nid = "phone"\nkind = "short"\nrole = "contact"\ntext = "Your phone number"\n\n'
    before, after = parse(text[:at] + phone + text[at:]), parse(text)
    ana = respondent("Ana", consent="Yes", q=before, answers={"phone": "+41 79 555 12 12", "q2": "A view."})
    for q in (before, after):
        shown = public_text(q, [ana])
        assert "A view." in shown and "555 12 12" not in shown


def test_words_typed_before_a_question_became_a_choice_are_not_published() -> None:
    """Question 4 turned from a long answer into Yes/No: Nora's words are not an option, and she said No."""
    long_q4 = 'id = "q4"\nnumber = "4"\nkind = "long"\n'
    choice_q4 = long_q4.replace('"long"', '"single"\noptions = ["Yes", "No"]')
    q = parse(bundled_path().read_text().replace(long_q4, choice_q4))
    nora = respondent("Nora", consent="No", answers={"q4": "Nora's own view on public policy."})
    shown = public_text(q, [nora])
    assert "Nora's own view" not in shown and "Other answer, not shown" in shown


def test_a_skip_of_someone_not_shown_counts_as_no_answer_as_in_the_internal_files() -> None:
    """A draft who may not be cited skipped question 4 and went on: 'gave no answer', not 'not reached yet'."""
    nico = respondent("Nico", consent="No", answers={"q2": "x", "q3": "y", "q4": None, "q5": "z"}, submitted=False)
    for audience in Audience:
        c = compile_responses(WGEC, [nico], audience, Scope.ALL, NOW)
        q4 = next(question for question in c.questions if question.id == "q4")
        [group] = group_answers(c, q4)
        assert (group.no_answer, group.not_reached) == (1, 0), audience


def test_what_an_interrupted_internal_export_left_aside_is_removed_by_the_next_export(tmp_path: Path) -> None:
    """kill -9 during an internal export leaves its staging folder; a public export there must not keep it."""
    out = tmp_path / "out"
    leftover = out / ".consult-export-k1ll3d"
    leftover.mkdir(parents=True)
    (leftover / "CONFIDENTIAL-responses.xlsx").write_text("names and e-mails")
    for force in (False, True):
        export(WGEC, panel(), out, formats=["md"], now=NOW, force=force)
        assert not leftover.exists()
        assert all(not p.name.startswith("CONFIDENTIAL") for p in out.rglob("*"))
        leftover.mkdir()
        (leftover / "CONFIDENTIAL-responses.xlsx").write_text("names and e-mails")
