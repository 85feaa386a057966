"""Invitations in a JSON file of their own beside the TinyDB database (see shared_file for why and how)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from core.invitations.model import Invitation
from core.ports import DatabaseCorrupt
from storage.atomic_json import UNTOUCHED
from storage.invitations.memory import check_new
from storage.invitations.shared_file import Documents, SharedJsonTable


def invitations_path(catalog: Path) -> Path:
    """Where the invitations of the database at `catalog` are kept: `consult.invitations.json`."""
    return catalog.with_name(catalog.stem + ".invitations.json")


class FileInvitations:
    """The Invitations port over one JSON file, safe to write from several processes."""

    def __init__(self, path: Path) -> None:
        self._file = SharedJsonTable(path, "invitations", self._parsed)

    async def get(self, code: str) -> Invitation | None:
        return (await asyncio.to_thread(self._file.read)).get(code)

    async def all(self) -> list[Invitation]:
        return list((await asyncio.to_thread(self._file.read)).values())

    async def add(self, invitations: Sequence[Invitation]) -> None:
        def change(documents: Documents) -> Documents:
            check_new(self._parsed(documents), invitations)
            return {**documents, **{inv.code: inv.model_dump(mode="json") for inv in invitations}}

        await asyncio.to_thread(self._file.update, change)

    async def revoke(self, code: str, at: datetime) -> Invitation | None:
        def change(documents: Documents) -> Documents | None:
            found = self._parsed(documents).get(code)
            if found is None or found.revoked:
                return None
            return {**documents, code: found.model_copy(update={"revoked_at": at}).model_dump(mode="json")}

        await asyncio.to_thread(self._file.update, change)
        return await self.get(code)

    def _parsed(self, documents: Documents) -> dict[str, Invitation]:
        try:
            return {code: Invitation.model_validate(doc) for code, doc in documents.items()}
        except ValidationError as error:
            raise DatabaseCorrupt(f"{self._file.path} does not hold valid invitations ({error}). {UNTOUCHED}") from None
