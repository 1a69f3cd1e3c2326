"""User text on screen. Plain fields (titles, names) are escaped so they show exactly as
typed; Markdown bodies render as text formatting only: no raw HTML (Streamlit never
renders it without unsafe_allow_html, which this app never sets), no images (a remote
image would leak the reader's address), and only http(s)/mailto links."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*([^)\s]*)[^)]*\)")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(text: str | None) -> str:
    """Escape ``text`` so Markdown shows it literally, on one line."""
    if not text:
        return ""
    one_line = " ".join(_CONTROL.sub("", text).split())
    return _MD_SPECIAL.sub(r"\\\1", one_line)


def safe_markdown(text: str | None) -> str:
    """Markdown with images turned into plain links and unsafe links into text."""
    if not text:
        return ""
    cleaned = _CONTROL.sub("", text)
    cleaned = _IMAGE.sub(lambda m: f"[image: {m.group(1) or 'untitled'}]({m.group(2)})", cleaned)

    def _link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if url.lower().startswith(_SAFE_SCHEMES):
            return match.group(0)
        return f"{label} ({plain(url)})"

    cleaned = _LINK.sub(_link, cleaned)
    # Reference-style images (![x][ref]) would still load: show them as text.
    cleaned = cleaned.replace("![", "\\![")
    # Angle brackets would otherwise start autolinks or (escaped) HTML.
    return cleaned.replace("<", "&lt;").replace(">", "&gt;")


def dot_label(text: str, width: int = 28) -> str:
    """A Graphviz string literal: quotes and backslashes escaped, wrapped lines."""
    words, lines, line = _CONTROL.sub("", text).split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    body = "\\n".join(part.replace("\\", "\\\\").replace('"', '\\"') for part in lines[:4])
    return f'"{body}"'
