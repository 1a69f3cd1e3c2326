"""User text on screen. Plain fields (titles, names) are escaped so they show exactly as
typed; Markdown bodies render as text formatting only: no raw HTML, no images (a remote
image would leak the reader's address), only http(s)/mailto links, and character
references (``&lt;``) shown as typed.

Markdown bodies are defused with an invisible WORD JOINER (U+2060) rather than with
backslashes: put between ``!`` and ``[`` it stops an image, after ``<`` it stops a tag
or an autolink, after ``&`` a character reference, between ``]`` and ``(`` (or ``:``)
a link to an unsafe scheme. A backslash would show inside code spans and fenced code,
and telling code from text would need a full CommonMark parser (a wrong guess there
would let an image through); the joiner is invisible in code and text alike, so every
occurrence is defused the same way. The joiner also keeps Streamlit's own additions to
Markdown from changing what was typed: "--" stays "--" (not a dash), "->" and ">=" stay
as typed, and in plain fields ":material/icon:" and ":streamlit:" stay text. The stored
text is never changed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from team import colours
from team.services.core.markdown import (
    JOINER,
    LINK_DEST,
    WEB_URL,
    close_fences,
    defuse,
    escape,
    one_line,
)
from team.services.core.text import without_controls
from team.services.search.terms import Piece

__all__ = ["JOINER", "dot_label", "highlighted", "plain", "safe_markdown", "web_link"]

# Streamlit's own Markdown additions, applied to text after escapes are read: arrows and
# dashes for a standalone "->", "--", ">=" and the like (between JavaScript whitespace),
# and ":material/name:" icons, ":streamlit:" and directives after a colon.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TYPOGRAPHY = re.compile(f"(?<![^{_JS_SPACE}])(<->|->|<-|--|>=|<=|~=)(?![^{_JS_SPACE}])")
_COLON_WORD = re.compile(r":(?=[A-Za-z])")
_AUTOLINK = re.compile(r"(?i)(?<=:)/|(?<=\bwww)\.|@(?=\S)")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_RULE_LINE = re.compile(r"^[\s|:-]*$")
_DEST_SPECIAL = re.compile(r"([\\<>&()])")


def _no_typography(text: str) -> str:
    """Keep "--", "->", ">=" and the like as typed (not a dash, an arrow, a sign)."""
    return _TYPOGRAPHY.sub(lambda m: m[1][0] + JOINER + m[1][1:], text)


def _as_typed(text: str) -> str:
    """Stop Streamlit from turning "--" into a dash or ":streamlit:" into a logo."""
    return _COLON_WORD.sub(":" + JOINER, _no_typography(text))


def _no_autolinks(text: str) -> str:
    """Stop Streamlit's autolinks in a title or a name ("www.x.org", "https://x.org",
    "a@x.org" would otherwise become links taking in the characters around them)."""
    return _AUTOLINK.sub(lambda m: JOINER + m[0], text)


def _isolated(text: str) -> str:
    """``text`` in its own bidirectional isolate when it holds bidi controls, closed
    however it leaves them, so an unclosed right-to-left override cannot reverse the
    rest of the line it is shown in."""
    if not _BIDI.search(text):
        return text
    depth = stray = 0
    for ch in text:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == "\u2069":
            depth, stray = (depth - 1, stray) if depth else (depth, stray + 1)
    return "\u2068" * (1 + stray) + text + "\u2069" * (1 + depth)


def plain(text: str | None, *, in_link: bool = False) -> str:
    """Escape ``text`` so Markdown shows it literally, on one line. ``in_link``: it is
    the label of a link, where no autolink can start, so addresses are left whole."""
    if not text:
        return ""
    line = one_line(text)
    kept = line if in_link else _no_autolinks(line)
    return _isolated(escape(_as_typed(kept)))


def safe_markdown(text: str | None) -> str:
    """Markdown that formats but cannot load, run or link to anything unsafe (the rules
    of every download, services/core/markdown.py), and that Streamlit shows as typed."""
    if not text:
        return ""
    cleaned = without_controls(text)
    # Lines of only dashes, pipes and colons are table delimiters or heading underlines.
    cleaned = "\n".join(
        line if _RULE_LINE.match(line) else _no_typography(line) for line in cleaned.split("\n")
    )
    return _outside_code(_no_directives(close_fences(defuse(cleaned))))


def _no_directives(text: str) -> str:
    """Keep ":red", ":material/home:" and the like as typed: Streamlit reads them as
    colour and icon directives anywhere in Markdown. Link destinations keep their colon
    (a mailto: link would break)."""
    return outside(text, LINK_DEST, lambda part: _COLON_WORD.sub(":" + JOINER, part))


def outside(text: str, skip: re.Pattern[str], change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to the parts outside the matches of ``skip``."""
    parts, last = [], 0
    for match in skip.finditer(text):
        parts.append(change(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(change(text[last:]))
    return "".join(parts)


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(.*?)\1")
_DIRECTIVE_LABEL = re.compile("(:\u2060[A-Za-z][\\w-]*)\\[")


def _outside_code(text: str) -> str:
    """Escapes that would show inside code, applied outside it only: a "$" would start
    LaTeX ("$5M to $7M" shows as typed), and the "[" of a directive's label (":red[x]",
    its colon already kept by a joiner) would still be taken by Streamlit. A backslash is
    safe here (a wrong guess about code shows one, it cannot load anything)."""
    out, fenced = [], False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _escape_line(line)
        out.append(line)
    return "\n".join(out)


def _escape(segment: str) -> str:
    return _DIRECTIVE_LABEL.sub(r"\1\\[", segment.replace("$", "\\$"))


def _escape_line(line: str) -> str:
    return outside(line, _CODE_SPAN, _escape)


def web_link(url: str, label: str | None = None) -> str:
    """A Markdown link to an http(s) ``url`` labelled ``label`` (default: the URL), with
    the URL escaped so nothing in it can end the link early; anything else as text."""
    if not WEB_URL.match(url):
        shown = plain(label or url)
        return shown if label is None else f"{shown} ({plain(url)})"
    shown = plain(label or url, in_link=True)
    dest = _DEST_SPECIAL.sub(r"\\\1", url).replace("`", "%60")
    return f"[{shown}](<{dest}>)"


def dot_label(*parts: str, width: int = 28, lines: int = 3) -> str:
    """A Graphviz string literal of ``parts``, each wrapped to ``width`` characters and
    cut to ``lines`` lines (an ellipsis says where), one below the other; quotes and
    backslashes escaped."""
    out: list[str] = []
    for part in parts:
        words, wrapped, line = without_controls(part).split(), [], ""
        for word in words:
            if line and len(line) + len(word) + 1 > width:
                wrapped.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        wrapped.append(line)
        if len(wrapped) > lines:
            wrapped = [*wrapped[: lines - 1], wrapped[lines - 1][: width - 1] + "…"]
        out.extend(wrapped)
    body = "\\n".join(part.replace("\\", "\\\\").replace('"', '\\"') for part in out)
    return f'"{body}"'


def highlighted(pieces: Iterable[Piece]) -> str:
    """A search snippet as Markdown: every piece escaped like a plain field, the words
    searched for marked with the hit colour. A hit piece is letters and digits only, and
    each piece is escaped on its own, so no piece can open markup for the next."""
    return "".join(
        f":{colours.HIT.badge}-background[**{plain(p.text)}**]" if p.hit else _spaced(p.text)
        for p in pieces
    )


def path_line(titles: Iterable[str], *, width: int = 60) -> str:
    """Where something lives (general question, ..., question) on one line, each title
    escaped and cut to ``width`` characters."""
    return " \u203a ".join(plain(t if len(t) <= width else t[: width - 1] + "…") for t in titles)


def _spaced(text: str) -> str:
    """``text`` as a plain field, keeping a space at either end (``plain`` trims a line,
    and the words beside a highlight must not run into it)."""
    before = " " if text[:1].isspace() else ""
    after = " " if text[-1:].isspace() and text.strip() else ""
    return before + plain(text) + after
