"""Markdown seen through an independent, permissive CommonMark renderer (markdown-it-py,
raw HTML on, every link scheme let through): what it would make an image, an HTML
element or a link to anything but http(s)/mailto, and the text a reader sees. Used by
the page renderer's tests (tests/ui/test_text.py) and the downloads' (tests/services/
test_downloads.py)."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from tests.e2e.payloads import normalise


def permissive() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign] # the defusing must hold
    return md


MD = permissive()


def tokens(markdown: str) -> list[Any]:
    out: list[Any] = []
    for token in MD.parse(markdown):
        out.append(token)
        out.extend(token.children or [])
    return out


def shown(markdown: str) -> str:
    """The text a reader sees (text, code, code blocks; a space between blocks and for a
    line break), whitespace normalised."""
    parts = []
    for token in tokens(markdown):
        if token.type in ("text", "code_inline", "code_block", "fence"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak") or token.nesting == -1:
            parts.append(" ")
    return normalise("".join(parts))


def unsafe(markdown: str) -> list[str]:
    found = []
    for token in tokens(markdown):
        if token.type in ("image", "html_inline", "html_block"):
            found.append(f"{token.type}: {token.content}")
        href = token.attrGet("href") if token.type == "link_open" else None
        if href is not None and not str(href).lower().startswith(("http:", "https:", "mailto:")):
            found.append(f"link to {href}")
    return found
