"""`consult invite`, `progress --not-answered` and `org` on PostgreSQL: the tables of migration 0003."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import WALK
from tests.test_cli_postgres import consult, database  # noqa: F401 (the fixture)


def test_invitations_and_decisions_live_in_postgres(tmp_path: Path, database: str) -> None:  # noqa: F811
    env = {"DATABASE_URL": database}
    added = consult(tmp_path, "invite", "add", "Open Net Initiative", "--category", "Non-Government", env=env)
    assert added.returncode == 0, added.stderr
    code = added.stdout.split("Code: ")[1].strip()
    silent = consult(tmp_path, "invite", "add", "Silent Ministry", env=env)
    assert silent.returncode == 0, silent.stderr
    walk = "\n".join("keep" if line == "Open Net Initiative" else line for line in WALK) + "\n"
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", "--invite", code, stdin=walk, env=env)
    consult(tmp_path, "chat", "--as", "bo", "--jsonl", stdin="\n".join(WALK) + "\n", env=env)

    left = json.loads(consult(tmp_path, "progress", "--not-answered", "--json", env=env).stdout)
    assert [row["organisation"] for row in left] == ["Silent Ministry"]
    shown = consult(tmp_path, "progress", env=env).stdout
    assert "2 submissions from Open Net Initiative: not decided yet" in shown
    assert consult(tmp_path, "org", "joint", "open net initiative", env=env).returncode == 0
    assert "counted together as one joint submission" in consult(tmp_path, "org", "list", env=env).stdout
    assert consult(tmp_path, "invite", "revoke", code, env=env).returncode == 0
    assert "revoked" in consult(tmp_path, "invite", "list", env=env).stdout
    assert not (tmp_path / "data").exists()  # nothing fell back to files
