"""The one rule for text a person typed, on its way into the database. Every service that
saves user text cleans it here, so SQLite and PostgreSQL store the same thing:

- control characters are removed (NUL, which PostgreSQL refuses in text, bell, escape,
  C1 controls, and lone surrogates, which neither database can encode); a multi-line
  field keeps its tabs and line breaks, with Windows and old Mac line ends made ``\\n``;
- a one-line field (a title, a name) has every run of whitespace made one space;
- the text is stripped, then measured: over the limit it is refused with a sentence
  naming the limit, never cut short;
- a link (evidence, an artifact) is a web link, http or https, pasted alone.

Everything else (markup, quotes, SQL-looking text, emoji, right-to-left marks,
zero-width joiners) is kept exactly: it is shown safely, not removed."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from team.services.core.errors import InvalidInput

LINK_MAX = 2_000
# C0 controls but tab and line feed, DEL, C1 controls, lone surrogates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def without_controls(value: str) -> str:
    """``value`` with Windows/Mac line ends made ``\\n`` and control characters removed
    (tab and line feed are kept)."""
    return _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _checked(
    cleaned: str, *, what: str, limit: int, field: str, empty: str | None, hint: str
) -> str:
    if empty is not None and not cleaned:
        raise InvalidInput(empty, field=field)
    if len(cleaned) > limit:
        more = f"; {hint}" if hint else ""
        raise InvalidInput(
            f"Keep the {what} under {limit:,} characters (it has {len(cleaned):,}){more}.",
            field=field,
        )
    return cleaned


def one_line(
    value: str,
    *,
    what: str,
    limit: int,
    field: str,
    empty: str | None = None,
    hint: str = "",
) -> str:
    """A title or a name: controls removed, whitespace runs made one space, stripped.
    ``empty`` is the message when nothing is left (None: empty is allowed); ``hint``
    ends the message about the limit (what to do instead)."""
    cleaned = " ".join(without_controls(value).split())
    return _checked(cleaned, what=what, limit=limit, field=field, empty=empty, hint=hint)


def multi_line(
    value: str,
    *,
    what: str,
    limit: int,
    field: str,
    empty: str | None = None,
    hint: str = "",
) -> str:
    """A Markdown body or notes: controls removed (tabs and line breaks kept), stripped."""
    cleaned = without_controls(value).strip()
    return _checked(cleaned, what=what, limit=limit, field=field, empty=empty, hint=hint)


def check_link(url: str, *, field: str = "links") -> str:
    """An http(s) URL with a host, or InvalidInput saying what is wrong."""
    cleaned = without_controls(url).strip()
    if len(cleaned) > LINK_MAX:
        raise InvalidInput(f"Keep each link under {LINK_MAX:,} characters.", field=field)
    parsed = urlparse(cleaned)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput(
            f"'{cleaned[:80]}' is not a web link; links must start with http:// or https:// "
            "(a notebook, PR, dashboard or query URL).",
            field=field,
        )
    if any(ch.isspace() or ord(ch) < 32 for ch in cleaned):
        raise InvalidInput(f"'{cleaned[:80]}' contains spaces; paste the link alone.", field=field)
    return cleaned
