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
from storage import group_commit, tinydb_files
from storage.embedded import TinyDBRepository, open_repository
from storage.recent import RecentSessions


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


# A held step starts from what this process last stored, not from the file read back


async def test_a_step_after_a_step_does_not_read_the_file_back(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answer(writer, "console:alice", "q1")

    def no_reading(path: Path) -> Session | None:
        raise AssertionError("the file was read back")

    monkeypatch.setattr(tinydb_files, "read_session", no_reading)
    async with writer.transaction("console:alice") as held:
        assert held.session == session("console:alice", "q1")
        held.session.answers.clear()  # the caller's copy: changing it changes nothing kept
        await held.put(session("console:alice", "q2"))
    async with writer.transaction("console:alice") as held:
        assert held.session == session("console:alice", "q2")


async def test_after_a_failed_write_the_next_step_reads_the_file(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answer(writer, "console:alice", "q1")

    def disk_error(fd: int) -> None:
        raise OSError(5, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(group_commit.os, "fsync", disk_error)
        with pytest.raises(StorageError):
            await answer(writer, "console:alice", "q9")
    async with writer.transaction("console:alice") as held:
        assert held.session == session("console:alice", "q1"), "what the disk holds, not what failed"


async def test_a_lone_surrogate_is_stored_and_read_back(writer: TinyDBRepository) -> None:
    # Possible in text a chat platform relays; pydantic's JSON refuses it, so the file is written the other way.
    odd = session("console:alice").model_copy(update={"recent_inputs": ["m\ud800"]})
    async with writer.transaction("console:alice") as held:
        await held.put(odd)
    async with writer.transaction("console:alice") as held:
        assert held.session == odd
    assert await writer.get("console:alice") == odd


def test_only_the_most_recent_respondents_are_kept() -> None:
    recent = RecentSessions(kept=2)
    for name, json in (("a", b"1"), ("b", b"2")):
        recent.stored(name, json, recent.forget(name))
    assert recent.get("a") == b"1"  # now the most recent
    recent.stored("c", b"3", recent.forget("c"))
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (b"1", None, b"3")


async def test_a_plain_put_beside_a_step_in_flight_wins_and_is_what_the_next_step_reads(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answer(writer, "console:alice", "q1")
    real = group_commit.fsync_directory

    def slow(folder: Path) -> None:
        time.sleep(0.05)
        real(folder)

    monkeypatch.setattr(group_commit, "fsync_directory", slow)
    step = asyncio.create_task(answer(writer, "console:alice", "q2"))
    await asyncio.sleep(0.01)  # the step's write is on the storage thread now
    await writer.put(session("console:alice", "q7"))  # lands after it
    await step
    async with writer.transaction("console:alice") as held:
        assert held.session == session("console:alice", "q7"), "what is on disk, not the step's kept copy"


async def test_a_write_that_fails_half_way_leaves_no_temp_file(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answer(writer, "console:alice", "q1")

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(group_commit.os, "write", full_disk)
    with pytest.raises(StorageError, match="No space left"):
        await answer(writer, "console:alice", "q2")
    assert not list(writer._layout.temp_files())
    monkeypatch.undo()
    assert await writer.get("console:alice") == session("console:alice", "q1")


async def test_very_many_at_once_go_in_batches_of_at_most_batch_max(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real = group_commit.GroupCommit._write_batch

    def counted(self: group_commit.GroupCommit, writes: list[tuple[Path, bytes]]) -> list[BaseException | None]:
        sizes.append(len(writes))
        return real(self, writes)

    monkeypatch.setattr(group_commit.GroupCommit, "_write_batch", counted)
    await asyncio.gather(*(answer(writer, f"console:r{n}", "q2") for n in range(300)))
    assert max(sizes) <= group_commit.BATCH_MAX and sum(sizes) == 300
