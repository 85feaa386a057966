"""A TinyDB storage that replaces its JSON file atomically and refuses corrupt files."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any, TypeGuard

from tinydb.storages import Storage

from core.ports import DatabaseCorrupt, StorageError

# Temp files are named ".<final name>.consult-tmp" in the final file's folder: hidden, and
# specific enough that cleaning them up after a crash can never remove anyone else's file.
TEMP_SUFFIX = ".consult-tmp"

TinyDBData = dict[str, dict[str, Any]]
UNTOUCHED = "It was left untouched; restore it from a backup or move it aside."


def temp_path_for(path: Path) -> Path:
    """Where the next version of `path` is written before it replaces `path`."""
    return path.with_name(f".{path.name}{TEMP_SUFFIX}")


def is_temp_file(path: Path) -> bool:
    """True for a temp file this module writes (left behind only by a crash)."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def fsync_directory(folder: Path) -> None:
    """Make a rename or a new file in `folder` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicJSONStorage(Storage):
    """TinyDB storage for one JSON file: whole-file atomic replace, strict reads."""

    def __init__(self, path: Path, *, writable: bool = True) -> None:
        super().__init__()
        self._path = path
        self._writable = writable

    def read(self) -> TinyDBData | None:
        """The file's tables; None (empty) if the file does not exist yet."""
        try:
            raw = read_regular_file(self._path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DatabaseCorrupt(f"Cannot read {self._path}: {error.strerror}.") from error
        return parse_tables(self._path, raw)

    def write(self, data: TinyDBData) -> None:
        """Write a temp file, fsync it, rename it over the file, fsync the folder."""
        if not self._writable:
            raise StorageError(f"{self._path} was opened read-only; it cannot be written.")
        payload = encode(data)
        temp = temp_path_for(self._path)
        try:
            _write_durably(temp, payload)
            os.replace(temp, self._path)
            fsync_directory(self._path.parent)
        except OSError as error:
            # Where writing failed, removing may fail too (a read-only folder): the error to report
            # is the first one, and the file itself was never touched.
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
            raise StorageError(f"Could not save {self._path}: {error}.") from error


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path`, refusing anything but a regular file (reading a FIFO would wait forever)."""
    # O_NONBLOCK lets a FIFO open without waiting for a writer; for a regular file it changes nothing.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "folder" if stat.S_ISDIR(mode) else "FIFO" if stat.S_ISFIFO(mode) else "special file"
            raise DatabaseCorrupt(f"{path} is a {kind}, not a database file. {UNTOUCHED}")
        return handle.read()


def encode(data: TinyDBData) -> bytes:
    """The file's bytes: compact UTF-8 JSON."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        # A lone surrogate (possible in text relayed from a chat platform) has no UTF-8 form;
        # \u escapes keep the file valid JSON and valid UTF-8 and still round-trip it.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode()


def _write_durably(path: Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def parse_tables(path: Path, raw: bytes) -> TinyDBData:
    """Decode a TinyDB file, or raise DatabaseCorrupt saying what is wrong with it."""
    if not raw.strip():
        raise DatabaseCorrupt(f"{path} is empty, not a TinyDB JSON file. {UNTOUCHED}")
    try:
        data: object = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatabaseCorrupt(f"{path} is not valid JSON ({error}). {UNTOUCHED}") from error
    except RecursionError:
        raise DatabaseCorrupt(f"{path} is JSON nested too deeply to be a consult file. {UNTOUCHED}") from None
    if not _is_table_map(data):
        raise DatabaseCorrupt(f"{path} is JSON but not a TinyDB table map. {UNTOUCHED}")
    return data


def _is_table_map(data: object) -> TypeGuard[TinyDBData]:
    """Tables of documents: {"table": {"1": {...}}}; a document that is not an object would break TinyDB."""
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(document, dict) for document in table.values())
        for table in data.values()
    )
