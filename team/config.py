"""config.yaml: loaded once, validated, handed to whoever needs it.

A bad file raises :class:`ConfigError` whose message is one sentence naming the file,
the key and what is expected; callers print it and stop.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from team.config_checklists import ReviewChecklists
from team.vocabulary import Cadence

CONFIG_ENV = "TEAM_CONFIG"
DATABASE_URL_ENV = "TEAM_DATABASE_URL"
DEFAULT_CONFIG = Path("config.yaml")
DEFAULT_TECHNIQUES = (
    "statistics",
    "modeling",
    "engineering",
    "data cleaning",
    "experimentation",
    "analysis",
    "visualization",
)


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to fix."""


class AuthMode(StrEnum):
    LOCAL = "local"  # one person on their own machine: pick who you are
    OIDC = "oidc"  # sign in with the company's identity provider (st.login)
    PROXY = "proxy"  # a reverse proxy signs people in and passes their email in a header


COOKIE_SECRET_MIN = 32
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,100}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Strict):
    url: str = "sqlite:///data/team.db"

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("a SQLAlchemy URL starting with sqlite:/// or postgresql+psycopg://")
        return value


class AuthSettings(_Strict):
    mode: AuthMode = AuthMode.LOCAL
    # proxy mode: the request header that carries the signed-in person's email
    header: str = "X-Forwarded-Email"
    # proxy mode: addresses besides loopback the server may bind to (reachable only by
    # the proxy)
    proxy_addresses: tuple[str, ...] = ()

    @field_validator("header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not _HEADER_NAME.match(value):
            raise ValueError("an HTTP header name such as X-Forwarded-Email")
        return value

    @field_validator("proxy_addresses")
    @classmethod
    def _ip_addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise ValueError(f"IP addresses such as 10.0.0.5, not {address!r}") from None
        return value


class AppSettings(_Strict):
    # The address people open the app at: every message links back to it.
    public_url: str = "http://127.0.0.1:8501"

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/?#]+(/[^\s]*)?$", value):
            raise ValueError("an http:// or https:// address such as https://team.example.com")
        return value.rstrip("/")


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (usually port 587)
    TLS = "tls"  # TLS from the first byte (usually port 465)
    NONE = "none"  # no encryption: only for a relay on this machine or in tests


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,100}$")


def _env_name(value: str) -> str:
    if value and not _ENV_NAME.match(value):
        raise ValueError("the name of an environment variable such as TEAM_SMTP_PASSWORD")
    return value


class EmailSettings(_Strict):
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    user: str = ""
    # The password is never in this file: the name of the environment variable holding it.
    password_env: str = ""
    sender: str = Field(alias="from", min_length=3)

    _password_env = field_validator("password_env")(lambda cls, v: _env_name(v))

    @model_validator(mode="after")
    def _password_with_user(self) -> EmailSettings:
        if self.user and not self.password_env:
            raise ValueError(
                "password_env too when user is set: the name of the environment variable "
                "holding the password"
            )
        return self


class SlackSettings(_Strict):
    # The team's Slack-compatible incoming webhook, from the environment (its address is
    # a secret); a person may give their own on My settings.
    url_env: str = ""

    _url_env = field_validator("url_env")(lambda cls, v: _env_name(v))


class WebhookSettings(_Strict):
    url: str = Field(min_length=8)
    # Bodies are signed with HMAC-SHA256 of this environment variable's value.
    secret_env: str = Field(min_length=1)

    _secret_env = field_validator("secret_env")(lambda cls, v: _env_name(v))

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// address")
        return value


class ChannelDefaults(_Strict):
    email: Cadence = Cadence.DAILY
    slack: Cadence = Cadence.OFF
    webhook: Cadence = Cadence.OFF

    @field_validator("email", "slack", "webhook", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        """YAML reads a bare ``off`` as false: it means off."""
        return Cadence.OFF if value is False else value


class NotifySettings(_Strict):
    email: EmailSettings | None = None  # no section: no email
    slack: SlackSettings | None = None
    webhook: WebhookSettings | None = None
    # What a person who has not chosen gets.
    defaults: ChannelDefaults = ChannelDefaults()
    time_zone: str = "UTC"
    digest_hour: int = Field(default=8, ge=0, le=23)
    # Sending: tries before a message is marked failed, the wait after the first failed
    # try (doubling each time), how long one send may take, how long a worker's claim on
    # a message lasts (a worker killed mid-send: its messages are retried after this).
    max_attempts: int = Field(default=5, ge=1, le=50)
    retry_seconds: float = Field(default=60.0, ge=0, le=86_400)
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    lease_seconds: float = Field(default=300.0, gt=0, le=86_400)
    batch: int = Field(default=100, ge=1, le=10_000)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_time_zone(value)


def known_time_zone(value: str) -> str:
    """``value`` if it names an IANA time zone (Europe/Berlin), else ValueError."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone such as Europe/Berlin or UTC") from None
    return value


class Settings(_Strict):
    database: DatabaseSettings = DatabaseSettings()
    auth: AuthSettings = AuthSettings()
    app: AppSettings = AppSettings()
    notify: NotifySettings = NotifySettings()
    techniques: tuple[str, ...] = Field(default=DEFAULT_TECHNIQUES, min_length=1)
    stale_after_days: int = Field(default=14, ge=1, le=365)
    review_sla_hours: int = Field(default=48, ge=1, le=24 * 60)
    # What a reviewer checks, by kind of review (team/config_checklists.py has the defaults).
    review_checklists: ReviewChecklists = ReviewChecklists()
    # Where the file was read from; relative SQLite paths resolve against its folder.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("review_checklists", mode="before")
    @classmethod
    def _checklists_or_defaults(cls, value: object) -> object:
        """``review_checklists:`` with nothing under it keeps the built-in lists."""
        return ReviewChecklists() if value is None else value

    @field_validator("techniques")
    @classmethod
    def _distinct_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(t.strip() for t in value)
        if any(not t for t in cleaned):
            raise ValueError("a list of non-empty technique names")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a list of distinct technique names")
        return cleaned

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path made absolute."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            rest = url[len(prefix) :]
            if rest and not rest.startswith(":memory:"):
                return prefix + str((self.base_dir / rest).resolve())
        return url


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{key}'; remove it or check its spelling"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = "expected " + message.removeprefix("Value error, ")
    elif kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"expected {expected}"
    given = error.get("input")
    if not isinstance(given, dict | list):
        message += f" (got {given!r})"
    return f"'{key}': {message}"


def parse_config(raw: object, *, source: str = "config", base_dir: Path = Path(".")) -> Settings:
    """Validate already-parsed YAML (a mapping) into :class:`Settings`."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping of settings at the top level.")
    try:
        settings = Settings.model_validate({**raw, "base_dir": base_dir})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{source}: {_describe(dict(first))}.") from None
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        try:
            database = DatabaseSettings(url=url)
        except ValidationError:
            raise ConfigError(
                f"{DATABASE_URL_ENV}: expected a SQLAlchemy URL starting with sqlite:/// "
                f"or postgresql+psycopg:// (got {url!r})."
            ) from None
        settings = settings.model_copy(update={"database": database})
    return settings


def config_path(path: str | Path | None = None) -> Path:
    """The file to read: the argument, else $TEAM_CONFIG, else ./config.yaml."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | Path | None = None) -> Settings:
    """Read and validate a config file; raise ConfigError with one clear sentence."""
    file = config_path(path)
    if not file.is_file():
        raise ConfigError(
            f"{file}: configuration file not found; create it (see config.yaml in the "
            f"repository) or point {CONFIG_ENV} at one."
        )
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{file}: not valid YAML{where}; fix the syntax there.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot be read ({exc}).") from None
    return parse_config(raw, source=str(file), base_dir=file.resolve().parent)


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def check_bind_address(settings: Settings, address: str | None) -> None:
    """Local mode trusts whoever reaches the server to say who they are, and proxy mode
    trusts a request header, so both must be reachable only from this machine (or, for
    a proxy, from the addresses configured for it)."""
    mode = settings.auth.mode
    if mode == AuthMode.LOCAL and not is_loopback(address):
        raise ConfigError(
            f"auth.mode is 'local', which lets anyone who can reach the server pick who "
            f"they are, so it serves only on 127.0.0.1 (loopback), not on "
            f"{address or 'all addresses'}; bind to 127.0.0.1, or set up sign-in for a "
            "team first (auth.mode: oidc)."
        )
    allowed = settings.auth.proxy_addresses
    if mode == AuthMode.PROXY and not (is_loopback(address) or address in allowed):
        raise ConfigError(
            f"auth.mode is 'proxy', which trusts the {settings.auth.header} header, so the "
            f"server must be reachable only by the proxy: bind to 127.0.0.1 or to an "
            f"address listed in auth.proxy_addresses, not {address or 'all addresses'}."
        )


def check_auth_secrets(settings: Settings, secrets: Mapping[str, Any] | None) -> None:
    """OIDC sign-in needs Streamlit's [auth] secrets, with a cookie secret long enough
    that the signed sign-in cookie cannot be guessed."""
    if settings.auth.mode != AuthMode.OIDC:
        return
    where = ".streamlit/secrets.toml"
    section = (secrets or {}).get("auth")
    if not isinstance(section, Mapping):
        raise ConfigError(
            f"auth.mode is 'oidc' but {where} has no [auth] section; add your identity "
            "provider's client_id, client_secret, server_metadata_url, redirect_uri and a "
            "cookie_secret (see 'Running for a team' in the README)."
        )
    missing = [
        key
        for key in ("client_id", "client_secret", "server_metadata_url", "redirect_uri")
        if not str(section.get(key) or "").strip()
    ]
    if missing:
        raise ConfigError(
            f"{where}: [auth] lacks {', '.join(missing)}; copy them from your identity "
            "provider's client settings."
        )
    secret = str(section.get("cookie_secret") or "")
    if len(secret) < COOKIE_SECRET_MIN:
        raise ConfigError(
            f"{where}: [auth] cookie_secret must be at least {COOKIE_SECRET_MIN} random "
            f"characters (it has {len(secret)}); generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


def check_server_options(settings: Settings, option: Callable[[str], Any]) -> None:
    """A server shared by a team must protect forms against cross-site requests, and in
    proxy mode must map the proxy's header to the signed-in email (``team run`` passes
    both; a bare ``streamlit run`` may not)."""
    if settings.auth.mode == AuthMode.LOCAL:
        return
    if not option("server.enableXsrfProtection"):
        raise ConfigError(
            "server.enableXsrfProtection is off, which a shared server must not allow; "
            "start the app with `team run`, or turn it on in .streamlit/config.toml."
        )
    if settings.auth.mode != AuthMode.PROXY:
        return
    mapping = option("server.trustedUserHeaders") or {}
    header = settings.auth.header.lower()
    if not isinstance(mapping, dict) or not any(
        str(name).lower() == header and key == "email" for name, key in mapping.items()
    ):
        raise ConfigError(
            f"auth.mode is 'proxy' but Streamlit does not pass the {settings.auth.header} "
            "header on; start the app with `team run`, which sets "
            "server.trustedUserHeaders for you."
        )
