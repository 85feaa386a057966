"""The `consult` command on PostgreSQL, as a platform runs it: settings in the environment, real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from questionnaire.loader import bundled_path
from storage.postgres.schema import LATEST
from tests.support.postgres import fresh_schema, server_url

PASSWORD = "s3cret-Pa55"


def consult(tmp_path: Path, *args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the command in a clean folder with only these database settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_") and k != "DATABASE_URL"}
    clean["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return subprocess.run([sys.executable, "-m", "bots.cli", *args], input=stdin, capture_output=True, text=True,
                          cwd=tmp_path, env={**clean, **env}, timeout=60)


def with_password(url: str) -> str:
    """The same address with a password in it (trust authentication ignores it)."""
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user or 'postgres'}:{PASSWORD}@{host}"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with fresh_schema() as url:
        yield with_password(url)


@pytest.mark.parametrize("setting", ["CONSULT_DB", "DATABASE_URL"])
def test_a_server_that_does_not_answer_stops_consult_naming_host_and_setting(tmp_path: Path, setting: str) -> None:
    port = free_port()
    done = consult(tmp_path, "chat", "--as", "ana", env={setting: f"postgresql://consult:{PASSWORD}@127.0.0.1:{port}/test"},
                   stdin="hello\n")
    assert done.returncode == 2
    assert f"host 127.0.0.1, port {port}, database test" in done.stderr
    assert setting in done.stderr
    assert PASSWORD not in done.stderr + done.stdout
    assert not (tmp_path / "data").exists()  # it did not fall back to files


async def test_answers_given_in_chat_are_counted_by_db_status_and_progress(tmp_path: Path, database: str) -> None:
    before = consult(tmp_path, "db", "status", env={"DATABASE_URL": database})
    assert before.returncode == 0, before.stderr
    assert "Schema version: none yet" in before.stdout

    upgraded = consult(tmp_path, "db", "upgrade", env={"DATABASE_URL": database})
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"to {LATEST}." in upgraded.stdout
    again = consult(tmp_path, "db", "upgrade", env={"DATABASE_URL": database})
    assert f"is up to date: schema version {LATEST}" in again.stdout

    chat = consult(tmp_path, "chat", "--as", "ana", env={"CONSULT_DB": database}, stdin="hello\nyes\nAna Silva\n")
    assert chat.returncode == 0, chat.stderr
    status = consult(tmp_path, "db", "status", env={"CONSULT_DB": database})
    assert status.returncode == 0, status.stderr
    assert f"Database: PostgreSQL, host {urlsplit(server_url()).hostname}" in status.stdout
    assert f"Schema version: {LATEST} (this consult's: {LATEST})" in status.stdout
    assert "Respondents: 1 (new 0, in progress 1, submitted 0, withdrawn 0)" in status.stdout
    progress = consult(tmp_path, "progress", "--json", env={"CONSULT_DB": database})
    assert progress.returncode == 0, progress.stderr
    assert '"started": 1' in progress.stdout
    (tmp_path / "changed.toml").write_text(bundled_path().read_text().replace('"Non-Government"', '"Non-gov"'))
    check = consult(tmp_path, "questionnaire", "check", "changed.toml", "--against-db", env={"CONSULT_DB": database})
    assert check.returncode == 0, check.stderr
    said = " ".join(check.stdout.split())
    assert "and the answers of 1 respondent stored" in said
    assert "Option 'Non-Government' of question 1 is removed: chosen by 0 respondents" in said
    for done in (before, upgraded, again, chat, status, progress, check):
        assert PASSWORD not in done.stdout + done.stderr
    assert not (tmp_path / "data").exists()


def test_db_status_and_upgrade_on_files_say_what_they_see(tmp_path: Path) -> None:
    status = consult(tmp_path, "db", "status", env={})
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines() == [
        "Database: files, data/consult.json (from CONSULT_DB)",
        "Respondents: 0 (new 0, in progress 0, submitted 0, withdrawn 0)",
    ]
    upgrade = consult(tmp_path, "db", "upgrade", env={})
    assert upgrade.returncode == 0, upgrade.stderr
    assert "Nothing to upgrade" in upgrade.stdout
    assert not (tmp_path / "data").exists()


def test_a_database_file_in_consult_db_wins_over_the_platforms_database_url(tmp_path: Path) -> None:
    done = consult(tmp_path, "db", "status", env={"CONSULT_DB": "answers/db.json",
                                                  "DATABASE_URL": f"postgresql://u:{PASSWORD}@127.0.0.1:1/x"})
    assert done.returncode == 0, done.stderr
    assert "Database: files, answers/db.json" in done.stdout


def test_a_database_url_that_is_not_postgresql_is_refused_by_name(tmp_path: Path) -> None:
    done = consult(tmp_path, "db", "status", env={"DATABASE_URL": f"mysql://u:{PASSWORD}@db/x"})
    assert done.returncode == 2
    assert "DATABASE_URL: consult reads PostgreSQL addresses" in done.stderr
    assert PASSWORD not in done.stderr
