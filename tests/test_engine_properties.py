"""Properties of the engine: random conversations, checked after every input.

A hypothesis state machine plays a respondent who sends anything at all (commands, stale
buttons, control characters, huge numbers, a clock moving past the closing date, inputs
delivered twice) to the bundled WGEC questionnaire and to a small one holding every kind of
item. After each input the outcome and the session are checked against the engine's promises.
"""

from __future__ import annotations

import copy
import signal
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import get_args

from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from core import engine, flow
from core import inputs as i
from core.chat import actions, present
from core.engine import Outcome
from core.session import RECENT_INPUTS_KEPT, SOURCES_KEPT, Answer, AnswerValue, Session, Status
from core.windows import is_open
from questionnaire.loader import load, parse
from questionnaire.model import COMMAND_WORDS, Item, Kind, Questionnaire

EVERY_KIND = """
id = "every_kind"
title = "Every kind of item"
introduction = "A small questionnaire with one item of each kind."
closing = "Thank you."
opens = 2030-01-01T00:00:00Z
closes = 2030-01-06T00:00:00Z

[[items]]
id = "consent"
kind = "consent"
required = true
text = "May we quote you?"

[[items]]
id = "contact"
kind = "fields"
required = true
text = "Your contact details"
fields = [
    { id = "name", label = "Name", max_length = 20 },
    { id = "phone", label = "Phone", required = false, max_length = 15 },
    { id = "email", label = "E-mail", kind = "email", max_length = 40 },
]

[[items]]
id = "organisation"
kind = "fields"
text = "Your organisation, if you answer for one"
fields = [
    { id = "org_name", label = "Organisation", max_length = 30 },
    { id = "website", label = "Website", required = false, max_length = 30 },
]

[[items]]
id = "about_you"
kind = "note"
text = "Now a few questions about you."

[[items]]
id = "sector"
kind = "single"
required = true
text = "Your sector?"
options = ["Public", "Private", "Civil society"]

[[items]]
id = "size"
kind = "single"
text = "How large is your company?"
options = ["Small", "Large"]
when = { item = "sector", any_of = ["Private"] }

[[items]]
id = "size_detail"
kind = "short"
required = true
max_length = 40
text = "How many people work there?"
when = { item = "size", any_of = ["Large"] }

[[items]]
id = "topics"
kind = "multiple"
required = true
min_choices = 2
max_choices = 3
text = "Which topics matter to you?"
options = ["Energy", "Water, sanitation", "Health", "Education"]

[[items]]
id = "health"
kind = "long"
max_length = 300
text = "What about health?"
when = { item = "topics", any_of = ["Health"] }

[[items]]
id = "motto"
kind = "short"
max_length = 20
text = "Your motto, in a few words?"

[[items]]
id = "vision"
kind = "long"
required = true
max_length = 300
text = "Your vision?"

[[items]]
id = "quote_as"
kind = "single"
text = "How may we quote you?"
options = ["By name", "By organisation", "Anonymously"]
when = { item = "consent", any_of = ["Yes"] }

[[items]]
id = "goodbye"
kind = "note"
text = "That is all."
"""

ONE_SHORT = """
id = "one_short"
title = "One short question"
introduction = "Just one."

[[items]]
id = "motto"
kind = "short"
max_length = 40
text = "Your motto?"

[[items]]
id = "topics"
kind = "multiple"
text = "Topics?"
options = ["Energy", "Water", "Health"]

[[items]]
id = "sector"
kind = "single"
text = "Sector?"
options = ["Public", "Private"]
"""

QUESTIONNAIRES = {"wgec2013": load(), "every_kind": parse(EVERY_KIND), "one_short": parse(ONE_SHORT)}
OPENS = datetime(2030, 1, 1, tzinfo=UTC)
T0 = OPENS + timedelta(minutes=1)
# A normal input takes well under a millisecond; this catches inputs that make the engine hang.
APPLY_SECONDS = 10.0  # generous: a loaded CI machine is slow, a hang is forever
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
INPUT_TYPES = get_args(i.Input)
COMMANDS: dict[str, i.Input] = {
    "start": i.Start(), "back": i.GoBack(), "skip": i.SkipItem(), "keep": i.KeepAnswer(),
    "add": i.AddToAnswer(), "done": i.FinishAnswer(), "review": i.ShowReview(),
    "submit": i.SubmitAnswers(), "status": i.ShowStatus(), "help": i.ShowHelp(),
    "restart": i.RestartAnswers(), "withdraw": i.WithdrawAnswers(), "cancel": i.Cancel(),
    "edit": i.EditItem(None, ""),
}
PLAIN_COMMANDS = [command for word, command in COMMANDS.items() if word != "start"] + [i.Confirm(), i.Resume()]


class TooSlow(AssertionError):
    """The engine did not answer within APPLY_SECONDS."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the input when it runs longer than `seconds` (where SIGALRM exists, main thread)."""

    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise TooSlow(f"apply took more than {seconds} s")

    try:
        previous = signal.signal(signal.SIGALRM, _alarm)
    except (AttributeError, ValueError):
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def apply_in_time(q: Questionnaire, session: Session, command: i.Input, now: datetime,
                  inbound_id: str | None = None) -> Outcome:
    with time_limit(APPLY_SECONDS):
        return engine.apply(q, session, command, now, inbound_id)


# -- what a respondent may send ------------------------------------------------------------


def disguised(word: str) -> st.SearchStrategy[str]:
    """A word in any case, with or without a leading '/', with whitespace around it."""
    space = st.text(st.sampled_from(WHITESPACE), max_size=3)
    cases = st.lists(st.booleans(), min_size=len(word), max_size=len(word))
    return st.builds(
        lambda before, slash, upper, after: before + "/" * slash + _cased(word, upper) + after,
        space, st.booleans(), cases, space,
    )


def _cased(word: str, upper: list[bool]) -> str:
    return "".join(c.upper() if up else c.lower() for c, up in zip(word, upper, strict=True))


NUMBER_LISTS = st.builds(
    lambda numbers, separator, tail: separator.join(map(str, numbers)) + tail,
    st.lists(st.integers(-1, 9), min_size=1, max_size=6),
    st.sampled_from([",", ", ", " ", "  ", ";", " , "]),
    st.sampled_from(["", " ", "x", ","]),
)
TRICKY_TEXTS = st.one_of(
    st.sampled_from(["", " ", "\n", "\t \r\n", "\u00a0", "yes", "no", "Y", "n", "1", "2", "0", "-1"]),
    st.builds("".join, st.tuples(st.text(max_size=8), st.characters(categories=["Cc"]), st.text(max_size=8))),
    # Beyond the small limits, and beyond the 100,000 characters of a WGEC long answer.
    st.builds(lambda part, n: part * n, st.text(min_size=1, max_size=4),
              st.integers(10, 700) | st.integers(25_000, 26_000)),
    st.integers(1, 6000).map(lambda n: "1" * n),
    st.builds(lambda user, host: f"{user}@{host}.org", st.from_regex(r"[a-z]{1,8}", fullmatch=True),
              st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
)


# Messages are named from a small pool, so that edits often find the message that gave an answer.
MESSAGE_REFS = st.sampled_from(["m1", "m2", "m3", "m4"])


def texts_for(q: Questionnaire) -> st.SearchStrategy[str]:
    """Anything a respondent may type at this questionnaire."""
    labels = sorted({option for item in q.items for option in item.choices})
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(sorted(COMMAND_WORDS)).flatmap(disguised),
        st.integers(-3, 40).map(str),
        NUMBER_LISTS,
        st.sampled_from(labels).flatmap(disguised),
        TRICKY_TEXTS,
    )


def invites() -> st.SearchStrategy[str | None]:
    return st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True) | st.text(max_size=80)


def plain_words(max_size: int) -> st.SearchStrategy[str]:
    """Ordinary words that read as an answer, never as a command."""
    return st.text("abcdefghij klmnopqrstuvwxyz", min_size=1, max_size=max_size).filter(
        lambda t: bool(t.strip()) and t.strip().casefold() not in COMMAND_WORDS
    )


# -- the invariants ------------------------------------------------------------------------


def _bad_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text)


def _strings(value: AnswerValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    return list(value.values()) + list(value) if isinstance(value, dict) else list(value)


def check_answer(item: Item, answer: Answer) -> None:
    """The stored value has the shape of its item's kind and is within its limits."""
    value, where = answer.value, f"answer to {item.id!r} ({item.kind}): {answer.value!r}"
    assert item.answerable, f"a note has an answer: {where}"
    if value is None:
        assert not item.required, f"a required item is stored as skipped: {where}"
        return
    assert not any(_bad_control(text) for text in _strings(value)), f"control characters in {where}"
    if item.kind in (Kind.SINGLE, Kind.CONSENT):
        assert isinstance(value, str) and value in item.choices, where
    elif item.kind in (Kind.SHORT, Kind.LONG):
        assert isinstance(value, str) and value.strip() and len(value) <= item.limit, where
    elif item.kind is Kind.MULTIPLE:
        assert isinstance(value, list) and all(isinstance(v, str) and v in item.options for v in value), where
        top = item.max_choices or len(item.options)
        assert len(set(value)) == len(value) and max(item.min_choices, 1) <= len(value) <= top, where
    else:
        _check_fields(item, value, where)


def _check_fields(item: Item, value: AnswerValue, where: str) -> None:
    assert isinstance(value, dict), where
    fields = {field.id: field for field in item.fields}
    for key, text in value.items():
        field = fields.get(key)
        assert field is not None and isinstance(text, str) and len(text) <= field.max_length, where
        assert text or not field.required, f"a required field is empty: {where}"
        assert not text or field.kind != "email" or "@" in text, where


def check_answers(q: Questionnaire, answers: dict[str, Answer]) -> None:
    for item_id, answer in answers.items():
        assert q.has(item_id), f"an answer to an unknown item {item_id!r}"
        check_answer(q.item(item_id), answer)


def check_session(q: Questionnaire, s: Session) -> None:
    """What must hold of any session the engine returns."""
    check_answers(q, s.answers)
    for item_id in s.answers:
        assert flow.condition_holds(q.item(item_id), s.answers), f"{item_id!r} answered but does not apply"
    for item_id, aside in s.set_aside.items():
        assert item_id not in s.answers, f"{item_id!r} both answered and set aside"
        assert not flow.condition_holds(q.item(item_id), s.answers), f"{item_id!r} applies, yet is set aside"
        check_answer(q.item(item_id), aside.answer)
    for submission in s.submissions:
        check_answers(q, submission.answers)
    _check_status(q, s)
    _check_cursor(q, s)
    assert len(s.sources) <= SOURCES_KEPT and all(q.has(source.item_id) for source in s.sources.values())
    assert Session.model_validate_json(s.model_dump_json()) == s, "the session does not survive JSON"


def _check_status(q: Questionnaire, s: Session) -> None:
    if s.status is Status.SUBMITTED:
        assert s.submitted is not None, "submitted without a submission"
        missing = [item.id for item in flow.missing_required(q, s.submitted.answers)]
        assert missing == [], f"submitted without required answers: {missing}"
    if s.submitted is not None:
        assert s.status is Status.SUBMITTED, f"a submission but status {s.status}"
        assert s.changed_since_submit == (s.answers != s.submitted.answers)
    if s.status in (Status.NEW, Status.WITHDRAWN):
        assert not s.answers and s.cursor is None and s.pending is None, f"{s.status} session holds state"


def _check_cursor(q: Questionnaire, s: Session) -> None:
    if s.cursor is not None:
        assert q.has(s.cursor), f"the cursor names an unknown item {s.cursor!r}"
        item = q.item(s.cursor)
        assert item.answerable, f"the cursor is on a note {s.cursor!r}"
        assert flow.condition_holds(item, s.answers), f"the cursor is on {s.cursor!r}, which does not apply"
        assert item.kind is not Kind.FIELDS or 0 <= s.field_index < len(item.fields), s.field_index
    if s.draft is not None:
        assert s.draft.item_id == s.cursor, f"a draft for {s.draft.item_id!r} while at {s.cursor!r}"


def check_outcome(q: Questionnaire, before: Session, sent: Session, out: Outcome, now: datetime,
                  command: i.Input | None = None) -> None:
    """What must hold of one input: the given session, the outcome and the reply."""
    assert sent == before and sent.model_dump() == before.model_dump(), "apply mutated its input session"
    assert out.changed == (out.session != sent), "changed does not say whether the session changed"
    if not out.changed:
        assert out.session.model_dump() == sent.model_dump(), "unchanged, yet different data"
    reply = out.reply
    assert reply.status is out.session.status
    assert reply.duplicate or reply.text.strip(), f"an empty reply: {reply!r}"
    if not reply.ask and not isinstance(command, i.EditMessage):
        # Refused (or 'received, send more'): the question stays, so no answer may change. (An edit of
        # an earlier message may change the answer it gave while the question stays: checked apart.)
        assert out.session.answers == sent.answers, "answers changed although the question stayed"
    _check_progress(q, out)
    check_window(q, sent, out, now)
    check_answers_moved(q, sent, out, command)


def check_answers_moved(q: Questionnaire, sent: Session, out: Outcome, command: i.Input | None = None) -> None:
    """One input answers at most the question being asked; other answers only go aside, or when cleared.

    An edit of an earlier message changes the answer that message gave, wherever the respondent is now,
    and only where the edited message's text is still in that answer.
    """
    old, new = sent.answers, out.session.answers
    touched = {item_id for item_id, answer in new.items() if old.get(item_id) != answer}
    if isinstance(command, i.EditMessage) and touched:
        source = sent.sources.get(command.ref)
        assert source is not None and touched == {source.item_id}, f"an edit changed {sorted(touched)}"
        assert source.text.strip(), "an edit replaced an empty message"
        flat = " ".join(unicodedata.normalize("NFC", command.text).split())
        value = new[source.item_id].value
        held = " ".join(" ".join(_strings(value)).split()) if value is not None else ""
        assert flat in held, "the edited text is not in the answer"
    else:
        assert touched <= {sent.cursor}, f"answers to {sorted(touched)} changed while at {sent.cursor!r}"
    for item_id in old.keys() - new.keys():
        assert not new or not flow.condition_holds(q.item(item_id), new), f"the answer to {item_id!r} was lost"
        aside = out.session.set_aside.get(item_id)
        cleared = not new and not out.session.set_aside  # 'restart' or 'withdraw', confirmed
        assert cleared or (aside is not None and aside.answer == old[item_id]), f"{item_id!r} was not set aside"
    added = len(out.session.submissions) - len(sent.submissions)
    assert added == int(out.reply.submitted) or (added < 0 and out.session.status is Status.WITHDRAWN), added
    if out.reply.submitted:
        assert out.session.submitted is not None and out.session.submitted.answers == new


def check_window(q: Questionnaire, sent: Session, out: Outcome, now: datetime) -> None:
    """Outside the opening dates answers cannot change; withdrawing stays possible."""
    if not is_open(q, now) and out.changed and out.session.status is not Status.WITHDRAWN:
        assert out.session.answers == sent.answers, "answers changed while the consultation is not open"
        assert out.session.submissions == sent.submissions, "submitted while the consultation is not open"


def check_skip(q: Questionnaire, sent: Session, command: i.Input, out: Outcome, now: datetime) -> None:
    """'skip' leaves out any question that is not required (help: "skip - leave out a question...")."""
    free = sent.status is not Status.NEW and sent.pending is None and is_open(q, now) and not out.reply.duplicate
    item = q.item(sent.cursor) if sent.cursor is not None else None
    mid_answer = sent.draft is not None and bool(sent.draft.parts)
    if isinstance(command, i.SkipItem) and free and item is not None and not item.required and not mid_answer:
        # A group of fields is skipped field by field, so moving to its next field counts too.
        moved = out.session.cursor != item.id or out.session.field_index > sent.field_index
        assert moved, f"'skip' refused at the optional {item.id!r}: {out.reply.text!r}"
    required = item is not None and item.required and item.kind is not Kind.FIELDS
    if isinstance(command, i.SkipItem) and free and required and not mid_answer:
        assert out.session.cursor == item.id and out.session.answers == sent.answers, "skipped a required item"


def _check_progress(q: Questionnaire, out: Outcome) -> None:
    progress, s = out.reply.progress, out.session
    started = s.status in (Status.IN_PROGRESS, Status.SUBMITTED)
    assert (progress is not None) == started, f"progress {progress!r} with status {s.status}"
    if progress is not None:
        total = len(flow.questions(q, s.answers))
        assert progress.total == total, f"progress says {progress.total} questions, {total} apply"
        assert 0 <= progress.index <= total and 0 <= progress.answered <= total, progress


# -- the state machine ---------------------------------------------------------------------


class Conversation(RuleBasedStateMachine):
    """One respondent, sending anything at all; the session is kept only when it changed."""

    def __init__(self) -> None:
        super().__init__()
        self.q = QUESTIONNAIRES["wgec2013"]
        self.session = engine.new_session("console:prop", "console")
        self.now = T0
        self.counter = 0
        self.sent: list[tuple[str, i.Input]] = []
        self.shown: list[str] = []  # button tokens of every reply so far, newest last
        self.on_screen: set[str] = set()  # those of the last reply
        self.remembered: list[str] = []

    @initialize(name=st.sampled_from(["wgec2013", "every_kind"]), early=st.integers(0, 3))
    def choose_questionnaire(self, name: str, early: int) -> None:
        self.q = QUESTIONNAIRES[name]
        # Now and then the respondent comes before the consultation opens.
        self.now = OPENS - timedelta(hours=1) if early == 0 else OPENS + timedelta(minutes=1)

    def send(self, command: i.Input, inbound_id: str | None = None, fresh: bool = True) -> Outcome:
        """Apply one input like the service does, and check everything about it."""
        if fresh:
            self.counter += 1
            # Some front ends (the console) give no inbound id.
            inbound_id = f"in-{self.counter}" if self.counter % 5 else None
        before = copy.deepcopy(self.session)
        out = apply_in_time(self.q, self.session, command, self.now, inbound_id)
        check_outcome(self.q, before, self.session, out, self.now, command)
        check_skip(self.q, self.session, command, out, self.now)
        # The engine can only remember the ids of inputs that changed the session (an unchanged
        # session is not stored), so those are the ones that must come back as duplicates.
        repeated = inbound_id is not None and inbound_id in self.remembered
        assert out.reply.duplicate == repeated, f"inbound id {inbound_id!r}: duplicate={out.reply.duplicate}"
        if repeated:
            assert not out.changed and out.session is self.session, "a repeated input changed the session"
        if inbound_id is not None and fresh:
            self.sent.append((inbound_id, command))
        view = present.view(self.q, out.reply)
        tokens = [b.token for b in [*view.options, *view.commands]]
        if tokens or out.reply.ask:
            self.on_screen = set(tokens)
        self.shown = [*self.shown, *tokens][-60:]
        if out.changed:
            self.session = out.session
            if inbound_id is not None:
                self.remembered = [*self.remembered, inbound_id][-RECENT_INPUTS_KEPT:]
        return out

    @rule(payload=invites())
    def start(self, payload: str | None) -> None:
        self.send(i.Start(payload))

    @rule(data=st.data())
    def type_text(self, data: st.DataObject) -> None:
        self.send(i.parse_text(data.draw(texts_for(self.q), label="typed")))

    @rule(data=st.data(), ref=st.none() | MESSAGE_REFS)
    def send_raw_text(self, data: st.DataObject, ref: str | None) -> None:
        self.send(i.SendText(data.draw(texts_for(self.q), label="text"), ref))

    @rule(data=st.data(), ref=MESSAGE_REFS)
    def edit_a_message(self, data: st.DataObject, ref: str) -> None:
        """Edit an earlier message: at most the answer it gave changes, and never the place."""
        before = copy.deepcopy(self.session)
        out = self.send(i.EditMessage(ref, data.draw(texts_for(self.q), label="edited")))
        if not out.reply.duplicate and before.status is not Status.NEW:  # any first message starts
            assert (out.session.cursor, out.session.status) == (before.cursor, before.status), "an edit moved on"
            changed = {k for k in {*before.answers, *out.session.answers}
                       if before.answers.get(k) != out.session.answers.get(k)}
            assert len(changed) <= 1, changed

    @rule(number=st.none() | st.integers(-2, 30))
    def show(self, number: int | None) -> None:
        before = copy.deepcopy(self.session)
        out = self.send(i.ShowAnswer(number, str(number)))
        if before.status is Status.NEW:
            return  # any first message starts, this one too
        assert out.session.model_copy(update={"recent_inputs": before.recent_inputs}) == before, "show changed"

    @rule(command=st.sampled_from(PLAIN_COMMANDS))
    def command(self, command: i.Input) -> None:
        self.send(command)

    @rule(number=st.none() | st.integers(-2, 30))
    def edit(self, number: int | None) -> None:
        self.send(i.EditItem(number, str(number)))

    @rule(data=st.data(), options=st.lists(st.integers(-2, 6), max_size=4))
    def press_buttons(self, data: st.DataObject, options: list[int]) -> None:
        self.send(i.ChooseOptions(data.draw(self._button_ids(), label="item"), tuple(options)))

    @rule(data=st.data(), option=st.integers(-2, 6))
    def toggle(self, data: st.DataObject, option: int) -> None:
        self.send(i.ToggleOption(data.draw(self._button_ids(), label="item"), option))

    def _button_ids(self) -> st.SearchStrategy[str]:
        current = [self.session.cursor] if self.session.cursor else []
        return st.sampled_from([*current, *current, *(item.id for item in self.q.items), "gone"])

    @precondition(lambda self: bool(self.shown))
    @rule(data=st.data())
    def press_a_button_seen_before(self, data: st.DataObject) -> None:
        """Any button ever shown, pressed at any time: one no longer on screen never changes an answer."""
        token = data.draw(st.sampled_from(self.shown), label="token")
        command = actions.decode(self.q, token)
        assert command is not None, f"a token we drew does not decode: {token!r}"
        before, stale = copy.deepcopy(self.session), token not in self.on_screen
        out = self.send(command)
        if stale and not out.reply.duplicate and before.status is not Status.NEW:
            assert out.session.answers == before.answers, f"an old button {token!r} changed an answer"
            assert out.session.status == before.status, f"an old button {token!r} changed the status"

    @rule(delta=st.timedeltas(timedelta(0), timedelta(hours=2)) | st.timedeltas(timedelta(0), timedelta(days=3)))
    def wait(self, delta: timedelta) -> None:
        self.now += delta

    @rule(
        withdraw=st.booleans(),
        delay=st.sampled_from([timedelta(0), timedelta(days=6)]) | st.timedeltas(timedelta(0), timedelta(days=6)),
        answer=st.sampled_from([i.Confirm(), i.SendText("Yes"), i.SendText("1"), i.SendText("no"), i.Cancel()]),
    )
    def clear_answers(self, withdraw: bool, delay: timedelta, answer: i.Input) -> None:
        """Ask to restart or withdraw, then answer the confirmation, perhaps days later."""
        self.send(i.WithdrawAnswers() if withdraw else i.RestartAnswers())
        self.now += delay
        self.send(answer)

    @precondition(lambda self: bool(self.sent))
    @rule(data=st.data())
    def deliver_again(self, data: st.DataObject) -> None:
        inbound_id, command = data.draw(st.sampled_from(self.sent), label="again")
        self.send(command, inbound_id, fresh=False)

    @rule(data=st.data(), steps=st.integers(1, 30))
    def answer_sensibly(self, data: st.DataObject, steps: int) -> None:
        """Walk on with valid answers, so that the deep states (review, submitted) are reached."""
        for _ in range(steps):
            if not self.send(data.draw(self._sensible(), label="sensible")).changed:
                return

    def _sensible(self) -> st.SearchStrategy[i.Input]:
        s = self.session
        if s.status in (Status.NEW, Status.WITHDRAWN):
            return st.just(i.Start())
        if s.pending is not None:
            return st.sampled_from([i.Confirm(), i.Cancel(), i.SendText("yes"), i.SendText("no")])
        if s.cursor is None:
            return st.just(i.SubmitAnswers())
        return sensible_answer(self.q.item(s.cursor), s)

    @invariant()
    def session_holds(self) -> None:
        check_session(self.q, self.session)

    def teardown(self) -> None:
        open_now = "open" if is_open(self.q, self.now) else "not open"
        event(f"{self.q.id}: ended {self.session.status}, {len(self.session.submissions)} submissions, {open_now}")


def sensible_answer(item: Item, s: Session) -> st.SearchStrategy[i.Input]:
    """A valid answer to the current item (or a skip where allowed)."""
    skip = [i.SkipItem()] if not item.required else []
    if item.kind is Kind.FIELDS:
        field = item.fields[s.field_index]
        skip = [i.SkipItem()] if not (field.required and item.required) else []
        if field.kind == "email":
            return st.sampled_from([i.SendText(f"user{s.field_index}@example.org"), *skip])
        return plain_words(field.max_length).map(i.SendText) | st.sampled_from([i.SendText("Ana"), *skip])
    if item.kind in (Kind.SINGLE, Kind.CONSENT):
        index = st.integers(0, len(item.choices) - 1)
        by_name = index.map(lambda n: i.SendText(item.choices[n].upper()))
        by_number = index.map(lambda n: i.SendText(f" {n + 1} "))
        buttons = index.map(lambda n: i.ChooseOptions(item.id, (n,)))
        return st.one_of(by_name, by_number, buttons, *map(st.just, skip))
    if item.kind is Kind.MULTIPLE:
        top = item.max_choices or len(item.options)
        picks = st.lists(st.integers(0, len(item.options) - 1), min_size=max(item.min_choices, 1),
                         max_size=top, unique=True)
        return picks.map(lambda ns: i.SendText(", ".join(str(n + 1) for n in ns))) | picks.map(
            lambda ns: i.ChooseOptions(item.id, tuple(ns)))
    if item.kind is Kind.LONG:
        if s.draft is not None and s.draft.parts:
            return st.just(i.FinishAnswer())
        return st.one_of(plain_words(min(item.limit, 120)).map(i.SendText), *map(st.just, skip))
    return st.one_of(plain_words(min(item.limit, 30)).map(i.SendText), *map(st.just, skip))


Conversation.TestCase.settings = settings(
    max_examples=400,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    # The explain phase replays each failure many times over; shrinking already gives the story.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
TestConversation = Conversation.TestCase


# -- single properties ---------------------------------------------------------------------


@given(st.text())
def test_parse_text_never_raises(text: str) -> None:
    assert isinstance(i.parse_text(text), INPUT_TYPES)


def test_every_command_word_is_known() -> None:
    assert set(COMMANDS) == COMMAND_WORDS


@given(st.sampled_from(sorted(COMMANDS)).flatmap(lambda w: st.tuples(st.just(w), disguised(w))))
def test_command_words_in_any_case_with_or_without_slash(word_and_text: tuple[str, str]) -> None:
    word, text = word_and_text
    assert i.parse_text(text) == COMMANDS[word], f"{text!r} did not read as {word!r}"


@given(st.integers(0, 99_999), disguised("edit"), st.text(st.sampled_from(" \t"), min_size=1, max_size=3))
def test_edit_with_a_number(number: int, edit: str, gap: str) -> None:
    assert i.parse_text(f"{edit.rstrip()}{gap}{number}") == i.EditItem(number, str(number))


def _at(q: Questionnaire, number: int) -> Session:
    """A session at question `number`, reached by 'start' and 'edit N'."""
    s = engine.apply(q, engine.new_session("console:one", "console"), i.Start(), T0).session
    return engine.apply(q, s, i.EditItem(number), T0).session


@given(st.builds(lambda a, b, c: a + b + c, st.text(st.sampled_from(WHITESPACE), max_size=3), st.text(max_size=50),
                 st.text(st.sampled_from(WHITESPACE), max_size=3)))
@example("  caf\u0065\u0301 au lait \r\n")
def test_short_answer_is_stored_stripped_and_nfc(text: str) -> None:
    q = QUESTIONNAIRES["one_short"]
    expected = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    valid = bool(expected) and len(expected) <= q.item("motto").limit and not _bad_control(text.replace("\r", ""))
    out = engine.apply(q, _at(q, 1), i.SendText(text), T0)
    if not valid:
        assert not out.changed and "motto" not in out.session.answers, f"{text!r} was taken"
        return
    assert out.changed, out.reply.text
    stored = out.session.answers["motto"].value
    assert stored == expected
    assert isinstance(stored, str) and stored == stored.strip() and unicodedata.is_normalized("NFC", stored)


@given(st.integers(1, 3), texts_for(QUESTIONNAIRES["one_short"]))
@example(3, "1" * 5000)  # single choice
@example(2, "1" * 5000)  # multiple choice
def test_any_text_at_any_item_never_raises(number: int, text: str) -> None:
    q = QUESTIONNAIRES["one_short"]
    session = _at(q, number)
    out = apply_in_time(q, session, i.SendText(text), T0)
    check_session(q, out.session)


@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=30),
    st.lists(st.sampled_from([" ", "  ", "   ", ", ", " ,  "]), min_size=30, max_size=30),
    st.sampled_from(["", "x", ",", "4 x"]),
)
@example([1] * 30, ["  "] * 30, "x")
@settings(deadline=None, max_examples=60)
def test_typed_numbers_are_read_promptly(numbers: list[int], gaps: list[str], tail: str) -> None:
    q = QUESTIONNAIRES["one_short"]
    text = "".join(f"{n}{gap}" for n, gap in zip(numbers, gaps, strict=False)) + tail
    out = apply_in_time(q, _at(q, 2), i.SendText(text), T0)
    check_session(q, out.session)
