"""Settings, read once from the environment and an optional .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = Path("data/consult.json")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the variable."""


class Settings(BaseSettings):
    """Everything consult reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="CONSULT_", env_file=".env", extra="ignore")

    questionnaire: Path | None = Field(default=None, description="questionnaire file (TOML)")
    db: Path = Field(default=DEFAULT_DB, description="database file")


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read the settings; a bad value stops with a message that names its variable."""
    try:
        settings = Settings(_env_file=env_file)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "CONSULT_" + str(first["loc"][0]).upper() if first["loc"] else "a CONSULT_ setting"
        raise ConfigError(f"{name}: {first['msg']}") from None
    _check_paths(settings)
    return settings


def _check_paths(settings: Settings) -> None:
    if settings.questionnaire is not None and not settings.questionnaire.is_file():
        raise ConfigError(f"CONSULT_QUESTIONNAIRE: {settings.questionnaire} is not a file")
    if settings.db.is_dir():
        raise ConfigError(f"CONSULT_DB: {settings.db} is a folder; give the path of a file, e.g. data/consult.json")
    if str(settings.db).strip() == "":
        raise ConfigError("CONSULT_DB: is empty; give the path of a file, e.g. data/consult.json")
