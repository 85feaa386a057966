"""Short answers that must be a whole number, a number or a date (XLSForm's integer, decimal and date)."""

from __future__ import annotations

import pytest

from questionnaire.loader import QuestionnaireError, parse
from tests.support.chat import Clock, Respondent, make_service

FORM = """
id = "typed"
title = "Typed"
introduction = "Numbers and dates."

[[items]]
id = "staff"
kind = "short"
check = "integer"
minimum = 1
maximum = 500
text = "How many staff?"

[[items]]
id = "share"
kind = "short"
check = "decimal"
text = "Which share?"

[[items]]
id = "founded"
kind = "short"
check = "date"
text = "Founded on?"
"""


async def test_numbers_and_dates_are_checked_and_stored_plainly() -> None:
    ana = Respondent(make_service(parse(FORM), Clock()))
    await ana.say("start")
    assert "Please write a whole number, for example: 42" in (await ana.refused("many")).text
    assert "Please write a number from 1 to 500." in (await ana.refused("501")).text
    await ana.say(" 42 ")
    assert "Please write a number, for example: 3.5" in (await ana.refused("1e999")).text
    await ana.say("3,5")
    assert "Please write a date (year-month-day), for example: 2013-08-31" in (await ana.refused("31/08/2013")).text
    await ana.say("2013-08-31")
    answers = (await ana.session()).answers
    assert [answers[k].value for k in ("staff", "share", "founded")] == ["42", "3.5", "2013-08-31"]


@pytest.mark.parametrize(("settings", "expected"), [
    ('kind = "long"\ncheck = "integer"', "check = 'integer' is for short items only, not long"),
    ('kind = "short"\nminimum = 1', 'minimum and maximum need check = "integer" or "decimal"'),
    ('kind = "short"\ncheck = "integer"\nmaximum = 2.5', "the minimum and maximum of whole numbers are whole numbers"),
    ('kind = "short"\ncheck = "decimal"\nminimum = 3\nmaximum = 2', "minimum must not be more than maximum"),
    ('kind = "short"\ncheck = "time"', "item 1 ('a'): check"),
])
def test_bad_checks_say_what_is_wrong(settings: str, expected: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse(f'id = "t"\ntitle = "T"\nintroduction = "I"\n[[items]]\nid = "a"\ntext = "A"\n{settings}\n')
    assert expected in str(caught.value)
