"""`consult window`: show or move the consultation's dates at run time, and allow named invitations to answer late.

Stored in the database (a file of its own beside TinyDB's, a table on PostgreSQL), so it works while the bot
runs; the questionnaire file is not changed. A window that closes before it opens, a date without a time zone,
a closing date given in the past (it would close the consultation at once) and a --late code no invitation has
are refused: nothing is stored.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from bots.bootstrap import App
from core import windows
from core.windows import Window
from questionnaire.reminders import check_against_dates


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `consult window`."""
    parser.add_argument("--opens", type=_moment, help="when answers are first taken, e.g. 2013-06-01T00:00Z")
    parser.add_argument("--closes", type=_moment, help="when answers stop, e.g. 2013-08-31T23:59Z")
    parser.add_argument("--late", action="append", default=[], metavar="CODE",
                        help="let this invitation's holder answer after closing (repeat for several)")
    parser.add_argument("--no-late", action="append", default=[], metavar="CODE", help="withdraw a --late")


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time, e.g. 2013-08-31T23:59Z") from None


async def run(app: App, args: argparse.Namespace) -> int:
    """Show the window, or change it; 2 (nothing stored) when the change is refused."""
    store = app.service.windows
    assert store is not None
    stored = await store.get() or Window()
    if args.opens is None and args.closes is None and not args.late and not args.no_late:
        print(describe(app, stored))
        return 0
    late = (stored.late | set(args.late)) - set(args.no_late)
    wanted = Window(args.opens or stored.opens, args.closes or stored.closes, frozenset(late))
    q = windows.effective(app.questionnaire, wanted)
    given = Window(args.opens, args.closes, frozenset(args.late))
    found = {code: await app.invitations.get(code) for code in given.late if windows.INVITE.match(code)}
    problems = windows.problems(given, q, found, app.service.now())
    if problems:
        print("consult window: nothing was changed: " + "; ".join(problems) + ".", file=sys.stderr)
        return 2
    await store.put(wanted)
    for warning in check_against_dates(q.reminders, q.opens, q.closes):
        print(f"Note: {warning}; that reminder will not be sent.", file=sys.stderr)
    print("Saved. The running bot uses it within seconds.\n" + describe(app, wanted))
    return 0


def describe(app: App, window: Window) -> str:
    """The window in force, and where each date comes from."""
    q = windows.effective(app.questionnaire, window)
    lines = []
    for name, set_now, in_file in (("Opens", window.opens, app.questionnaire.opens),
                                   ("Closes", window.closes, app.questionnaire.closes)):
        value = set_now or in_file
        source = "set by 'consult window'" if set_now else "from the questionnaire file"
        lines.append(f"{name}: {value:%d %B %Y, %H:%M %Z} ({source})" if value else f"{name}: not set")
    if window.late:
        lines.append(f"Late answers allowed for invitations: {', '.join(sorted(window.late))}")
    if q.closes is not None:
        lines.append(f"Days left: {windows.days_left(q, app.service.now())}")
    return "\n".join(lines)
