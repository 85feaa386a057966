"""The bots under measurement, each in a process of its own: `consult run` / `consult serve`, and the bare bots."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
STOP_SECONDS = 15.0


def environment(**settings: str) -> dict[str, str]:
    """This machine's environment without any consult, Telegram or Slack setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_", "DATABASE_"))}
    env.update(PYTHONPATH=str(ROOT), **settings)
    return env


@contextlib.asynccontextmanager
async def child(folder: Path, name: str, *args: str, env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python ARGS` in `folder` (its stderr in NAME.log there), stopped as a platform stops it: SIGTERM."""
    with open(folder / f"{name}.log", "wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=folder, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=log)
        try:
            yield process
        finally:
            await stop(process)


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (stdin closed too, for the bare Slack app), then SIGKILL if it has not ended in STOP_SECONDS."""
    if process.returncode is not None:
        return
    assert process.stdin is not None
    process.stdin.close()
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


def free_port() -> int:
    """A port nobody listens on now, for `consult serve --port`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def healthy(url: str, process: asyncio.subprocess.Process, timeout: float = 60.0) -> None:
    """Wait until GET `url` answers 200 (the server is up and its database open)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"the server ended (exit {process.returncode}) before it answered {url}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(url) as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing answered {url} within {timeout} s")


async def port_printed(process: asyncio.subprocess.Process, timeout: float = 60.0) -> int:
    """The port a child prints on its first line once it listens."""
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout)
    if not line.strip():
        raise RuntimeError(f"the child ended (exit {await process.wait()}) without saying its port")
    return int(line)
