"""The secretariat's decisions on organisations: in memory, or in a JSON file beside the TinyDB database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import ValidationError

from core.organisations.model import Decision
from core.ports import DatabaseCorrupt
from storage.atomic_json import UNTOUCHED
from storage.invitations.shared_file import Documents, SharedJsonTable


def decisions_path(catalog: Path) -> Path:
    """Where the decisions of the database at `catalog` are kept: `consult.organisations.json`."""
    return catalog.with_name(catalog.stem + ".organisations.json")


class MemoryDecisions:
    """The Decisions port over a dict."""

    def __init__(self) -> None:
        self._by_key: dict[str, Decision] = {}

    async def all(self) -> list[Decision]:
        return list(self._by_key.values())

    async def put(self, decision: Decision) -> None:
        self._by_key[decision.key] = decision


class FileDecisions:
    """The Decisions port over one JSON file, safe to write while the bot runs."""

    def __init__(self, path: Path) -> None:
        self._file = SharedJsonTable(path, "decisions", self._parsed)

    async def all(self) -> list[Decision]:
        return list(await asyncio.to_thread(self._file.read))

    def _parsed(self, documents: Documents) -> list[Decision]:
        try:
            return [Decision.model_validate(doc) for doc in documents.values()]
        except ValidationError as error:
            raise DatabaseCorrupt(f"{self._file.path} does not hold valid decisions ({error}). {UNTOUCHED}") from None

    async def put(self, decision: Decision) -> None:
        def change(documents: Documents) -> Documents:
            return {**documents, decision.key: decision.model_dump(mode="json")}

        await asyncio.to_thread(self._file.update, change)
