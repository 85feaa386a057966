"""Questionnaire files: the bundled one loads as 2013 wrote it; bad files say what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaire.loader import QuestionnaireError, bundled_path, load, parse
from questionnaire.model import ConsentRule, Kind, Role
from tests.support.chat import SMALL

HEAD = 'id = "t"\ntitle = "T"\nintroduction = "I"\n'


def items(*bodies: str) -> str:
    return HEAD + "".join(f"[[items]]\n{body}\n" for body in bodies)


def test_bundled_wgec_2013_questionnaire() -> None:
    q = load()
    assert [item.number for item in q.items if item.number] == [
        "1", "1a", "1b", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "15", "18"
    ]
    assert q.item("consent").kind is Kind.CONSENT and q.item("consent").role is Role.CONSENT
    assert [f.id for f in q.item("contact").fields] == ["name", "organisation", "country", "email"]
    assert q.item("q1_group").when is not None and q.item("q1_group").when.any_of == ("Non-Government",)
    assert q.item("q8").text.endswith("coordination and management of critical Internet resources?")
    assert "Tunis Agenda of the World Summit on Information Society, 2005." in q.introduction


def test_bundled_file_keeps_its_source_marks() -> None:
    text = bundled_path().read_text()
    marked = re.findall(r"# (EXACT|INFERRED|MISSING)", text)
    assert marked.count("MISSING") >= 2 and "INFERRED" in marked
    # Every item carries a mark in the comment lines just above it.
    for before in text.split("[[items]]")[:-1]:
        lines = before.rstrip().splitlines()
        comments = []
        while lines and lines[-1].startswith("#"):
            comments.append(lines.pop())
        assert re.search(r"EXACT|INFERRED", " ".join(comments)), before[-200:]


def test_small_fixture_is_valid() -> None:
    assert len(parse(SMALL).items) == 9


@pytest.mark.parametrize(("text", "expected"), [
    (items('id = "a"\nkind = "short"\ntext = "A"', 'id = "a"\nkind = "short"\ntext = "B"'), "duplicate item id 'a'"),
    (items('id = "a"\nkind = "short"\ntext = "A"\nwhen = { item = "zz", any_of = ["x"] }'),
     "names 'zz', which is not an earlier item"),
    (items('id = "a"\nkind = "slider"\ntext = "A"'),
     "item 1 ('a'): kind: 'slider' is not allowed. Input should be 'consent', 'single', 'multiple', 'short', "
     "'long', 'fields' or 'note'"),
    (items('id = "a"\nkind = "short"'), "item 1 ('a'): text is missing"),
    (items('id = "a"\nkind = "short"\ntext = ""'), "item 1 ('a'): text"),
    (items('id = "a"\nkind = "short"\ntext = "   "'), "item 1 ('a'): text: String should have at least 1 character"),
    (items('id = "a"\nkind = "single"\ntext = "A"\noptions = ["Other ", " other"]'), "duplicate option 'other'"),
    (items('id = "a"\nkind = "single"\ntext = "A"\noptions = ["Yes", "yes"]'), "duplicate option 'yes'"),
    (items('id = "a"\nkind = "single"\ntext = "A"\noptions = ["Only"]'), "at least two options"),
    (items('id = "a"\nkind = "single"\ntext = "A"\noptions = ["Back", "Other"]'), "would read as a command"),
    (items('id = "a"\nkind = "multiple"\ntext = "A"\noptions = ["X", "Y"]\nmax_choices = 3'), "max_choices"),
    (items('id = "a"\nkind = "fields"\ntext = "A"'), "needs at least one field"),
    (items('id = "a"\nkind = "short"\ntext = "A"\ncolour = "red"'), "colour is not a known setting"),
    (items('id = "A B"\nkind = "short"\ntext = "A"'), "item 1 ('A B'): id"),
    (items('id = "a"\nkind = "short"\ntext = "A"', 'id = "b"\nkind = "short"\ntext = "B"\n'
           'when = { item = "a", any_of = ["x"] }'), "a condition can only name a choice"),
    (items('id = "a"\nkind = "note"\ntext = "A"'), "no item to answer"),
    (HEAD.replace('title = "T"\n', ""), "title is missing"),
    (HEAD + "closes = 2013-08-31T23:59:00\n" + items('id = "a"\nkind = "short"\ntext = "A"')[len(HEAD):],
     "need a time zone"),
])
def test_bad_questionnaire_says_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse(text, "q.toml")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("q.toml: ")


def test_invalid_syntax_gives_the_line() -> None:
    with pytest.raises(QuestionnaireError, match=r"invalid TOML: .*line 4"):
        parse(HEAD + 'oops = "unclosed\n', "q.toml")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match="no such file"):
        load(tmp_path / "nope.toml")
    (tmp_path / "latin1.toml").write_bytes(b'title = "\xe9"')
    with pytest.raises(QuestionnaireError, match="cannot be read"):
        load(tmp_path / "latin1.toml")


def test_yes_and_no_stay_text_in_toml() -> None:
    # The reason for TOML over YAML: an option "No" stays the text "No" (YAML 1.1 reads false).
    q = parse(items('id = "a"\nkind = "single"\ntext = "A"\noptions = ["Yes", "No", "Norway"]'))
    assert q.item("a").options == ("Yes", "No", "Norway")


def test_the_consent_rule_is_aggregate_unless_the_file_says_anonymous() -> None:
    assert load().consent_rule is ConsentRule.AGGREGATE
    assert parse(SMALL).consent_rule is ConsentRule.AGGREGATE  # the default, for files that do not say
    assert parse('consent_rule = "anonymous"\n' + SMALL).consent_rule is ConsentRule.ANONYMOUS
    message = "consent_rule: 'public' is not allowed. Input should be 'aggregate' or 'anonymous'"
    with pytest.raises(QuestionnaireError, match=re.escape(message)):
        parse('consent_rule = "public"\n' + SMALL)


def test_a_renamed_option_names_an_option_it_became() -> None:
    base = HEAD + '[[items]]\nid = "q1"\nkind = "single"\ntext = "Which?"\noptions = ["Gov", "Non-governmental"]\n'
    ok = parse(base + 'renamed_options = { "Non-Government" = "Non-governmental" }')
    assert ok.item("q1").renamed_options == {"Non-Government": "Non-governmental"}
    with pytest.raises(QuestionnaireError, match=r"'Nongov' .*is not one of the options"):
        parse(base + 'renamed_options = { "Non-Government" = "Nongov" }')
    with pytest.raises(QuestionnaireError, match="'gov' is still an option"):
        parse(base + 'renamed_options = { "gov" = "Gov" }')


def test_a_condition_on_a_renamed_option_says_its_new_name() -> None:
    text = bundled_path().read_text().replace(
        'options = ["Government", "Non-Government"]',
        'options = ["Government", "Non-governmental"]\nrenamed_options = { "Non-Government" = "Non-governmental" }')
    with pytest.raises(QuestionnaireError, match="'Non-Government' is now 'Non-governmental': write the new name"):
        parse(text)


def test_a_category_is_chosen_from_options_never_typed() -> None:
    """Typed text as a category would be printed in group headings, whoever wrote it."""
    text = bundled_path().read_text()
    typed = re.sub(r'(id = "q1_group"\n(?:.*\n)*?)kind = "single"\n', r'\1kind = "short"\n', text, count=1)
    typed = re.sub(r'(id = "q1_group"\n(?:.*\n)*?)options = \[[^\]]*\]\n', r"\1", typed, count=1)
    with pytest.raises(QuestionnaireError, match="role = 'subcategory' must be of kind single or multiple, not short"):
        parse(typed)
    with pytest.raises(QuestionnaireError, match="role = 'consent' must be of kind consent, not short"):
        parse(HEAD + '[[items]]\nid = "c"\nkind = "short"\nrole = "consent"\ntext = "May we cite you?"\n')
