"""`consult remind --dry-run`: who would get which reminder now. The running bot sends them; this only reads."""

from __future__ import annotations

import argparse
import sys

from bots.bootstrap import App
from bots.console.chat import CHANNEL
from core.reminders import report
from core.reminders.loop import preview

ONLY_DRY_RUN = ("Reminders are sent by the running bot ('consult run' or 'consult serve'), at most once each. "
                "Add --dry-run to see who would get which reminder now.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `consult remind`."""
    parser.add_argument("--dry-run", action="store_true", help="list who would get which reminder now; send nothing")


async def run(app: App, args: argparse.Namespace) -> int:
    """Print the preview; 2 without --dry-run (sending is the bot's)."""
    if not args.dry_run:
        print(ONLY_DRY_RUN, file=sys.stderr)
        return 2
    if not app.questionnaire.reminders:
        print(report.NO_RULES)
        return 0
    await app.service.refresh_window()
    due = await preview(app.repository, app.send_log, app.service.questionnaire_for, app.service.now(),
                        reaches=_not_in_the_terminal)
    print(report.preview_text(due))
    return 0


def _not_in_the_terminal(respondent_id: str) -> bool:
    # The bot sends reminders; those who answer in the terminal are never reached (the loop leaves them out).
    return not respondent_id.startswith(f"{CHANNEL}:")
