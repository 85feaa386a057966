"""A TinyDB storage that replaces its JSON file atomically and refuses corrupt files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from core.ports import DatabaseCorrupt, StorageError

# Temp files are named ".<final name>.consult-tmp" in the final file's folder: hidden, and
# specific enough that cleaning them up after a crash can never remove anyone else's file.
TEMP_SUFFIX = ".consult-tmp"

TinyDBData = dict[str, dict[str, Any]]


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
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DatabaseCorrupt(f"Cannot read {self._path}: {error.strerror}.") from error
        return parse_tables(self._path, raw)

    def write(self, data: TinyDBData) -> None:
        """Write a temp file, fsync it, rename it over the file, fsync the folder."""
        if not self._writable:
            raise StorageError(f"{self._path} was opened read-only; it cannot be written.")
        payload = _encode(data)
        temp = temp_path_for(self._path)
        try:
            _write_durably(temp, payload)
            os.replace(temp, self._path)
            fsync_directory(self._path.parent)
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise StorageError(f"Could not save {self._path}: {error}.") from error


def _encode(data: TinyDBData) -> bytes:
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
    untouched = "It was left untouched; restore it from a backup or move it aside."
    if not raw.strip():
        raise DatabaseCorrupt(f"{path} is empty, not a TinyDB JSON file. {untouched}")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatabaseCorrupt(f"{path} is not valid JSON ({error}). {untouched}") from error
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DatabaseCorrupt(f"{path} is JSON but not a TinyDB table map. {untouched}")
    return data
