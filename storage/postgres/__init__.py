"""PostgreSQL: the repository for several consult processes sharing one database server."""

from storage.postgres.address import describe, is_postgres_url
from storage.postgres.opening import DatabaseUnreachable, open_repository
from storage.postgres.repository import PostgresRepository

__all__ = ["DatabaseUnreachable", "PostgresRepository", "describe", "is_postgres_url", "open_repository"]
