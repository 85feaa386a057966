"""The composition root: settings in, a wired service out. Nothing else builds objects."""

from __future__ import annotations

from dataclasses import dataclass

from bots.config import ConfigError, Settings
from core.ports import Repository
from core.service import ConsultService
from questionnaire import loader
from questionnaire.model import Questionnaire
from storage.embedded import open_repository


@dataclass(frozen=True)
class App:
    """What a front end or a command needs."""

    settings: Settings
    questionnaire: Questionnaire
    repository: Repository
    service: ConsultService


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
    if settings.db.exists():
        return None
    return (
        f"There is no database at {settings.db} yet, so nobody has answered. "
        "If you expected answers, check CONSULT_DB."
    )


def build(settings: Settings, *, writer: bool = True) -> App:
    """Wire the questionnaire, the repository and the service. Readers take no write lock."""
    questionnaire = load_questionnaire(settings)
    repository = open_repository(settings.db, writer=writer)
    return App(settings, questionnaire, repository, ConsultService(questionnaire, repository))
