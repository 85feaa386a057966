"""A TCP proxy in front of PostgreSQL that drops the connection just after a COMMIT went through.

The server commits, but the client never hears so: the one moment at which a client cannot know whether
what it wrote was kept. Armed for one cut; the connections made after it pass untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

COMMIT = b"COMMIT\x00"  # a simple query message, as psycopg ends a transaction
SERVER_TIME = 0.3  # for the server to commit before the client's connection is cut


class CutAfterCommit:
    """Listens on 127.0.0.1; `url(address)` is the same address through the proxy."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.armed = False
        self.cuts = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> CutAfterCommit:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def url(self, address: str) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        parts = urlsplit(address)
        return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{port}"))

    async def _serve(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection("127.0.0.1", self.target_port)
        back = asyncio.create_task(self._pipe(server_in, client_out))
        self._tasks.add(back)
        try:
            while chunk := await client_in.read(65536):
                server_out.write(chunk)
                await server_out.drain()
                if self.armed and COMMIT in chunk:
                    self.armed = False
                    back.cancel()  # the server's "COMMIT done" never reaches the client
                    await asyncio.sleep(SERVER_TIME)
                    self.cuts += 1
                    break
        finally:
            back.cancel()
            for writer in (client_out, server_out):
                writer.close()
                with contextlib.suppress(ConnectionError):
                    await writer.wait_closed()

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
