"""One JSON table in a file of its own beside the TinyDB database, shared by the bot and the secretariat.

The running bot owns the sessions' database, yet the secretariat adds invitations and records decisions
while it runs: so these live in files of their own, replaced atomically (a reader sees the old file or
the new one, never half of one). Each writer holds a short flock on `<file>.lock` around its
read-change-write, so two commands at once cannot lose each other's changes; a reader re-reads the file
only when it changed on disk (its inode, size or mtime), so what was added a second ago is seen at once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from core.ports import StorageError
from storage.atomic_json import AtomicJSONStorage

Documents = dict[str, dict[str, Any]]
T = TypeVar("T")
_Stamp = tuple[int, int, int]


class SharedJsonTable(Generic[T]):
    """The documents of one table, keyed by a string, in one atomically replaced file; `parse` reads them."""

    def __init__(self, path: Path, table: str, parse: Callable[[Documents], T]) -> None:
        self.path = path
        self._table = table
        self._parse = parse
        self._lock_path = path.with_name(path.name + ".lock")
        self._storage = AtomicJSONStorage(path)
        self._cache: tuple[_Stamp, T] | None = None

    def read(self) -> T:
        """The parsed documents (do not change them), read and parsed again only when the file changed."""
        stamp = self._stamp()
        if self._cache is None or self._cache[0] != stamp:
            self._cache = (stamp, self._parse(self._documents()))
        return self._cache[1]

    def update(self, change: Callable[[Documents], Documents | None]) -> None:
        """Read, change and write under the lock; `change` returning None writes nothing."""
        with self._locked():
            changed = change(self._documents())
            if changed is not None:
                self._storage.write({self._table: changed})
                self._cache = None

    def _documents(self) -> Documents:
        return dict((self._storage.read() or {}).get(self._table, {}))

    def _stamp(self) -> _Stamp:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # this may come before any answer
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise StorageError(f"Cannot create the lock file {self._lock_path}: {error.strerror}.") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # a writer holds it for milliseconds: waiting is right
            yield
        finally:
            os.close(fd)
