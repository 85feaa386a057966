"""`consult db copy`: a consultation filled through chat moves to PostgreSQL and back, checked, resumable."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path

import pytest

from bots import cli
from bots.console.copy_view import describe
from core import progress
from core.ports import Repository
from core.service import ConsultService
from core.session import Session
from questionnaire import loader
from storage import embedded
from storage.dbcopy import ends
from storage.dbcopy.copying import CopyRefused, CopyReport, Target, copy
from tests.support.chat import Respondent
from tests.support.postgres import fresh_schema, open_repository
from tests.test_cli import WALK
from tests.test_cli_postgres import PASSWORD, with_password

# Three people at three points: one submitted, one halfway, one who only said yes.
PEOPLE = {"ana": WALK, "ben": WALK[:8], "chloe": WALK[:1]}
STANDING = partial(progress.standing, loader.load())


@pytest.fixture
async def pg() -> AsyncIterator[str]:
    async with fresh_schema() as url:
        yield url


@pytest.fixture(autouse=True)
def clean_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a secretariat runs it: in its own folder, the bundled questionnaire, no database setting."""
    for name in [name for name in os.environ if name.startswith("CONSULT_") or name == "DATABASE_URL"]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


async def opened(address: str) -> Repository:
    if address.startswith("postgresql://"):
        return await open_repository(address)
    return embedded.open_repository(Path(address))


async def chat(address: str, people: dict[str, list[str]]) -> None:
    """Each person types their lines in `consult chat` (the terminal front end's channel), in process."""
    repository = await opened(address)
    try:
        service = ConsultService(loader.load(), repository)
        for name, lines in people.items():
            await Respondent(service, name, channel="console").says("hello", *lines)
    finally:
        await repository.close()


async def sessions(address: str) -> dict[str, Session]:
    repository = await opened(address)
    try:
        return {session.respondent_id: session for session in await repository.all()}
    finally:
        await repository.close()


async def db_copy(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """`consult db copy ...` in this process: its exit code and what it printed."""
    code = await cli._db(cli._parser().parse_args(["db", "copy", *argv]))
    return code, capsys.readouterr().out


async def test_files_to_postgres_and_back_copies_every_answer_and_checks_each(
        pg: str, capsys: pytest.CaptureFixture[str]) -> None:
    await chat("data/consult.json", PEOPLE)
    original = await sessions("data/consult.json")
    assert len(original) == 3

    code, out = await db_copy(capsys, "data/consult.json", pg)
    assert code == 0, out
    assert "Respondents in FROM: 3. Written: 3 new, 0 replaced; already identical: 0." in out
    assert "Checked: all 3 respondents of FROM are in TO, identical (sha256 of each session)." in out
    assert await sessions(pg) == original
    # The progress columns are filled as the bots fill them: `consult db status` counts from them.
    await cli._db(cli._parser().parse_args(["db", "status"]))  # files: nothing to see, just no error
    capsys.readouterr()
    os.environ["CONSULT_DB"] = pg
    try:
        await cli._db(cli._parser().parse_args(["db", "status"]))
    finally:
        del os.environ["CONSULT_DB"]
    assert "Respondents: 3 (new 0, in progress 2, submitted 1, withdrawn 0)" in capsys.readouterr().out

    code, out = await db_copy(capsys, pg, "archive/closed.json")
    assert code == 0, out
    assert "Written: 3 new" in out
    assert await sessions("archive/closed.json") == original

    code, out = await db_copy(capsys, "data/consult.json", pg)  # again: nothing to do
    assert code == 0, out
    assert "Written: 0 new, 0 replaced; already identical: 3." in out


class Interrupted(Exception):
    pass


def stop_after(count: int) -> Callable[[Session], Awaitable[None]]:
    """The copy's call after each session, failing after `count` of them, as a crash would stop the copy."""
    written: list[str] = []

    async def written_one(session: Session) -> None:
        written.append(session.respondent_id)
        if len(written) == count:
            raise Interrupted()

    return written_one


@pytest.mark.parametrize("direction", ["files to postgres", "postgres to files"])
async def test_a_copy_stopped_half_way_resumes_and_writes_nobody_twice(pg: str, direction: str) -> None:
    source, target = ("data/consult.json", pg) if direction == "files to postgres" else (pg, "data/consult.json")
    await chat(source, {f"person{n}": WALK[: 2 + n] for n in range(7)})
    first = await ends.open_source(source, batch=3)
    into = await ends.open_target(target, STANDING, batch=3)
    with pytest.raises(Interrupted):
        await copy(first, into, after_each=stop_after(4))
    await first.close()
    await into.close()
    assert len(await sessions(target)) == 4

    report = await _copy(source, target)
    assert (report.written_new, report.replaced, report.identical) == (3, 0, 4)
    assert report.verified
    assert await sessions(target) == await sessions(source)


async def _copy(source: str, target: str, *, damage: bool = False, into_nonempty: bool = False) -> CopyReport:
    opened_source = await ends.open_source(source, batch=3)
    opened_target = await ends.open_target(target, STANDING, batch=3)
    try:
        return await copy(opened_source, Damaging(opened_target) if damage else opened_target,
                          into_nonempty=into_nonempty)
    finally:
        await opened_source.close()
        await opened_target.close()


class Damaging:
    """A target whose disk loses one answer of the first respondent it stores with answers."""

    def __init__(self, target: Target) -> None:
        self._target = target
        self.where, self.key = target.where, target.key
        self.batches, self.close = target.batches, target.close
        self.count, self.marker, self.mark, self.stored = target.count, target.marker, target.mark, target.stored
        self.damaged: str | None = None

    async def put(self, session: Session) -> None:
        if self.damaged is None and session.answers:
            session = session.model_copy(deep=True)
            session.answers.pop(next(iter(session.answers)))
            self.damaged = session.respondent_id
        await self._target.put(session)


@pytest.mark.parametrize("target", ["postgres", "files"])
async def test_the_check_finds_a_damaged_copy_and_running_again_repairs_it(pg: str, target: str) -> None:
    source, into = ("data/consult.json", pg) if target == "postgres" else (pg, "copy/consult.json")
    await chat(source, PEOPLE)

    damaged = await _copy(source, into, damage=True)
    assert not damaged.verified
    assert damaged.different == ["console:ana"] and not damaged.missing
    assert "CHECK FAILED: 1 differ from FROM (console:ana)." in _described(damaged)

    repaired = await _copy(source, into)
    assert (repaired.written_new, repaired.replaced, repaired.identical) == (0, 1, 2)
    assert repaired.verified
    assert await sessions(into) == await sessions(source)


def _described(report: CopyReport) -> str:
    return describe(report)


async def test_answers_given_in_the_target_after_the_move_are_not_undone_by_copying_again(pg: str) -> None:
    await chat("data/consult.json", PEOPLE)
    assert (await _copy("data/consult.json", pg)).verified
    await chat(pg, {"ben": ["Kenya"]})  # the bots now run on PostgreSQL; ben goes on
    moved_on = (await sessions(pg))["console:ben"]

    again = await _copy("data/consult.json", pg)
    assert again.kept_newer == ["console:ben"] and again.identical == 2
    assert again.verified
    assert (await sessions(pg))["console:ben"] == moved_on


async def test_a_server_holding_other_answers_or_a_copy_of_another_database_is_refused(pg: str) -> None:
    await chat("data/consult.json", PEOPLE)
    await chat("other.json", {"yuri": WALK[:1]})
    await chat(pg, {"zoe": WALK[:1]})

    with pytest.raises(CopyRefused, match="already holds 1 respondents, and is not an earlier copy"):
        await _copy("data/consult.json", pg)
    assert set(await sessions(pg)) == {"console:zoe"}
    told = await _copy("data/consult.json", pg, into_nonempty=True)
    assert told.verified and told.only_in_target == 1

    # It is now a copy of data/consult.json: running that copy again needs no flag, another one does.
    assert (await _copy("data/consult.json", pg)).identical == 3
    with pytest.raises(CopyRefused, match="already holds 4 respondents"):
        await _copy("other.json", pg)


# --- As a secretariat runs it: real processes ------------------------------------------------------------------


def consult(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bots.cli", *args], input=stdin, capture_output=True, text=True,
                          env=_env(env), timeout=120)


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_") and k != "DATABASE_URL"}
    return {**clean, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), **(extra or {})}


def files_of(folder: Path) -> dict[str, bytes]:
    """What the database holds (the lock file only says which process opened it last)."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix != ".lock"}


async def count_in(url: str) -> int:
    return len(await sessions(url))


async def test_killed_half_way_and_run_again_the_move_to_postgres_completes(tmp_path: Path, pg: str) -> None:
    url = with_password(pg)
    for name in ("ana", "ben"):
        done = consult("chat", "--as", name, stdin="\n".join(WALK[: 6 if name == "ben" else None]) + "\n")
        assert done.returncode == 0, done.stderr
    await _multiply("data/consult.json", 400)  # enough respondents for the copy to take a while

    copying = subprocess.Popen([sys.executable, "-m", "bots.cli", "db", "copy", "data/consult.json", url],
                               env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while await _count_safely(pg) < 20 and time.monotonic() < deadline and copying.poll() is None:
        await asyncio.sleep(0.005)
    copying.send_signal(signal.SIGKILL)
    copying.communicate()
    assert copying.returncode == -signal.SIGKILL
    half = await count_in(pg)
    assert 20 <= half < 400

    again = consult("db", "copy", "data/consult.json", url)
    assert again.returncode == 0, again.stderr
    resumed = f"Respondents in FROM: 400. Written: {400 - half} new, 0 replaced; already identical: {half}."
    assert resumed in again.stdout
    assert "Checked: all 400 respondents" in again.stdout
    assert await sessions(pg) == await sessions("data/consult.json")

    back = consult("db", "copy", url, "archive/consult.json")  # the consultation closed: keep it as files
    assert back.returncode == 0, back.stderr
    assert await sessions("archive/consult.json") == await sessions("data/consult.json")
    shown = consult("progress", "--json", env={"CONSULT_DB": "archive/consult.json"})
    assert json.loads(shown.stdout)["started"] == 400
    for done in (again, back):
        assert PASSWORD not in done.stdout + done.stderr
        assert "PostgreSQL, host" in done.stdout


async def _count_safely(url: str) -> int:
    try:
        return await count_in(url)
    except Exception:  # the schema is created by the copy itself, a moment after it starts
        return 0


async def _multiply(address: str, total: int) -> None:
    repository = embedded.open_repository(Path(address))
    try:
        people = await repository.all()
        for n in range(total - len(people)):
            model = people[n % len(people)]
            await repository.put(model.model_copy(update={"respondent_id": f"console:person{n:04}"}))
    finally:
        await repository.close()


async def test_a_target_with_other_answers_is_refused_unless_told(tmp_path: Path) -> None:
    assert consult("chat", "--as", "ana", stdin="yes\nAna\n").returncode == 0
    other = {"CONSULT_DB": "other/consult.json"}
    assert consult("chat", "--as", "zoe", stdin="yes\nZoe\n", env=other).returncode == 0
    before = files_of(tmp_path / "other")

    refused = consult("db", "copy", "data/consult.json", "other/consult.json")
    assert refused.returncode == 2
    assert "already holds 1 respondents, and is not an earlier copy" in refused.stderr
    assert "--into-nonempty" in refused.stderr
    assert files_of(tmp_path / "other") == before

    told = consult("db", "copy", "data/consult.json", "other/consult.json", "--into-nonempty")
    assert told.returncode == 0, told.stderr
    assert "TO also holds 1 respondents that are not in FROM" in told.stdout
    assert set(await sessions("other/consult.json")) == {"console:ana", "console:zoe"}

    same = consult("db", "copy", "data/consult.json", "./data/../data/consult.json")
    assert same.returncode == 2 and "are the same database" in same.stderr
    nowhere = consult("db", "copy", "nowhere.json", "new.json")
    assert nowhere.returncode == 2 and "There is no database at nowhere.json" in nowhere.stderr
    assert not (tmp_path / "new.json").exists()


async def test_a_target_a_bot_is_writing_to_is_refused_and_a_source_in_use_is_read(tmp_path: Path) -> None:
    assert consult("chat", "--as", "ana", stdin="yes\nAna\n").returncode == 0
    assert consult("chat", "--as", "zoe", stdin="yes\nZoe\n", env={"CONSULT_DB": "busy.json"}).returncode == 0
    bot_on_source = embedded.open_repository(Path("data/consult.json"))  # the writer's lock, as a bot holds it
    bot_on_target = embedded.open_repository(Path("busy.json"))
    try:
        refused = consult("db", "copy", "data/consult.json", "busy.json", "--into-nonempty")
        assert refused.returncode == 2
        assert "is already open for writing" in refused.stderr
        read = consult("db", "copy", "data/consult.json", "copy.json")
        assert read.returncode == 0, read.stderr
    finally:
        await bot_on_source.close()
        await bot_on_target.close()
    assert set(await sessions("copy.json")) == {"console:ana"}
