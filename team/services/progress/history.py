"""History for the Progress page: answer progress per general question over time,
reconstructed from the Event log in SQL, and deadline health today.

Every function returns a pandas DataFrame that is already aggregated (one row per
general question and week, never one per event) and runs a fixed number of queries,
whatever the size of the history. Answer progress reads the history of a few general
questions only (roots.py says which), so its cost does not grow with their
number. The SQL is portable between SQLite and PostgreSQL: a *calendar* of week ends is
a small ``UNION ALL`` of bound timestamps, joined to status intervals built with the
``LEAD`` window function, and ancestry comes from a recursive CTE.

Weeks are rolling: the last week ends *now*, each earlier one seven days before.
The calendar and frame helpers here are shared with people.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import (
    CTE,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, Event, Question, utcnow
from team.services.progress.roots import PANELS, drawn, root_ids
from team.services.questions.portfolio import coverage_by_root
from team.vocabulary import QuestionStatus

WEEKS = 12
AT_RISK_MARGIN = 0.10  # coverage this far behind the expected pace is "at risk"
CONFIDENCE_LEVEL = {"low": 1, "medium": 2, "high": 3}
TIMESTAMP = DateTime(timezone=True)


@dataclass(frozen=True)
class Calendar:
    """Week ends (oldest first) and the CTE (week, week_start, week_end) built from them."""

    ends: list[datetime]
    cte: CTE

    def week_end(self, frame: pd.DataFrame) -> pd.Series[Any]:
        """The week end of each row, from its ``week`` number (exact, tz-aware)."""
        return frame["week"].map(dict(enumerate(self.ends)))


def calendar(now: datetime, weeks: int, name: str = "calendar") -> Calendar:
    """``weeks`` rolling weeks ending at ``now``, as a portable SQL table."""
    ends = [now - timedelta(weeks=i) for i in reversed(range(weeks))]
    rows = [
        select(
            literal_column(str(i), Integer).label("week"),
            literal(end - timedelta(weeks=1), TIMESTAMP).label("week_start"),
            literal(end, TIMESTAMP).label("week_end"),
        )
        for i, end in enumerate(ends)
    ]
    return Calendar(ends, union_all(*rows).cte(name))


def utc(series: pd.Series[Any]) -> pd.Series[Any]:
    """Timestamps from either database as tz-aware UTC."""
    return pd.to_datetime(series, utc=True)


def frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


# --------------------------------------------------------------------------- coverage


def _status_intervals(roots: Select[Any]) -> CTE:
    """(qid, status, since, until): each status a question of these trees held, from the
    created event (status open) and each status event; ``until`` is the next change."""
    in_trees = select(col(Question.id)).where(col(Question.root_id).in_(roots))
    question = and_(col(Event.entity) == "question", col(Event.entity_id).in_(in_trees))
    changes = union_all(
        select(
            col(Event.entity_id).label("qid"),
            col(Event.at).label("at"),
            col(Event.id).label("seq"),
            col(Event.new_value).label("status"),
        ).where(question, col(Event.action) == "updated", col(Event.field) == "status"),
        select(
            col(Event.entity_id), col(Event.at), col(Event.id), literal_column("'open'", String)
        ).where(question, col(Event.action) == "created"),
    ).subquery("changes")
    following = func.lead(changes.c.at).over(
        partition_by=changes.c.qid, order_by=(changes.c.at, changes.c.seq)
    )
    return select(
        changes.c.qid,
        changes.c.status,
        changes.c.at.label("since"),
        following.label("until"),
    ).cte("intervals")


def _ancestry(roots: Select[Any]) -> CTE:
    """(node, ancestor) for every node of these trees and each of its ancestors. UNION:
    a pair already found is not walked again (rows that loop end the walk)."""
    base = (
        select(col(Question.id).label("node"), col(Question.parent_id).label("ancestor"))
        .where(col(Question.parent_id).is_not(None), col(Question.root_id).in_(roots))
        .cte("ancestry", recursive=True)
    )
    up = aliased(Question)
    return base.union(
        select(base.c.node, col(up.parent_id))
        .join(up, col(up.id) == base.c.ancestor)
        .where(col(up.parent_id).is_not(None))
    )


def coverage_weeks(session: Session, roots: Select[Any], cal: Calendar) -> pd.DataFrame:
    """(root_id, week, scope, answered) per tree and calendar week; see answer_progress."""
    spans = _status_intervals(roots)
    c = cal.cte
    state = (
        select(
            c.c.week,
            col(Question.id).label("qid"),
            col(Question.root_id).label("root_id"),
            col(Question.parent_id).label("parent_id"),
            spans.c.status,
        )
        .select_from(Question)
        .join(spans, spans.c.qid == col(Question.id))
        .join(
            c,
            and_(
                spans.c.since <= c.c.week_end,
                or_(spans.c.until.is_(None), spans.c.until > c.c.week_end),
            ),
        )
        .cte("state")
    )
    ancestry, above = _ancestry(roots), state.alias("above")
    dropped_above = exists().where(
        ancestry.c.node == state.c.qid,
        above.c.qid == ancestry.c.ancestor,
        above.c.week == state.c.week,
        above.c.status == QuestionStatus.DROPPED.value,
    )
    scoped = (
        select(state).where(state.c.status != QuestionStatus.DROPPED.value, ~dropped_above)
    ).cte("scoped")
    child = scoped.alias("child")
    is_leaf = ~exists().where(child.c.parent_id == scoped.c.qid, child.c.week == scoped.c.week)
    answered = case((scoped.c.status == QuestionStatus.ANSWERED.value, 1), else_=0)
    query = (
        select(scoped.c.root_id, scoped.c.week, func.count(), func.sum(answered))
        .where(is_leaf)
        .group_by(scoped.c.root_id, scoped.c.week)
    )
    return frame(session.execute(query), ["root_id", "week", "scope", "answered"]).astype(
        {"scope": int, "answered": int}
    )


def confidence_weeks(session: Session, roots: Select[Any], cal: Calendar) -> pd.DataFrame:
    """(root_id, week, confidence, state) of each root's newest answer version by then."""
    c = cal.cte
    newest = func.row_number().over(
        partition_by=(col(Answer.question_id), c.c.week), order_by=col(Answer.number).desc()
    )
    ranked = (
        select(
            col(Answer.question_id).label("root_id"),
            c.c.week,
            col(Answer.confidence).label("confidence"),
            col(Answer.state).label("answer_state"),
            newest.label("rn"),
        )
        .select_from(Answer)
        .join(c, col(Answer.created_at) <= c.c.week_end)
        .where(col(Answer.question_id).in_(roots))
        .subquery()
    )
    query = select(
        ranked.c.root_id, ranked.c.week, ranked.c.confidence, ranked.c.answer_state
    ).where(ranked.c.rn == 1)
    return frame(session.execute(query), ["root_id", "week", "confidence", "answer_state"])


def _titles(session: Session, roots: Select[Any]) -> pd.DataFrame:
    query = select(
        col(Question.id),
        col(Question.title),
        col(Question.status),
        col(Question.due_date),
        col(Question.created_at),
    ).where(col(Question.id).in_(roots))
    return frame(session.execute(query), ["root_id", "title", "status", "due_date", "created_at"])


PROGRESS_COLUMNS = [
    "root_id",
    "title",
    "week_end",
    "scope",
    "answered",
    "coverage",
    "confidence",
    "confidence_level",
]


def answer_progress(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    chosen: Sequence[int] = (),
    limit: int = PANELS,
    weeks: int = WEEKS,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Per general question and week end: leaf questions in scope, answered leaves and the
    root's own answer confidence at that moment (columns ``PROGRESS_COLUMNS``), for the
    ``chosen`` general questions that match the filters or, none chosen, the ``limit``
    most urgent that match (roots.drawn).

    State at a week end comes from the Event log: a question exists from its ``created``
    event and holds the status of its latest ``status`` event at or before that time
    (``open`` before the first one). Approximation: the tree's *shape* is today's (moves
    are not replayed; a question counts in the tree it belongs to now). Within that
    shape, as in rollup.py, a node is in scope unless it or an ancestor was dropped at
    that time, and a *leaf* is an in-scope node with no in-scope child existing by then;
    so splitting a leaf grows the scope, dropping one shrinks it. ``confidence`` is the
    newest answer version of the root created by then (None before the first one).
    """
    now = now or utcnow()
    roots = drawn(project_id, person_id, chosen, limit)
    cal = calendar(now, weeks)
    counts = coverage_weeks(session, roots, cal)
    confidence = confidence_weeks(session, roots, cal)  # read even when empty: queries stay fixed
    titles = _titles(session, roots)[["root_id", "title"]]
    if counts.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    merged = counts.merge(confidence, on=["root_id", "week"], how="left").merge(
        titles, on="root_id"
    )
    merged["week_end"] = utc(cal.week_end(merged))
    merged["coverage"] = merged["answered"] / merged["scope"]
    merged["confidence"] = (
        merged["confidence"].astype(object).where(merged["confidence"].notna(), None)
    )
    merged["confidence_level"] = merged["confidence"].map(CONFIDENCE_LEVEL)
    ordered = merged.sort_values(["title", "week_end"]).reset_index(drop=True)
    return ordered[PROGRESS_COLUMNS]


# --------------------------------------------------------------------------- deadlines


def _coverage_now(session: Session, roots: Select[Any]) -> pd.DataFrame:
    """(root_id, scope, answered) of each tree today: the leaves in scope, as Overview
    counts them (questions/portfolio.py)."""
    counts = coverage_by_root(session, roots)
    return pd.DataFrame(
        [(r, n, done) for r, (n, done) in counts.items()], columns=["root_id", "scope", "answered"]
    )


HEALTH_COLUMNS = [
    "root_id",
    "title",
    "due_date",
    "days_left",
    "scope",
    "answered",
    "coverage",
    "expected",
    "gap",
    "at_risk",
]


def deadline_health(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    margin: float = AT_RISK_MARGIN,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Per unfinished general question with a due date: coverage today against the
    expected pace (columns ``HEALTH_COLUMNS``).

    ``expected`` = share of the time from the question's creation to the end of its due
    date that has passed (0 to 1, linear); ``coverage`` = answered leaves / leaves in
    scope now (rollup.py's rule on today's statuses, as the Overview shows it); ``gap`` =
    expected - coverage; ``at_risk`` when the gap exceeds ``margin``. A tree with no
    leaf in scope has coverage 0.
    """
    now = now or utcnow()
    roots = root_ids(project_id, person_id).where(
        col(Question.due_date).is_not(None), col(Question.status).in_(QuestionStatus.still_open())
    )
    titles = _titles(session, roots)
    counts = _coverage_now(session, roots)  # read even when empty: queries stay fixed
    if titles.empty:
        return pd.DataFrame(columns=HEALTH_COLUMNS)
    health = titles.merge(counts, on="root_id", how="left").fillna({"scope": 0, "answered": 0})
    health[["scope", "answered"]] = health[["scope", "answered"]].astype(int)
    start = utc(health["created_at"])
    due = utc(health["due_date"].map(lambda d: datetime.combine(d, time.max, tzinfo=UTC)))
    span = (due - start).dt.total_seconds().clip(lower=1.0)
    health["expected"] = ((pd.Timestamp(now) - start).dt.total_seconds() / span).clip(0.0, 1.0)
    health["coverage"] = (health["answered"] / health["scope"].where(health["scope"] > 0)).fillna(
        0.0
    )
    health["gap"] = health["expected"] - health["coverage"]
    health["at_risk"] = health["gap"] > margin
    today = now.date()
    health["days_left"] = health["due_date"].map(lambda d: (d - today).days)
    ordered = health.sort_values(["at_risk", "gap"], ascending=[False, False])
    return ordered.reset_index(drop=True)[HEALTH_COLUMNS]
