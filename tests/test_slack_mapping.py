"""The Slack mapping both ways: payloads -> core inputs, core replies -> Block Kit messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bots.slack import blocks, mapping
from bots.slack.mapping import Notice, ToSecretariat, ToService
from core import inputs as i
from core.chat import actions, present
from core.chat.present import Part, View
from core.reply import Reply
from core.session import Status
from questionnaire.loader import parse
from questionnaire.model import Questionnaire
from tests.support.chat import SMALL, Respondent, make_service

Q = parse(SMALL)


def dm_message(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1", "text": text,
            "ts": "1700000001.000100", "client_msg_id": "c-1", **extra}


def route(text: str, admin: bool = False) -> mapping.Route | None:
    return mapping.message(dm_message(text), "Ev1", admin, "U0BOT")


def sections(message: blocks.Message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def elements(message: blocks.Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def rendered(q: Questionnaire, reply: Reply) -> list[blocks.Message]:
    return blocks.messages(present.view(q, reply))


# Inbound: Slack payloads -> core inputs


def test_typed_words_become_core_inputs_with_the_message_ref() -> None:
    assert route("Kenya") == ToService(i.SendText("Kenya", "slack:D1:1700000001.000100"), "slack:msg:c-1")
    assert route("back") == ToService(i.GoBack(), "slack:msg:c-1")
    assert route("edit 3") == ToService(i.EditItem(3, "3"), "slack:msg:c-1")
    assert route("show 2") == ToService(i.ShowAnswer(2, "2"), "slack:msg:c-1")


def test_without_client_msg_id_the_event_id_identifies_the_message() -> None:
    event = dm_message("Kenya")
    del event["client_msg_id"]
    found = mapping.message(event, "Ev42", False, "U0BOT")
    assert isinstance(found, ToService) and found.inbound_id == "slack:event:Ev42"


def test_slack_markup_is_read_back_as_the_typed_text() -> None:
    typed = "<mailto:ana@example.org|ana@example.org> &amp; &lt;b&gt; <https://example.org|example.org> <!here>"
    assert mapping.plain(typed) == "ana@example.org & <b> example.org @here"
    assert mapping.plain("<https://a.example/x|our report> <@U123> <#C1|general>") == (
        "our report (https://a.example/x) @U123 #general"
    )
    assert mapping.plain("&amp;lt;") == "&lt;"  # a typed entity stays as typed


def test_message_changed_in_the_dm_is_an_edit_of_the_original_message() -> None:
    event: dict[str, Any] = {
        "type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im",
        "message": {"user": "U1", "text": "Kenya &amp; Uganda", "ts": "1700000001.000100", "client_msg_id": "c-1"},
        "previous_message": {"user": "U1", "text": "Kenya", "ts": "1700000001.000100"},
    }
    assert mapping.sender(event) == "U1"
    assert mapping.message(event, "Ev9", False, "U0BOT") == ToService(
        i.EditMessage("slack:D1:1700000001.000100", "Kenya & Uganda"), "slack:event:Ev9"
    )
    unfurled = {**event, "message": {**event["message"], "text": "Kenya"}}
    assert mapping.message(unfurled, "Ev10", False, "U0BOT") is None  # same text: a link preview was added
    ours = {**event, "message": {**event["message"], "bot_id": "B0BOT"}}
    assert mapping.message(ours, "Ev11", False, "U0BOT") is None


@pytest.mark.parametrize("subtype", ["bot_message", "message_deleted", "channel_join", "thread_broadcast"])
def test_other_subtypes_are_ignored(subtype: str) -> None:
    assert mapping.message(dm_message("x", subtype=subtype), "Ev1", False, "U0BOT") is None


def test_a_file_is_explained_and_not_taken() -> None:
    snippet = dm_message("my answer", subtype="file_share", files=[{"id": "F1", "name": "answer.txt"}])
    only_file = dm_message("", files=[{"id": "F2"}])
    for event in (snippet, only_file):
        found = mapping.message(event, "Ev1", False, "U0BOT")
        assert isinstance(found, Notice) and "paste your text as messages" in found.text
        assert "cannot be read" in found.text


def test_messages_in_channels_point_to_the_dm_once() -> None:
    in_channel = dm_message("hello", channel="C1", channel_type="channel")
    found = mapping.message(in_channel, "Ev1", False, "U0BOT")
    assert isinstance(found, Notice) and found.text == mapping.IN_CHANNEL
    mentioned = dm_message("<@U0BOT> hello", channel="C1", channel_type="channel")
    assert mapping.message(mentioned, "Ev2", False, "U0BOT") is None  # app_mention answers that one
    assert mapping.mention("Ev3") == Notice(mapping.IN_CHANNEL, "slack:event:Ev3")


def test_home_tab_opened_resumes_only_on_the_messages_tab() -> None:
    assert mapping.home_opened({"tab": "messages"}, "Ev1") == ToService(i.Resume(), "slack:event:Ev1")
    assert mapping.home_opened({"tab": "home"}, "Ev2") is None


def test_slash_command_alone_starts_and_with_words_is_typed() -> None:
    body = {"team_id": "T1", "user_id": "U1", "text": "", "trigger_id": "tr1"}
    assert mapping.command(body, admin=False) == ToService(i.Start(), "slack:cmd:tr1")
    assert mapping.command({**body, "text": "skip"}, admin=False) == ToService(i.SkipItem(), "slack:cmd:tr1")
    assert mapping.command_person(body).respondent_id == "slack:T1:U1"


async def test_slash_edit_without_a_number_is_explained_by_the_core() -> None:
    body = {"team_id": "T1", "user_id": "U1", "text": "edit abc", "trigger_id": "tr2"}
    found = mapping.command(body, admin=False)
    assert found == ToService(i.EditItem(None, "abc"), "slack:cmd:tr2")
    ana = Respondent(make_service(Q), channel="slack")
    await ana.send(i.Start())
    reply = await ana.send(found.command, found.inbound_id)
    assert "Send 'edit' and the number of the question, for example: edit 3." in reply.text


def test_secretariat_words_go_to_admins_only() -> None:
    assert route("export xlsx internal", admin=True) == ToSecretariat("export xlsx internal", "slack:msg:c-1")
    # Typed in the DM, a bad 'export' is an answer even from an admin; after /consult it is explained.
    typed_answer = route("Export controls matter", admin=True)
    assert isinstance(typed_answer, ToService) and typed_answer.command == i.SendText(
        "Export controls matter", typed_answer.command.ref if isinstance(typed_answer.command, i.SendText) else None)
    slash = {"team_id": "T1", "user_id": "U1", "text": "export nonsense", "trigger_id": "tr3"}
    assert mapping.command(slash, admin=True) == ToSecretariat("export nonsense", "slack:cmd:tr3")
    refused = route("progress", admin=False)
    assert isinstance(refused, Notice)
    assert refused.text.startswith("'progress' and 'export' are for the secretariat") and "edit 3" in refused.text
    # An answer that happens to begin with 'Export' is still an answer for a respondent.
    answer = route("Export controls matter", admin=False)
    assert isinstance(answer, ToService) and isinstance(answer.command, i.SendText)


def test_button_values_are_decoded_and_forged_ones_refused() -> None:
    body = {"team": {"id": "T1"}, "user": {"id": "U1", "team_id": "T1"},
            "container": {"message_ts": "1700000005.000100", "channel_id": "D1"}}
    yes = {"value": actions.choose(Q, "consent", 0), "action_ts": "1700000009.1"}
    assert mapping.action(Q, body, yes) == ToService(
        i.ChooseOptions("consent", (0,)), "slack:action:1700000005.000100:1700000009.1"
    )
    picked = {"selected_option": {"value": actions.word("done")}, "action_ts": "2"}
    assert mapping.action(Q, body, picked) == ToService(i.FinishAnswer(), "slack:action:1700000005.000100:2")
    for forged in ("c:99:0", "t:2:0", "w:drop", "<!channel>", ""):
        found = mapping.action(Q, body, {"value": forged, "action_ts": "3"})
        assert isinstance(found, Notice) and found.text.startswith("That button is not one of ours")
    assert mapping.action_person(body).respondent_id == "slack:T1:U1"


# Outbound: core replies -> Block Kit


def test_everything_echoed_is_escaped_so_nobody_is_notified() -> None:
    echoed = "Your answer: <!channel> & <@U123> <!here>"
    reply = Reply(messages=[echoed], status=Status.IN_PROGRESS)
    [message] = rendered(Q, reply)
    assert sections(message) == ["Your answer: &lt;!channel&gt; &amp; &lt;@U123&gt; &lt;!here&gt;"]
    assert "<" not in message.text and "&amp;" in message.text
    assert all(b["text"]["verbatim"] for b in message.blocks if b["type"] == "section")


async def test_echoed_answer_from_the_core_is_escaped() -> None:
    ana = Respondent(make_service(Q), channel="slack")
    await ana.says("start", "yes", "Ana <@U123>", "skip", "a&b@example.org")
    reply = await ana.say("review")
    shown = "\n".join(text for m in rendered(Q, reply) for text in sections(m))
    assert "Ana &lt;@U123&gt;" in shown and "a&amp;b@example.org" in shown and "<@" not in shown


def test_a_long_reply_is_cut_into_sections_under_3000_after_escaping() -> None:
    paragraph = "Access & rights <matter>. " * 40  # escaping makes it longer than it looks
    text = "\n\n".join([paragraph.strip()] * 7)
    assert len(text) > 7_000
    messages = rendered(Q, Reply(messages=[text], status=Status.IN_PROGRESS))
    texts = [t for m in messages for t in sections(m)]
    assert len(texts) >= 3 and all(0 < len(t) <= blocks.SECTION_TEXT_LIMIT for t in texts)
    assert "\n\n".join(texts) == blocks.escape(text)


def test_heading_is_bold_and_buttons_go_under_the_last_message() -> None:
    view = View([Part("Intro"), Part("Do you agree?", "Question 1 of 9")],
                [present.Button("Yes", actions.confirm("withdraw", yes=True), primary=True),
                 present.Button("No", actions.confirm("withdraw", yes=False))])
    [message] = blocks.messages(view)
    assert sections(message) == ["Intro", "*Question 1 of 9*\nDo you agree?"]
    assert [e["text"]["text"] for e in elements(message)] == ["Yes", "No"]
    assert elements(message)[0]["style"] == "primary" and "style" not in elements(message)[1]
    assert message.text.endswith("1. Yes\n2. No")  # the fallback: typed numbers work too


def test_many_parts_are_spread_over_messages_of_at_most_50_blocks() -> None:
    view = View([Part(f"Note {n}") for n in range(120)], commands=[present.Button("Done", actions.word("done"))])
    messages = blocks.messages(view)
    assert len(messages) == 3 and all(len(m.blocks) <= blocks.MESSAGE_BLOCK_LIMIT for m in messages)
    assert [len(elements(m)) for m in messages] == [0, 0, 1]
    assert all(m.text for m in messages)


def many_options(kind: str, count: int) -> Questionnaire:
    options = ", ".join(f'"Country {n}"' for n in range(count))
    return parse(f'id = "many"\ntitle = "Many"\nintroduction = "I"\n'
                 f'[[items]]\nid = "where"\nkind = "{kind}"\ntext = "Where?"\noptions = [{options}]\n')


async def test_more_than_25_single_choices_become_a_menu() -> None:
    q = many_options("single", 30)
    reply = await Respondent(make_service(q), channel="slack").send(i.Start())
    [menu] = [e for m in rendered(q, reply) for e in elements(m) if e["type"] == "static_select"]
    assert len(menu["options"]) == 30
    assert actions.decode(q, menu["options"][29]["value"]) == i.ChooseOptions("where", (29,))


async def test_more_than_25_multiple_choices_stay_buttons_in_rows_of_25() -> None:
    q = many_options("multiple", 30)
    ana = Respondent(make_service(q), channel="slack")
    await ana.send(i.Start())
    reply = await ana.send(i.ToggleOption("where", 27))
    [message] = rendered(q, reply)
    rows = [b["elements"] for b in message.blocks if b["type"] == "actions"]
    assert [len(row) for row in rows] == [25, 5, 2]  # options, then skip and done (no back: the first question)
    assert rows[1][2]["text"]["text"] == "✓ Country 27"


def test_labels_longer_than_slack_allows_are_shortened() -> None:
    view = View([Part("Pick")], [present.Button("x" * 100, actions.word("done"))])
    [button] = elements(blocks.messages(view)[0])
    assert len(button["text"]["text"]) == blocks.LABEL_LIMIT and button["text"]["text"].endswith("…")


def test_manifest_asks_for_what_the_front_end_uses() -> None:
    manifest = (Path(blocks.__file__).parent / "manifest.yaml").read_text(encoding="utf-8")
    for needed in ("- app_home_opened", "- app_mention", "- message.im", "command: /consult",
                   "messages_tab_enabled: true", "messages_tab_read_only_enabled: false", "socket_mode_enabled: true",
                   "- chat:write", "- im:history", "- im:read", "- im:write", "- commands", "- files:write",
                   "- app_mentions:read", "https://HOST/slack/events"):
        assert needed in manifest, needed
    assert "\t" not in manifest  # YAML forbids tabs for indentation
