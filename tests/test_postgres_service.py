"""Several consult processes on one PostgreSQL database: what one respondent sends is never lost."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from psycopg import AsyncConnection

from bots import bootstrap
from bots.config import Settings
from core import figures, progress
from core.inputs import parse_text
from core.service import NOT_SAVED, ConsultService
from questionnaire import loader
from storage import postgres
from tests.support.chat import Clock, Respondent
from tests.support.postgres import fresh_schema, open_repository
from tests.support.responses import WGEC, WGEC_ANONYMOUS
from tests.test_cli import WALK
from tests.test_storage_contract import T0, consultation

# Hello, consent, contact details, category: then question 2, a long answer, takes messages one by one.
TO_A_LONG_ANSWER = ["hello", "yes", "Ana Silva", "Open Net Initiative", "Kenya", "ana@example.org",
                    "Non-Government", "1", "With ECOSOC consultative status"]


async def test_two_processes_taking_one_respondents_messages_at_once_lose_none() -> None:
    # Two repositories, two pools, two services: what two `consult serve` processes would hold.
    questionnaire = loader.load()
    async with fresh_schema() as url:
        first, second = await open_repository(url), await open_repository(url)
        try:
            processes = [ConsultService(questionnaire, first), ConsultService(questionnaire, second)]
            ana = Respondent(processes[0], "ana")
            reply = await ana.says(*TO_A_LONG_ANSWER)
            assert reply.prompt is not None and reply.prompt.item_id == "q2"
            parts = [f"Paragraph {n}." for n in range(24)]
            await asyncio.gather(*(
                processes[n % 2].handle(ana.id, ana.channel, parse_text(part), f"test:m:{n}")
                for n, part in enumerate(parts)
            ))
            # A delivery repeated to the other process changes nothing.
            await processes[1].handle(ana.id, ana.channel, parse_text(parts[0]), "test:m:0")
            stored = await second.get(ana.id)
            assert stored is not None and stored.draft is not None
            assert sorted(stored.draft.parts) == sorted(parts)
        finally:
            await first.close()
            await second.close()


ACTIVE = "status IN ('in_progress', 'submitted')"


async def test_the_columns_beside_each_session_count_what_progress_counts() -> None:
    questionnaire, clock = loader.load(), Clock()
    async with fresh_schema() as url:
        repository = await open_repository(url)
        try:
            service = ConsultService(questionnaire, repository, clock)
            await Respondent(service, "ana", "slack").says("hello", *WALK)  # submits, Non-Government
            clock.advance(days=1)
            await Respondent(service, "ben", "telegram").says("hello", *WALK[:6], "Government")
            await Respondent(service, "eve", "telegram").says("hello", "yes", "Eve")  # stops in the contact details
            await Respondent(service, "joe", "slack").says("hello")  # has seen only the first question
            expected = progress.report(questionnaire, await repository.all(), clock())
        finally:
            await repository.close()
        async with await AsyncConnection.connect(url) as conn:
            assert await tally(conn, "unnest(categories)") == expected.by_category
            assert await tally(conn, "unnest(subcategories)") == expected.by_subcategory
            assert await tally(conn, "channel") == expected.by_channel
            assert await counted(conn, f"SELECT stopped_at, count(*) FROM consult_respondent WHERE {ACTIVE} "
                                       "AND stopped_at IS NOT NULL GROUP BY 1") == expected.stopped_at
            day = "to_char(first_submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            assert await counted(conn, f"SELECT {day}, count(*) FROM consult_respondent WHERE {ACTIVE} "
                                       "AND first_submitted_at IS NOT NULL GROUP BY 1") == expected.submissions_per_day
    assert (expected.started, expected.submitted, expected.in_progress) == (4, 1, 3)


async def tally(conn: AsyncConnection[Any], key: str) -> dict[str, progress.Tally]:
    sql = f"SELECT {key}, count(*), count(submitted_at) FROM consult_respondent WHERE {ACTIVE} GROUP BY 1"
    rows = await (await conn.execute(sql)).fetchall()
    return {name: progress.Tally(started=started, submitted=submitted) for name, started, submitted in sorted(rows)}


async def counted(conn: AsyncConnection[Any], sql: str) -> dict[str, int]:
    return {name: count for name, count in await (await conn.execute(sql)).fetchall()}


async def test_progress_is_counted_from_the_columns_without_reading_a_session() -> None:
    questionnaire, clock = loader.load(), Clock()
    async with fresh_schema() as url:
        repository = await open_repository(url)
        try:
            service = ConsultService(questionnaire, repository, clock)
            await Respondent(service, "ana", "slack").says("hello", *WALK)
            await Respondent(service, "eve", "telegram").says("hello", "yes", "Eve")
            expected = progress.report(questionnaire, await repository.all(), clock())
            # Every session made unreadable: only the plain columns are left to count.
            async with await AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute("UPDATE consult_respondent SET session = '{\"unreadable\": true}'")
            counted = progress.from_figures(questionnaire, await repository.figures(questionnaire), clock())
        finally:
            await repository.close()
    assert counted == expected
    assert (counted.started, counted.submitted) == (2, 1)


async def test_a_damaged_row_is_answered_not_saved_and_left_as_it_is() -> None:
    questionnaire = loader.load()
    async with fresh_schema() as url:
        repository = await open_repository(url)
        try:
            ana = Respondent(ConsultService(questionnaire, repository), "ana")
            await ana.says("hello", "yes")
            async with await AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute("UPDATE consult_respondent SET session = '{\"unreadable\": true}'")
                reply = await ana.says("Ana Silva")
                row = await (await conn.execute("SELECT session::text FROM consult_respondent")).fetchone()
        finally:
            await repository.close()
    assert reply.messages == [NOT_SAVED] and not reply.saved
    assert row == ('{"unreadable": true}',)


async def test_rows_counted_with_another_questionnaire_are_recounted_once_and_progress_reads_no_session() -> None:
    sessions = consultation()
    async with fresh_schema() as url:
        # Stored by a consult whose file had another consent rule: every row's columns are stale now.
        before = await postgres.open_repository(url, partial(progress.standing, WGEC_ANONYMOUS))
        for session in sessions:
            await before.put(session)
        await before.close()
        repository = await open_repository(url)  # the bundled file, as WGEC
        try:
            assert await repository.refresh_stale(WGEC) == len(sessions)
            assert await repository.refresh_stale(WGEC) == 0  # nothing left to do
            async with repository.pool.connection() as conn:
                stale = await (await conn.execute(
                    "SELECT count(*) FROM consult_respondent WHERE figures_of IS DISTINCT FROM %s",
                    [figures.fingerprint_of(WGEC)])).fetchone()
            counted = progress.from_figures(WGEC, await repository.figures(WGEC), T0)
        finally:
            await repository.close()
    assert stale == (0,)
    assert counted == progress.report(WGEC, sessions, T0)


async def test_a_running_writer_is_wired_to_recount_stale_rows_and_a_reader_is_not() -> None:
    async with fresh_schema() as url:
        before = await postgres.open_repository(url, partial(progress.standing, WGEC_ANONYMOUS))
        await before.put(consultation()[0])
        await before.close()
        writer = await bootstrap.start(Settings(_env_file=None, db=url))
        reader = await bootstrap.start(Settings(_env_file=None, db=url), writer=False)
        try:
            assert reader.upkeep is None
            assert writer.upkeep is not None and await writer.upkeep() == 1
        finally:
            await writer.repository.close()
            await reader.repository.close()
