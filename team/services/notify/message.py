"""A message as every channel sends it, and the rules that keep user text text in it.

User text (titles, notes, answers) reaches a mail header, an HTML part, Slack's
mrkdwn and JSON. Each form has its own way to be fooled, so each has its own guard:
``one_line`` for a subject (a CR/LF in a title cannot start a new header), ``html_text``
for an HTML part, ``slack_text`` for Slack (``<!channel>`` or ``<url|label>`` in a
title stays literal), and JSON is written by ``json.dumps``."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

SUBJECT_CHARS = 200


@dataclass(frozen=True)
class Message:
    subject: str  # one line (see ``one_line``)
    text: str  # the plain-text body
    html: str  # the HTML body: every piece of user text escaped
    link: str  # the app, where the message leads (absolute)
    blocks: list[dict[str, Any]] = field(default_factory=list)  # Slack Block Kit


def one_line(text: str, limit: int = SUBJECT_CHARS) -> str:
    """``text`` on one line: every run of whitespace (CR, LF, tabs, Unicode line and
    paragraph separators) becomes one space, control characters go, cut to ``limit``."""
    cleaned = "".join(c if c.isprintable() or c.isspace() else " " for c in text)
    flat = " ".join(cleaned.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def html_text(text: str) -> str:
    """``text`` escaped for an HTML part (quotes too)."""
    return html.escape(text, quote=True)


def slack_text(text: str) -> str:
    """``text`` as Slack mrkdwn shows it literally: Slack reads ``<...>`` as links and
    mentions and ``&`` as the start of an entity, and asks for these three escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
