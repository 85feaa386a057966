"""When the disk fails or a database file is not what it should be: the respondent is told, nothing is changed.

A save that fails reaches the respondent as "not saved, please send it again" on every front end, and the
chat goes on. A database file of the wrong kind stops every command with a message naming it (exit code 2),
and is left as it is. The faults are made with real files (tests run as root, which ignores permissions).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from core import engine
from core.ports import StorageError
from core.service import NOT_SAVED, ConsultService
from core.session import Session
from questionnaire.loader import parse
from storage.layout import respondent_file_name
from storage.memory import MemoryRepository
from tests.support.chat import SMALL, Clock, Respondent
from tests.test_cli import _env
from tests.test_slack_e2e import workspace
from tests.test_storage_tinydb import entries
from tests.test_telegram_e2e import Person, running

TIMEOUT_SECONDS = 30  # a command that waits on a FIFO fails the test instead of blocking it


def blocked(respondent_file: Path) -> Path:
    """Put a folder where the respondent's next version is written: writing fails, and removing too."""
    blocker = respondent_file.with_name(f".{respondent_file.name}.consult-tmp")
    blocker.mkdir()
    return blocker


# The terminal: a real `consult chat` process


class Terminal:
    """`consult chat --jsonl` running in its own process: type a line, read the reply."""

    def __init__(self, folder: Path, name: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bots.cli", "chat", "--as", name, "--jsonl"], cwd=folder, env=_env(folder),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "consult chat stopped"
        return dict(json.loads(line))

    def type(self, line: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.read()

    def quit(self) -> tuple[int, str]:
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=TIMEOUT_SECONDS)
        return code, self.process.stderr.read()


def test_a_failed_save_in_the_terminal_is_told_and_the_chat_goes_on(tmp_path: Path) -> None:
    ana = Terminal(tmp_path, "ana")
    assert ana.read()["question_id"] == "consent"
    assert "Your name" in ana.type("yes")["text"]
    stored = tmp_path / "data" / "consult.respondents" / respondent_file_name("console:ana")
    before = stored.read_bytes()

    blocker = blocked(stored)
    refused = ana.type("Ana Silva")
    assert refused["text"] == NOT_SAVED
    assert refused["question_id"] == "contact"
    assert stored.read_bytes() == before

    blocker.rmdir()
    assert "Your organisation" in ana.type("Ana Silva")["text"]
    code, errors = ana.quit()
    assert code == 0
    assert "Traceback" not in errors


def test_a_full_disk_at_start_up_stops_the_chat_with_a_message(tmp_path: Path) -> None:
    def no_room() -> None:  # no file may grow at all: writing the lock's pid fails, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run([sys.executable, "-m", "bots.cli", "chat", "--as", "ana", "--jsonl"], input="yes\n",
                          cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS, preexec_fn=no_room)
    assert done.returncode == 2
    assert "Cannot write the lock file data/consult.json.lock: File too large" in done.stderr
    assert "Traceback" not in done.stderr


# The service, which every front end goes through


class FlakyRepository(MemoryRepository):
    """The in-memory store with a disk that can be made to fail."""

    def __init__(self) -> None:
        super().__init__()
        self.failing: set[str] = set()  # the verbs that fail: "get", "put"

    async def get(self, respondent_id: str) -> Session | None:
        if "get" in self.failing:
            raise StorageError("Cannot read data/consult.respondents/x.json: Input/output error.")
        return await super().get(respondent_id)

    async def put(self, session: Session) -> None:
        if "put" in self.failing:
            raise StorageError("Could not save data/consult.respondents/x.json: No space left on device.")
        await super().put(session)


def respondent_over(repository: FlakyRepository) -> Respondent:
    return Respondent(ConsultService(parse(SMALL), repository, Clock()))


async def test_a_failed_save_changes_nothing_and_the_same_message_can_be_sent_again() -> None:
    repository = FlakyRepository()
    ana = respondent_over(repository)
    await ana.says("start", "yes")
    before = await ana.session()

    repository.failing = {"put"}
    reply = await ana.say("Ana Silva")
    assert reply.messages == [NOT_SAVED] and not reply.ask and not reply.saved
    assert reply.prompt is not None and reply.prompt.item_id == "contact"
    assert await ana.session() == before

    repository.failing = set()
    assert "Phone (2 of 3)" in (await ana.say("Ana Silva")).text


async def test_a_respondent_whose_file_cannot_be_read_is_told_too() -> None:
    repository = FlakyRepository()
    ana = respondent_over(repository)
    await ana.says("start", "yes")
    repository.failing = {"get"}
    reply = await ana.say("Ana Silva")
    assert reply.messages == [NOT_SAVED] and reply.prompt is None and not reply.saved


# Telegram and Slack, end to end over the real libraries, against a database whose writes fail


async def told_then_saved(stored: Path, say: Callable[[str, str], Awaitable[object]]) -> None:
    """Say 'yes' to the consent while the respondent's file cannot be written, then again once it can."""
    before = stored.read_bytes()
    blocker = blocked(stored)
    await say("yes", NOT_SAVED)
    assert stored.read_bytes() == before
    blocker.rmdir()
    await say("yes", "Name (1 of 3)")


async def test_a_failed_save_reaches_a_telegram_respondent(tmp_path: Path) -> None:
    questionnaire = tmp_path / "small.toml"
    questionnaire.write_text(SMALL, encoding="utf-8")
    async with running(tmp_path, questionnaire) as world:
        ana = Person(world.api, world.api.user(42, "Ana"))
        await ana.say("/start", expect="May we cite you?")
        await told_then_saved(tmp_path / "db.respondents" / respondent_file_name("telegram:42"), ana.say)


async def test_a_failed_save_reaches_a_slack_respondent(tmp_path: Path) -> None:
    async with workspace(tmp_path, SMALL) as slack:
        ana = slack.user("U0ANA")
        await ana.open_app(expect="May we cite you?")
        await told_then_saved(tmp_path / "db.respondents" / respondent_file_name(ana.respondent_id), ana.say)


# Database files of the wrong kind: every command refuses, names the file, and changes nothing


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose database holds one respondent, made once and copied by each test."""
    folder = tmp_path_factory.mktemp("answered")
    done = subprocess.run([sys.executable, "-m", "bots.cli", "chat", "--as", "ana", "--jsonl"], input="yes\n",
                          cwd=folder, env=_env(folder), capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert done.returncode == 0, done.stderr
    return folder


def _ana(data: Path) -> Path:
    return data / "consult.respondents" / respondent_file_name("console:ana")


def deeply_nested(data: Path) -> Path:
    _ana(data).write_bytes(b"[" * 100_000 + b"]" * 100_000)
    return _ana(data)


def a_string_for_a_session(data: Path) -> Path:
    _ana(data).write_text('{"session": {"1": "console:ana"}}')
    return _ana(data)


def a_list_for_a_session(data: Path) -> Path:
    _ana(data).write_text('{"session": {"1": ["console:ana"]}}')
    return _ana(data)


def a_fifo_for_a_respondent(data: Path) -> Path:
    _ana(data).unlink()
    os.mkfifo(_ana(data))
    return _ana(data)


def a_fifo_for_the_catalog(data: Path) -> Path:
    (data / "consult.json").unlink()
    os.mkfifo(data / "consult.json")
    return data / "consult.json"


def a_dangling_link_for_the_catalog(data: Path) -> Path:
    (data / "consult.json").unlink()
    (data / "consult.json").symlink_to(data / "moved-away.json")
    return data / "consult.json"


def a_file_for_the_respondents_folder(data: Path) -> Path:
    shutil.rmtree(data / "consult.respondents")
    (data / "consult.respondents").write_text("notes\n")
    return data / "consult.respondents"


COMMANDS = [("chat", "--as", "ana", "--jsonl"), ("progress", "--json"), ("export", "--out", "compiled"), ("run",)]


@pytest.mark.parametrize("damage", [
    deeply_nested, a_string_for_a_session, a_list_for_a_session, a_fifo_for_a_respondent, a_fifo_for_the_catalog,
    a_dangling_link_for_the_catalog, a_file_for_the_respondents_folder,
])
def test_every_command_refuses_a_damaged_database_and_names_the_file(
    answered: Path, tmp_path: Path, damage: Callable[[Path], Path]
) -> None:
    shutil.copytree(answered, tmp_path, dirs_exist_ok=True)
    damaged = damage(tmp_path / "data")
    before = entries(tmp_path)
    for command in COMMANDS:
        done = subprocess.run([sys.executable, "-m", "bots.cli", *command], input="yes\n", cwd=tmp_path,
                              env=_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        assert done.returncode == 2, (command, done.stderr)
        assert str(damaged.relative_to(tmp_path)) in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr
    assert entries(tmp_path) == before


async def test_a_fault_of_ours_while_storing_still_tells_the_telegram_respondent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram counts the update as delivered whatever happens: the respondent must not wait for nothing."""
    questionnaire = tmp_path / "small.toml"
    questionnaire.write_text(SMALL, encoding="utf-8")
    async with running(tmp_path, questionnaire) as world:
        ana = Person(world.api, world.api.user(42, "Ana"))
        await ana.say("/start", expect="May we cite you?")
        with monkeypatch.context() as patched:
            patched.setattr(engine, "apply", lambda *args, **kwargs: 1 / 0)  # a bug in the core
            await ana.say("yes", NOT_SAVED)
        await ana.say("yes", "Name (1 of 3)")
