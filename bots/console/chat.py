"""`consult chat`: the consultation in a terminal, interactive or driven by a script."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import TextIO

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from bots.console import render
from core.i18n import translator
from core.inputs import Input, Resume, ResumeWith, Start, parse_text
from core.reply import Reply
from core.service import ConsultService

CHANNEL = "console"


def terminal_locale(environ: Mapping[str, str]) -> str | None:
    """The terminal's language as POSIX orders it: LC_ALL, then LC_MESSAGES, then LANG."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return environ[name]
    return None


def respondent_id(name: str) -> str:
    """The respondent id of a terminal user."""
    return f"{CHANNEL}:{name}"


class Chat:
    """One respondent's terminal conversation."""

    def __init__(self, service: ConsultService, name: str, out: TextIO, *, jsonl: bool, tty: bool,
                 locale: str | None = None) -> None:
        self.service = service
        # The terminal's language (or --language): the respondent's until they choose with 'language'.
        self.locale = locale
        self.respondent = respondent_id(name)
        self.out = out
        self.jsonl = jsonl
        self.console = Console(file=out, highlight=False) if tty and not jsonl else None

    async def send(self, text: str | None) -> Reply:
        """Send one line (None: opening the chat, which starts or resumes) and show the reply."""
        return await self.send_input(Resume() if text is None else parse_text(text))

    async def send_input(self, command: Input) -> Reply:
        """Send one input and show the reply."""
        reply = await self.service.handle(self.respondent, CHANNEL, command, locale=self.locale)
        self.show(reply)
        return reply

    def show(self, reply: Reply) -> None:
        """Print a reply in the chosen format."""
        if self.jsonl:
            self.out.write(json.dumps(render.as_json(reply), ensure_ascii=False) + "\n")
        elif self.console is not None:
            self._show_rich(reply)
        else:
            self.out.write(render.plain(reply) + "\n\n")
        self.out.flush()

    def _show_rich(self, reply: Reply) -> None:
        assert self.console is not None
        p = reply.progress
        if p is not None and reply.ask and p.total:
            done = round(20 * (p.answered + p.skipped) / p.total)
            bar = "#" * done + "-" * (20 - done)
            t = translator(reply.language)
            if p.skipped:
                done_text = t.gettext("{answered} of {total} answered, {skipped} skipped")
            else:
                done_text = t.gettext("{answered} of {total} answered")
            shown = done_text.format(answered=p.answered, total=p.total, skipped=p.skipped)
            self.console.print(Rule(Text(f"[{bar}] {shown}"), style="dim"))
        # Text, not a markup string: whatever a respondent typed is shown as typed.
        self.console.print(Panel(Text(render.plain(reply)), border_style="cyan"))


async def run(service: ConsultService, name: str, *, jsonl: bool, stdin: TextIO = sys.stdin,
              out: TextIO = sys.stdout, resume: str | None = None, invite: str | None = None,
              locale: str | None = None) -> None:
    """Start or resume (with `resume`, a code from another app: move that response here; with `invite`, an
    invitation code), then one input a line. `locale`: the terminal's language, for a new respondent."""
    tty = stdin.isatty() and out.isatty()
    chat = Chat(service, name, out, jsonl=jsonl, tty=tty, locale=locale)
    t = await service.translator_for(chat.respondent, locale)
    if tty:
        # Translators: shown when the terminal chat opens; keep 'quit' and 'help' as they are typed.
        out.write(t.gettext(
            "Answers are saved as you go. Type 'quit' (or press Ctrl-D) to stop; 'help' lists the commands.") + "\n")
    if resume is not None:
        await chat.send_input(ResumeWith(resume))
    else:
        await (chat.send(None) if invite is None else chat.send_input(Start(invite)))
    while True:
        if tty:
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line:
            break
        line = line.rstrip("\n")
        if tty and line.strip().casefold() in ("quit", "exit"):
            break
        await chat.send(line)
    if tty:
        t = await service.translator_for(chat.respondent, locale)
        out.write("\n" + t.gettext("Your answers are saved. Run the same command to continue later.") + "\n")
