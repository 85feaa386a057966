"""The send log's contract (core.reminders.log.SendLog): in memory, in a file beside the database, in PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.reminders.log import CLAIMED, Entry, SendLog, history
from storage.postgres.send_log import PostgresSendLog
from storage.send_log import FileSendLog, MemorySendLog, file_beside
from tests.support.postgres import fresh_schema
from tests.support.postgres import open_repository as open_postgres_at

T0 = datetime(2013, 8, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "file", "postgres"])
async def send_log(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SendLog]:
    if request.param == "memory":
        yield MemorySendLog()
    elif request.param == "file":
        yield FileSendLog(file_beside(tmp_path / "consult.json"))
    else:
        async with fresh_schema() as url:
            repository = await open_postgres_at(url)
            try:
                yield PostgresSendLog(repository.pool)
            finally:
                await repository.close()


async def test_entries_come_back_in_order_with_everything_kept(send_log: SendLog) -> None:
    assert await send_log.entries() == []
    written = [
        Entry("telegram:1", "before_closing:7d", T0, CLAIMED),
        Entry("telegram:1", "before_closing:7d", T0 + timedelta(seconds=1), "sent"),
        Entry("slack:T1:Ü2", "announcement:a1", T0 + timedelta(seconds=2), "blocked", "account_inactive"),
    ]
    for entry in written:
        await send_log.add(entry)
    assert await send_log.entries() == written
    records = history(await send_log.entries())
    assert records["slack:T1:Ü2"].blocked and records["telegram:1"].reminders == 1


def test_the_file_sits_beside_the_database(tmp_path: Path) -> None:
    assert file_beside(tmp_path / "consult.json") == tmp_path / "consult.sent.jsonl"


async def test_a_line_torn_by_a_crash_is_left_out_and_the_next_line_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "consult.sent.jsonl"
    log = FileSendLog(path)
    await log.add(Entry("telegram:1", "after_stopped:3d", T0, CLAIMED))
    with path.open("ab") as file:
        file.write(b'{"respondent_id": "telegram:2", "ru')  # killed mid-append
    assert [e.state for e in await log.entries()] == [CLAIMED]
    await log.add(Entry("telegram:1", "after_stopped:3d", T0, "sent"))
    assert [e.state for e in await log.entries()] == [CLAIMED, "sent"]
