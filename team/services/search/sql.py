"""The search as SQL: one branch per kind over that kind's index, the branches a person
may not see left out or narrowed (the permission is part of the match, so no count or
facet can see past it), then filters, facets and one page of hits.

Each searched table has its index beside it in ``<table>_fts`` (migration 0004): SQLite
matches through FTS5 (``MATCH``, ranked by ``bm25``), PostgreSQL through a tsvector
column with a GIN index (``@@``, ranked by ``ts_rank``). The rest is the same SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, TextClause, bindparam, text

from team.services.core.sql_time import TIMESTAMP
from team.services.search.kinds import NO_ID, NO_TEXT, SOURCES, Kind, Source

_STAMP = "TIMESTAMP WITH TIME ZONE"
RECENT_BOOST = 0.25  # at most a quarter more rank for what was written today
RECENT_DAYS = 30.0  # ... halved for what is a month old


@dataclass(frozen=True)
class Scope:
    """Who searches: their id, and whether they are a viewer."""

    person_id: int
    viewer: bool


@dataclass(frozen=True)
class Filters:
    """What a person narrowed the search to; an empty tuple narrows nothing."""

    kinds: tuple[Kind, ...] = ()
    projects: tuple[int, ...] = ()
    people: tuple[int, ...] = ()
    techniques: tuple[str, ...] = ()
    finding_kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # "kind:status"
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    older_versions: bool = False  # answers: every version, not only the latest


FACETS = ("kind", "project", "person", "technique", "finding_kind", "status")


@dataclass
class Statement:
    """SQL text and its parameters, built up piece by piece."""

    sql: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    expanding: set[str] = field(default_factory=set)
    stamps: set[str] = field(default_factory=set)
    # facet rows counted apart from the hits (kinds a kind filter left out of them)
    facet_rows: list[str] = field(default_factory=list)

    def clause(self) -> TextClause:
        binds: list[BindParameter[Any]] = [bindparam(n, expanding=True) for n in self.expanding]
        binds += [bindparam(n, type_=TIMESTAMP) for n in self.stamps]
        return text(self.sql).bindparams(*binds)


def _branch(
    source: Source, scope: Scope, filters: Filters, postgres: bool, rank: str | None = None
) -> str | None:
    """The rows of one kind that match, as the person may see them; None when they may
    see none of this kind."""
    conditions: list[str] = ["1 = 1"]
    if scope.viewer:
        if source.viewers is None:
            return None
        conditions.append(source.viewers)
    if source.pair is not None:
        if scope.viewer:
            return None
        manager, report = source.pair
        conditions.append(f"(:me IN ({manager}, {report}))")
    if source.current and not filters.older_versions:
        conditions.append(source.current)
    manager, report = source.pair or (NO_ID, NO_ID)
    if postgres:
        rank = rank or "ts_rank(m.search, to_tsquery('simple', :match), 1)"
        # The match on its own (OFFSET 0 keeps the planner from folding it into the
        # joins): always read through the GIN index. Folded in, PostgreSQL read a rare
        # word's notes by a parallel scan of the whole table (36 ms at L, not 2).
        frm = (
            f"(SELECT id, search FROM {source.table}_fts "
            "WHERE search @@ to_tsquery('simple', :match) OFFSET 0) m "
            f"JOIN {source.table} x ON x.id = m.id"
        )
    else:
        fts = f"{source.table}_fts"
        weights = ", ".join(str(w) for w in source.weights)
        rank = rank or f"-bm25({fts}, {weights})"
        frm = f"{fts} JOIN {source.table} x ON x.id = {fts}.rowid"
        conditions.insert(0, f"{fts} MATCH :match")
    return (
        f"SELECT '{source.kind.value}' AS kind, x.id AS id, {rank} AS rel, "
        f"{source.at} AS at, {source.person} AS person_id, {source.question} AS question_id, "
        f"{source.status} AS status, {source.finding_kind} AS finding_kind, "
        f"{manager} AS manager_id, {report} AS report_id "
        f"FROM {frm} {source.joins} WHERE {' AND '.join(conditions)}"
    )


def hits_cte(
    scope: Scope,
    filters: Filters,
    *,
    postgres: bool,
    now: datetime,
    only: tuple[Kind, ...] = (),
    rank: str | None = None,
) -> Statement:
    """``WITH hits AS (...)``: every match the person may see, with its rank (a mild
    boost for recent ones), its place (question, general question, project) and the
    fields the filters read. The filters apply afterwards, so each facet can count what
    the other filters leave. ``only`` leaves out every other kind's branch; ``rank``
    replaces the index's own rank (SQL over ``x``).

    When a search is narrowed by kind alone, the other kinds are only counted (for the
    kind facet), not ranked, placed and kept: a search of findings does not pay for
    every note that holds the words."""
    by_kind_alone = filters.kinds and filters == Filters(
        kinds=filters.kinds, older_versions=filters.older_versions
    )
    if by_kind_alone and not only:
        only = filters.kinds
        facet_rows = [
            f"{_NO_HIT}'kind', '{source.kind.value}', NULL, count(*) FROM ({sql}) b "
            "HAVING count(*) > 0"
            for source in SOURCES
            if source.kind not in only
            if (sql := _branch(source, scope, filters, postgres, rank)) is not None
        ]
    else:
        facet_rows = []
    branches = [
        sql
        for source in SOURCES
        if not only or source.kind in only
        if (sql := _branch(source, scope, filters, postgres, rank)) is not None
    ]
    age = (
        # date_part, a double: EXTRACT returns numeric, a quarter of the CTE's time at L
        "(date_part('epoch', :now - u.at) / 86400.0)"
        if postgres
        else "(julianday(:now) - julianday(u.at))"
    )
    score = f"u.rel * (1.0 + {RECENT_BOOST} / (1.0 + MAX({age}, 0) / {RECENT_DAYS}))"
    if postgres:
        score = score.replace("MAX(", "GREATEST(")
    union = " UNION ALL ".join(branches) or (
        f"SELECT '' AS kind, 0 AS id, 0.0 AS rel, CAST(NULL AS {_STAMP}) AS at, "
        f"{NO_ID} AS person_id, {NO_ID} AS question_id, {NO_TEXT} AS status, "
        f"{NO_TEXT} AS finding_kind, {NO_ID} AS manager_id, {NO_ID} AS report_id WHERE 1 = 0"
    )
    sql = (
        "WITH hits AS MATERIALIZED (SELECT u.kind, u.id, "
        f"{score} AS score, u.at, u.person_id, u.question_id, u.status, u.finding_kind, "
        "u.manager_id, u.report_id, q.root_id, q.project_id, q.technique "
        f"FROM ({union}) u LEFT JOIN question q ON q.id = u.question_id) "
    )
    params = {"me": scope.person_id, "now": now}
    return Statement(sql, params, stamps={"now"}, facet_rows=facet_rows)


def _conditions(filters: Filters, leave_out: str = "") -> tuple[list[str], dict[str, Any]]:
    """The filters as conditions on ``h`` (the hits), all but the facet ``leave_out``."""
    wanted: list[tuple[str, str, tuple[Any, ...]]] = [
        ("kind", "h.kind IN :f_kind", tuple(k.value for k in filters.kinds)),
        ("project", "h.project_id IN :f_project", filters.projects),
        ("person", "h.person_id IN :f_person", filters.people),
        ("technique", "h.technique IN :f_technique", filters.techniques),
        ("finding_kind", "h.finding_kind IN :f_finding_kind", filters.finding_kinds),
        ("status", "(h.kind || ':' || h.status) IN :f_status", filters.statuses),
    ]
    conditions = ["1 = 1"]
    params: dict[str, Any] = {}
    for facet, condition, values in wanted:
        if values and facet != leave_out:
            conditions.append(condition)
            params[f"f_{facet}"] = list(values)
    if filters.since is not None:
        conditions.append("h.at >= :f_since")
        params["f_since"] = filters.since
    if filters.until is not None:
        conditions.append("h.at < :f_until")
        params["f_until"] = filters.until
    return conditions, params


def _with_filters(statement: Statement, sql: str, filters: Filters, leave_out: str = "") -> str:
    conditions, params = _conditions(filters, leave_out)
    statement.params.update(params)
    statement.expanding |= {n for n in params if n not in ("f_since", "f_until")}
    statement.stamps |= {n for n in params if n in ("f_since", "f_until")}
    return sql.replace("{where}", " AND ".join(conditions))


_FACET_SQL = {
    "kind": "'kind' AS facet, h.kind AS value, NULL AS label, count(*) AS n "
    "FROM hits h WHERE {where} GROUP BY h.kind",
    "project": "'project', CAST(h.project_id AS VARCHAR(20)), MIN(pj.name), count(*) "
    "FROM hits h JOIN project pj ON pj.id = h.project_id WHERE {where} GROUP BY h.project_id",
    "person": "'person', CAST(h.person_id AS VARCHAR(20)), MIN(p.name), count(*) "
    "FROM hits h JOIN person p ON p.id = h.person_id WHERE {where} GROUP BY h.person_id",
    "technique": "'technique', h.technique, NULL, count(*) FROM hits h "
    "WHERE {where} AND h.technique IS NOT NULL GROUP BY h.technique",
    "finding_kind": "'finding_kind', h.finding_kind, NULL, count(*) FROM hits h "
    "WHERE {where} AND h.finding_kind IS NOT NULL GROUP BY h.finding_kind",
    "status": "'status', h.kind || ':' || h.status, NULL, count(*) FROM hits h "
    "WHERE {where} AND h.status IS NOT NULL GROUP BY h.kind || ':' || h.status",
}


# A hit row: its kind, id, time, author's name, question, general question, status,
# finding kind, a one-on-one's two people with their names, and its score.
HIT_COLUMNS = 13
# The page is cut from the hits first and only its rows get their people's names (named
# before the cut, every match was joined three times and sorted with the names along).
_PAGE_SQL = (
    "SELECT h.kind, h.id, h.at, p.name, h.question_id, h.root_id, h.status, "
    "h.finding_kind, h.manager_id, pm.name, h.report_id, pr.name, h.score{facet_columns} "
    "FROM (SELECT * FROM hits h WHERE {where} ORDER BY {order}, h.kind, h.id "
    "LIMIT :limit OFFSET :offset) h "
    "LEFT JOIN person p ON p.id = h.person_id "
    "LEFT JOIN person pm ON pm.id = h.manager_id "
    "LEFT JOIN person pr ON pr.id = h.report_id "
    "ORDER BY {order}, h.kind, h.id"
)
# A facet row: NULL in the hit columns, then the facet, a value, its label and count.
_NO_HIT = "SELECT " + ", ".join(["NULL"] * HIT_COLUMNS) + ", "
_TYPED_NO_FACET = (
    ", CAST(NULL AS VARCHAR(20)) AS facet, CAST(NULL AS VARCHAR(300)) AS value, "
    "CAST(NULL AS VARCHAR(300)) AS label, CAST(NULL AS BIGINT) AS n"
)


def _order(by_date: bool) -> str:
    return "h.at DESC, h.score DESC" if by_date else "h.score DESC, h.at DESC"


def _copy(base: Statement) -> Statement:
    return Statement(
        base.sql, dict(base.params), set(base.expanding), set(base.stamps), list(base.facet_rows)
    )


def page_statement(
    base: Statement, filters: Filters, *, by_date: bool, limit: int, offset: int
) -> Statement:
    """One page of the hits the filters leave, best (or newest) first, with the names
    of who wrote each and of a one-on-one's two people (HIT_COLUMNS columns)."""
    statement = _copy(base)
    page = _PAGE_SQL.replace("{facet_columns}", "").replace("{order}", _order(by_date))
    statement.sql += _with_filters(statement, page, filters)
    statement.params |= {"limit": limit, "offset": offset}
    return statement


def search_statement(
    base: Statement, filters: Filters, *, by_date: bool, limit: int, offset: int
) -> Statement:
    """One page of hits (as :func:`page_statement`, then four NULL columns) and the
    facets (NULL in the hit columns, then facet, value, label, count): per facet, the
    count of each value among the hits the other filters leave, and the total the
    filters leave (facet ``total``). One statement, so the matches are read once. The
    hits come first but in no promised order: sort them by their score or time."""
    statement = _copy(base)
    page = _PAGE_SQL.replace("{facet_columns}", _TYPED_NO_FACET).replace("{order}", _order(by_date))
    parts = [f"SELECT * FROM ({_with_filters(statement, page, filters)}) page"]
    for facet in FACETS:
        parts.append(_NO_HIT + _with_filters(statement, _FACET_SQL[facet], filters, facet))
    total = "'total', '', NULL, count(*) FROM hits h WHERE {where}"
    parts.append(_NO_HIT + _with_filters(statement, total, filters))
    parts += statement.facet_rows
    statement.sql += " UNION ALL ".join(parts)
    statement.params |= {"limit": limit, "offset": offset}
    return statement


def details_statement(ids: dict[Kind, list[int]], *, postgres: bool) -> Statement:
    """The title, text and link references of the hits of one page, every kind in one
    statement."""
    statement = Statement()
    branches = []
    for source in SOURCES:
        if not ids.get(source.kind):
            continue
        name = f"ids_{source.kind.value}"
        branches.append(
            f"SELECT '{source.kind.value}' AS kind, x.id AS id, "
            f"CAST({source.title} AS TEXT) AS title, CAST({source.text} AS TEXT) AS body, "
            f"CAST({source.links} AS TEXT) AS links, "
            f"{source.finding_ref} AS finding_ref, {source.review_ref} AS review_ref, "
            f"{source.version_ref} AS version_ref "
            f"FROM {source.table} x {source.joins} WHERE x.id IN :{name}"
        )
        statement.params[name] = ids[source.kind]
        statement.expanding.add(name)
    statement.sql = " UNION ALL ".join(branches)
    return statement


def document_counts(kind: Kind, lexemes: list[str], *, postgres: bool, cap: int) -> Statement:
    """How many rows of ``kind`` hold each of ``lexemes`` (each one word in the index's
    query syntax), counted up to ``cap``: one statement, each count a bounded read."""
    source = next(s for s in SOURCES if s.kind == kind)
    statement = Statement()
    parts = []
    for i, lexeme in enumerate(lexemes):
        if postgres:
            match = f"SELECT 1 FROM {source.table}_fts WHERE search @@ to_tsquery('simple', :w{i})"
        else:
            match = f"SELECT 1 FROM {source.table}_fts WHERE {source.table}_fts MATCH :w{i}"
        parts.append(f"SELECT {i} AS word, count(*) AS n FROM ({match} LIMIT {cap}) w{i}")
        statement.params[f"w{i}"] = lexeme
    statement.sql = " UNION ALL ".join(parts)
    return statement


def weighted_rank(weights: list[float]) -> str:
    """A rank summing the weight of each word (``:w0``, ``:w1``...) a row holds, so the
    rarer words weigh more: PostgreSQL's ``ts_rank`` does not weigh words by rarity
    (SQLite's ``bm25`` does)."""
    held = [
        f"CASE WHEN m.search @@ to_tsquery('simple', :w{i}) THEN {w:.6f} ELSE 0 END"
        for i, w in enumerate(weights)
    ]
    return "(" + " + ".join(held) + ")"


PATHS = text(
    "WITH RECURSIVE up(start_id, id, parent_id, title, depth) AS ("
    " SELECT q.id, q.id, q.parent_id, q.title, 0 FROM question q WHERE q.id IN :ids"
    " UNION ALL"
    " SELECT up.start_id, q.id, q.parent_id, q.title, up.depth + 1"
    " FROM question q JOIN up ON q.id = up.parent_id WHERE up.depth < 64"
    ") SELECT start_id, title, depth FROM up ORDER BY start_id, depth DESC"
).bindparams(bindparam("ids", expanding=True))
