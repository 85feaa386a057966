"""A PostgreSQL server of the tests' own, in a temporary folder on a free port, that a test may crash and restart.

The machine's shared server (tests/support/postgres.py) is never stopped; this one exists for that. It is
made with initdb and run with pg_ctl from the Debian package `postgresql` (as the user `postgres` when the
tests run as root, since initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from core.session import Session

BINARIES = "/usr/lib/postgresql/*/bin"


def tool(name: str) -> str:
    """initdb or pg_ctl: the newest installed PostgreSQL's, else the one on PATH."""
    found = sorted(glob.glob(f"{BINARIES}/{name}"), key=lambda path: int(Path(path).parts[-3]))
    if found:
        return found[-1]
    if (on_path := shutil.which(name)) is not None:
        return on_path
    pytest.fail(f"The fault tests start a PostgreSQL server of their own and need its {name}: on Debian, "
                "apt-get install postgresql (it provides initdb and pg_ctl).", pytrace=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateServer:
    """One server: `crash()` stops it as a power cut would (pg_ctl stop -m immediate), `start()` brings it back."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        """The address of its `postgres` database (trust authentication, no password)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(tool("initdb"), "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._as_postgres(tool("pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
                          "-l", str(self.folder / "log"), "-w", "start")

    def crash(self) -> None:
        """Stop at once, as a crash would: connections drop, nothing is shut down cleanly."""
        self._as_postgres(tool("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        done = subprocess.run([tool("pg_ctl"), "-D", str(self.folder / "data"), "status"], capture_output=True,
                              user="postgres" if os.geteuid() == 0 else None)
        return done.returncode == 0

    @asynccontextmanager
    async def fresh_database(self) -> AsyncIterator[str]:
        """The address of a new, empty database, dropped afterwards."""
        name = f"consult_{secrets.token_hex(5)}"
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as admin:
            await admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield self.url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            if not self.running():
                self.start()
            async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as admin:
                await admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """A clean stop, at the end of the run."""
        self._as_postgres(tool("pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def _as_postgres(self, *command: str) -> None:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                              user="postgres" if os.geteuid() == 0 else None)
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()}\n{tail}")


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """Make and start a server in a new folder (under /tmp, which the user postgres can reach); remove it after."""
    server = PrivateServer(Path(tempfile.mkdtemp(prefix="consult-postgres-")), free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.running():
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


async def stored_in(url: str, respondent_id: str) -> Session | None:
    """What the database holds for one respondent, read with a connection of its own."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute("SELECT session FROM consult_respondent WHERE respondent_id = %s "
                                    "AND session IS NOT NULL", [respondent_id])
        row = await cursor.fetchone()
    return None if row is None else Session.model_validate(row[0])
