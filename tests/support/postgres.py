"""The PostgreSQL server the tests use: each test gets a fresh schema, dropped afterwards."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from core import progress
from questionnaire import loader
from storage import postgres
from storage.postgres import describe

SETTING = "CONSULT_TEST_POSTGRES"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    """The test server's address: $CONSULT_TEST_POSTGRES, or the machine's own server."""
    return os.environ.get(SETTING) or DEFAULT_URL


def in_schema(url: str, name: str) -> str:
    """The same address, with `name` first on the search path: every table consult makes lands there."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "options"]
    query.append(("options", f"-csearch_path={name}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """An address whose tables live in a new, empty schema; the schema is dropped afterwards."""
    url = server_url()
    name = f"consult_test_{secrets.token_hex(6)}"
    try:
        admin = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"The PostgreSQL tests need a server at {describe(url)} ({SETTING}), and it does not answer: "
            f"{str(error).strip().splitlines()[0]}. Start one (on Debian: 'pg_ctlcluster 15 main start'; "
            f"it must trust local connections and hold the database), or set {SETTING} to another server.",
            pytrace=False,
        )
    async with admin:
        await admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            yield in_schema(url, name)
        finally:
            await admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


async def open_repository(url: str, *, writer: bool = True) -> postgres.PostgresRepository:
    """A repository on `url` (a writer by default), counting progress by the bundled questionnaire."""
    questionnaire = loader.load()
    return await postgres.open_repository(url, partial(progress.standing, questionnaire), writer=writer)
