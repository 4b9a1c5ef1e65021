"""Configuration from the environment (and an optional `.env`), validated at start-up."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.workers import ParseLimits
from domain.letter import LetterError, RegistrationLetter, load_letter_file

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"
ZALO_API = "https://bot-api.zaloplatforms.com/bot"
_PATH_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/.")


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    telegram_api_file_url: str = Field(default=TELEGRAM_FILES, alias="TELEGRAM_API_FILE_URL")
    # Zalo Bot Platform (channels/zalo): a bot runs with Telegram, Zalo or both.
    zalo_bot_token: SecretStr | None = Field(default=None, alias="ZALO_BOT_TOKEN")
    zalo_api_base_url: str = Field(default=ZALO_API, alias="ZALO_API_BASE_URL")
    zalo_secretariat_chat_id: str | None = Field(default=None,
                                                 alias="THIDUA_ZALO_SECRETARIAT_CHAT_ID")
    zalo_webhook_path: str = Field(default="zalo", alias="THIDUA_ZALO_WEBHOOK_PATH")
    zalo_webhook_secret: SecretStr | None = Field(default=None,
                                                  alias="THIDUA_ZALO_WEBHOOK_SECRET")
    database: Path = Field(default=Path("./thidua.sqlite3"), alias="THIDUA_DATABASE")
    secretariat_chat_id: int | None = Field(default=None, alias="THIDUA_SECRETARIAT_CHAT_ID")
    secretariat_scope: str | None = Field(default=None, alias="THIDUA_SECRETARIAT_SCOPE")
    operators_chat_id: int | None = Field(default=None, alias="THIDUA_OPERATORS_CHAT_ID")
    timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="THIDUA_TIMEZONE")
    locale: str = Field(default="vi", alias="THIDUA_LOCALE")
    bloc_name: str = Field(default="Khối thi đua", alias="THIDUA_BLOC_NAME")
    digest_weekday: int = Field(default=1, ge=1, le=7, alias="THIDUA_DIGEST_WEEKDAY")
    digest_time: time = Field(default=time(8, 0), alias="THIDUA_DIGEST_TIME")
    daily_digest_time: time = Field(default=time(17, 0), alias="THIDUA_DAILY_DIGEST_TIME")
    reminder_days_before: int = Field(default=3, ge=0, le=60, alias="THIDUA_REMINDER_DAYS_BEFORE")
    reminder_time: time = Field(default=time(9, 0), alias="THIDUA_REMINDER_TIME")
    # Messages per second the outbox sender allows itself (Telegram's limit is about 30: 28
    # keeps the weekly digest to 2,000 heads within 1.2x that floor, with no 429 measured).
    send_rate: float = Field(default=28.0, gt=0, le=1000, alias="THIDUA_SEND_RATE")
    max_upload_bytes: int = Field(default=2_000_000, gt=0, alias="THIDUA_MAX_UPLOAD_BYTES")
    # A file's preview can be applied this long after it was shown (handlers/uploads.py).
    upload_ttl_hours: float = Field(default=24.0, gt=0, le=24 * 30, alias="THIDUA_UPLOAD_TTL_HOURS")
    # Bounds of parsing one uploaded file, in its worker process (app/parsing.py).
    parse_seconds: float = Field(default=60.0, gt=0, le=3600, alias="THIDUA_PARSE_SECONDS")
    parse_memory_mb: int = Field(default=512, ge=64, le=65536, alias="THIDUA_PARSE_MEMORY_MB")
    invite_ttl_days: int = Field(default=14, gt=0, le=365, alias="THIDUA_INVITE_TTL_DAYS")
    # Where people find the bot, printed on invite slips and said to people adding a channel.
    telegram_bot_username: str | None = Field(default=None,
                                              alias="THIDUA_TELEGRAM_BOT_USERNAME")
    zalo_bot_name: str | None = Field(default=None, alias="THIDUA_ZALO_BOT_NAME")
    webhook_url: str | None = Field(default=None, alias="THIDUA_WEBHOOK_URL")
    # The public HTTPS base of the bot's web server (files handed out as links on Zalo).
    public_url: str | None = Field(default=None, alias="THIDUA_PUBLIC_URL")
    file_link_hours: int = Field(default=24, gt=0, le=24 * 30, alias="THIDUA_FILE_LINK_HOURS")
    webhook_listen: str = Field(default="0.0.0.0", alias="THIDUA_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, alias="THIDUA_WEBHOOK_PORT")
    webhook_secret: SecretStr | None = Field(default=None, alias="THIDUA_WEBHOOK_SECRET")
    log_level: str = Field(default="INFO", alias="THIDUA_LOG_LEVEL")
    # Seconds to wait for Telegram's answer to a call (long polling has its own timeout).
    telegram_timeout: float = Field(default=15.0, gt=0, alias="THIDUA_TELEGRAM_TIMEOUT")
    # Seconds a write waits for another process holding the database (e.g. a CLI import).
    db_lock_wait: float = Field(default=60.0, gt=0, alias="THIDUA_DB_LOCK_WAIT")
    # The official summary document (DOCX): who issues and signs it. `|` separates lines.
    document_place: str = Field(default="", alias="THIDUA_DOCUMENT_PLACE")
    document_authority: str = Field(default="", alias="THIDUA_DOCUMENT_AUTHORITY")
    document_signer: str = Field(default="", alias="THIDUA_DOCUMENT_SIGNER")
    document_signer_name: str = Field(default="", alias="THIDUA_DOCUMENT_SIGNER_NAME")
    document_recipients: str = Field(
        default="Thường trực Hội đồng Thi đua – Khen thưởng tỉnh|Lưu: VT",
        alias="THIDUA_DOCUMENT_RECIPIENTS",
    )
    # The cover letter of a bloc's registration document (domain/letter.py): a YAML file the
    # secretariat edits each year; empty: the packaged letter, its grounds left to fill in.
    registration_letter_file: str = Field(default="", alias="THIDUA_REGISTRATION_LETTER")

    @field_validator("registration_letter_file")
    @classmethod
    def _readable_letter(cls, value: str) -> str:
        if value:
            try:
                load_letter_file(value)
            except LetterError as exc:
                raise ValueError(str(exc)) from None
        return value

    @property
    def registration_letter(self) -> RegistrationLetter | None:
        return load_letter_file(self.registration_letter_file) \
            if self.registration_letter_file else None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("must be vi or en")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_alphabet(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
        if value is not None:
            raw = value.get_secret_value()
            if not raw or len(raw) > 256 or not all(c.isalnum() or c in "_-" for c in raw):
                raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Zalo takes 8-256 characters; it comes back in an HTTP header: visible ASCII only.
        if value is not None:
            raw = value.get_secret_value()
            if not 8 <= len(raw) <= 256 or not all(33 <= ord(c) <= 126 for c in raw):
                raise ValueError("8-256 visible ASCII characters, no spaces")
        return value

    @field_validator("zalo_secretariat_chat_id")
    @classmethod
    def _zalo_chat_id(cls, value: str | None) -> str | None:
        # Zalo ids are strings (hex): kept as given, never read as a number.
        if value is not None:
            value = value.strip()
            if not value or any(c.isspace() for c in value):
                raise ValueError("a Zalo group id, without spaces")
        return value

    @field_validator("telegram_bot_username")
    @classmethod
    def _telegram_username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not name:
            return None
        if not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
            raise ValueError("a Telegram username: letters, digits and _")
        return name

    @field_validator("zalo_webhook_path")
    @classmethod
    def _zalo_path(cls, value: str) -> str:
        path = value.strip().strip("/")
        if not path or not set(path) <= _PATH_CHARACTERS:
            raise ValueError("a URL path such as zalo or hooks/zalo")
        return path

    @property
    def has_telegram(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def has_zalo(self) -> bool:
        return self.zalo_bot_token is not None

    @property
    def channels(self) -> tuple[str, ...]:
        """The messengers this bot serves: those whose token is set."""
        return tuple(name for name, on in (("telegram", self.has_telegram),
                                           ("zalo", self.has_zalo)) if on)

    def require_channel(self) -> None:
        """`thidua run` needs a token of at least one messenger."""
        if not self.channels:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN: missing (set one of them, or both)")

    @property
    def zalo_token(self) -> str:
        if self.zalo_bot_token is None:
            raise SettingsError("ZALO_BOT_TOKEN: missing (needed to reach Zalo)")
        return self.zalo_bot_token.get_secret_value()

    @property
    def upload_ttl(self) -> timedelta:
        return timedelta(hours=self.upload_ttl_hours)

    @property
    def parse_limits(self) -> ParseLimits:
        return ParseLimits(self.parse_seconds, self.parse_memory_mb << 20)

    @property
    def cli_parse_limits(self) -> ParseLimits:
        """An operator's import (200,000 rows at most) may take longer than a chat upload."""
        return ParseLimits(max(self.parse_seconds, 600.0),
                           max(self.parse_memory_mb, 4096) << 20)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        if self.telegram_bot_token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN: missing (needed to reach Telegram)")
        return self.telegram_bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings; on error raise SettingsError with one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else field
        raise SettingsError(f"{alias or field}: {error['msg']}") from None
