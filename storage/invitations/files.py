"""Invitations in a JSON file of their own beside the TinyDB database.

The running bot owns the sessions' database, yet the secretariat adds and revokes invitations while it
runs: so invitations live in their own file, replaced atomically (a reader sees the old file or the
new one, never half of one). Each writer holds a short flock on `<file>.lock` around its
read-change-write, so two commands at once cannot lose each other's changes; the bot re-reads the file
when it changed on disk (its inode, size or mtime), so a code added a second ago already works.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from core.invitations.model import Invitation
from core.ports import DatabaseCorrupt, StorageError
from storage.atomic_json import UNTOUCHED, AtomicJSONStorage
from storage.invitations.memory import check_new

TABLE = "invitations"
_Stamp = tuple[int, int, int]


def invitations_path(catalog: Path) -> Path:
    """Where the invitations of the database at `catalog` are kept: `consult.invitations.json`."""
    return catalog.with_name(catalog.stem + ".invitations.json")


class FileInvitations:
    """The Invitations port over one JSON file, safe to write from several processes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock_path = path.with_name(path.name + ".lock")
        self._storage = AtomicJSONStorage(path)
        self._cache: tuple[_Stamp, dict[str, Invitation]] | None = None

    async def get(self, code: str) -> Invitation | None:
        return (await asyncio.to_thread(self._read)).get(code)

    async def all(self) -> list[Invitation]:
        return list((await asyncio.to_thread(self._read)).values())

    async def add(self, invitations: Sequence[Invitation]) -> None:
        await asyncio.to_thread(self._add, list(invitations))

    async def revoke(self, code: str, at: datetime) -> Invitation | None:
        return await asyncio.to_thread(self._revoke, code, at)

    def _add(self, new: list[Invitation]) -> None:
        with self._locked():
            known = self._read()
            check_new(known, new)
            self._write({**known, **{invitation.code: invitation for invitation in new}})

    def _revoke(self, code: str, at: datetime) -> Invitation | None:
        with self._locked():
            known = self._read()
            found = known.get(code)
            if found is None or found.revoked:
                return found
            known[code] = found.model_copy(update={"revoked_at": at})
            self._write(known)
            return known[code]

    def _read(self) -> dict[str, Invitation]:
        """Every invitation by code; read again only when the file changed since the last read."""
        stamp = self._stamp()
        if self._cache is not None and self._cache[0] == stamp:
            return dict(self._cache[1])
        data = self._storage.read() or {}
        try:
            found = {doc["code"]: Invitation.model_validate(doc) for doc in data.get(TABLE, {}).values()}
        except (KeyError, ValidationError) as error:
            raise DatabaseCorrupt(f"{self._path} does not hold valid invitations ({error}). {UNTOUCHED}") from None
        self._cache = (stamp, found)
        return dict(found)

    def _write(self, invitations: dict[str, Invitation]) -> None:
        documents = {str(n): inv.model_dump(mode="json") for n, inv in enumerate(invitations.values(), start=1)}
        self._storage.write({TABLE: documents})
        self._cache = None

    def _stamp(self) -> _Stamp:
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)  # invitations may come before any answer
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise StorageError(f"Cannot create the lock file {self._lock_path}: {error.strerror}.") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # a writer holds it for milliseconds: waiting is right
            yield
        finally:
            os.close(fd)
