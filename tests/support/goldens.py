"""Golden transcripts: a whole walk through the bundled questionnaire in each language, as each front end shows it.

`python -m tests.support.goldens --update` writes tests/goldens/<lang>/{chat,telegram,slack}.txt again (after a
change of wording, or when a translation lands); tests/test_goldens.py compares a fresh walk with them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from core.i18n import LANGUAGES
from tests.test_cli import WALK, _env

GOLDENS = Path(__file__).resolve().parents[1] / "goldens"
# The terminal walk of tests/test_cli.py, with the choice of language shown first and the review before submitting.
STEPS = ["language", *WALK[:-1], "review", "submit"]
KINDS = ("chat", "telegram", "slack")
# Seconds without a new message after which a reply is complete: long enough on a busy machine, where a
# reply's second message can come a moment after its first.
QUIET = 0.3


def golden_path(lang: str, kind: str) -> Path:
    """Where the golden transcript of one language and front end is kept."""
    return GOLDENS / lang / f"{kind}.txt"


def chat_transcript(lang: str, folder: Path) -> str:
    """The walk through `consult chat --jsonl --language LANG`, one block per reply."""
    done = subprocess.run(
        [sys.executable, "-m", "bots.cli", "chat", "--as", "golden", "--jsonl", "--language", lang],
        input="\n".join(STEPS) + "\n", capture_output=True, text=True, cwd=folder, timeout=120,
        env=_env(folder, {"LANG": "C.UTF-8", "LC_ALL": ""}),
    )
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    blocks = []
    for said, reply in zip([None, *STEPS], replies, strict=True):
        blocks.append(_block(said, [_chat_reply(reply)]))
    return "\n".join(blocks)


def _chat_reply(reply: dict[str, Any]) -> str:
    lines = [reply["text"]]
    if reply["question"] is None or not reply["text"].endswith(reply["question"]):
        return reply["text"]  # the question is not asked again: no options or hint under it
    lines.extend(f"  {n}. {option}" for n, option in enumerate(reply["options"], start=1))
    if reply["hint"]:
        lines.append(reply["hint"])
    return "\n".join(lines)


def _block(said: str | None, shown: list[str]) -> str:
    head = "(opens the chat)" if said is None else f"> {said}"
    return "\n".join([head, *("< " + text.replace("\n", "\n  ") for text in shown), ""])


async def telegram_transcript(lang: str, folder: Path) -> str:
    """The walk typed in a private chat with the bot (a user whose Telegram is in LANG), against the stand-in."""
    from tests.test_telegram_e2e import running

    async with running(folder) as world:
        api = world.api
        user = api.user(42, "Ana", language_code=lang)
        blocks = []
        for said in ["/start", *STEPS]:
            mark = api.mark()
            await user.say(said)
            await api.wait_for(lambda call: call.chat_id == 42 and call.method == "sendMessage", since=mark)
            await _quiet(lambda: len(api.sent_since(0, 42)), QUIET)
            blocks.append(_block(said, [_telegram(call) for call in api.sent_since(mark, 42)]))
        return "\n".join(blocks)


def _telegram(call: Any) -> str:
    rows = ((call.reply_markup or {}).get("inline_keyboard")) or []
    buttons = " ".join(f"[{button['text']}]" for row in rows for button in row)
    return "\n".join(filter(None, [f"{call.method}: {call.text or ''}", buttons]))


async def slack_transcript(lang: str, folder: Path) -> str:
    """The walk typed in the app's DM (a user whose Slack locale is LANG), against the Web API stand-in."""
    from tests.test_slack_e2e import workspace

    async with workspace(folder) as slack:
        slack.api.locales["U0ANA"] = {"en": "en-US", "fr": "fr-FR", "es": "es-ES", "ar": "ar", "zh": "zh-CN",
                                      "ru": "ru-RU"}[lang]
        ana = slack.user("U0ANA")
        blocks = []
        for said in ["start", *STEPS]:
            mark = len(slack.api.calls)
            await ana.say(said, expect="")
            await slack.api.quiet(QUIET)
            blocks.append(_block(said, ana._shown(mark)))
        return "\n".join(blocks)


async def _quiet(count: Callable[[], int], period: float) -> None:
    """Wait until `count` stops growing for `period` seconds (a reply may take several messages)."""
    before = -1
    while count() != before:
        before = count()
        await asyncio.sleep(period)


def transcript(lang: str, kind: str, folder: Path) -> str:
    """One fresh transcript."""
    if kind == "chat":
        return chat_transcript(lang, folder)
    walk: Callable[[str, Path], Awaitable[str]] = telegram_transcript if kind == "telegram" else slack_transcript
    return asyncio.run(walk(lang, folder))


def main(argv: list[str] | None = None) -> None:
    """Write every golden again (`--update`), or say which differ."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.goldens", description=__doc__)
    parser.add_argument("--update", action="store_true", help="write the goldens from fresh walks")
    parser.add_argument("--language", choices=LANGUAGES, action="append", help="only these languages")
    args = parser.parse_args(argv)
    differ = 0
    for lang in args.language or LANGUAGES:
        for kind in KINDS:
            with tempfile.TemporaryDirectory() as folder:
                fresh = transcript(lang, kind, Path(folder))
            path = golden_path(lang, kind)
            if args.update:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(fresh, encoding="utf-8")
            elif not path.exists() or path.read_text(encoding="utf-8") != fresh:
                differ += 1
                print(f"differs: {path}")
    print("goldens written" if args.update else f"{differ} golden(s) differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
