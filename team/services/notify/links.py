"""Where a notification leads: a page of the app and its query, stored with the
notification as ``page?query`` so the inbox and every message link to the same place."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode


def link(page: str, **params: int | None) -> str:
    """``page?a=1&b=2`` with the parameters that are set."""
    query = urlencode({k: str(v) for k, v in params.items() if v is not None})
    return f"{page}?{query}" if query else page


def question_link(root_id: int | None, question_id: int, **more: int | None) -> str:
    node = None if question_id == root_id else question_id
    return link("questions", root=root_id or question_id, node=node, **more)


def split(stored: str) -> tuple[str, dict[str, str]]:
    """A stored link as (page, query parameters) for a page link in the app."""
    page, _, query = stored.partition("?")
    return page, dict(parse_qsl(query))


def absolute(public_url: str, stored: str) -> str:
    """The stored link as an address to open from an email or a chat message."""
    return f"{public_url.rstrip('/')}/{stored}"
