"""The invitations and decisions contracts: memory, the JSON files beside TinyDB and PostgreSQL pass the same tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.invitations import standing
from core.invitations.model import Invitation, Invited, new_code
from core.invitations.port import Invitations
from core.organisations import grouping
from core.organisations.model import Decision
from core.organisations.port import Decisions
from core.session import Session, Status
from core.windows import INVITE
from storage.invitations.decisions import FileDecisions, MemoryDecisions, decisions_path
from storage.invitations.files import FileInvitations, invitations_path
from storage.invitations.memory import MemoryInvitations
from storage.postgres.arrivals import arrivals as sql_arrivals
from storage.postgres.decisions import PostgresDecisions
from storage.postgres.invitations import PostgresInvitations
from tests.support.postgres import fresh_schema
from tests.support.postgres import open_repository as open_postgres_at
from tests.support.responses import WGEC, respondent

T0 = datetime(2013, 6, 3, 9, 0, tzinfo=UTC)


async def open_memory(_: Path, __: AsyncExitStack) -> Invitations:
    return MemoryInvitations()


async def open_file(folder: Path, _: AsyncExitStack) -> Invitations:
    return FileInvitations(invitations_path(folder / "consult.json"))


async def open_postgres(_: Path, stack: AsyncExitStack) -> Invitations:
    url = await stack.enter_async_context(fresh_schema())
    repository = await open_postgres_at(url)
    stack.push_async_callback(repository.close)
    return PostgresInvitations(repository.pool)


IMPLEMENTATIONS: dict[str, Callable[[Path, AsyncExitStack], Awaitable[Invitations]]] = {
    "memory": open_memory, "file": open_file, "postgres": open_postgres}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Invitations]:
    async with AsyncExitStack() as stack:
        yield await IMPLEMENTATIONS[request.param](tmp_path, stack)


def invitation(organisation: str, **more: str) -> Invitation:
    return Invitation(code=new_code(), organisation=organisation, created_at=T0, **more)


def test_codes_are_unguessable_and_fit_a_telegram_deep_link() -> None:
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(INVITE.match(code) and len(code) == 16 for code in codes)


async def test_added_invitations_come_back_whole_and_in_order(store: Invitations) -> None:
    first = invitation("Civil Society Forum", category="Non-Government", subcategory="Civil society",
                       name="Ana Lúcia", email="ana@example.org", language="pt")
    second = invitation("Ministry of ICT")
    await store.add([first, second])
    assert await store.get(first.code) == first
    assert await store.all() == [first, second]
    assert await store.get("NoSuchCode") is None


async def test_a_code_used_twice_adds_nothing(store: Invitations) -> None:
    kept = invitation("A")
    await store.add([kept])
    with pytest.raises(ValueError, match=kept.code):
        await store.add([invitation("B"), kept.model_copy(update={"organisation": "C"})])
    assert await store.all() == [kept]


async def test_revoked_invitations_are_kept_and_marked(store: Invitations) -> None:
    kept = invitation("A")
    await store.add([kept])
    revoked = await store.revoke(kept.code, T0 + timedelta(days=1))
    assert revoked is not None and revoked.revoked_at == T0 + timedelta(days=1)
    again = await store.revoke(kept.code, T0 + timedelta(days=2))
    assert again is not None and again.revoked_at == T0 + timedelta(days=1)  # the first revocation stands
    assert await store.get(kept.code) == revoked
    assert await store.revoke("NoSuchCode", T0) is None


async def test_another_process_adding_is_seen_at_once(tmp_path: Path) -> None:
    path = invitations_path(tmp_path / "consult.json")
    bot, secretariat = FileInvitations(path), FileInvitations(path)
    assert await bot.all() == []
    added = invitation("Late Org")
    await secretariat.add([added])
    assert await bot.get(added.code) == added


async def open_memory_decisions(_: Path, __: AsyncExitStack) -> Decisions:
    return MemoryDecisions()


async def open_file_decisions(folder: Path, _: AsyncExitStack) -> Decisions:
    return FileDecisions(decisions_path(folder / "consult.json"))


async def open_postgres_decisions(_: Path, stack: AsyncExitStack) -> Decisions:
    url = await stack.enter_async_context(fresh_schema())
    repository = await open_postgres_at(url)
    stack.push_async_callback(repository.close)
    return PostgresDecisions(repository.pool)


DECISION_STORES: dict[str, Callable[[Path, AsyncExitStack], Awaitable[Decisions]]] = {
    "memory": open_memory_decisions, "file": open_file_decisions, "postgres": open_postgres_decisions}


@pytest.fixture(params=sorted(DECISION_STORES))
async def decisions(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Decisions]:
    async with AsyncExitStack() as stack:
        yield await DECISION_STORES[request.param](tmp_path, stack)


async def test_a_later_decision_replaces_the_earlier_one(decisions: Decisions) -> None:
    assert await decisions.all() == []
    chosen = Decision(key="open net", organisation="Open  Net", kind="chosen", chosen="telegram:1",
                      respondents=("telegram:1", "slack:T:U2"), decided_at=T0)
    await decisions.put(chosen)
    assert await decisions.all() == [chosen]
    joint = chosen.model_copy(update={"kind": "joint", "chosen": None, "decided_at": T0 + timedelta(hours=1)})
    await decisions.put(joint)
    other = Decision(key="acme", organisation="Acme", kind="joint", respondents=("a", "b"), decided_at=T0)
    await decisions.put(other)
    assert sorted(await decisions.all(), key=lambda d: d.key) == [other, joint]


async def test_postgres_reads_in_sql_the_arrivals_that_invitations_and_organisations_concern() -> None:
    ana = respondent("Ana Silva", category="Non-Government", group="Civil society")
    ana.invite, ana.invited = "Csf2013forum_x9", Invited(code="Csf2013forum_x9", organisation="Civil Society Forum")
    bo = respondent("Bo", submitted=False)
    cy = respondent("Cy", day=1)
    cy.status = Status.WITHDRAWN
    dee = respondent("Dee", day=2, submitted=False)
    dee.answers["contact"] = dee.answers["contact"].model_copy(update={"value": {"name": "Dee"}})  # no organisation
    eve, fay, gus = respondent("Eve", day=3), respondent("Fay", day=4), respondent("Gus", day=5)
    for session in (fay,):  # Eve's organisation typed again, in other case and spacing
        contact = {**session.answers["contact"].value, "organisation": "  EVE   org "}  # type: ignore[dict-item]
        session.answers["contact"] = session.answers["contact"].model_copy(update={"value": contact})
        session.submissions[0].answers["contact"] = session.answers["contact"]
    empty = Session(respondent_id="telegram:9", channel="telegram")
    sessions = [ana, bo, cy, dee, eve, fay, gus, empty]
    async with fresh_schema() as url:
        repository = await open_postgres_at(url)
        try:
            for session in sessions:
                await repository.put(session)
            async with repository.pool.connection() as conn:  # Ana's row as stored before migration 0003
                await conn.execute("UPDATE consult_respondent SET arrival_kept = NULL, organisation = NULL, "
                                   "invite = NULL WHERE respondent_id = %s", [ana.respondent_id])
            found = await sql_arrivals(repository.pool, WGEC)
        finally:
            await repository.close()
    everyone = [standing.arrival(WGEC, s) for s in sessions]
    # Only Ana (a code) and Eve and Fay (one organisation twice): nobody else is in a group or invited.
    assert sorted(found, key=lambda a: a.respondent_id) == sorted(
        [a for a in everyone if a.respondent_id in {ana.respondent_id, eve.respondent_id, fay.respondent_id}],
        key=lambda a: a.respondent_id)
    assert grouping.several(found) == grouping.several(everyone) != []
    invited = [Invitation(code="Csf2013forum_x9", organisation="Civil Society Forum", category="Non-Government",
                          created_at=T0)]
    assert standing.by_category(invited, found) == standing.by_category(invited, everyone)
