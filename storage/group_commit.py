"""Group commit for the embedded store: the durable writes of many respondents share their disk waits.

On the deadline day many respondents answer at once. One storage thread writing one file at a time
pays two fsyncs per answer (the file, then its folder), one after the other: ten answers at once
wait for twenty fsyncs. Here the writes that queue while a batch is on disk go together in the next
batch: each file is written to its temp name, the temp files are fsynced side by side (the disk
and the filesystem's journal serve concurrent fsyncs together), renamed, and the one folder they
share is fsynced once. Nobody is answered before their own file and the folder are durable; a
write alone (nothing queued) costs what it did before. No timer: a batch is what queued meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.ports import StorageError
from storage.atomic_json import fsync_directory, temp_path_for

FSYNCS_AT_ONCE = 16
# Writes in one batch at most: each holds a file descriptor open until its fsync.
BATCH_MAX = 128

# Runs a blocking function on the repository's one storage thread (in order with its other work).
Run = Callable[..., Awaitable[Any]]


@dataclass
class _Write:
    path: Path
    payload: bytes
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class GroupCommit:
    """Durable whole-file writes, batched across respondents; `write` returns once its file is durable."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._queued: list[_Write] = []
        self._flushing: asyncio.Task[None] | None = None
        self._fsyncs = ThreadPoolExecutor(max_workers=FSYNCS_AT_ONCE, thread_name_prefix="consult-fsync")

    async def write(self, path: Path, payload: bytes) -> None:
        """Replace `path` with `payload`, atomically and durably (raises what the write raised)."""
        write = _Write(path, payload)
        self._queued.append(write)
        if self._flushing is None:
            self._flushing = asyncio.get_running_loop().create_task(self._flush())
        try:
            await asyncio.shield(write.done)
        except asyncio.CancelledError:
            # The caller holds the respondent's lock: it must not go before its write has landed or failed,
            # or the respondent's next step could start from the state before it, and undo it.
            with contextlib.suppress(Exception):
                await write.done
            raise

    def close(self) -> None:
        """Stop the fsync threads (after the storage thread has finished its queued work)."""
        self._fsyncs.shutdown(wait=True)

    async def _flush(self) -> None:
        try:
            while self._queued:
                batch, self._queued = self._queued[:BATCH_MAX], self._queued[BATCH_MAX:]
                try:
                    errors = await self._run(self._write_batch, [(w.path, w.payload) for w in batch])
                except BaseException as failure:  # the whole batch failed (e.g. the repository closed)
                    errors = [failure] * len(batch)
                for write, error in zip(batch, errors, strict=True):
                    if write.done.done():  # its writer was cancelled
                        continue
                    if error is None:
                        write.done.set_result(None)
                    else:
                        write.done.set_exception(_as_storage_error(write.path, error))
        finally:
            self._flushing = None

    def _write_batch(self, writes: list[tuple[Path, bytes]]) -> list[BaseException | None]:
        """On the storage thread: temp files, their fsyncs side by side, renames, one fsync per folder."""
        errors: list[BaseException | None] = [None] * len(writes)
        handles: dict[int, int] = {}
        for n, (path, payload) in enumerate(writes):
            try:
                handles[n] = _write_temp(temp_path_for(path), payload)
            except OSError as failure:
                errors[n] = failure
        # One file alone is fsynced here: a hand-over to another thread would only add its wake-up.
        fsync_all = self._fsyncs.map if len(handles) > 1 else map
        synced = dict(zip(handles, fsync_all(_fsync_and_close, handles.values()), strict=True))
        folders: dict[Path, list[int]] = {}
        for n, fsync_error in synced.items():
            path = writes[n][0]
            try:
                if fsync_error is not None:
                    raise fsync_error
                os.replace(temp_path_for(path), path)
                folders.setdefault(path.parent, []).append(n)
            except OSError as failure:
                errors[n] = failure
                with contextlib.suppress(OSError):
                    temp_path_for(path).unlink(missing_ok=True)
        for folder, written in folders.items():
            try:
                fsync_directory(folder)
            except OSError as failure:
                for n in written:
                    errors[n] = failure
        return errors


def _as_storage_error(path: Path, error: BaseException) -> BaseException:
    if isinstance(error, OSError):
        return StorageError(f"Could not save {path}: {error}.")
    return error


def _write_temp(temp: Path, payload: bytes) -> int:
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(payload)
        written = 0
        while written < len(view):
            written += os.write(fd, view[written:])
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return fd


def _fsync_and_close(fd: int) -> OSError | None:
    failed: OSError | None = None
    try:
        os.fsync(fd)
    except OSError as error:
        failed = error
    try:
        os.close(fd)
    except OSError as error:  # a close error can report a failed write-back: this file is not saved
        failed = failed or error
    return failed
