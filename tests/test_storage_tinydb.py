"""What the embedded TinyDB repository promises beyond the contract: files, locks, crashes."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from core.ports import DatabaseCorrupt, DatabaseLocked, StorageError
from core.session import Session
from storage import layout as layout_module
from storage.embedded import TinyDBRepository, open_repository

REPO_ROOT = Path(__file__).resolve().parents[1]


def session(respondent_id: str = "console:alice", cursor: str = "q1") -> Session:
    return Session(respondent_id=respondent_id, channel="console", cursor=cursor)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove nothing was touched."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `script` in a separate process with the project's interpreter."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "consult.json"


@pytest.fixture
async def writer(db_path: Path) -> AsyncIterator[TinyDBRepository]:
    repository = open_repository(db_path)
    yield repository
    await repository.close()


async def put_and_close(db_path: Path, *sessions: Session) -> None:
    repository = open_repository(db_path)
    for each in sessions:
        await repository.put(each)
    await repository.close()


# Files and reopening


async def test_data_survives_reopening(db_path: Path) -> None:
    await put_and_close(db_path, session("console:alice", "q3"), session("telegram:12345", "q9"))
    reopened = open_repository(db_path)
    assert await reopened.get("console:alice") == session("console:alice", "q3")
    assert len(await reopened.all()) == 2
    await reopened.close()


async def test_layout_is_a_catalog_and_one_file_per_respondent(db_path: Path) -> None:
    await put_and_close(db_path, session("console:alice"), session("telegram:12345"))
    catalog = json.loads(db_path.read_text())
    assert catalog["meta"]["1"]["format_version"] == 1
    names = sorted(p.name for p in (db_path.parent / "consult.respondents").iterdir())
    assert [n.rsplit("-", 1)[0] for n in names] == ["console-alice", "telegram-12345"]


ODD_IDS = [
    "a/b",
    "a:b",
    "a b",
    "A b",
    "../../etc/passwd",
    "..",
    ".",
    "",
    ".hidden",
    "ação:Zoë 🌍",
    "日本語",
    "x" * 5000,
    "tab\tnew\nline",
    "back\\slash",
]


async def test_odd_respondent_ids_map_to_distinct_safe_files(writer: TinyDBRepository, db_path: Path) -> None:
    for odd_id in ODD_IDS:
        await writer.put(session(odd_id, cursor=f"for {odd_id[:20]}"))
    folder = db_path.parent / "consult.respondents"
    files = list(folder.iterdir())
    assert len(files) == len(ODD_IDS)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+\.json", f.name) and len(f.name) <= 80 for f in files)
    assert {p.parent for p in db_path.parent.rglob("*.json")} == {db_path.parent, folder}
    for odd_id in ODD_IDS:
        assert await writer.get(odd_id) == session(odd_id, cursor=f"for {odd_id[:20]}")


async def test_missing_parent_folders_are_created(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "consult.json"
    await put_and_close(deep, session())
    assert deep.is_file() and (deep.parent / "consult.respondents").is_dir()


def test_a_folder_as_database_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder"):
        open_repository(tmp_path)


def test_a_file_as_parent_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("not a folder")
    with pytest.raises(StorageError, match="Cannot create the database folder"):
        open_repository(tmp_path / "plain-file" / "consult.json")


# One writer, many readers

LOCKED_EXIT = 3
SECOND_WRITER = f"""
    import sys
    from pathlib import Path
    from core.ports import DatabaseLocked
    from storage.embedded import open_repository
    try:
        open_repository(Path(sys.argv[1]))
    except DatabaseLocked as error:
        print(error)
        sys.exit({LOCKED_EXIT})
"""


async def test_a_second_writer_process_is_refused_and_changes_nothing(writer: TinyDBRepository, db_path: Path) -> None:
    await writer.put(session())
    before = snapshot(db_path.parent)
    result = run_python(SECOND_WRITER, str(db_path))
    assert result.returncode == LOCKED_EXIT, result.stderr
    assert str(db_path) in result.stdout
    assert f"pid {os.getpid()}" in result.stdout
    assert "stop the other one first" in result.stdout
    assert snapshot(db_path.parent) == before


async def test_a_second_writer_in_the_same_process_is_refused(writer: TinyDBRepository) -> None:
    with pytest.raises(DatabaseLocked):
        open_repository(writer.path)


async def test_closing_the_writer_lets_another_writer_in(db_path: Path) -> None:
    await put_and_close(db_path, session())
    second = open_repository(db_path)
    assert second.is_writer
    await second.close()


READER = """
    import asyncio, json, sys
    from pathlib import Path
    from storage.embedded import open_repository

    async def main() -> None:
        reader = open_repository(Path(sys.argv[1]), writer=False)
        stop = Path(sys.argv[2])
        cursors = set()
        first = True
        while first or not stop.exists():
            for each in await reader.all():
                cursors.add(each.cursor)
            if first:
                print("ready", flush=True)
                first = False
        print(json.dumps(sorted(cursors)))
        await reader.close()

    asyncio.run(main())
"""


async def test_a_reader_process_reads_whole_files_while_the_writer_writes(
    writer: TinyDBRepository, db_path: Path
) -> None:
    people = [f"console:p{i}" for i in range(20)]
    for person in people:
        await writer.put(session(person, cursor="round-0"))
    stop = db_path.parent / "stop-reading"
    reader = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        textwrap.dedent(READER),
        str(db_path),
        str(stop),
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert reader.stdout is not None
    assert (await reader.stdout.readline()).strip() == b"ready"  # it has read once: now write under it
    for round_number in range(1, 6):
        await asyncio.gather(*(writer.put(session(p, f"round-{round_number}")) for p in people))
    stop.touch()
    out, err = await reader.communicate()
    assert reader.returncode == 0, err.decode()
    seen = json.loads(out)
    assert "round-0" in seen and len(seen) >= 2  # it read before and during the writes
    assert all(re.fullmatch(r"round-\d+", cursor) for cursor in seen)  # and only whole files


async def test_a_reader_cannot_put(writer: TinyDBRepository, db_path: Path) -> None:
    await writer.put(session())
    before = snapshot(db_path.parent)
    reader = open_repository(db_path, writer=False)
    assert await reader.get("console:alice") == session()
    with pytest.raises(StorageError, match="read-only"):
        await reader.put(session(cursor="changed"))
    await reader.close()
    assert snapshot(db_path.parent) == before


async def test_a_reader_of_a_missing_database_sees_it_empty_and_creates_nothing(
    tmp_path: Path,
) -> None:
    reader = open_repository(tmp_path / "data" / "consult.json", writer=False)
    assert await reader.all() == []
    assert await reader.get("console:alice") is None
    await reader.close()
    assert list(tmp_path.iterdir()) == []


# Corrupt files are refused and left alone


@pytest.mark.parametrize("writer_mode", [True, False])
@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b'{"meta": {"1": {"format_ver', "not valid JSON"),
        (b"", "is empty"),
        (b"[1, 2, 3]", "not a TinyDB table map"),
        (b'{"_default": {"1": {"respondent_id": "x"}}}', "not a consult database"),
    ],
)
async def test_a_corrupt_catalog_is_refused_and_left_untouched(
    db_path: Path, writer_mode: bool, content: bytes, complaint: str
) -> None:
    await put_and_close(db_path, session())
    db_path.write_bytes(content)
    before = snapshot(db_path.parent)
    with pytest.raises(DatabaseCorrupt, match=complaint) as refused:
        open_repository(db_path, writer=writer_mode)
    assert str(db_path) in str(refused.value)
    assert snapshot(db_path.parent) == before


def respondent_file(db_path: Path, respondent_id: str) -> Path:
    name = layout_module.respondent_file_name(respondent_id)
    return db_path.parent / "consult.respondents" / name


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        (lambda raw: b'{"session": {"1": {"channel": "console"}}}', "not hold a valid session"),
        (lambda raw: b'{"session": {}}', "holds no session"),
        (lambda raw: b'{"session": {"1": "console:bob"}}', "not a TinyDB table map"),
        (lambda raw: b'{"session": {"1": ["console:bob"]}}', "not a TinyDB table map"),
        (lambda raw: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (lambda raw: b'{"session": {"1": {"respondent_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}}",
         "nested too deeply"),
    ],
)
async def test_a_corrupt_respondent_file_is_refused_and_nothing_is_touched(
    db_path: Path, damage: Callable[[bytes], bytes], complaint: str
) -> None:
    await put_and_close(db_path, session("console:alice"), session("console:bob"))
    damaged = respondent_file(db_path, "console:bob")
    damaged.write_bytes(damage(damaged.read_bytes()))
    leftover = damaged.with_name(f".{damaged.name}.consult-tmp")
    leftover.write_bytes(b"half a write")
    before = snapshot(db_path.parent)
    with pytest.raises(DatabaseCorrupt, match=complaint) as refused:
        open_repository(db_path)
    assert str(damaged) in str(refused.value)
    assert snapshot(db_path.parent) == before


async def test_the_refusal_of_an_invalid_session_quotes_no_answer(db_path: Path) -> None:
    await put_and_close(db_path, session("console:bob"))
    damaged = respondent_file(db_path, "console:bob")
    stored = json.loads(damaged.read_bytes())
    # An answer whose time was lost: pydantic's own message would quote the whole answer.
    stored["session"]["1"]["answers"] = {"q2": {"value": "My private view of the matter", "text": "Question 2"}}
    damaged.write_text(json.dumps(stored))
    with pytest.raises(DatabaseCorrupt, match=r"not hold a valid session \(answers\.q2\.at: Field required") as refused:
        open_repository(db_path)
    assert "private view" not in str(refused.value)


def entries(folder: Path) -> dict[str, str | bytes]:
    """What is under `folder`, opening only regular files (a FIFO would block); a lock file holds only a pid."""
    return {
        str(p.relative_to(folder)): (
            f"link to {os.readlink(p)}" if p.is_symlink() else p.read_bytes() if p.is_file()
            else "folder" if p.is_dir() else "special file"
        )
        for p in folder.rglob("*") if p.suffix != ".lock"
    }


def dangling_catalog(db_path: Path) -> Path:
    db_path.unlink()
    db_path.symlink_to(db_path.with_name("moved-away.json"))
    return db_path


def respondents_as_a_file(db_path: Path) -> Path:
    folder = db_path.parent / "consult.respondents"
    for each in folder.iterdir():
        each.unlink()
    folder.rmdir()
    folder.write_text("notes\n")
    return folder


@pytest.mark.parametrize("writer_mode", [True, False])
@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (dangling_catalog, "symbolic link to .*moved-away.json, which does not exist"),
        (respondents_as_a_file, "should be a folder"),
    ],
)
async def test_a_path_of_the_wrong_kind_is_refused_and_left_as_it_is(
    db_path: Path, writer_mode: bool, damage: Callable[[Path], Path], complaint: str
) -> None:
    await put_and_close(db_path, session("console:alice"))
    damaged = damage(db_path)
    before = entries(db_path.parent)
    with pytest.raises(StorageError, match=complaint) as refused:
        open_repository(db_path, writer=writer_mode)
    assert str(damaged) in str(refused.value)
    assert entries(db_path.parent) == before


async def test_a_lock_that_is_not_a_file_is_refused_and_left_as_it_is(db_path: Path) -> None:
    await put_and_close(db_path, session("console:alice"))
    lock = db_path.with_name("consult.json.lock")
    lock.unlink()
    os.mkfifo(lock)
    before = entries(db_path.parent)
    with pytest.raises(StorageError, match="is not a regular file") as refused:
        open_repository(db_path)
    assert str(lock) in str(refused.value)
    assert entries(db_path.parent) == before and lock.is_fifo()


async def test_a_file_holding_another_respondent_is_refused(db_path: Path) -> None:
    await put_and_close(db_path, session("console:alice"))
    source = respondent_file(db_path, "console:alice")
    source.with_name("intruder-0000.json").write_bytes(source.read_bytes())
    with pytest.raises(DatabaseCorrupt, match="whose file should be"):
        open_repository(db_path)


# Crashes and atomicity


async def test_leftover_temp_files_are_removed_and_nothing_else(db_path: Path) -> None:
    await put_and_close(db_path, session())
    data, folder = db_path.parent, db_path.parent / "consult.respondents"
    ours = [folder / ".console-alice-1234.json.consult-tmp", data / ".consult.json.consult-tmp"]
    # Another database may share the data folder; its writer's temp file is not ours to remove.
    theirs = [data / ".other.json.consult-tmp", folder / "notes.txt", data / "x.tmp"]
    for path in ours + theirs:
        path.write_bytes(b'{"session": {"1": {"respond')
    reopened = open_repository(db_path)
    assert [p.exists() for p in ours] == [False, False]
    assert [p.exists() for p in theirs] == [True, True, True]
    assert await reopened.get("console:alice") == session()
    await reopened.close()


async def test_a_failed_replace_leaves_the_old_file_whole(
    writer: TinyDBRepository, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await writer.put(session(cursor="old"))
    target = respondent_file(db_path, "console:alice")
    before = target.read_bytes()

    def power_cut(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(StorageError, match="Could not save"):
        await writer.put(session(cursor="new"))
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    assert await writer.get("console:alice") == session(cursor="old")


async def test_a_write_that_fails_twice_raises_one_storage_error_and_leaves_the_file(
    writer: TinyDBRepository, db_path: Path
) -> None:
    await writer.put(session(cursor="old"))
    target = respondent_file(db_path, "console:alice")
    before = target.read_bytes()
    # Something in the way of the temp file that cannot be removed either (as in a read-only folder,
    # which root, running these tests, could still write to).
    blocker = target.with_name(f".{target.name}.consult-tmp")
    blocker.mkdir()
    with pytest.raises(StorageError, match="Could not save"):
        await writer.put(session(cursor="new"))
    assert target.read_bytes() == before
    assert await writer.get("console:alice") == session(cursor="old")
    blocker.rmdir()
    await writer.put(session(cursor="new"))
    assert await writer.get("console:alice") == session(cursor="new")


async def test_every_file_system_error_reaches_the_caller_as_a_storage_error(
    writer: TinyDBRepository, db_path: Path
) -> None:
    await writer.put(session("console:alice"))
    folder = db_path.parent / "consult.respondents"
    # Pulled from under a running writer: the folder is gone and a file stands in its place.
    for each in folder.iterdir():
        each.unlink()
    folder.rmdir()
    folder.write_text("notes\n")
    with pytest.raises(StorageError, match=r"consult\.respondents"):
        await writer.put(session("console:bob"))
    with pytest.raises(StorageError, match=r"consult\.respondents"):
        await writer.all()


async def test_a_put_never_overwrites_another_respondent_sharing_a_file(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(layout_module, "respondent_file_name", lambda _: "collision-0.json")
    await writer.put(session("console:alice"))
    with pytest.raises(StorageError, match="same file"):
        await writer.put(session("console:bob"))
    assert await writer.get("console:alice") == session("console:alice")


async def test_a_step_never_overwrites_another_respondent_sharing_a_file(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A held step writes without reading the file again: its read, at the start, is the check.
    monkeypatch.setattr(layout_module, "respondent_file_name", lambda _: "collision-0.json")
    await writer.put(session("console:alice"))
    with pytest.raises(StorageError, match="holds 'console:alice'"):
        async with writer.transaction("console:bob") as held:
            await held.put(session("console:bob"))
    assert await writer.get("console:alice") == session("console:alice")


# The event loop stays free


async def test_slow_disk_writes_do_not_block_the_event_loop(
    writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    fsync_seconds = 0.1  # a put then takes >= 0.2 s: were it on the loop, ticks would stop that long

    def slow_fsync(fd: int) -> None:
        time.sleep(fsync_seconds)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    puts = 5
    for i in range(puts):
        await writer.put(session(cursor=f"q{i}"))
    elapsed = time.perf_counter() - started
    ticking.cancel()
    assert elapsed > puts * 2 * fsync_seconds  # two fsyncs per put really happened, slowly
    assert len(gaps) > 20 and max(gaps) < fsync_seconds


async def test_all_file_io_runs_on_one_worker_thread(writer: TinyDBRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    threads: set[int] = set()

    def recording_replace(src: str, dst: str) -> None:
        threads.add(threading.get_ident())
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    await asyncio.gather(*(writer.put(session(f"console:p{i}")) for i in range(30)))
    assert len(threads) == 1
    assert threading.get_ident() not in threads


async def test_a_put_does_not_wait_for_a_long_all(writer: TinyDBRepository) -> None:
    await asyncio.gather(*(writer.put(session(f"console:p{i}")) for i in range(350)))
    reading = asyncio.create_task(writer.all())
    await asyncio.sleep(0)  # let all() queue its first job
    await writer.put(session("console:late"))
    assert not reading.done()
    assert len(await reading) in (350, 351)


async def test_a_database_whose_folder_was_removed_is_not_healthy(writer: TinyDBRepository, db_path: Path) -> None:
    await writer.put(Session(respondent_id="console:ana", channel="console"))
    assert await writer.healthy()
    shutil.rmtree(db_path.parent)  # a volume unmounted, a folder cleaned up by mistake
    assert not await writer.healthy()
