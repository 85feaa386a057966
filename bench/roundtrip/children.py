"""The bots under measurement, each in a process of its own: `consult run` / `consult serve`, and the bare bots."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

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
    path = folder / f"{name}.log"
    with open(path, "wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=folder, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=log)
        try:
            yield process
        except BaseException:  # a bot that never answered: what it said is the first thing to read
            sys.stderr.write(f"--- the end of {name}'s log ---\n{path.read_text(errors='replace')[-3000:]}\n")
            raise
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


async def port_printed(process: asyncio.subprocess.Process, timeout: float = 60.0) -> int:
    """The port a child prints on its first line once it listens."""
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout)
    if not line.strip():
        raise RuntimeError(f"the child ended (exit {await process.wait()}) without saying its port")
    return int(line)
