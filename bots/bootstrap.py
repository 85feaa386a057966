"""The composition root: settings in, a wired service out. Nothing else builds objects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bots.config import ConfigError, Settings
from core import progress
from core.invitations import standing
from core.invitations.port import Invitations
from core.invitations.standing import Arrival
from core.leadership import OnlyProcess, RunOnceLock
from core.organisations.port import Decisions
from core.ports import Repository
from core.reminders.log import SendLog
from core.service import ConsultService
from questionnaire import loader
from questionnaire.model import Questionnaire
from storage import embedded, postgres
from storage import send_log as send_logs
from storage.invitations.decisions import FileDecisions, MemoryDecisions, decisions_path
from storage.invitations.files import FileInvitations, invitations_path
from storage.invitations.memory import MemoryInvitations
from storage.moves import FileBook, InProcessMoves
from storage.postgres.arrivals import arrivals as sql_arrivals
from storage.postgres.decisions import PostgresDecisions
from storage.postgres.invitations import PostgresInvitations
from storage.postgres.moves import PostgresMoves
from storage.postgres.run_once import AdvisoryLock
from storage.postgres.send_log import PostgresSendLog
from storage.postgres.windows import PostgresWindowStore
from storage.windows import FileWindowStore
from storage.windows import file_beside as window_file_beside


@dataclass(frozen=True)
class App:
    """What a front end or a command needs."""

    settings: Settings
    questionnaire: Questionnaire
    repository: Repository
    service: ConsultService
    # The lock for work only one process may do (Telegram polling), by name: on files one process owns the
    # database, so it is always held; on PostgreSQL an advisory lock, so that other processes stand by.
    run_once: Callable[[str], RunOnceLock] = lambda _: OnlyProcess()
    # Who was invited: in PostgreSQL beside the sessions, or in a file beside the TinyDB database.
    invitations: Invitations = field(default_factory=MemoryInvitations)
    # The secretariat's decisions on organisations with several submissions, kept the same way.
    decisions: Decisions = field(default_factory=MemoryDecisions)
    # What invitations and organisations need of every session; None: read from each session, streamed.
    arrivals: Callable[[], Awaitable[list[Arrival]]] | None = None

    async def read_arrivals(self) -> list[Arrival]:
        """Every respondent's arrival (invitation, organisation, state): in SQL on PostgreSQL."""
        if self.arrivals is not None:
            return await self.arrivals()
        return await standing.arrivals(self.questionnaire, self.repository.each())
    # What was sent first to whom (reminders, announcements): a file beside the database, or a table.
    send_log: SendLog = field(default_factory=send_logs.MemorySendLog)
    # Work a running writer does once at start (PostgreSQL: recount rows counted with another questionnaire).
    upkeep: Callable[[], Awaitable[int]] | None = None


def load_questionnaire(settings: Settings) -> Questionnaire:
    """The configured questionnaire (the bundled WGEC 2013 by default)."""
    try:
        return loader.load(settings.questionnaire)
    except loader.QuestionnaireError as exc:
        if settings.questionnaire is None:
            raise
        raise ConfigError(f"CONSULT_QUESTIONNAIRE: {exc}") from None


def missing_database_note(settings: Settings) -> str | None:
    """For readers: a database that does not exist is more often a wrong CONSULT_DB than no answers."""
    if not isinstance(settings.db, Path) or settings.db.exists():
        return None
    return (
        f"There is no database at {settings.db} yet, so nobody has answered. "
        "If you expected answers, check CONSULT_DB."
    )


async def start(settings: Settings, *, writer: bool = True) -> App:
    """Open the configured database (PostgreSQL: reach it, and as writer bring its schema up to date), then wire."""
    if settings.postgres is None:
        return build(settings, writer=writer)
    questionnaire = load_questionnaire(settings)
    repository = await postgres.open_repository(
        settings.postgres, partial(progress.standing, questionnaire), writer=writer, setting=settings.db_setting
    )
    invitations = PostgresInvitations(repository.pool)
    # Readers (progress, export) never move anyone: only a writer gets the resume codes' store.
    service = ConsultService(questionnaire, repository, moves=PostgresMoves(repository) if writer else None,
                             invitations=invitations, windows=PostgresWindowStore(repository.pool))
    return App(settings, questionnaire, repository, service, partial(AdvisoryLock, settings.postgres), invitations,
               PostgresDecisions(repository.pool), partial(sql_arrivals, repository.pool, questionnaire),
               PostgresSendLog(repository.pool), partial(repository.refresh_stale, questionnaire) if writer else None)


def build(settings: Settings, *, writer: bool = True) -> App:
    """Wire the questionnaire, the embedded repository and the service. Readers take no write lock."""
    if not isinstance(settings.db, Path):
        raise ConfigError(f"{settings.db_setting}: a PostgreSQL database is opened by bootstrap.start, not build")
    questionnaire = load_questionnaire(settings)
    repository = embedded.open_repository(settings.db, writer=writer)
    moves = InProcessMoves(repository, FileBook.beside(settings.db)) if writer else None
    # Its own file, which the secretariat's commands write while the bot (the database's one writer) runs.
    invitations = FileInvitations(invitations_path(settings.db))
    windows = FileWindowStore(window_file_beside(settings.db))
    service = ConsultService(questionnaire, repository, moves=moves, invitations=invitations, windows=windows)
    decisions = FileDecisions(decisions_path(settings.db))
    return App(settings, questionnaire, repository, service, invitations=invitations, decisions=decisions,
               send_log=send_logs.FileSendLog(send_logs.file_beside(settings.db)))
