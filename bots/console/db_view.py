"""`consult db status`, `upgrade` and `copy`: which database, its schema, how many respondents."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bots import bootstrap
from bots.config import Settings
from bots.console import copy_view
from core.session import Status
from storage.postgres import admin, describe, schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`consult db status|upgrade|copy`."""
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("status", help="show the database (never its password), schema version and counts")
    actions.add_parser("upgrade", help="bring a PostgreSQL database's schema up to date (for a release phase)")
    copy_view.add_arguments(actions)


async def run(action: str, settings: Settings) -> int:
    """Print what was asked; 0 when done."""
    if action == "upgrade":
        print(await _upgrade(settings))
    else:
        print(await _status(settings))
    return 0


async def _status(settings: Settings) -> str:
    if settings.postgres is None:
        return await _files_status(settings)
    found = await admin.status(settings.postgres, settings.db_setting)
    version = f"{found.schema_version} (this consult's: {schema.LATEST})"
    if found.schema_version == 0:
        version = f"none yet ('consult db upgrade' creates version {schema.LATEST})"
    return "\n".join([
        f"Database: PostgreSQL, {found.where} (from {settings.db_setting})",
        f"Schema version: {version}",
        _respondents(found.by_status),
    ])


async def _files_status(settings: Settings) -> str:
    app = bootstrap.build(settings, writer=False)
    try:
        counts = Counter([session.status.value async for session in app.repository.each()])  # one at a time
    finally:
        await app.repository.close()
    return f"Database: files, {settings.db} (from CONSULT_DB)\n{_respondents(dict(counts))}"


def _respondents(by_status: dict[str, int]) -> str:
    shown = ", ".join(f"{status.value.replace('_', ' ')} {by_status.get(status.value, 0)}" for status in Status)
    return f"Respondents: {sum(by_status.values())} ({shown})"


async def _upgrade(settings: Settings) -> str:
    if settings.postgres is None:
        assert isinstance(settings.db, Path)
        return f"Nothing to upgrade: the database is files ({settings.db}); consult reads them as they are."
    found, applied = await admin.upgrade(settings.postgres, settings.db_setting)
    where = f"PostgreSQL, {describe(settings.postgres)}"
    if not applied:
        return f"The database ({where}) is up to date: schema version {found}."
    return f"Upgraded the database ({where}) from schema version {found} to {applied[-1]}."
