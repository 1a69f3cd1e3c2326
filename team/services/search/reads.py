"""Search everything the team wrote, as one person may see it.

One search costs three statements whatever the size: one page of hits with the facets
and the total (the matches read once), the text of that page's hits, and the paths of
their questions."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlmodel import Session

from team.models import Person, utcnow
from team.services.core.errors import PermissionDenied
from team.services.core.paging import Paged, Window
from team.services.core.sql_time import aware
from team.services.search import sql
from team.services.search.kinds import Kind
from team.services.search.sql import Filters, Scope
from team.services.search.terms import (
    MAX_TERMS,
    Piece,
    Query,
    Term,
    in_syntax,
    one_word,
    parse,
    snippet,
    tsquery,
    words,
)
from team.vocabulary import Role

__all__ = ["Filters", "Hit", "Results", "reader", "search", "similar"]

TITLE_WORDS = 400  # a title is shown whole (a field holds 300 characters at most)
SIMILAR = 5  # existing questions or findings shown beside a new one
SIMILAR_CAP = 2000  # a word this many rows hold tells nothing about likeness
# Words too common to say two titles are alike.
_COMMON = (
    "a an and are as at be by can did do does for from has have how in is it its of on or "
    "our should that the their this to was we were what when where which who why will with "
    "would"
)
COMMON = frozenset(_COMMON.split())
EVERYTHING = Filters()
FIRST_PAGE = Window()


@dataclass(frozen=True)
class Link:
    """Where a hit is shown: a page (navigation name) and its query parameters."""

    page: str
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Hit:
    kind: Kind
    id: int
    title: str
    snippet: list[Piece]  # a bit of the text around the words found, the words marked
    title_marks: list[Piece]  # the title, the words found marked
    author: str | None
    at: datetime | None
    path: tuple[str, ...]  # the general question, ..., the question (empty off the tree)
    status: str | None
    finding_kind: str | None
    link: Link
    where: str = ""  # a one-on-one's two people


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str | None  # a person's or project's name; None for a vocabulary value
    count: int


@dataclass(frozen=True)
class Results:
    hits: Paged[Hit]
    facets: dict[str, list[FacetValue]]
    query: Query


def reader(session: Session, person_id: int) -> Scope:
    """Who searches, read afresh: a deactivated (or unknown) person sees nothing."""
    person = session.get(Person, person_id, populate_existing=True)
    if person is None:
        raise PermissionDenied("Pick who you are first; this session has no known person.")
    if not person.active:
        raise PermissionDenied(
            f"{person.name} is deactivated and can no longer see the team's work; ask a manager."
        )
    return Scope(person_id=person_id, viewer=Role(person.role) == Role.VIEWER)


def search(
    session: Session,
    person_id: int,
    *,
    text: str,
    filters: Filters = EVERYTHING,
    window: Window = FIRST_PAGE,
    by_date: bool = False,
    now: datetime | None = None,
) -> Results:
    """The hits of ``text`` that ``person_id`` may see, narrowed by ``filters``, best
    first (or newest first ``by_date``), one page; with the facets. InvalidInput for a
    search over the length limit; no hits for one with no words to look for."""
    scope = reader(session, person_id)
    query = parse(text)
    if query.empty:
        return Results(Paged([], 0, window), {}, query)
    postgres = session.get_bind().dialect.name == "postgresql"
    base = sql.hits_cte(scope, filters, postgres=postgres, now=now or utcnow())
    base.params["match"] = in_syntax(query, postgres=postgres)
    both = sql.search_statement(
        base, filters, by_date=by_date, limit=window.size, offset=window.offset
    )
    rows: Sequence[Any] = session.execute(both.clause(), both.params).all()
    facets, total = _facets([r[sql.HIT_COLUMNS :] for r in rows if r[0] is None])
    page_rows = _in_order([r[: sql.HIT_COLUMNS] for r in rows if r[0] is not None], by_date)
    if not page_rows and window.within(total) != window:  # past the end: the list shrank
        window = window.within(total)
        page = sql.page_statement(
            base, filters, by_date=by_date, limit=window.size, offset=window.offset
        )
        page_rows = list(session.execute(page.clause(), page.params).all())
    hits = _hits(session, page_rows, query, postgres)
    return Results(Paged(hits, total, window), facets, query)


def _in_order(rows: list[Any], by_date: bool) -> list[Any]:
    """Hits best first (score, then time) or newest first (time, then score), then by
    kind and id: the page statement's order, which a UNION does not keep."""
    ordered = sorted(rows, key=lambda r: (r[0], r[1]))
    score, at = sql.HIT_COLUMNS - 1, 2
    for column in (score, at) if by_date else (at, score):
        ordered.sort(key=itemgetter(column), reverse=True)
    return ordered


def similar(
    session: Session,
    person_id: int,
    *,
    kind: Kind,
    text: str,
    limit: int = SIMILAR,
    now: datetime | None = None,
) -> list[Hit]:
    """Up to ``limit`` existing things of ``kind`` (questions or findings) sharing the
    most telling words with ``text``, best first: "have we asked this before?". Any of
    the words counts, the rarer the more; short words, common English ones and words
    many rows hold (SIMILAR_CAP or more) are left out, so the lookup reads a bounded
    number of rows at any size; when every word is that common, a row must hold them
    all. Text past the search's limits is cut, never refused (this is a
    hint, not a search). Three statements: the words' counts, the hits, their details."""
    scope = reader(session, person_id)
    telling = [w for w in dict.fromkeys(words(text)) if len(w) > 2 and w not in COMMON]
    if not telling:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    counted = _counts(session, kind, telling[:MAX_TERMS], postgres)
    if not counted:
        return []
    kept = [w for w, n in counted if n < SIMILAR_CAP]
    if kept:  # any of the telling words, the rarer the more
        query = Query((tuple(Term((w,)) for w in kept),))
        counts = dict(counted)
        weights = [math.log(1 + SIMILAR_CAP / max(counts[w], 1)) for w in kept]
        rank = sql.weighted_rank(weights) if postgres else None
    else:  # only words most rows hold: alike means holding all of them
        kept = []
        query = Query(tuple((Term((w,)),) for w, _ in counted))
        rank = None
    base = sql.hits_cte(
        scope, EVERYTHING, postgres=postgres, now=now or utcnow(), only=(kind,), rank=rank
    )
    base.params["match"] = in_syntax(query, postgres=postgres)
    if postgres:
        base.params |= {f"w{i}": tsquery(one_word(w)) for i, w in enumerate(kept)}
    page = sql.page_statement(base, EVERYTHING, by_date=False, limit=limit, offset=0)
    rows: Sequence[Any] = session.execute(page.clause(), page.params).all()
    return _hits(session, rows, query, postgres)


def _counts(
    session: Session, kind: Kind, telling: list[str], postgres: bool
) -> list[tuple[str, int]]:
    """Each word with how many rows of ``kind`` hold it (up to SIMILAR_CAP), rarest
    first; words no row holds are left out."""
    lexemes = [in_syntax(one_word(w), postgres=postgres) for w in telling]
    statement = sql.document_counts(kind, lexemes, postgres=postgres, cap=SIMILAR_CAP)
    counts = {int(i): int(n) for i, n in session.execute(statement.clause(), statement.params)}
    found = [(w, counts.get(i, 0)) for i, w in enumerate(telling) if counts.get(i, 0)]
    return sorted(found, key=lambda item: item[1])


def _facets(rows: list[Any]) -> tuple[dict[str, list[FacetValue]], int]:
    facets: dict[str, list[FacetValue]] = defaultdict(list)
    total = 0
    for facet, value, label, count in rows:
        if facet == "total":
            total = int(count)
        else:
            facets[facet].append(FacetValue(str(value), label, int(count)))
    for values in facets.values():
        values.sort(key=lambda v: (-v.count, v.label or v.value))
    return dict(facets), total


def _hits(session: Session, rows: Sequence[Any], query: Query, postgres: bool) -> list[Hit]:
    if not rows:
        return []
    ids: dict[Kind, list[int]] = defaultdict(list)
    for row in rows:
        ids[Kind(row[0])].append(int(row[1]))
    details = sql.details_statement(ids, postgres=postgres)
    texts = {
        (Kind(kind), int(i)): (title or "", _with_links(body, links), refs)
        for kind, i, title, body, links, *refs in session.execute(details.clause(), details.params)
    }
    question_ids = sorted({int(r[4]) for r in rows if r[4] is not None})
    paths: dict[int, list[str]] = defaultdict(list)
    if question_ids:
        for start, title, _depth in session.execute(sql.PATHS, {"ids": question_ids}):
            paths[int(start)].append(title)
    hits = []
    for kind_value, i, at, author, qid, root, status, fkind, mid, mname, rid, rname, *_ in rows:
        kind = Kind(kind_value)
        title, body, refs = texts.get((kind, int(i)), ("", "", [None, None, None]))
        shown = _title(kind, title, refs)
        hits.append(
            Hit(
                kind=kind,
                id=int(i),
                title=shown,
                snippet=snippet(body, query),
                title_marks=snippet(shown, query, size=TITLE_WORDS),
                author=author,
                at=aware(at),
                path=tuple(paths.get(int(qid), ())) if qid is not None else (),
                status=status,
                finding_kind=fkind,
                link=_link(kind, int(i), qid, root, refs, mid, rid),
                where=f"{mname} & {rname}" if mname and rname else "",
            )
        )
    return hits


def _with_links(body: str | None, links: str | None) -> str:
    """A body and its evidence links (a JSON list), as one text to cut a snippet from."""
    listed = json.loads(links) if links else []
    return " ".join([body or "", *(str(link) for link in listed)]).strip()


def _title(kind: Kind, title: str, refs: list[Any]) -> str:
    finding, review, version = refs
    if kind == Kind.ANSWER:
        return f"Answer, version {version}"
    if kind == Kind.NOTE:
        on = "an answer" if version else "a question"
        return f"Note on {'a finding' if finding else 'a review request' if review else on}"
    if kind == Kind.REVIEW:
        return f"Review request: {title}"
    if kind == Kind.ONE_ON_ONE:
        return f"One-on-one of {title}"
    if kind == Kind.TRACK:
        return f"Track “{title}”"
    return title


def _link(
    kind: Kind,
    hit_id: int,
    qid: int | None,
    root: int | None,
    refs: list[Any],
    manager_id: int | None,
    report_id: int | None,
) -> Link:
    finding, review, version = refs
    if review is not None:
        return Link("reviews", (("review", str(review)),))
    if manager_id is not None and report_id is not None:
        return Link("one_on_ones", (("report", str(report_id)), ("manager", str(manager_id))))
    place: list[tuple[str, str]] = []
    if root is not None:
        place.append(("root", str(root)))
        if qid is not None and qid != root:
            place.append(("node", str(qid)))
    if version is not None:
        return Link("answers", (*place, ("version", str(version))))
    if finding is not None:
        return Link("questions", (*place, ("finding", str(finding))))
    return Link("questions", tuple(place))
