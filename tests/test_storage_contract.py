"""The repository contract: every implementation of the port passes these same tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core import progress
from core.figures import Tally
from core.invitations.model import Invited
from core.ports import Repository, StorageError
from core.session import Answer, Draft, Session, SetAside, Source, Status, Submission, Suggestion
from storage.embedded import open_repository
from storage.memory import MemoryRepository
from tests.support.postgres import fresh_schema
from tests.support.postgres import open_repository as open_postgres_at
from tests.support.responses import WGEC, WGEC_ANONYMOUS, panel, respondent

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


async def open_memory(_: Path, __: AsyncExitStack) -> Repository:
    return MemoryRepository()


async def open_tinydb_writer(folder: Path, _: AsyncExitStack) -> Repository:
    return open_repository(folder / "data" / "consult.json")


async def open_postgres(_: Path, stack: AsyncExitStack) -> Repository:
    url = await stack.enter_async_context(fresh_schema())
    return await open_postgres_at(url)


Opener = Callable[[Path, AsyncExitStack], Awaitable[Repository]]
IMPLEMENTATIONS: dict[str, Opener] = {"memory": open_memory, "tinydb": open_tinydb_writer, "postgres": open_postgres}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
async def repo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repository]:
    async with AsyncExitStack() as stack:
        repository = await IMPLEMENTATIONS[request.param](tmp_path, stack)
        yield repository
        await repository.close()


def answer(value: str | list[str] | dict[str, str] | None, minutes: int = 0) -> Answer:
    asked = f"Question answered with {value!r}"
    return Answer(value=value, at=T0 + timedelta(minutes=minutes), text=asked)


def full_session(respondent_id: str = "telegram:12345") -> Session:
    """A session in which every field differs from its default."""
    answers = {
        "name": answer("Ana Lúcia"),
        "sectors": answer(["energy", "water"], 1),
        "contact": answer({"email": "ana@example.org", "phone": "+351 900 000 000"}, 2),
        "optional": answer(None, 3),
        "vision": answer("Long text\nover two lines, with émoji 🌍 and a lone surrogate \ud800.", 4),
    }
    return Session(
        schema_version=7,
        respondent_id=respondent_id,
        channel="telegram",
        status=Status.SUBMITTED,
        answers=answers,
        set_aside={"group": SetAside(answer=answer("Civil society", 5), at=T0, why="Asked only when 1 is NGO.")},
        cursor="vision",
        field_index=2,
        draft=Draft(item_id="vision", parts=["first part", "second part"], choices=[0, 2]),
        pending="withdraw",
        submissions=[Submission(at=T0 + timedelta(hours=1), answers=dict(answers))],
        changed_since_submit=True,
        invite="ngo-forum",
        invited=Invited(code="ngo-forum", organisation="NGO Forum", category="Non-Government",
                        subcategory="Civil society"),
        reminders_off=True,
        recent_inputs=["msg:1", "msg:2"],
        sources={"telegram:m:7": Source(item_id="contact", field_id="email", text="ana@example.org")},
        started_at=T0,
        updated_at=T0 + timedelta(hours=2),
        moved_to="slack:T1:U1",
        moved_from=["console:ana"],
        suggested=Suggestion(item_id="contact", field_id="country", codes=["CG", "CD"]),
        language="ar",
        told_untranslated=True,
        choosing_language=True,
    )


def test_full_session_sets_every_field() -> None:
    session = full_session()
    for name, field in Session.model_fields.items():
        assert getattr(session, name) != field.get_default(call_default_factory=True), name


async def test_unknown_respondent_is_none(repo: Repository) -> None:
    assert await repo.get("console:nobody") is None


async def test_put_then_get_round_trips_every_field(repo: Repository) -> None:
    session = full_session()
    await repo.put(session)
    stored = await repo.get(session.respondent_id)
    assert stored == session
    assert stored is not None and stored.answers["optional"].value is None
    assert stored.updated_at is not None and stored.updated_at.tzinfo is not None


async def test_put_replaces_the_earlier_version(repo: Repository) -> None:
    first = full_session()
    await repo.put(first)
    second = Session(respondent_id=first.respondent_id, channel="telegram", cursor="q1")
    await repo.put(second)
    assert await repo.get(first.respondent_id) == second


async def test_all_returns_every_session(repo: Repository) -> None:
    sessions = [full_session(f"console:person{i}") for i in range(5)]
    for session in sessions:
        await repo.put(session)
    stored = await repo.all()
    assert sorted(s.respondent_id for s in stored) == sorted(s.respondent_id for s in sessions)
    assert all(s == full_session(s.respondent_id) for s in stored)


async def test_all_of_an_empty_repository_is_empty(repo: Repository) -> None:
    assert list(await repo.all()) == []


async def test_changing_a_session_after_put_does_not_change_the_store(repo: Repository) -> None:
    session = full_session()
    await repo.put(session)
    session.answers["sectors"].value.append("changed")  # answers are frozen, but a list value is not
    session.answers["name"] = session.answers["name"].model_copy(update={"value": "changed"})
    session.recent_inputs.append("msg:3")
    stored = await repo.get(session.respondent_id)
    assert stored == full_session()


async def test_changing_a_got_session_does_not_change_the_store(repo: Repository) -> None:
    await repo.put(full_session())
    got = await repo.get("telegram:12345")
    assert got is not None
    got.answers["sectors"].value.append("changed")
    assert got.draft is not None
    got.draft.parts.append("changed")
    assert await repo.get("telegram:12345") == full_session()
    assert list(await repo.all()) == [full_session()]


async def test_concurrent_puts_for_different_respondents_all_land(repo: Repository) -> None:
    sessions = [full_session(f"slack:U{i:04d}") for i in range(40)]
    await asyncio.gather(*(repo.put(session) for session in sessions))
    for session in sessions:
        assert await repo.get(session.respondent_id) == session
    assert len(list(await repo.all())) == len(sessions)


async def test_close_refuses_further_use_and_can_be_repeated(repo: Repository) -> None:
    await repo.put(full_session())
    await repo.close()
    await repo.close()
    with pytest.raises(StorageError):
        await repo.get("telegram:12345")
    with pytest.raises(StorageError):
        await repo.put(full_session())


async def test_the_order_of_a_sessions_sources_survives(repo: Repository) -> None:
    # The engine forgets the oldest sources first: their order is part of the session.
    session = full_session()
    refs = [f"telegram:m:{n}" for n in (30, 4, 200, 1)]
    session.sources = {ref: Source(item_id="name", text=ref) for ref in refs}
    await repo.put(session)
    stored = await repo.get(session.respondent_id)
    assert stored is not None and list(stored.sources) == refs


async def test_a_held_respondent_is_stored_when_the_step_ends(repo: Repository) -> None:
    async with repo.transaction("slack:U1") as held:
        assert held.session is None
        await held.put(full_session("slack:U1"))
    async with repo.transaction("slack:U1") as held:
        assert held.session == full_session("slack:U1")


async def test_a_step_that_stores_nothing_leaves_nothing(repo: Repository) -> None:
    async with repo.transaction("slack:U2") as held:
        assert held.session is None
    assert await repo.get("slack:U2") is None
    assert list(await repo.all()) == []


async def test_a_step_that_fails_stores_nothing(repo: Repository) -> None:
    await repo.put(full_session("slack:U3"))
    with pytest.raises(ZeroDivisionError):
        async with repo.transaction("slack:U3") as held:
            await held.put(Session(respondent_id="slack:U3", channel="slack"))
            raise ZeroDivisionError
    assert await repo.get("slack:U3") == full_session("slack:U3")


async def test_steps_on_one_respondent_run_one_after_the_other(repo: Repository) -> None:
    async def add_one(n: int) -> None:
        async with repo.transaction("console:counter") as held:
            session = held.session or Session(respondent_id="console:counter", channel="console")
            await asyncio.sleep(0)  # let the other steps try to get in
            session.recent_inputs.append(f"in:{n}")
            await held.put(session)

    await asyncio.gather(*(add_one(n) for n in range(8)))
    stored = await repo.get("console:counter")
    assert stored is not None and sorted(stored.recent_inputs) == sorted(f"in:{n}" for n in range(8))


async def test_an_open_repository_is_healthy_and_a_closed_one_is_not(repo: Repository) -> None:
    await repo.put(full_session())
    assert await repo.healthy()
    await repo.close()
    assert not await repo.healthy()

def consultation() -> list[Session]:
    """The export panel, plus what progress must tell apart: one country typed three ways, a withdrawal."""
    people = [
        *panel(),
        respondent("Fatou Ba", country="kenya", day=2),
        respondent("Gita Rao", consent="No", country=" Kenya ", day=2, submitted=False),
        respondent("Hana Sato", country="Kenya", channel="telegram", day=4, answers={"q4": "Yes."}),
        respondent("Jo Ng", country="", day=3),  # an intergovernmental organisation: no country
    ]
    gone = respondent("Ivan Petrov", day=1)
    gone.status = Status.WITHDRAWN
    return [*people, gone]


@pytest.mark.parametrize(("public", "drafts"), [(False, False), (True, False), (False, True)])
async def test_the_figures_of_progress_are_those_of_the_stored_sessions(
    repo: Repository, public: bool, drafts: bool
) -> None:
    sessions = consultation()
    for session in sessions:
        await repo.put(session)
    figures = await repo.figures(WGEC)
    counted = progress.from_figures(WGEC, figures, T0, public=public, drafts=drafts)
    assert counted == progress.report(WGEC, sessions, T0, public=public, drafts=drafts)
    assert counted.by_country["Kenya"] == Tally(started=3 if not public else 2, submitted=2)
    if not public:  # public files count those who may not be cited together, unnamed
        assert counted.by_country[progress.NOT_GIVEN] == Tally(started=1, submitted=1)
    assert progress.NOT_ANSWERED not in counted.by_country


async def test_after_the_questionnaire_changes_the_figures_follow_the_new_file(repo: Repository) -> None:
    sessions = consultation()
    for session in sessions:
        await repo.put(session)
    # Stored while the rule was "cited only"; the file now shows views without names.
    changed = WGEC_ANONYMOUS
    figures = await repo.figures(changed)
    assert progress.from_figures(changed, figures, T0) == progress.report(changed, sessions, T0)


async def test_the_figures_of_an_empty_repository_are_zero(repo: Repository) -> None:
    assert progress.from_figures(WGEC, await repo.figures(WGEC), T0) == progress.report(WGEC, [], T0)


async def test_each_streams_every_session_once(repo: Repository) -> None:
    sessions = [full_session(f"console:person{i}") for i in range(30)]
    for session in sessions:
        await repo.put(session)
    streamed = [session async for session in repo.each()]
    assert sorted(s.respondent_id for s in streamed) == sorted(s.respondent_id for s in sessions)
    assert all(s == full_session(s.respondent_id) for s in streamed)


def test_a_change_of_wording_or_dates_keeps_the_stored_figures_current_and_a_change_of_options_does_not() -> None:
    # Otherwise fixing a typo would make every row stale: progress would read every session again.
    from core.figures import fingerprint

    first = WGEC.items[0]
    reworded = WGEC.model_copy(update={"title": "Another title", "closes": T0, "items": (
        first.model_copy(update={"text": "Reworded", "help": "More help"}), *WGEC.items[1:])})
    assert fingerprint(reworded) == fingerprint(WGEC)
    choice = next(item for item in WGEC.items if item.options)
    changed = WGEC.model_copy(update={"items": tuple(
        item.model_copy(update={"options": (*item.options, "Another")}) if item is choice else item
        for item in WGEC.items)})
    assert fingerprint(changed) != fingerprint(WGEC)
