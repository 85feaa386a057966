"""The database of files as the copy's source (read only, no lock) or target (its one writer)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document, Table

from core.ports import StorageError
from core.session import Session
from storage import embedded, tinydb_files
from storage.atomic_json import AtomicJSONStorage
from storage.layout import Layout

# A table of the catalog that only a copy writes: which database it was copied from.
MARKER_TABLE = "copied_from"


def where(path: Path) -> str:
    """How people see this database."""
    return f"files, {path}"


async def batches(layout: Layout, size: int) -> AsyncGenerator[list[Session]]:
    """Every session, `size` at a time; only the list of file names is held meanwhile."""
    files = await asyncio.to_thread(layout.respondent_files)
    for start in range(0, len(files), size):
        yield await asyncio.to_thread(tinydb_files.read_checked, files[start : start + size])


class FileSource:
    """Reads respondent files without the writer's lock: each file is replaced whole, so each read is whole."""

    def __init__(self, path: Path, batch: int) -> None:
        self.where = where(path)
        self._layout = Layout(path)
        self._batch = batch
        self.key = f"files {path.resolve()}"
        self.identity = self.key

    async def open(self) -> FileSource:
        """Check the database exists and is consult's; its creation time makes the identity unique."""
        self._layout.check_kinds()
        if not await asyncio.to_thread(tinydb_files.check_catalog, self._layout):
            raise StorageError(f"There is no database at {self._layout.catalog}; check the path to copy from.")
        meta = _table(self._layout.catalog, tinydb_files.META_TABLE).get(doc_id=1)
        self.identity = f"{self.key}, created {meta.get('created_at') if meta else '?'}"
        return self

    def batches(self) -> AsyncGenerator[list[Session]]:
        """Every session, in batches."""
        return batches(self._layout, self._batch)

    async def close(self) -> None:
        """Nothing is held open."""


class FileTarget:
    """Writes through the embedded repository as the database's one writer (refused while a bot writes)."""

    def __init__(self, path: Path, batch: int) -> None:
        self.where = where(path)
        self.key = f"files {path.resolve()}"
        self._layout = Layout(path)
        self._batch = batch
        self._repository: embedded.TinyDBRepository | None = None

    async def open(self) -> FileTarget:
        """Take the writer's lock, creating the database if there is none."""
        self._repository = await asyncio.to_thread(embedded.open_repository, self._layout.catalog)
        return self

    async def count(self) -> int:
        """How many respondents are stored."""
        return len(await asyncio.to_thread(self._layout.respondent_files))

    async def marker(self) -> str | None:
        """The identity of the database a copy last came from, if any."""
        document = await asyncio.to_thread(self._markers().get, doc_id=1)
        return None if document is None else str(document.get("source"))

    async def mark(self, source: str) -> None:
        """Record the source, before the first session is written."""
        await asyncio.to_thread(self._markers().upsert, Document({"source": source}, doc_id=1))

    async def stored(self, ids: list[str]) -> dict[str, Session]:
        """The sessions already stored under these ids."""
        found = {}
        for respondent_id in ids:
            if (session := await self._writer.get(respondent_id)) is not None:
                found[respondent_id] = session
        return found

    async def put(self, session: Session) -> None:
        """Store one session durably."""
        await self._writer.put(session)

    def batches(self) -> AsyncGenerator[list[Session]]:
        """Every stored session, in batches, read back from disk."""
        return batches(self._layout, self._batch)

    async def close(self) -> None:
        """Release the writer's lock."""
        if self._repository is not None:
            await self._repository.close()

    @property
    def _writer(self) -> embedded.TinyDBRepository:
        assert self._repository is not None, "open() first"
        return self._repository

    def _markers(self) -> Table:
        return TinyDB(self._layout.catalog, storage=AtomicJSONStorage).table(MARKER_TABLE)


def _table(path: Path, name: str) -> Table:
    return TinyDB(path, writable=False, storage=AtomicJSONStorage).table(name)
