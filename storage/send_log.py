"""The log of what was sent first (core.reminders.log.SendLog): in memory, or a file beside the database.

The file is JSON Lines, appended to and fsync'ed per entry (a fraction of a millisecond), never rewritten:
at 10,000 respondents a whole-file rewrite per send would cost seconds. A crash mid-line leaves a torn
last line, which reading skips. Each entry is one write() in append mode, so a terminal command
(`consult announce`) may append while the bot runs without the two interleaving lines.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime
from pathlib import Path

from core.ports import StorageError
from core.reminders.log import Entry

SUFFIX = ".sent.jsonl"


def file_beside(catalog: Path) -> Path:
    """The log's file for the database at `catalog` (data/consult.json -> data/consult.sent.jsonl)."""
    return catalog.with_name(catalog.stem + SUFFIX)


class MemorySendLog:
    """Entries in a list (tests, throwaway runs)."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []

    async def add(self, entry: Entry) -> None:
        """Keep one entry."""
        self._entries.append(entry)

    async def entries(self) -> list[Entry]:
        """Every entry, oldest first."""
        return list(self._entries)


class FileSendLog:
    """Entries appended to a JSON Lines file, each durable before `add` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def add(self, entry: Entry) -> None:
        """Append one line and fsync it (in a worker thread: the event loop keeps answering)."""
        line = json.dumps({"respondent_id": entry.respondent_id, "rule": entry.rule, "at": entry.at.isoformat(),
                           "state": entry.state, "reason": entry.reason}, ensure_ascii=False) + "\n"
        await asyncio.to_thread(self._append, line.encode())

    def _append(self, data: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    data = b"\n" + data  # after a line torn by a crash: start a line of our own
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot be written ({exc.strerror})") from None

    async def entries(self) -> list[Entry]:
        """Every entry, oldest first; a line torn by a crash while appending is left out.

        A torn line was never durably added, so the send it claimed never started: leaving it out is safe.
        """
        return await asyncio.to_thread(self._read)

    def _read(self) -> list[Entry]:
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot be read ({exc.strerror})") from None
        entries = []
        for line in lines:
            try:
                data = json.loads(line)
                entries.append(Entry(data["respondent_id"], data["rule"], datetime.fromisoformat(data["at"]),
                                     data["state"], data.get("reason", "")))
            except (ValueError, KeyError, TypeError):
                continue
        return entries
