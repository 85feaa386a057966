"""`consult chat --resume` on the embedded database: each run a process of its own, as a respondent runs it."""

from __future__ import annotations

import re
from pathlib import Path

from core.resume import codes, limits
from tests.test_cli import WALK, consult, replies

CODE = re.compile(r"move-[A-Za-z0-9_-]{22}")


def chat(tmp_path: Path, name: str, *args: str, stdin: str = "") -> list[str]:
    done = consult(tmp_path, "chat", "--as", name, "--jsonl", *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return [reply["text"] for reply in replies(done.stdout)]


def test_a_terminal_response_moves_to_another_name_once_and_wrong_codes_outlive_each_run(tmp_path: Path) -> None:
    said = chat(tmp_path, "ana", stdin="\n".join([*WALK[:11], "continue elsewhere"]) + "\n")
    found = CODE.search(said[-1])
    assert found is not None, said[-1]
    code = found.group()
    assert code not in (tmp_path / "data" / "consult.moves.json").read_text()  # only its digest is kept

    for _ in range(limits.PER_RESPONDENT):  # five runs, five wrong codes: each run reads the count kept
        assert "That code is not right" in chat(tmp_path, "ben", "--resume", codes.new_code())[0]
    assert "Too many wrong codes were tried in this chat" in chat(tmp_path, "ben", "--resume", code)[0]

    moved = chat(tmp_path, "cleo", "--resume", code, stdin="status\n")
    assert "Your answers have moved here from the terminal." in moved[0]
    review = chat(tmp_path, "cleo", stdin="review\n")[-1]
    assert "Ana Silva" in review and "Enhanced cooperation matters." in review
    assert "That code was already used" in chat(tmp_path, "dan", "--resume", code)[0]
    assert "Your answers are in the terminal now" in chat(tmp_path, "ana")[0]
