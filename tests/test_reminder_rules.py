"""Reminder rules in the questionnaire file: good ones load, bad ones say what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from questionnaire.loader import QuestionnaireError, parse
from questionnaire.reminders import duration

HEAD = 'id = "t"\ntitle = "T"\nintroduction = "I"\n'
ITEM = '[[items]]\nid = "q1"\nkind = "short"\ntext = "Q1"\n'
DATES = 'opens = 2013-06-01T00:00:00Z\ncloses = 2013-08-31T23:59:00Z\n'


def with_rules(*rules: str, dates: str = DATES) -> str:
    return HEAD + dates + ITEM + "".join(f"[[reminders]]\n{rule}\n" for rule in rules)


def test_rules_load_with_their_moments() -> None:
    q = parse(with_rules('before_closing = "7d"', 'before_closing = "1d"', 'after_stopped = "3d"',
                         "on = 2013-08-24T09:00:00Z"))
    assert [r.key for r in q.reminders] == ["before_closing:7d", "before_closing:1d", "after_stopped:3d",
                                            "on:2013-08-24T09:00:00+00:00"]
    assert q.reminders[0].moment(q.closes) == datetime(2013, 8, 24, 23, 59, tzinfo=UTC)
    assert q.reminders[2].moment(q.closes) is None
    assert q.max_reminders == 3


def test_durations() -> None:
    assert duration("7d") == timedelta(days=7) and duration("12h") == timedelta(hours=12)


@pytest.mark.parametrize(("rule", "says"), [
    ('before_closing = "0d"', "'0d' must be more than zero"),
    ('before_closing = "-2d"', "'-2d' must be more than zero"),
    ('after_stopped = "0h"', "'0h' must be more than zero"),
    ('before_closing = "a week"', "'a week' is not a duration"),
    ('on = 2013-09-05T09:00:00Z', "falls after the closing date"),
    ('on = 2013-05-05T09:00:00Z', "falls before the opening date"),
    ('before_closing = "100d"', "falls before the opening date"),
    ('on = 2013-08-24T09:00:00', "needs a time zone"),
    ('before_closing = "7d"\nafter_stopped = "3d"', "exactly one of"),
    ('every = "2d"', "reminders.0.every is not a known setting"),
])
def test_bad_rules_are_refused_with_the_reason(rule: str, says: str) -> None:
    with pytest.raises(QuestionnaireError, match=None) as refused:
        parse(with_rules(rule))
    assert says in str(refused.value)


def test_before_closing_without_a_closing_date_waits_for_one() -> None:
    q = parse(with_rules('before_closing = "7d"', dates=""))  # `consult window --closes` may set it at run time
    assert q.reminders[0].moment(q.closes) is None
    assert q.reminders[0].moment(datetime(2013, 8, 31, tzinfo=UTC)) == datetime(2013, 8, 24, tzinfo=UTC)


def test_a_cap_of_zero_is_refused() -> None:
    with pytest.raises(QuestionnaireError) as refused:
        parse(HEAD + DATES + "max_reminders = 0\n" + ITEM)
    assert "max_reminders" in str(refused.value)
