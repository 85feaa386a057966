"""One writing process per database: an exclusive flock held while the writer is open."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

from core.ports import DatabaseLocked, StorageError


class WriterLock:
    """An exclusive, non-blocking flock on `<database>.lock`, recording the holder's pid."""

    def __init__(self, lock_path: Path, database: Path) -> None:
        self._lock_path = lock_path
        self._database = database
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise DatabaseLocked naming the process that holds it."""
        try:
            # O_NONBLOCK: a FIFO in the lock's place must be refused below, not waited on.
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise StorageError(
                f"Cannot create the lock file {self._lock_path}: {error.strerror}. "
                "Check that the database folder exists and is writable."
            ) from error
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise StorageError(f"{self._lock_path} is not a regular file; it was left as it is. Move it aside.")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise DatabaseLocked(self._locked_message(holder)) from None
        # The pid only makes the refusal message useful; the flock itself is the lock.
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as error:
            os.close(fd)  # closing lets the lock go
            raise StorageError(f"Cannot write the lock file {self._lock_path}: {error.strerror}.") from error
        self._fd = fd

    def release(self) -> None:
        """Let another writer in. The lock file stays: deleting it would race a new writer."""
        if self._fd is None:
            return
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def _locked_message(self, holder: int | None) -> str:
        who = f"another consult process (pid {holder})" if holder else "another consult process"
        return (
            f"{self._database} is already open for writing by {who}; "
            f"its lock is {self._lock_path}. Only one consult process can take answers at a time: "
            "stop the other one first. ('consult progress' and 'consult export' only read, and can run "
            "alongside.)"
        )


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None
