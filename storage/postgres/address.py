"""A PostgreSQL address as people may see it: host, port and database, never the password."""

from __future__ import annotations

import psycopg
from psycopg.conninfo import conninfo_to_dict

from core.ports import StorageError

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(value: str) -> bool:
    """True for the addresses consult reads as PostgreSQL (postgresql://... or postgres://...)."""
    return value.strip().lower().startswith(SCHEMES)


def parts(conninfo: str) -> dict[str, str]:
    """The address's parts. libpq quotes the text it cannot parse, so its message is never shown."""
    try:
        return {key: str(value) for key, value in conninfo_to_dict(conninfo).items() if value is not None}
    except psycopg.ProgrammingError:
        raise StorageError(
            "The PostgreSQL address cannot be read; write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE."
        ) from None


def describe(conninfo: str) -> str:
    """'host 10.0.0.5, port 5432, database consult': enough to recognise it, nothing secret."""
    found = parts(conninfo)
    return f"host {found.get('host', 'localhost')}, port {found.get('port', '5432')}, database {_database(found)}"


def without_password(text: str, conninfo: str) -> str:
    """`text` (a server's or libpq's message) with the address's password taken out, should it be there."""
    password = parts(conninfo).get("password")
    return text.replace(password, "***") if password else text


def _database(found: dict[str, str]) -> str:
    return found.get("dbname") or found.get("user") or "postgres"
