"""Settings, read once from the environment and an optional .env file."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any, TypeVar

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.postgres.address import is_postgres_url

DEFAULT_DB = Path("data/consult.json")
FRONT_ENDS = ("telegram", "slack")  # the chat front ends `consult run` and `serve` can start
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what the Bot API accepts as a secret_token
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the variable."""


def _ids(raw: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", raw.strip()) if part]


def _checked_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("https://", "http://")):
        raise ValueError("give a full address beginning with https://")
    return value or None


class _ChatSettings(BaseSettings):
    """What every chat front end reads: its bot token (it runs when set) and its admins."""

    bot_token: SecretStr | None = None
    admin_ids: str = ""

    @property
    def configured(self) -> bool:
        return self.bot_token is not None and bool(self.bot_token.get_secret_value())

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(_ids(self.admin_ids))


class TelegramSettings(_ChatSettings):
    """TELEGRAM_*: the Telegram front end runs when the bot token is set."""

    model_config = SettingsConfigDict(env_prefix="TELEGRAM_", env_file=".env", extra="ignore")

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    api_base_url: str | None = None
    # The bot's @name, for invitation links (t.me/NAME?start=CODE); asked of the Bot API (getMe) if unset.
    bot_username: str | None = None

    @field_validator("admin_ids")
    @classmethod
    def _numeric_ids(cls, value: str) -> str:
        bad = [part for part in _ids(value) if not part.lstrip("-").isdecimal()]
        if bad:
            raise ValueError(f"Telegram user ids are numbers, e.g. 123456789; not {', '.join(bad)}")
        return value

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        value = value.strip().removeprefix("@") if value else None
        if value and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", value):
            raise ValueError("a bot's user name has 5 to 32 letters, digits or '_', e.g. consult_bot")
        return value or None

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TELEGRAM_SECRET.match(value.get_secret_value()):
            raise ValueError("use 1 to 256 letters, digits, '_' or '-'")
        return value

    @field_validator("webhook_url", "api_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _checked_url(value)

    def secret(self) -> str:
        """The webhook's secret token: the configured one, or a fresh one for this run."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else secrets.token_urlsafe(32)


class SlackSettings(_ChatSettings):
    """SLACK_*: the Slack front end runs when the bot token is set (with an app token or a signing secret)."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", env_file=".env", extra="ignore")

    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    api_base_url: str | None = None
    # The link that opens the app in Slack (e.g. https://slack.com/app_redirect?app=A0123), for invitations.
    app_link: str | None = None

    @field_validator("admin_ids")
    @classmethod
    def _member_ids(cls, value: str) -> str:
        bad = [part for part in _ids(value) if not _SLACK_USER.match(part)]
        if bad:
            raise ValueError(f"Slack member ids look like U012AB3CD (profile, 'Copy member ID'); not {', '.join(bad)}")
        return value

    @field_validator("app_link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return _checked_url(value)

    @field_validator("api_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        value = _checked_url(value)
        # slack_sdk joins method names straight onto the base URL.
        return value if value is None or value.endswith("/") else value + "/"


class Settings(BaseSettings):
    """Everything consult reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="CONSULT_", env_file=".env", extra="ignore")

    questionnaire: Path | None = Field(default=None, description="questionnaire file (TOML)")
    # A file (TinyDB), or a PostgreSQL address, kept secret: it holds the password.
    db: Path | SecretStr = Field(default=DEFAULT_DB, union_mode="left_to_right",
                                 description="database file, or a PostgreSQL address")
    # The platforms' convention (Heroku, Render, Fly...): used when CONSULT_DB is not set.
    database_url: SecretStr | None = Field(default=None, validation_alias="DATABASE_URL", exclude=True)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings, exclude=True)
    slack: SlackSettings = Field(default_factory=SlackSettings, exclude=True)
    _db_setting: str = PrivateAttr(default="CONSULT_DB")

    @field_validator("db", mode="before")
    @classmethod
    def _postgres_address(cls, value: object) -> object:
        return SecretStr(value.strip()) if isinstance(value, str) and is_postgres_url(value) else value

    @model_validator(mode="after")
    def _platform_database(self) -> Settings:
        if "db" not in self.model_fields_set and self.database_url is not None:
            self.db = self.database_url
            self._db_setting = "DATABASE_URL"
        return self

    @property
    def db_setting(self) -> str:
        """The variable the database came from: CONSULT_DB, or DATABASE_URL when CONSULT_DB is not set."""
        return self._db_setting

    @property
    def postgres(self) -> str | None:
        """The PostgreSQL address, when the database is one (never print it: it holds the password)."""
        return self.db.get_secret_value() if isinstance(self.db, SecretStr) else None


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read the settings; a bad value stops with a message that names its variable."""
    try:
        telegram = _read(TelegramSettings, "TELEGRAM_", env_file)
        slack = _read(SlackSettings, "SLACK_", env_file)
        settings = _read(Settings, "CONSULT_", env_file, telegram=telegram, slack=slack)
    except _Named as exc:
        raise ConfigError(str(exc)) from None
    _check_paths(settings)
    _check_database(settings)
    return settings


class _Named(Exception):
    pass


_S = TypeVar("_S", bound=BaseSettings)


def _read(kind: type[_S], prefix: str, env_file: Path | None, **given: Any) -> _S:
    try:
        return kind(_env_file=env_file, **given)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = prefix + str(first["loc"][0]).upper() if first["loc"] else f"a {prefix} setting"
        raise _Named(f"{name}: {first['msg'].removeprefix('Value error, ')}") from None


def _check_paths(settings: Settings) -> None:
    if settings.questionnaire is not None and not settings.questionnaire.is_file():
        raise ConfigError(f"CONSULT_QUESTIONNAIRE: {settings.questionnaire} is not a file")


def _check_database(settings: Settings) -> None:
    if isinstance(settings.db, SecretStr):
        if not is_postgres_url(settings.db.get_secret_value()):
            raise ConfigError(
                f"{settings.db_setting}: consult reads PostgreSQL addresses (postgresql://...) there; "
                "for a database file, set CONSULT_DB to its path instead"
            )
        return
    if settings.db.is_dir():
        raise ConfigError(f"CONSULT_DB: {settings.db} is a folder; give the path of a file, e.g. data/consult.json")
    if str(settings.db).strip() == "":
        raise ConfigError("CONSULT_DB: is empty; give the path of a file, e.g. data/consult.json")
