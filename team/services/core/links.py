"""Evidence and artifact links: web links only (http or https), pasted alone."""

from __future__ import annotations

from urllib.parse import urlparse

from team.services.core.errors import InvalidInput
from team.services.core.text import without_controls

LINK_MAX = 2_000


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
