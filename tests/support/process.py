"""`consult` as a real process, for tests that kill it, stop it or read its logs."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from core.session import Session
from storage.embedded import open_repository
from tests.support.chat import SMALL

ROOT = Path(__file__).resolve().parents[2]
DB = "consult.json"


def environment(**settings: str) -> dict[str, str]:
    """This machine's environment without any consult, Telegram or Slack setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_"))}
    env.update(CONSULT_QUESTIONNAIRE="small.toml", CONSULT_DB=DB, PYTHONPATH=str(ROOT), **settings)
    return env


async def consult(folder: Path, *args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """Start `consult ARGS` in `folder` (with the small questionnaire there); its output is piped."""
    (folder / "small.toml").write_text(SMALL, encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", *args, cwd=folder, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def stored(folder: Path, respondent_id: str) -> Session | None:
    """What the database in `folder` holds for one respondent, read as another process would after a restart."""
    repository = open_repository(folder / DB, writer=False)
    try:
        return await repository.get(respondent_id)
    finally:
        await repository.close()

