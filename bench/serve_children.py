"""Real `consult serve` processes for a benchmark: each on its own port, all on one database, Slack over HTTP."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.slack_ack import SECRET, TOKEN

ROOT = Path(__file__).resolve().parents[1]
READY_SECONDS = 60
FAILURES = (b"Traceback", b"not saved")


@dataclass(frozen=True)
class Server:
    """One `consult serve` process; its log (stdout and stderr) goes to a file, which nobody has to drain."""

    process: asyncio.subprocess.Process
    port: int
    log: Path


def environment(database: str, api_url: str) -> dict[str, str]:
    """This machine's environment without consult, Telegram or Slack settings, plus the benchmark's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_"))}
    return env | {"CONSULT_DB": database, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                  "SLACK_API_BASE_URL": api_url, "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def start(folder: Path, env: dict[str, str]) -> Server:
    folder.mkdir()
    port, log = free_port(), folder / "serve.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
            cwd=folder, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=output, stderr=output)
    return Server(process, port, log)


async def ready(http: aiohttp.ClientSession, server: Server) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.process.returncode is not None:
            break
        try:
            async with http.get(f"http://127.0.0.1:{server.port}/healthz") as answer:
                if answer.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"consult serve on port {server.port} did not start:\n{server.log.read_text()[-2000:]}")


@asynccontextmanager
async def serving(count: int, folder: Path, database: str, api_url: str) -> AsyncIterator[list[Server]]:
    """`count` servers started at once (they race to bring a new database's schema up to date, as on a platform)."""
    env = environment(database, api_url)
    servers = await asyncio.gather(*(start(folder / f"serve{n}", env) for n in range(count)))
    try:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(ready(http, server) for server in servers))
        yield servers
    finally:
        for server in servers:
            if server.process.returncode is None:
                server.process.terminate()  # SIGTERM: they finish what they acknowledged, then stop
        await asyncio.gather(*(server.process.wait() for server in servers))
    for server in servers:
        if any(failure in server.log.read_bytes() for failure in FAILURES):
            raise RuntimeError(f"consult serve on port {server.port} failed:\n{server.log.read_text()[-3000:]}")
