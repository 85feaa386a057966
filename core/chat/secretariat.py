"""The secretariat's commands in a chat: who may use them, what they ask, and the answers' text.

The figures and files are the same as `consult progress` and `consult export` make: this module only
reads the request and words the result for a chat message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import progress
from core.export.options import FORMATS, ExportError, parse_choice, parse_formats
from core.export.records import Audience, Scope
from core.i18n import N_, Translator, translator
from core.i18n.formats import day
from core.invitations import standing
from core.invitations.port import Invitations
from core.invitations.standing import Arrival
from core.organisations import flags, grouping
from core.organisations.port import Decisions
from core.ports import Repository
from core.progress import ProgressReport, Tally
from core.reminders import report
from core.reminders.log import SendLog
from core.reminders.loop import QuestionnaireFor, preview
from questionnaire.model import Questionnaire

# Translators: said to a respondent who typed a secretariat command; keep 'progress' and 'export' as they are.
NOT_FOR_YOU = N_("'progress' and 'export' are for the secretariat of this consultation.")
# Translators: said to the secretariat; keep the command words ('export', 'internal', 'all') and formats as they are.
EXPORT_USAGE = N_(
    "Send 'export' for every file, or name what you need, for example: export xlsx,docx. "
    "Formats: {formats}. Add 'internal' for the confidential files that name every respondent, "
    "and 'all' to include answers not yet submitted."
)
REVIEW_PLACE = N_("The review, before submitting")


@dataclass(frozen=True)
class ProgressRequest:
    """'progress': the figures."""


@dataclass(frozen=True)
class ExportRequest:
    """'export [formats] [internal] [all]': the compilation files."""

    formats: tuple[str, ...] = FORMATS
    audience: Audience = Audience.PUBLIC
    scope: Scope = Scope.SUBMITTED


@dataclass(frozen=True)
class RemindRequest:
    """'remind': who would get which reminder now (a preview; the running bot sends them)."""


@dataclass(frozen=True)
class AnnounceRequest:
    """'announce AUDIENCE TEXT': a preview first (the text as typed, case kept)."""

    words: str


@dataclass(frozen=True)
class AnnounceConfirm:
    """'announce yes' (send what was previewed) or 'announce no' (drop it)."""

    send: bool


Request = ProgressRequest | ExportRequest | RemindRequest | AnnounceRequest | AnnounceConfirm
# What the reminder preview reads: the questionnaire, the sessions, the send log, the questionnaire per respondent.
ReminderSources = tuple[Questionnaire, Repository, SendLog, QuestionnaireFor]
PREVIEW_LINES = 30


def export_usage(t: Translator) -> str:
    """How to ask for files, in the admin's language."""
    return t.gettext(EXPORT_USAGE).format(formats=", ".join(FORMATS))


def is_admin(user_id: str | int, admins: frozenset[str]) -> bool:
    """True for the secretariat's user ids (as configured for the platform)."""
    return str(user_id) in admins


def parse(text: str) -> Request | None:
    """A secretariat command, or None when the text is something else. Bad export options raise ExportError."""
    words = text.strip().removeprefix("/").split()
    if not words:
        return None
    verb, rest = words[0].casefold(), [w.casefold() for w in words[1:]]
    if verb == "announce":
        if rest in (["yes"], ["no"]):
            return AnnounceConfirm(rest == ["yes"])
        return AnnounceRequest(text.strip().removeprefix("/")[len(words[0]):].strip())
    if verb == "progress" and not rest:
        return ProgressRequest()
    if verb == "remind" and not rest:
        return RemindRequest()
    if verb != "export":
        return None
    audience, scope, formats = Audience.PUBLIC, Scope.SUBMITTED, None
    for word in rest:
        if word in {a.value for a in Audience}:
            audience = parse_choice(Audience, word, "audience")
        elif word in ("all", "submitted"):
            scope = parse_choice(Scope, word, "status")
        else:
            formats = ",".join(filter(None, [formats, word]))
    return ExportRequest(parse_formats(formats), audience, scope)


async def export_files(
    q: Questionnaire, repository: Repository, folder: Path, request: ExportRequest, now: datetime,
    decisions: Decisions | None = None, t: Translator | None = None,
) -> tuple[list[Path], str]:
    """Write the files into an empty `folder` (in worker threads: a large export takes a while).

    The sessions are streamed into compact records, spooled to disk beside the files, never all in
    memory. Returns the files and a message to send with them.
    """
    from core.export.compiling import compile_stream  # the writers load Office and chart libraries: only here
    from core.export.run import staging

    with staging(folder, force=True) as aside:
        data = await compile_stream(q, repository.each(), request.audience, request.scope, now,
                                    spool_in=aside.records)
        data = flags.annotate(data, await decisions.all() if decisions is not None else [])
        result = await asyncio.to_thread(aside.write, data, formats=request.formats)
    t = t or translator(None)
    # Translators: {audience} is "public" or "internal" (not translated: the secretariat's word for the files).
    lines = [t.ngettext("{respondents} respondents, {audience} files ({files} files).",
                        "{respondents} respondents, {audience} files ({files} files).", result.respondents)
             .format(respondents=result.respondents, audience=result.audience.value, files=len(result.files))]
    lines.extend(result.notes)
    if result.audience is Audience.INTERNAL:
        lines.append(t.gettext("These files are Confidential: they name every respondent. Do not forward them."))
    return result.files, "\n".join(lines)


async def progress_message(q: Questionnaire, repository: Repository, now: datetime,
                           invitations: Invitations | None = None, decisions: Decisions | None = None,
                           arrivals: Callable[[], Awaitable[list[Arrival]]] | None = None,
                           dated: Questionnaire | None = None, t: Translator | None = None) -> str:
    """The figures as a chat message (added up in SQL on PostgreSQL), with invitations and organisations.

    `dated` is q with the dates `consult window` set: they are shown; the figures are q's.
    """
    t = t or translator(None)
    text = progress_text(progress.from_figures(dated or q, await repository.figures(q), now), t)
    invited = await invitations.all() if invitations is not None else []
    seen = await arrivals() if arrivals is not None else await standing.arrivals(q, repository.each())
    lines = []
    if invited:
        lines += ["", t.gettext("Invitations by category (submitted / started / invited):")]
        tallies = standing.by_category(invited, seen)
        lines += [f"{key}: {n.submitted} / {n.started} / {n.invited}" for key, n in tallies.items()]
        lines.append(t.gettext("'consult progress --not-answered' lists who has not answered."))
    if groups := grouping.several(seen):
        lines += ["", t.gettext("Several submissions from one organisation:")]
        lines += flags.progress_lines(groups, await decisions.all() if decisions is not None else [], t)
    return "\n".join([text, *lines])


def progress_text(report: ProgressReport, t: Translator | None = None) -> str:
    """The figures of `consult progress`, compact enough for a chat message (in the admin's language)."""
    t = t or translator(None)
    closing = t.gettext("No closing date is set.")
    if report.closes is not None:
        days = report.days_left or 0
        closing = t.ngettext("Closes {day} ({days} day left).", "Closes {day} ({days} days left).", days).format(
            day=day(report.closes, t.language), days=days)
    lines = [
        # Translators: {questionnaire} is the questionnaire's id (e.g. wgec2013); {closing} the sentence on its closing.
        t.gettext("Progress of {questionnaire}. {closing}").format(questionnaire=report.questionnaire_id,
                                                                  closing=closing),
        t.gettext("Started: {started}. Submitted: {submitted}. Not yet submitted: {in_progress}. "
                  "Withdrawn: {withdrawn}.").format(started=report.started, submitted=report.submitted,
                                                    in_progress=report.in_progress, withdrawn=report.withdrawn),
    ]
    if (aside := progress.set_aside_line(report, t)) is not None:
        lines.append(aside)
    for title, tallies in (
        (N_("By stakeholder category (submitted / started):"), report.by_category),
        (N_("By sub-category (submitted / started):"), report.by_subcategory),
        (N_("By country (submitted / started):"), report.by_country),
        (N_("By front end (submitted / started):"), report.by_channel),
    ):
        if tallies:
            lines.extend(["", t.gettext(title), *_tally_lines(tallies, t)])
    lines.extend(["", t.gettext("Answers per question (in submissions, rate):")])
    for q in report.questions:
        rate = f"{q.answer_rate:.0%}" if q.answer_rate is not None else "-"
        lines.append(f"{_place(report, q.item_id, t)}: {q.answered_in_submissions} ({rate})")
    if report.stopped_at:
        lines.extend(["", t.gettext("Not yet submitted, where they are:")])
        lines.extend(f"{_place(report, place, t)}: {n}" for place, n in report.stopped_at.items())
    return "\n".join(lines)


def _place(report: ProgressReport, place: str, t: Translator) -> str:
    """Where respondents stopped: a question, or the review (said in the admin's language)."""
    label = progress.place_label(report, place)
    return t.gettext(REVIEW_PLACE) if label == REVIEW_PLACE else label


async def remind_message(app_reminders: ReminderSources, now: datetime, reaches: Callable[[str], bool],
                         t: Translator | None = None) -> str:
    """The reminders due now to those `reaches` says a sender can reach, as a chat message (the first
    PREVIEW_LINES of them)."""
    q, repository, send_log, q_for = app_reminders
    t = t or translator(None)
    if not q.reminders:
        return t.gettext(report.NO_RULES)
    due = await preview(repository, send_log, q_for, now, reaches=reaches)
    return report.preview_text(due, most=PREVIEW_LINES, t=t)


def _tally_lines(tallies: dict[str, Tally], t: Translator) -> list[str]:
    said = {key: t.gettext(key) for key in (progress.NOT_ANSWERED, progress.NOT_GIVEN)}  # ours, not names
    return [f"{said.get(key, key)}: {tally.submitted} / {tally.started}" for key, tally in tallies.items()]


__all__ = [
    "EXPORT_USAGE",
    "NOT_FOR_YOU",
    "AnnounceConfirm",
    "AnnounceRequest",
    "ExportError",
    "ExportRequest",
    "ProgressRequest",
    "RemindRequest",
    "export_files",
    "export_usage",
    "is_admin",
    "parse",
    "progress_message",
    "progress_text",
    "remind_message",
]
