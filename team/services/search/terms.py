"""What a person typed in a search box, as terms both indexes understand.

Any text is a valid search: words are runs of letters and digits (everything else,
quotes and operators included, separates them), so nothing a person types reaches an
index's own query syntax. On top of the words:

- ``"two words"`` is a phrase (an unclosed quote runs to the end);
- ``-word`` or ``-"a phrase"`` leaves out what holds it;
- ``word*`` is a prefix (two letters or more);
- ``OR`` between two terms takes either.

Case and accents fold the way the indexes fold them (migration 0004): lower case, and a
Latin letter with an accent is the letter without it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from team.services.core.errors import InvalidInput

MAX_QUERY = 200  # characters of a search
MAX_TERMS = 16  # terms of a search (each one costs the index a lookup)
MIN_PREFIX = 2

WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?(\*?)|(-?)([^\s"]+)')


@cache
def _accents() -> dict[int, str]:
    """Every Latin letter with an accent (U+00C0..U+024F, U+1E00..U+1EFF) -> the
    lower-case letter without it: the same table PostgreSQL's ``team_fold`` uses."""
    table: dict[int, str] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code).lower())
        marks = base[1:]
        if (
            marks
            and base[0].isascii()
            and base[0].isalpha()
            and all(unicodedata.combining(c) for c in marks)
        ):
            table[code] = base[0]
    return table


def fold(text: str) -> str:
    """``text`` in lower case with Latin accents removed. The accents go before and after
    lower-casing: Python lower-cases ``İ`` to ``i`` plus a combining dot (which would
    split the word where PostgreSQL's ``lower`` gives a plain ``i``), and lower-casing
    can make an accented letter (the Ångström sign becomes ``å``)."""
    table = _accents()
    return text.translate(table).lower().translate(table)


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of several; ``prefix``: the last word may go on."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """All of ``wanted`` (each a choice of one of its terms), none of ``unwanted``."""

    wanted: tuple[tuple[Term, ...], ...]
    unwanted: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to look for (no words, or only left-out ones)."""
        return not self.wanted

    @property
    def folded_words(self) -> frozenset[str]:
        return frozenset(w for group in self.wanted for t in group for w in t.words)

    @property
    def prefixes(self) -> frozenset[str]:
        return frozenset(t.words[-1] for group in self.wanted for t in group if t.prefix)


def parse(text: str) -> Query:
    """The terms of ``text``; InvalidInput (saying the limit) past MAX_QUERY characters
    or MAX_TERMS terms."""
    if len(text) > MAX_QUERY:
        raise InvalidInput(
            f"A search can be at most {MAX_QUERY} characters long (this one has "
            f"{len(text):,}); shorten it to the words that matter."
        )
    wanted: list[list[Term]] = []
    unwanted: list[Term] = []
    either = False
    for match in _TOKEN.finditer(text):
        quoted_minus, phrase, star, minus, bare = match.groups()
        if bare == "OR" and not minus:
            either = bool(wanted)
            continue
        raw = phrase if phrase is not None else bare
        star = star or (raw.endswith("*") if phrase is None else "")
        found = tuple(words(raw))
        if not found:
            continue
        term = Term(found, prefix=bool(star) and len(found[-1]) >= MIN_PREFIX)
        if quoted_minus or minus:
            unwanted.append(term)
        elif either and wanted:
            wanted[-1].append(term)
        else:
            wanted.append([term])
        either = False
    if sum(len(g) for g in wanted) + len(unwanted) > MAX_TERMS:
        raise InvalidInput(
            f"A search can hold at most {MAX_TERMS} words or phrases; keep the ones that matter."
        )
    return Query(tuple(tuple(g) for g in wanted), tuple(unwanted))


# --------------------------------------------------------------------------- per index


def _fts5_term(term: Term) -> str:
    return f'"{" ".join(term.words)}"' + (" *" if term.prefix else "")


def fts5_match(query: Query) -> str:
    """``query`` in SQLite FTS5's syntax: every word inside double quotes (a word holds
    letters and digits only, so it can never close the quote)."""
    groups = ["(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in query.wanted]
    expression = "(" + " AND ".join(groups) + ")"
    for term in query.unwanted:
        expression = f"{expression} NOT {_fts5_term(term)}"
    return expression


def in_syntax(query: Query, *, postgres: bool) -> str:
    """``query`` as the index of the database takes it."""
    return tsquery(query) if postgres else fts5_match(query)


def one_word(word: str) -> Query:
    """A query of one (folded) word."""
    return Query(((Term((word,)),),))


def _ts_term(term: Term) -> str:
    lexemes = [f"'{w}'" for w in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def tsquery(query: Query) -> str:
    """``query`` as PostgreSQL ``to_tsquery`` text: every word a quoted lexeme (letters
    and digits only, so it can never close the quote)."""
    groups = ["(" + " | ".join(_ts_term(t) for t in group) + ")" for group in query.wanted]
    groups += [f"!{_ts_term(t)}" for t in query.unwanted]
    return " & ".join(groups)


# --------------------------------------------------------------------------- highlights


@dataclass(frozen=True)
class Piece:
    """A run of a snippet's text; ``hit``: it is a word the search looked for."""

    text: str
    hit: bool = False


SNIPPET_WORDS = 30


def _is_hit(word: str, query: Query) -> bool:
    folded = fold(word)
    return folded in query.folded_words or any(folded.startswith(p) for p in query.prefixes)


def snippet(text: str, query: Query, *, size: int = SNIPPET_WORDS) -> list[Piece]:
    """About ``size`` words of ``text`` around its densest run of searched words, cut
    into pieces so a page can mark the hits without reading any of the text as markup.
    Whitespace runs become one space (a snippet is one line)."""
    flat = " ".join(text.split())
    spans = [(m.start(), m.end(), _is_hit(m.group(), query)) for m in WORD.finditer(flat)]
    if not spans:
        return [Piece(flat[:200])] if flat else []
    start = _best_window(spans, size)
    chosen = spans[start : start + size]
    begin = chosen[0][0] if start > 0 else 0
    end = chosen[-1][1] if start + size < len(spans) else len(flat)
    pieces: list[Piece] = [Piece("… ")] if begin > 0 else []
    at = begin
    for s, e, hit in chosen:
        if hit:
            if s > at:
                pieces.append(Piece(flat[at:s]))
            pieces.append(Piece(flat[s:e], hit=True))
            at = e
    pieces.append(Piece(flat[at:end] + (" …" if end < len(flat) else "")))
    return [p for p in pieces if p.text]


def _best_window(spans: list[tuple[int, int, bool]], size: int) -> int:
    """The first word of the ``size``-word window with the most hits (starting a few
    words before the first hit of it, for context)."""
    hits = [int(h) for _, _, h in spans]
    if len(hits) <= size or not any(hits):
        return 0  # the whole text fits (a title, a short note), or nothing to centre on
    best, best_count, count = 0, -1, 0
    for i, h in enumerate(hits):
        count += h
        if i >= size:
            count -= hits[i - size]
        if count > best_count:
            best, best_count = max(0, i - size + 1), count
    first_hit = next(i for i in range(best, len(hits)) if hits[i])
    return max(0, first_hit - 5)
