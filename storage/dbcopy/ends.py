"""FROM and TO as people write them: a database file's path, or a postgresql:// address."""

from __future__ import annotations

from pathlib import Path

from storage.dbcopy.copying import Source, Target
from storage.dbcopy.files import FileSource, FileTarget
from storage.dbcopy.postgres import PostgresSource, PostgresTarget
from storage.postgres.address import is_postgres_url
from storage.postgres.repository import StandingOf

BATCH = 200  # sessions read, compared and written per round: memory stays bounded by this


async def open_source(address: str, batch: int = BATCH) -> Source:
    """The database to copy from, opened to read only."""
    if is_postgres_url(address):
        return await PostgresSource(address, "FROM", batch).open()
    return await FileSource(Path(address), batch).open()


async def open_target(address: str, standing: StandingOf, batch: int = BATCH) -> Target:
    """The database to copy into, created if need be; files are opened as their one writer."""
    if is_postgres_url(address):
        return await PostgresTarget(address, "TO", batch, standing).open()
    return await FileTarget(Path(address), batch).open()
