"""Respondents answering at once share their disk waits, and nobody hears back before their own answer is durable."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.ports import StorageError
from core.session import Session
from storage import group_commit
from storage.embedded import TinyDBRepository, open_repository


def session(respondent_id: str, cursor: str = "q1") -> Session:
    return Session(respondent_id=respondent_id, channel="console", cursor=cursor)


@pytest.fixture
async def writer(tmp_path: Path) -> AsyncIterator[TinyDBRepository]:
    repository = open_repository(tmp_path / "data" / "consult.json")
    yield repository
    await repository.close()


async def answer(repo: TinyDBRepository, respondent_id: str, cursor: str) -> None:
    """One held step, as the service takes it: read, change, store."""
    async with repo.transaction(respondent_id) as held:
        await held.put(session(respondent_id, cursor))


async def test_ten_answers_at_once_all_land_with_fewer_folder_fsyncs(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder_fsyncs: list[Path] = []
    real = group_commit.fsync_directory

    def counted(folder: Path) -> None:
        folder_fsyncs.append(folder)
        time.sleep(0.02)  # a slow disk: the others queue meanwhile
        real(folder)

    monkeypatch.setattr(group_commit, "fsync_directory", counted)
    ids = [f"console:r{n}" for n in range(10)]
    await asyncio.gather(*(answer(writer, rid, "q2") for rid in ids))
    for rid in ids:
        assert await writer.get(rid) == session(rid, "q2")
    # One at a time would be ten folder fsyncs; the answers queued behind a batch go in the next one.
    assert 1 <= len(folder_fsyncs) <= 3


async def test_nobody_is_answered_before_their_own_file_is_fsynced(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: set[int] = set()
    lock = threading.Lock()
    real = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.01)
        real(fd)
        with lock:
            synced.add(os.fstat(fd).st_ino)

    monkeypatch.setattr(group_commit.os, "fsync", slow_fsync)

    async def answer_and_check(rid: str) -> None:
        await answer(writer, rid, "q3")
        path = writer._layout.respondent_file(rid)
        assert path.stat().st_ino in synced, f"{rid} was answered before its file was durable"

    await asyncio.gather(*(answer_and_check(f"console:r{n}") for n in range(8)))


async def test_a_write_that_fails_fails_alone_and_the_others_land(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = group_commit._write_temp

    def refuse_bob(temp: Path, payload: bytes) -> int:
        if b"console:bob" in payload:
            raise OSError(28, "No space left on device")
        time.sleep(0.01)
        return real(temp, payload)

    monkeypatch.setattr(group_commit, "_write_temp", refuse_bob)
    results = await asyncio.gather(
        *(answer(writer, rid, "q2") for rid in ("console:alice", "console:bob", "console:carol", "console:dan")),
        return_exceptions=True,
    )
    assert isinstance(results[1], StorageError) and "No space left" in str(results[1])
    assert [r for n, r in enumerate(results) if n != 1] == [None, None, None]
    assert await writer.get("console:bob") is None
    assert await writer.get("console:carol") == session("console:carol", "q2")
    assert not list(writer._layout.temp_files()), "no temp file is left behind"


async def test_a_failed_step_leaves_the_earlier_answer_in_place(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answer(writer, "console:alice", "q1")

    def disk_error(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(group_commit.os, "fsync", disk_error)
    with pytest.raises(StorageError, match="Input/output error"):
        await answer(writer, "console:alice", "q9")
    assert await writer.get("console:alice") == session("console:alice", "q1")
