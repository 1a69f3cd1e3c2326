"""User text in Markdown that is safe wherever it goes: the memo and the one-on-one
downloads are pasted into wikis and opened by CommonMark renderers that allow raw HTML,
and the pages render it too (team/ui/text.py adds Streamlit's own quirks on top).

- :func:`literal`: a one-line field (a title, a name, a summary) shown exactly as typed:
  every character that can start markup is backslash-escaped (CommonMark shows ``\\x``
  as ``x``), so nothing in it becomes formatting, a link or HTML.
- :func:`defused`: a Markdown body keeps its formatting, but cannot load, run or link to
  anything unsafe: an invisible WORD JOINER (U+2060) after ``<`` stops a tag, a comment
  or an autolink, after ``&`` a character reference, between ``!`` and ``[`` an image,
  and between ``]`` and ``(`` (or ``:``) a link to anything but http(s) or mailto; an
  unclosed code fence is closed at the end, so it cannot swallow what follows.
- :func:`link`: a link to an http(s) URL whose label and destination cannot end early.

The stored text is never changed."""

from __future__ import annotations

import re
from urllib.parse import quote

from team.services.core.text import without_controls

JOINER = "\u2060"
# What can start markup in CommonMark or its usual extensions (tables, strikethrough,
# math, bare-URL autolinks): escaped with a backslash, which every renderer drops.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:$=])")
_SAFE_SCHEME = re.compile(r"(?i)(?:https?://|mailto:)")
# "](" or "]:" and the destination after it (inline link, reference definition).
LINK_DEST = re.compile(r"\](\(|:)(\s*<?)([^\s>)]*)")
# A "<" that could open an HTML tag, comment or autolink; a "&" that starts a reference.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_REFERENCE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
WEB_URL = re.compile(r"(?i)^https?://\S+$")


def one_line(text: str) -> str:
    """``text`` without control characters, its runs of white space one space each."""
    return " ".join(without_controls(text).split())


def escape(text: str) -> str:
    """``text`` with every character that can start markup backslash-escaped."""
    return _MARKUP.sub(r"\\\1", text)


def literal(text: str | None) -> str:
    """``text`` on one line, shown exactly as typed by any CommonMark renderer."""
    return escape(one_line(text)) if text else ""


def _defuse_link(match: re.Match[str]) -> str:
    opener, space, dest = match.groups()
    if _SAFE_SCHEME.match(dest):
        return match.group(0)
    return f"]{JOINER}{opener}{space}{dest}"


def defuse(text: str) -> str:
    """The neutralising steps of :func:`defused` on text already without control
    characters, without closing fences (the pages apply their own steps between)."""
    cleaned = LINK_DEST.sub(_defuse_link, text)
    cleaned = cleaned.replace("![", f"!{JOINER}[")
    cleaned = _TAG_START.sub(f"<{JOINER}", cleaned)
    return _REFERENCE.sub(f"&{JOINER}", cleaned)


def close_fences(text: str) -> str:
    """``text`` with a code fence left open at its end closed."""
    fence: str | None = None
    for line in text.split("\n"):
        if fence is None:
            opened = _FENCE_OPEN.match(line)
            if opened:
                fence = opened.group(1)
        elif line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = None
    return text if fence is None else f"{text}\n{fence}"


def defused(text: str | None) -> str:
    """A Markdown body that formats but cannot load, run or link to anything unsafe."""
    if not text:
        return ""
    return close_fences(defuse(without_controls(text)))


def link(url: str) -> str:
    """A link to the http(s) ``url`` labelled with it, its destination percent-encoded
    where it could end early; anything else as text."""
    shown = literal(url)
    if not WEB_URL.match(url):
        return shown
    dest = quote(url, safe="/:?#[]@!$&'*+,;=%~.-_")
    dest = dest.replace("(", "%28").replace(")", "%29").replace("'", "%27")
    return f"[{shown}](<{dest}>)"
