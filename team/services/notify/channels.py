"""Sending one message on one channel: email over SMTP, a Slack-compatible incoming
webhook, a generic signed webhook. Every send carries the message's idempotency key
(the delivery's key): an email as ``X-Team-Delivery`` and in its Message-ID, a webhook
as ``Idempotency-Key``, so a receiver can drop the rare second copy a crash causes.

A failed send raises :class:`SendError` with one sentence saying why; ``endpoint``
names where it went, so the worker can stop trying a dead server for the rest of a run.
Secrets come from the environment variables config.yaml names; a missing one is a
:class:`SecretMissing` before anything is sent."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from team.config import EmailSettings, NotifySettings, SmtpSecurity
from team.services.notify.message import Message, one_line, slack_text
from team.vocabulary import Channel, DeliveryKind


class SecretMissing(Exception):
    """A secret config.yaml points at is not in the environment."""


class SendError(Exception):
    """A message could not be sent; ``str()`` is the reason, one sentence. ``whole``:
    the endpoint itself failed (not just this message), so its other messages wait."""

    def __init__(self, reason: str, *, whole: bool = True) -> None:
        super().__init__(reason)
        self.whole = whole


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go: who to, on what, with what key."""

    delivery_id: int
    key: str
    channel: Channel
    kind: DeliveryKind
    person_name: str
    person_email: str
    slack_url: str
    message: Message
    items: list[dict[str, Any]] = field(default_factory=list)


def _secret(name: str, environ: Mapping[str, str], what: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise SecretMissing(
            f"{what} is read from the environment variable {name}, which is not set; "
            f"export {name} for the worker (see config.yaml)."
        )
    return value


@dataclass(frozen=True)
class Secrets:
    smtp_password: str = ""
    slack_url: str = ""
    webhook_secret: bytes = b""


def read_secrets(notify: NotifySettings, environ: Mapping[str, str] | None = None) -> Secrets:
    """The secrets the configured channels need, or SecretMissing naming the first lack."""
    env = os.environ if environ is None else environ
    password = slack = ""
    secret = b""
    if notify.email is not None and notify.email.password_env:
        password = _secret(notify.email.password_env, env, "notify.email's password")
    if notify.slack is not None and notify.slack.url_env:
        slack = _secret(notify.slack.url_env, env, "notify.slack's webhook address")
    if notify.webhook is not None:
        secret = _secret(notify.webhook.secret_env, env, "notify.webhook's secret").encode()
    return Secrets(password, slack, secret)


# --------------------------------------------------------------------------- email


def message_id(key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2].strip(" >") or "team.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def email_of(out: Outgoing, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = one_line(out.message.subject)
    mail["From"] = sender
    mail["To"] = Address(display_name=one_line(out.person_name, 120), addr_spec=out.person_email)
    mail["Message-ID"] = message_id(out.key, sender)
    mail["X-Team-Delivery"] = out.key
    mail.set_content(out.message.text)
    mail.add_alternative(out.message.html, subtype="html")
    return mail


class Smtp:
    """One SMTP connection kept for a run's emails, opened at the first."""

    def __init__(self, settings: EmailSettings, password: str, timeout: float) -> None:
        self.settings = settings
        self.password = password
        self.timeout = timeout
        self.conn: smtplib.SMTP | None = None

    @property
    def endpoint(self) -> str:
        return f"smtp://{self.settings.host}:{self.settings.port}"

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        conn: smtplib.SMTP
        if s.security == SmtpSecurity.TLS:
            context = ssl.create_default_context()
            conn = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
            if s.security == SmtpSecurity.STARTTLS:
                conn.starttls(context=ssl.create_default_context())
        if s.user:
            conn.login(s.user, self.password)
        return conn

    def send(self, out: Outgoing) -> None:
        try:
            if self.conn is None:
                self.conn = self._open()
            self.conn.send_message(
                email_of(out, self.settings.sender),
                from_addr=self.settings.sender,
                to_addrs=[out.person_email],
            )
        except smtplib.SMTPRecipientsRefused as exc:
            code, said = next(iter(exc.recipients.values()), (0, b""))
            raise SendError(
                f"SMTP server refused {out.person_email}: {_said(code, said)}.", whole=False
            ) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise SendError(
                f"SMTP server refused: {_said(exc.smtp_code, exc.smtp_error)}."
            ) from None
        except TimeoutError:
            self.close()
            raise SendError(f"SMTP server did not answer within {self.timeout:g} s.") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendError(f"SMTP server could not be reached ({_short(exc)}).") from None

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                self.conn.close()
            self.conn = None


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return one_line(f"{code} {words}", 200)


def _short(exc: BaseException) -> str:
    return one_line(str(exc) or type(exc).__name__, 160)


# --------------------------------------------------------------------------- webhooks


def post_json(
    url: str, body: bytes, headers: Mapping[str, str], *, timeout: float, what: str
) -> None:
    """POST ``body`` to ``url``; SendError unless it answers 2xx within ``timeout``."""
    parts = urlsplit(url)
    conn_type = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_type(parts.hostname or "", parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8", **headers},
        )
        answer = conn.getresponse()
        answer.read(65536)
    except TimeoutError:
        raise SendError(f"{what} did not answer within {timeout:g} s.") from None
    except (OSError, http.client.HTTPException) as exc:
        raise SendError(f"{what} could not be reached ({_short(exc)}).") from None
    finally:
        conn.close()
    if not 200 <= answer.status < 300:
        raise SendError(f"{what} answered HTTP {answer.status}.")


def slack_body(out: Outgoing) -> bytes:
    """Slack's ``text`` (the notification's fallback) is the first section's mrkdwn,
    already escaped; ``blocks`` as composed."""
    first = next((b for b in out.message.blocks if b.get("type") == "section"), None)
    text = first["text"]["text"] if first else slack_text(out.message.subject)
    payload = {"text": text, "blocks": out.message.blocks}
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def webhook_body(out: Outgoing) -> bytes:
    payload = {
        "key": out.key,
        "kind": out.kind.value,
        "person": {"email": out.person_email, "name": out.person_name},
        "subject": out.message.subject,
        "text": out.message.text,
        "link": out.message.link,
        "items": out.items,
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- all three


class Channels:
    """The deployment's channels with their secrets, for one run."""

    def __init__(self, notify: NotifySettings, secrets: Secrets) -> None:
        self.notify = notify
        self.secrets = secrets
        self.smtp = (
            Smtp(notify.email, secrets.smtp_password, notify.timeout_seconds)
            if notify.email is not None
            else None
        )

    def endpoint(self, out: Outgoing) -> str:
        """Where ``out`` goes: one SMTP server, one webhook address."""
        if out.channel == Channel.EMAIL:
            return self.smtp.endpoint if self.smtp else "smtp"
        if out.channel == Channel.SLACK:
            return out.slack_url or self.secrets.slack_url or "slack"
        return self.notify.webhook.url if self.notify.webhook else "webhook"

    def send(self, out: Outgoing) -> None:
        timeout = self.notify.timeout_seconds
        if out.channel == Channel.EMAIL:
            if self.smtp is None:
                raise SendError("email is not set up (notify.email in config.yaml).", whole=False)
            self.smtp.send(out)
        elif out.channel == Channel.SLACK:
            url = out.slack_url or self.secrets.slack_url
            if not url:
                raise SendError(
                    "there is no Slack webhook: add yours on My settings, or ask for "
                    "notify.slack.url_env in config.yaml.",
                    whole=False,
                )
            post_json(
                url,
                slack_body(out),
                {"Idempotency-Key": out.key},
                timeout=timeout,
                what="Slack webhook",
            )
        else:
            if self.notify.webhook is None:
                raise SendError(
                    "the webhook is not set up (notify.webhook in config.yaml).", whole=False
                )
            body = webhook_body(out)
            headers = {
                "Idempotency-Key": out.key,
                "X-Team-Signature": signature(self.secrets.webhook_secret, body),
            }
            post_json(self.notify.webhook.url, body, headers, timeout=timeout, what="webhook")

    def close(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
