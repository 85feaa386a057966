"""The window at run time: `consult window` moves the dates without touching the file; late answers by invitation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.invitations.model import Invitation
from core.service import ConsultService
from core.windows import Window, WindowStore
from questionnaire.loader import parse
from storage.invitations.memory import MemoryInvitations
from storage.memory import MemoryRepository
from storage.postgres.windows import PostgresWindowStore
from storage.windows import FileWindowStore, MemoryWindowStore, file_beside
from tests.support.chat import SMALL, Clock, Respondent
from tests.support.postgres import fresh_schema
from tests.support.postgres import open_repository as open_postgres_at
from tests.test_cli import consult

T0 = datetime(2013, 8, 20, 9, 0, tzinfo=UTC)
HEAD, ITEMS = SMALL.split("[[items]]", 1)
Q = parse(HEAD + "closes = 2013-08-15T23:59:00Z\n[[items]]" + ITEMS)  # the first deadline, 15 August


@pytest.fixture(params=["memory", "file", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[WindowStore]:
    if request.param == "memory":
        yield MemoryWindowStore()
    elif request.param == "file":
        yield FileWindowStore(file_beside(tmp_path / "consult.json"))
    else:
        async with fresh_schema() as url:
            repository = await open_postgres_at(url)
            try:
                yield PostgresWindowStore(repository.pool, cache_seconds=0)
            finally:
                await repository.close()


async def test_the_window_comes_back_as_stored(store: WindowStore) -> None:
    assert await store.get() is None
    window = Window(None, datetime(2013, 8, 31, 23, 59, tzinfo=UTC), frozenset({"itu-sector", "ngo-7"}))
    await store.put(window)
    assert await store.get() == window
    await store.put(Window(T0, None))
    assert await store.get() == Window(T0, None)


async def test_a_running_process_notices_another_process_changing_the_file(tmp_path: Path) -> None:
    bot, terminal = FileWindowStore(tmp_path / "w.json"), FileWindowStore(tmp_path / "w.json")
    assert await bot.get() is None
    await terminal.put(Window(closes=T0))
    assert await bot.get() == Window(closes=T0)
    await terminal.put(Window(closes=T0 + timedelta(days=1), late=frozenset({"x"})))
    assert await bot.get() == Window(closes=T0 + timedelta(days=1), late=frozenset({"x"}))


async def test_an_extended_deadline_takes_answers_and_a_late_invitation_answers_after_it() -> None:
    clock, windows = Clock(T0), MemoryWindowStore()
    service = ConsultService(Q, MemoryRepository(), clock, windows=windows)
    ana, ngo = Respondent(service, "ana"), Respondent(service, "ngo")
    closed = await ana.say("start")
    assert "The consultation closed on 15 August 2013." in closed.text

    await windows.put(Window(closes=datetime(2013, 8, 31, 23, 59, tzinfo=UTC), late=frozenset({"ngo-7"})))
    assert "Question 1 of" in (await ana.say("start")).text
    assert "Question 1 of" in (await ngo.say("/start ngo-7")).text

    clock.advance(days=20)  # 9 September: after the extended deadline
    assert "can no longer be changed" in (await ana.say("yes")).text
    assert "can no longer be changed" not in (await ngo.say("yes")).text
    assert (await ngo.session()).answers["consent"].value == "Yes"


async def test_an_invitation_allowed_late_begins_after_closing_even_if_never_started_before() -> None:
    invitations = MemoryInvitations()
    await invitations.add([invited("NGO Seven", "ngo-7"), invited("Old Org", "old-1", revoked_at=T0)])
    windows = MemoryWindowStore()
    service = ConsultService(Q, MemoryRepository(), Clock(T0), invitations=invitations, windows=windows)
    await windows.put(Window(late=frozenset({"ngo-7", "old-1"})))  # closed on 15 August; no new date
    ngo, old, ana = Respondent(service, "ngo"), Respondent(service, "old"), Respondent(service, "ana")
    assert "Question 1 of" in (await ngo.say("/start ngo-7")).text
    assert (await ngo.session()).invite == "ngo-7"
    assert "The consultation closed on 15 August 2013." in (await old.refused("/start old-1")).text  # revoked
    assert "The consultation closed on 15 August 2013." in (await ana.refused("/start ana-9")).text  # unknown


def invited(organisation: str, code: str, **more: datetime) -> Invitation:
    return Invitation.model_validate({"code": code, "organisation": organisation, "created_at": T0, **more})


# The terminal: bad input changes nothing.

def q_file(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "q.toml").write_text(HEAD + 'opens = 2013-06-01T00:00:00Z\n[[items]]' + ITEMS
                                     + '[[reminders]]\nbefore_closing = "40d"\n', encoding="utf-8")
    return {"CONSULT_QUESTIONNAIRE": "q.toml", "CONSULT_DB": "data/consult.json"}


@pytest.mark.parametrize(("args", "says"), [
    (["--opens", "2030-09-01T00:00Z", "--closes", "2030-08-31T23:59Z"], "would close (31 August 2030 23:59) before"),
    (["--closes", "2030-08-31T23:59"], "--closes needs a time zone"),
    (["--closes", "2013-08-31T23:59Z"], "is in the past: it would close the consultation at once"),
    (["--late", "no spaces please", "--closes", "2030-08-31T23:59Z"], "is not an invitation code"),
])
def test_a_bad_window_is_refused_and_nothing_stored(tmp_path: Path, args: list[str], says: str) -> None:
    done = consult(tmp_path, "window", *args, env=q_file(tmp_path))
    assert done.returncode == 2 and "nothing was changed" in done.stderr and says in done.stderr, done.stderr
    assert not file_beside(tmp_path / "data" / "consult.json").exists()


def test_a_date_that_is_no_date_is_refused(tmp_path: Path) -> None:
    done = consult(tmp_path, "window", "--closes", "31 August", env=q_file(tmp_path))
    assert done.returncode == 2 and "'31 August' is not a date and time" in done.stderr


def invite(tmp_path: Path, organisation: str, env: dict[str, str], run: Callable[..., Any] = consult) -> str:
    """Invite one organisation with `consult invite add`; its code."""
    done = run(tmp_path, "invite", "add", organisation, env=env)
    assert done.returncode == 0, done.stderr
    return str(done.stdout.split("Code: ")[1].split()[0])


def test_after_closing_a_late_invitation_alone_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "q.toml").write_text(HEAD + 'closes = 2013-08-15T23:59:00Z\n[[items]]' + ITEMS, encoding="utf-8")
    env = {"CONSULT_QUESTIONNAIRE": "q.toml", "CONSULT_DB": "data/consult.json"}
    code = invite(tmp_path, "NGO Seven", env)
    done = consult(tmp_path, "window", "--late", code, env=env)
    assert done.returncode == 0, done.stderr  # no --closes was given: the file's past date is no reason to refuse
    assert f"Late answers allowed for invitations: {code}" in done.stdout


def test_a_late_code_no_invitation_has_is_refused(tmp_path: Path) -> None:
    env = q_file(tmp_path)
    code = invite(tmp_path, "Old Org", env)
    assert consult(tmp_path, "invite", "revoke", code, env=env).returncode == 0
    done = consult(tmp_path, "window", "--late", "TYPO-7", "--late", code, env=env)
    assert done.returncode == 2 and "nothing was changed" in done.stderr, done.stderr
    assert "--late 'TYPO-7' is no invitation's code (see 'consult invite list')" in done.stderr
    assert f"--late {code!r} is an invitation that was cancelled" in done.stderr
    assert not file_beside(tmp_path / "data" / "consult.json").exists()


def test_window_is_stored_shown_and_counted_by_progress(tmp_path: Path) -> None:
    env = q_file(tmp_path)
    ngo_7 = invite(tmp_path, "NGO Seven", env)
    done = consult(tmp_path, "window", "--closes", "2030-08-31T23:59Z", "--late", ngo_7, env=env)
    assert done.returncode == 0, done.stderr
    assert "Closes: 31 August 2030, 23:59 UTC (set by 'consult window')" in done.stdout
    assert "Opens: 01 June 2013, 00:00 UTC (from the questionnaire file)" in done.stdout
    assert f"Late answers allowed for invitations: {ngo_7}" in done.stdout
    assert "reminder 1 (before_closing:40d)" not in done.stderr  # it falls inside the window
    shown = consult(tmp_path, "window", env=env)
    assert "Closes: 31 August 2030, 23:59 UTC (set by 'consult window')" in shown.stdout
    progress = consult(tmp_path, "progress", env=env)
    assert "closes 31 August 2030" in progress.stdout
    assert "Window set by 'consult window': closes 31 August 2030 23:59 UTC; late answers allowed for " \
           f"invitations {ngo_7}." in " ".join(progress.stdout.split())  # as the terminal wraps it
    again = consult(tmp_path, "window", "--no-late", ngo_7, env=env)
    assert again.returncode == 0 and "Late answers" not in again.stdout


def test_a_reminder_the_new_window_leaves_out_is_named(tmp_path: Path) -> None:
    closes = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%MZ")
    done = consult(tmp_path, "window", "--opens", closes.replace("Z", "Z")[:10] + "T00:00Z", "--closes", closes,
                   env=q_file(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Note: reminder 1 (before_closing:40d) falls before the opening date" in done.stderr


async def test_on_postgresql_the_window_is_a_row_every_process_reads(tmp_path: Path) -> None:
    from tests.test_cli_postgres import consult as consult_pg

    async with fresh_schema() as url:
        env = {"DATABASE_URL": url}
        assert consult_pg(tmp_path, "db", "upgrade", env=env).returncode == 0
        ngo_7 = invite(tmp_path, "NGO Seven", env, run=consult_pg)
        done = consult_pg(tmp_path, "window", "--closes", "2030-08-31T23:59Z", "--late", ngo_7, env=env)
        assert done.returncode == 0, done.stderr
        shown = consult_pg(tmp_path, "window", env=env)
        assert "Closes: 31 August 2030, 23:59 UTC (set by 'consult window')" in shown.stdout
        assert f"Late answers allowed for invitations: {ngo_7}" in shown.stdout
        refused = consult_pg(tmp_path, "window", "--closes", "2013-08-31T23:59Z", env=env)
        assert refused.returncode == 2 and "nothing was changed" in refused.stderr
        repository = await open_postgres_at(url)
        try:
            stored = await PostgresWindowStore(repository.pool).get()
        finally:
            await repository.close()
        assert stored == Window(None, datetime(2030, 8, 31, 23, 59, tzinfo=UTC), frozenset({ngo_7}))
        assert consult_pg(tmp_path, "remind", "--dry-run", env=env).stdout.startswith("This questionnaire has no")
