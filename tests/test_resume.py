"""Moving between apps, as conversations: 'continue elsewhere' in one chat, the code in another."""

from __future__ import annotations

import asyncio
import re

import pytest

from core.inputs import ResumeWith, SendText, Start, parse_text
from core.outbound import Outcome
from core.ports import StorageError
from core.reply import Reply
from core.resume import codes, limits
from core.resume.service import Moving
from core.service import ConsultService
from core.session import Session, Status
from questionnaire.loader import parse
from storage.memory import MemoryRepository
from storage.moves import InProcessMoves, MemoryBook, MovesData
from tests.support.chat import SMALL, Clock, Respondent
from tests.support.senders import RecordingSender

CODE = re.compile(r"move-[A-Za-z0-9_-]{22}")
ANA_SO_FAR = ("start", "yes", "Ana", "skip", "ana@example.org", "2")  # stops at "Which group?"


class World:
    """One service over memory, a clock, a sender that reaches Telegram, and one person on three apps."""

    def __init__(self, *, sender: bool = True) -> None:
        self.clock = Clock()
        repository = MemoryRepository()
        self.service = ConsultService(parse(SMALL), repository, self.clock,
                                      moves=InProcessMoves(repository, MemoryBook()))
        self.sender = RecordingSender("telegram")
        if sender:
            self.moving.tell_through(self.sender)
        self.telegram = Respondent(self.service, "42", "telegram")
        self.slack = Respondent(self.service, "T1:U1", "slack")
        self.console = Respondent(self.service, "ana", "console")

    @property
    def moving(self) -> Moving:
        assert self.service.moving is not None
        return self.service.moving


@pytest.fixture
def world() -> World:
    return World()


async def code_from(person: Respondent) -> str:
    reply = await person.say("continue elsewhere")
    found = CODE.search(reply.text)
    assert found is not None, reply.text
    return found.group()


async def test_a_response_moves_from_telegram_to_slack_with_every_answer(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    before = await world.telegram.session()
    code = await code_from(world.telegram)
    assert f"/start {code}" in world.telegram.last.text and f"/consult resume {code}" in world.telegram.last.text
    assert world.telegram.last.prompt is not None and world.telegram.last.prompt.item_id == "group"

    reply = await world.slack.say(f"resume {code}")  # what '/consult resume CODE' hands the core
    assert "Your answers have moved here from Telegram, and the chat there was told." in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "group" and reply.ask
    moved = await world.slack.session()
    assert moved.answers == before.answers and moved.started_at == before.started_at
    assert set(before.recent_inputs) <= set(moved.recent_inputs) and moved.channel == "slack"
    stub = await world.telegram.session()
    assert (stub.answers, stub.status, stub.moved_to) == ({}, Status.NEW, world.slack.id)
    await world.moving.settle()
    assert [who for who, _ in world.sender.sent] == [world.telegram.id]
    assert "Your answers have moved to Slack, so this chat is paused." in world.sender.sent[0][1]


async def test_the_old_chat_says_where_the_answers_are_and_changes_nothing(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    await world.slack.say(f"resume {await code_from(world.telegram)}")
    for text in ("Bob", "start", "review", "continue elsewhere"):
        reply = await world.telegram.refused(text)
        assert "Your answers are in Slack now, so nothing here was changed." in reply.text
    await world.slack.say("1")  # Civil society: the answer lands in Slack
    assert (await world.slack.session()).answers["group"].value == "Civil society"


async def test_telegram_to_slack_to_the_terminal_and_back_keeps_every_answer(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    await world.slack.say(f"resume {await code_from(world.telegram)}")
    await world.slack.says("1", "1")  # group, then topic 1
    await world.console.send(ResumeWith(await code_from(world.slack)))  # consult chat --resume CODE
    await world.console.say("Openness")
    reply = await world.telegram.say(f"/start {await code_from(world.console)}")  # back to Telegram
    assert "Your answers have moved here from the terminal" in reply.text
    answers = {key: answer.value for key, answer in (await world.telegram.session()).answers.items()}
    assert answers == {
        "consent": "Yes", "contact": answers["contact"],
        "sector": "Non-Government", "group": "Civil society", "topics": ["Access"], "motto": "Openness",
    }
    assert answers["contact"]["name"] == "Ana"  # type: ignore[index]
    assert (await world.console.session()).moved_to == world.telegram.id
    assert "Your answers are in Telegram now" in (await world.slack.refused("1")).text  # followed on
    assert (await world.service.repository.figures(world.service.questionnaire)).started == 1


async def test_a_used_code_is_refused_and_changes_nothing(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    await world.slack.say(f"resume {code}")
    reply = await world.console.refused(ResumeWith(code))
    assert "That code was already used, so nothing was changed." in reply.text
    assert await world.console.service.session(world.console.id) is None


async def test_a_code_expires_after_15_minutes(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    world.clock.advance(minutes=15)
    reply = await world.slack.refused(f"resume {code}")
    assert "That code has expired (codes work for 15 minutes)" in reply.text
    assert (await world.telegram.session()).answers  # still in Telegram


async def test_a_code_works_until_its_last_second(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    world.clock.advance(minutes=14, seconds=59)
    assert "moved here from Telegram" in (await world.slack.say(f"resume {code}")).text


@pytest.mark.parametrize("guess", [codes.new_code(), "move-short", "MOVE-" + "a" * 22, "/resume 12345"])
async def test_a_guessed_or_mistyped_code_is_not_right(world: World, guess: str) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    await code_from(world.telegram)
    text = guess if guess.startswith("/") else f"resume {guess}"
    reply = await world.slack.refused(text)
    assert "That code is not right, so nothing was changed." in reply.text


async def test_five_wrong_codes_an_hour_then_even_the_right_one_waits(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    for _ in range(limits.PER_RESPONDENT):
        assert "not right" in (await world.slack.refused(f"resume {codes.new_code()}")).text
    reply = await world.slack.refused(f"resume {code}")
    assert "Too many wrong codes were tried in this chat" in reply.text
    assert "moved here" in (await world.console.send(ResumeWith(code))).text  # another chat is not held up
    world.clock.advance(hours=1, seconds=1)
    assert "moved here" in (await world.slack.say(f"resume {await code_from(world.console)}")).text


async def test_a_chat_with_answers_of_its_own_is_never_overwritten(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    await world.slack.says("start", "yes", "Ana on Slack")
    code = await code_from(world.telegram)
    reply = await world.slack.refused(f"resume {code}")
    assert "This chat already has answers of its own, so nothing was moved" in reply.text
    assert (await world.telegram.session()).moved_to is None
    await world.slack.says("withdraw", "yes")  # as the message suggests: then the same code works
    assert "moved here from Telegram" in (await world.slack.say(f"resume {code}")).text


async def test_a_chat_that_only_opened_the_questionnaire_takes_the_answers(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    await world.slack.say("start")  # the introduction and question 1, nothing answered
    assert "moved here" in (await world.slack.say(f"resume {await code_from(world.telegram)}")).text


async def test_a_code_used_in_its_own_chat_moves_nothing_and_still_works_elsewhere(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    reply = await world.telegram.refused(f"/start {code}")
    assert "That code was made in this chat" in reply.text
    assert "moved here" in (await world.slack.say(f"resume {code}")).text


async def test_a_new_code_replaces_the_earlier_one(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    first = await code_from(world.telegram)
    second = await code_from(world.telegram)
    assert "not right" in (await world.slack.refused(f"resume {first}")).text
    assert "moved here" in (await world.slack.say(f"resume {second}")).text


async def test_nothing_to_move_before_starting(world: World) -> None:
    reply = await world.telegram.say("continue elsewhere")
    assert "You have not started yet, so there is nothing to move." in reply.text
    assert CODE.search(reply.text) is None


async def test_redelivered_inputs_neither_give_a_new_code_nor_report_the_code_used(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    offered = await world.telegram.say("continue elsewhere", inbound_id="telegram:update:7")
    again = await world.telegram.say("continue elsewhere", inbound_id="telegram:update:7")
    assert again.duplicate and CODE.search(offered.text) is not None
    code = CODE.search(offered.text).group()  # type: ignore[union-attr]
    assert not (await world.slack.say(f"resume {code}", inbound_id="slack:cmd:1")).duplicate
    assert (await world.slack.say(f"resume {code}", inbound_id="slack:cmd:1")).duplicate  # Slack retried


async def test_without_a_sender_the_new_app_says_the_old_one_was_not_told() -> None:
    world = World(sender=False)
    await world.telegram.says(*ANA_SO_FAR)
    reply = await world.slack.say(f"resume {await code_from(world.telegram)}")
    assert "Your answers have moved here from Telegram. You can go on here." in reply.text
    assert world.sender.sent == []


async def test_two_apps_redeeming_one_code_at_once_only_one_wins(world: World) -> None:
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    replies = await asyncio.gather(world.slack.send(ResumeWith(code)), world.console.send(ResumeWith(code)))
    assert sorted("moved here" in reply.text for reply in replies) == [False, True]
    holders = [p for p in (world.telegram, world.slack, world.console)
               if (s := await p.service.session(p.id)) is not None and s.answers]
    assert len(holders) == 1


def test_codes_are_long_random_and_in_telegrams_deep_link_alphabet() -> None:
    made = {codes.new_code() for _ in range(1000)}
    assert len(made) == 1000 and all(CODE.fullmatch(code) and len(code) <= 64 for code in made)
    assert codes.digest(next(iter(made))) != next(iter(made))


def test_typed_words_that_are_and_are_not_a_code() -> None:
    assert parse_text("resume everything") == SendText("resume everything")  # an answer stays an answer
    assert parse_text("/start move-abc") == ResumeWith("move-abc")
    assert parse_text("/start ngo-forum") == Start("ngo-forum")  # an invitation code
    assert parse_text("/resume abc") == ResumeWith("abc")
    assert parse_text("Continue elsewhere") == parse_text("/continue_elsewhere")


class FailingOnce(MemoryRepository):
    """Memory whose next put for one respondent fails, as a full disk would."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_for: str | None = None

    async def put(self, session: Session) -> None:
        if session.respondent_id == self.fail_for:
            self.fail_for = None
            raise StorageError("disk full")
        await super().put(session)


async def test_a_move_that_cannot_be_stored_changes_nothing_and_the_code_still_works() -> None:
    repository = FailingOnce()
    service = ConsultService(parse(SMALL), repository, Clock(), moves=InProcessMoves(repository, MemoryBook()))
    telegram, slack = Respondent(service, "42", "telegram"), Respondent(service, "T1:U1", "slack")
    await telegram.says(*ANA_SO_FAR)
    code = await code_from(telegram)
    repository.fail_for = slack.id
    reply = await slack.say(f"resume {code}")
    assert not reply.saved and "Please send it again" in reply.text
    assert await service.session(slack.id) is None and (await telegram.session()).moved_to is None
    assert "moved here from Telegram" in (await slack.say(f"resume {code}")).text


@pytest.mark.parametrize("redeem_first", [True, False])
async def test_a_new_code_asked_for_while_the_old_one_is_redeemed_neither_waits_for_ever(redeem_first: bool) -> None:
    world = World()
    await world.telegram.says(*ANA_SO_FAR)
    code = await code_from(world.telegram)
    offer, redeem = world.telegram.say("continue elsewhere"), world.slack.send(ResumeWith(code))
    both = asyncio.gather(redeem, offer) if redeem_first else asyncio.gather(offer, redeem)
    replies = await asyncio.wait_for(both, timeout=5)
    redeemed, offered = replies if redeem_first else replies[::-1]
    if "moved here" in redeemed.text:  # the move came first: the old chat has nothing to give a code for
        assert "Your answers are in Slack now" in offered.text and (await world.slack.session()).answers
    else:  # the new code came first and replaced the one being redeemed
        assert "That code is not right" in redeemed.text and CODE.search(offered.text) is not None
        assert (await world.telegram.session()).answers and await world.service.session(world.slack.id) is None


class GatedBook(MemoryBook):
    """A book whose load number `stop_at` waits until the test opens the gate (a slow disk, on cue)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0
        self.stop_at: int | None = None
        self.reached, self.gate = asyncio.Event(), asyncio.Event()

    async def load(self) -> MovesData:
        self.loads += 1
        if self.loads == self.stop_at:
            self.reached.set()
            await self.gate.wait()
        return await super().load()


async def test_a_redemption_waiting_on_a_slow_disk_and_a_new_code_do_not_wait_for_each_other() -> None:
    repository, book = MemoryRepository(), GatedBook()
    service = ConsultService(parse(SMALL), repository, Clock(), moves=InProcessMoves(repository, book))
    telegram, slack = Respondent(service, "42", "telegram"), Respondent(service, "T1:U1", "slack")
    await telegram.says(*ANA_SO_FAR)
    code = await code_from(telegram)
    book.stop_at = book.loads + 2  # the redemption's look-up of the code (after counting wrong tries)
    redeeming = asyncio.create_task(slack.send(ResumeWith(code)))
    await book.reached.wait()
    offering = asyncio.create_task(telegram.say("continue elsewhere"))  # holds Telegram's session, wants the book
    await asyncio.sleep(0.01)
    book.gate.set()
    redeemed, offered = await asyncio.wait_for(asyncio.gather(redeeming, offering), timeout=5)
    assert "That code is not right" in redeemed.text  # replaced by the new code while it waited
    assert CODE.search(offered.text) is not None and (await telegram.session()).answers


class BrokenSender(RecordingSender):
    """A sender whose platform fails in a way it did not expect."""

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        raise ConnectionResetError("the platform hung up")


async def test_a_notice_that_cannot_be_sent_leaves_the_move_standing(caplog: pytest.LogCaptureFixture) -> None:
    world = World(sender=False)
    world.moving.tell_through(BrokenSender("telegram"))
    await world.telegram.says(*ANA_SO_FAR)
    reply = await world.slack.say(f"resume {await code_from(world.telegram)}")
    await world.moving.settle()
    assert "moved here from Telegram" in reply.text and (await world.slack.session()).answers
    assert "A move's notice to the old app failed: ConnectionResetError" in caplog.text
    assert "Your answers are in Slack now" in (await world.telegram.say("hello")).text
