"""The embedded default repository: TinyDB files on local disk, one small file per respondent.

Layout (for the default path `data/consult.json`):
    data/consult.json               the catalog: a TinyDB `meta` table (format version, creation)
    data/consult.json.lock          flock'ed by the one writing process, holding its pid
    data/consult.respondents/*.json one TinyDB file per respondent, replaced atomically on put

Stock TinyDB rewrites its whole file on every update, so one answer would cost time in
proportion to the number of respondents; here a put rewrites only that respondent's file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TypeVar

from core import figures
from core.figures import Figures
from core.ports import Held, Standing, StorageError
from core.session import Session
from questionnaire.model import Questionnaire
from storage import tinydb_files
from storage.atomic_json import fsync_directory
from storage.group_commit import GroupCommit
from storage.in_process import RespondentLocks
from storage.layout import Layout
from storage.recent import RecentSessions
from storage.writer_lock import WriterLock

T = TypeVar("T")
READ_BATCH = 100  # respondent files read per worker job by all(): a few milliseconds' work


def open_repository(path: Path, *, writer: bool = True) -> TinyDBRepository:
    """Open the database at `path`: as its one writer, or as a read-only reader."""
    return TinyDBRepository.open(path, writer=writer)


class TinyDBRepository:
    """The repository port over TinyDB files; all file I/O runs on one worker thread."""

    def __init__(self, layout: Layout, executor: ThreadPoolExecutor, lock: WriterLock | None):
        """Use `open_repository`; this only wires together what it has opened."""
        self._layout = layout
        self._executor = executor
        self._lock = lock
        self._closed = False
        self._held = RespondentLocks()
        self._commits = GroupCommit(self._run)
        self._recent = RecentSessions()

    @classmethod
    def open(cls, path: Path, *, writer: bool = True) -> TinyDBRepository:
        """Open, lock (as writer) and validate the database, or raise a StorageError."""
        layout = Layout(Path(path))
        # TinyDB is not thread-safe: one thread, for the repository's whole life, touches files.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="consult-storage")
        opening = _open_as_writer if writer else _open_as_reader
        try:
            lock = executor.submit(opening, layout).result()
        except OSError as error:
            executor.shutdown(wait=False)
            raise StorageError(f"Cannot open the database at {layout.catalog}: {error}.") from error
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(layout, executor, lock)

    @property
    def path(self) -> Path:
        """The catalog file this repository was opened on."""
        return self._layout.catalog

    @property
    def is_writer(self) -> bool:
        """True if this repository holds the writer's lock and may put."""
        return self._lock is not None

    async def get(self, respondent_id: str) -> Session | None:
        """A fresh copy of the stored session, or None for a respondent never seen."""
        source = self._layout.respondent_file(respondent_id)
        return await self._run(tinydb_files.read_session, source)

    async def put(self, session: Session) -> None:
        """Store the session durably, rewriting only this respondent's file."""
        self._check_writer()
        # Dump now, on the caller's side: later changes to `session` cannot reach the file.
        document = session.model_dump(mode="json")
        target = self._layout.respondent_file(session.respondent_id)
        self._recent.forget(session.respondent_id)
        await self._run(tinydb_files.write_session, target, document)

    def transaction(self, respondent_id: str) -> AbstractAsyncContextManager[Held]:
        """Hold one respondent for a load-apply-store step (this process owns the store: a lock suffices)."""
        return self._held.transaction(respondent_id, self._get_own, self._put_read)

    async def _get_own(self, respondent_id: str) -> Session | None:
        """The session to start a step from: as this process last stored it, or read from the file."""
        if (json := self._recent.get(respondent_id)) is not None:
            return Session.model_validate_json(json)
        session = await self.get(respondent_id)
        if session is not None and session.respondent_id != respondent_id:  # a file-name hash collision
            raise StorageError(f"The file of {respondent_id!r} holds {session.respondent_id!r}; it was left untouched.")
        return session

    async def _put_read(self, session: Session) -> None:
        """`put`, for a step that has read this respondent's file (or its kept copy) under its lock.

        No second read of the file (its check was the read), and a group commit with the other
        respondents' steps of the moment (storage/group_commit.py).
        """
        self._check_writer()
        json, payload = tinydb_files.session_file_bytes(session)
        since = self._recent.forget(session.respondent_id)
        await self._commits.write(self._layout.respondent_file(session.respondent_id), payload)
        if json is not None:
            self._recent.stored(session.respondent_id, json, since)

    async def all(self) -> list[Session]:
        """Every stored session, read from disk in batches so that puts are not held up."""
        files = await self._run(self._layout.respondent_files)
        sessions: list[Session] = []
        # One job per batch: a put queued meanwhile runs between batches, not after all of them.
        for start in range(0, len(files), READ_BATCH):
            sessions += await self._run(tinydb_files.read_checked, files[start : start + READ_BATCH])
        return sessions

    async def healthy(self) -> bool:
        """True while open and its files are where they were (a disk unmounted or a folder removed is not)."""
        return not self._closed and self._layout.catalog.is_file() and self._layout.respondents.is_dir()

    async def each(self) -> AsyncIterator[Session]:
        """Every stored session, one batch of files in memory at a time."""
        files = await self._run(self._layout.respondent_files)
        for start in range(0, len(files), READ_BATCH):
            for session in await self._run(tinydb_files.read_checked, files[start : start + READ_BATCH]):
                yield session

    async def figures(self, q: Questionnaire) -> Figures:
        """What progress counts, added up here (core.figures); each batch is reduced in the worker thread."""
        files = await self._run(self._layout.respondent_files)
        standings: list[Standing] = []
        for start in range(0, len(files), READ_BATCH):
            standings += await self._run(_standings, q, files[start : start + READ_BATCH])
        return figures.add_up(standings)

    async def close(self) -> None:
        """Finish queued writes, release the writer's lock, stop the worker thread."""
        if self._closed:
            return
        self._closed = True
        if self._lock is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._lock.release)
        self._executor.shutdown(wait=True)
        self._commits.close()

    def _check_writer(self) -> None:
        if self._lock is None:
            raise StorageError(f"{self.path} was opened read-only (writer=False); cannot put.")

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        if self._closed:
            raise StorageError(f"The repository on {self.path} is closed.")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)
        except OSError as error:
            # The port promises one kind of failure, whatever the disk did (full, read-only, moved).
            raise StorageError(f"The database at {self.path} could not be used: {error}.") from error


def _standings(q: Questionnaire, files: list[Path]) -> list[Standing]:
    return [figures.standing(q, session) for session in tinydb_files.read_checked(files)]


def _open_as_writer(layout: Layout) -> WriterLock:
    _prepare_folder(layout)
    lock = WriterLock(layout.lock, layout.catalog)
    lock.acquire()
    try:
        _validate(layout)
        _recover_and_create(layout)
    except BaseException:
        lock.release()
        raise
    return lock


def _open_as_reader(layout: Layout) -> None:
    # A reader of a database that does not exist yet sees it empty and creates nothing.
    if layout.catalog.is_dir():
        raise StorageError(f"{layout.catalog} is a folder; the database path must be a file.")
    _validate(layout)


def _prepare_folder(layout: Layout) -> None:
    if layout.catalog.is_dir():
        raise StorageError(f"{layout.catalog} is a folder; the database path must be a file.")
    try:
        layout.catalog.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"Cannot create the database folder {layout.catalog.parent}: {error.strerror}.") from error


def _validate(layout: Layout) -> None:
    # Refuse at start-up rather than fail on one respondent mid-consultation.
    layout.check_kinds()
    tinydb_files.check_catalog(layout)
    files = layout.respondent_files()
    for start in range(0, len(files), READ_BATCH):  # a batch at a time: memory never holds every session
        tinydb_files.read_checked(files[start : start + READ_BATCH])


def _recover_and_create(layout: Layout) -> None:
    try:
        for leftover in layout.temp_files():
            leftover.unlink()
        if not layout.catalog.exists():
            tinydb_files.create_catalog(layout)
        if not layout.respondents.is_dir():
            layout.respondents.mkdir()
            fsync_directory(layout.catalog.parent)
    except OSError as error:
        raise StorageError(f"Cannot prepare the database at {layout.catalog}: {error}.") from error
