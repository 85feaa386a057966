"""The Telegram mapping both ways: updates to core inputs, core replies to Bot API messages."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update
from telegram.constants import MessageLimit

from bots.telegram import mapping, render
from core import inputs
from core.chat import actions, present
from core.reply import Expects, Prompt, Reply
from core.session import Status
from questionnaire.loader import parse
from tests.support.chat import SMALL

Q = parse(SMALL)


def update(kind: str = "message", **message: Any) -> Update:
    body = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": False,
            "first_name": "Ana"}, **message}
    return Update.de_json({"update_id": 1001, kind: body}, None)


def test_a_text_message_is_typed_text_named_by_its_message() -> None:
    message = update(text="Open by default").message
    assert message is not None
    assert mapping.from_message(message) == inputs.SendText("Open by default", "telegram:42:7")
    assert mapping.inbound_id(update(text="x")) == "telegram:update:1001"
    assert mapping.respondent_id(42) == "telegram:42"


@pytest.mark.parametrize(("text", "expected"), [
    ("/back", inputs.GoBack()),
    ("/edit@consult_bot 3", inputs.EditItem(3, "3")),
    ("/edit 99", inputs.EditItem(99, "99")),
    ("/start INVITE_2013-a", inputs.Start("INVITE_2013-a")),
    ("/start@consult_bot", inputs.Start()),
    ("/show 4", inputs.ShowAnswer(4, "4")),
])
def test_commands_map_to_core_inputs(text: str, expected: inputs.Input) -> None:
    message = update(text=text).message
    assert message is not None
    assert mapping.from_message(message) == expected


def test_an_edit_is_never_a_new_answer() -> None:
    edited = update("edited_message", text="Open by design", edit_date=5).edited_message
    assert edited is not None
    assert mapping.from_edit(edited) == inputs.EditMessage("telegram:42:7", "Open by design")


def test_buttons_decode_or_are_refused() -> None:
    assert mapping.from_button(Q, actions.choose(Q, "sector", 0)) == inputs.ChooseOptions("sector", (0,))
    assert mapping.from_button(Q, "c:2:7") is None
    assert mapping.from_button(Q, "{'evil': true}") is None
    assert mapping.from_button(Q, None) is None


def reply_with(prompt: Prompt | None = None, *messages: str, ask: bool = True) -> Reply:
    return Reply(messages=list(messages), prompt=prompt, ask=ask, status=Status.IN_PROGRESS)


def test_respondent_text_is_escaped_for_html() -> None:
    prompt = Prompt(item_id="motto", text="Question 6 of 7\nYour motto?", expects=Expects.TEXT,
                    current="<b>bold</b> & <a href='x'>link</a>", commands=["back", "keep"])
    out = render.messages(present.view(Q, reply_with(prompt)))
    assert len(out) == 1
    assert out[0].text.startswith("<b>Question 6 of 7</b>\nYour motto?")
    assert "Your answer: &lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href='x'&gt;link&lt;/a&gt;" in out[0].text
    assert out[0].keyboard is not None
    labels = [[b.text for b in row] for row in out[0].keyboard.inline_keyboard]
    assert labels == [["« Back", "Keep my answer"]]


def test_a_long_reply_is_split_below_the_limit_with_buttons_on_the_last_message() -> None:
    review = "\n".join(f"{n}. Question\n   -> " + "<&>" * 60 for n in range(1, 60))
    prompt = Prompt(item_id=None, text="That was the last question.", expects=Expects.SUBMIT,
                    commands=["submit", "review", "back"])
    out = render.messages(present.view(Q, reply_with(prompt, review)))
    assert len(out) >= 3
    assert all(len(m.text) <= MessageLimit.MAX_TEXT_LENGTH for m in out)
    assert all(m.keyboard is None for m in out[:-1])
    assert out[-1].keyboard is not None
    assert "".join(m.text for m in out[:-1]).count("&lt;&amp;&gt;") == 59 * 60


def test_options_one_per_row_with_ticks() -> None:
    prompt = Prompt(item_id="topics", text="Question 5 of 7\nWhich topics?", expects=Expects.CHOICES,
                    options=["Access", "Security"], selected=[1], commands=["back", "skip", "done"])
    markup = render.keyboard(present.view(Q, reply_with(prompt)))
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [("Access", "t:4:0")], [("✓ Security", "t:4:1")],
        [("« Back", "w:back:4"), ("Skip", "w:skip:4"), ("Done", "w:done:4")],
    ]
