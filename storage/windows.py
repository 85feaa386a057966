"""The run-time window (core.windows.WindowStore): in memory, or a small JSON file beside the database.

`consult window` writes the file while the bot may be running (it owns the sessions' files, not this one),
replacing it atomically (storage/atomic_json.py); the bot notices the change by the file's modification time
and size, checked on each read (a stat: microseconds).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from core.windows import Window
from storage.atomic_json import AtomicJSONStorage

SUFFIX = ".window.json"


def file_beside(catalog: Path) -> Path:
    """The window's file for the database at `catalog` (data/consult.json -> data/consult.window.json)."""
    return catalog.with_name(catalog.stem + SUFFIX)


class MemoryWindowStore:
    """The window in memory (tests, throwaway runs)."""

    def __init__(self) -> None:
        self._window: Window | None = None

    async def get(self) -> Window | None:
        """The window set, if any."""
        return self._window

    async def put(self, window: Window) -> None:
        """Keep the window."""
        self._window = window


class FileWindowStore:
    """The window in its own JSON file, re-read when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._window: Window | None = None

    async def get(self) -> Window | None:
        """The window in the file (read again only when the file has changed)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._window = None, None
            return None
        if (stat.st_mtime_ns, stat.st_size) != self._seen:
            tables = await asyncio.to_thread(AtomicJSONStorage(self.path, writable=False).read)
            self._window = _window(((tables or {}).get("window") or {}).get("1") or {})
            self._seen = (stat.st_mtime_ns, stat.st_size)
        return self._window

    async def put(self, window: Window) -> None:
        """Replace the file atomically (temp file, fsync, rename, fsync of the folder)."""
        row = {"opens": _text(window.opens), "closes": _text(window.closes), "late": sorted(window.late)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(AtomicJSONStorage(self.path).write, {"window": {"1": row}})


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _window(row: dict[str, Any]) -> Window:
    def moment(value: Any) -> datetime | None:
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    return Window(moment(row.get("opens")), moment(row.get("closes")), frozenset(row.get("late") or ()))
