"""History for the Progress page about people and their work: findings per week, review
turnaround, open review age, workload, technique breadth and stale questions.

Like history.py: each function is a fixed number of SQL queries (GROUP BY, window
functions, a calendar join) on SQLite and PostgreSQL and returns an aggregated
DataFrame. Filters: ``project_id`` (the question's project) and ``person_id``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Integer,
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

from team.models import Finding, Person, Project, Question, ReviewRequest, utcnow
from team.services.core.due import overdue
from team.services.core.sql_time import at, hours_between, whole_weeks
from team.services.progress.history import WEEKS, calendar, frame, utc
from team.services.questions.rules import assigned_at, is_stale, last_evidence, quiet_days
from team.vocabulary import FindingStatus, QuestionStatus, ReviewStatus, Role

AGE_BUCKETS = ("under 1 day", "1-3 days", "3-7 days", "over a week")


def _in_project(question_id: Any, project_id: int | None) -> ColumnElement[bool]:
    if project_id is None:
        return literal(True)
    in_it = select(col(Question.id)).where(col(Question.project_id) == project_id)
    return cast(ColumnElement[bool], question_id.in_(in_it))


# --------------------------------------------------------------------------- findings


def findings_per_week(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    weeks: int = WEEKS,
    now: datetime | None = None,
) -> pd.DataFrame:
    """(week_end, person_id, person, kind, findings): findings logged per rolling week by
    author and kind; withdrawn findings do not count. Weeks without any are absent. The
    week of a finding is counted from its age (whole weeks before ``now``), so only the
    findings of the window are read, each once."""
    now = now or utcnow()
    cal = calendar(now, weeks)
    age = whole_weeks(session, hours_between(session, col(Finding.created_at), at(now)))
    week = (weeks - 1 - age).label("week")
    query = (
        select(week, col(Person.id), col(Person.name), col(Finding.kind), func.count())
        .select_from(Finding)
        .join(Person, col(Person.id) == col(Finding.author_id))
        .where(
            col(Finding.created_at) > at(now - timedelta(weeks=weeks)),
            col(Finding.created_at) <= at(now),
            col(Finding.status).in_(FindingStatus.evidence()),
            _in_project(col(Finding.question_id), project_id),
        )
        .group_by(week, col(Person.id), col(Person.name), col(Finding.kind))
    )
    if person_id is not None:
        query = query.where(col(Finding.author_id) == person_id)
    found = frame(session.execute(query), ["week", "person_id", "person", "kind", "findings"])
    found["week_end"] = utc(cal.week_end(found))
    found["findings"] = found["findings"].astype(int)
    columns = ["week_end", "person_id", "person", "kind", "findings"]
    return found.sort_values(["week_end", "person", "kind"]).reset_index(drop=True)[columns]


# --------------------------------------------------------------------------- reviews


def _review_filter(project_id: int | None, person_id: int | None) -> ColumnElement[bool]:
    who: ColumnElement[bool] = literal(True)
    if person_id is not None:
        who = or_(
            col(ReviewRequest.requester_id) == person_id,
            col(ReviewRequest.reviewer_id) == person_id,
        )
    return and_(_in_project(col(ReviewRequest.question_id), project_id), who)


def review_turnaround(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    weeks: int = WEEKS,
    now: datetime | None = None,
) -> pd.DataFrame:
    """(week_end, measure, median_hours, reviews): per rolling week, the median hours from
    request to first response (over reviews first answered that week) and to resolution
    (over reviews approved that week; withdrawn ones are not a resolution). ``person_id``
    keeps reviews they requested or reviewed. The median is computed in SQL with
    ROW_NUMBER and COUNT windows (the middle row, or the mean of the middle two); the
    week of a response is counted from its age, as in findings_per_week."""
    now = now or utcnow()
    cal = calendar(now, weeks)
    rr, keep = ReviewRequest, _review_filter(project_id, person_id)

    def within(stamp: Any) -> list[ColumnElement[bool]]:
        return [stamp > at(now - timedelta(weeks=weeks)), stamp <= at(now), keep]

    def week(stamp: Any) -> ColumnElement[Any]:
        return weeks - 1 - whole_weeks(session, hours_between(session, stamp, at(now)))

    first, resolved, asked = col(rr.first_response_at), col(rr.resolved_at), col(rr.requested_at)
    spans = union_all(
        select(
            week(first).label("week"),
            literal_column("'first response'").label("measure"),
            hours_between(session, asked, first).label("hours"),
        ).where(*within(first)),
        select(
            week(resolved), literal_column("'resolution'"), hours_between(session, asked, resolved)
        ).where(*within(resolved), col(rr.status) == ReviewStatus.APPROVED),
    ).subquery("spans")
    group = (spans.c.week, spans.c.measure)
    ranked = select(
        spans.c.week,
        spans.c.measure,
        spans.c.hours,
        func.row_number().over(partition_by=group, order_by=spans.c.hours).label("rn"),
        func.count().over(partition_by=group).label("n"),
    ).subquery("ranked")
    query = (
        select(ranked.c.week, ranked.c.measure, func.avg(ranked.c.hours), func.max(ranked.c.n))
        .where(ranked.c.rn * 2 >= ranked.c.n, ranked.c.rn * 2 <= ranked.c.n + 2)
        .group_by(ranked.c.week, ranked.c.measure)
    )
    found = frame(session.execute(query), ["week", "measure", "median_hours", "reviews"])
    found["week_end"] = utc(cal.week_end(found))
    found = found.astype({"median_hours": float, "reviews": int})
    columns = ["week_end", "measure", "median_hours", "reviews"]
    return found.sort_values(["week_end", "measure"]).reset_index(drop=True)[columns]


def open_review_age(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """(reviewer, age_bucket, bucket_order, reviews, oldest_days): reviews still open
    (open, in review, changes requested) per reviewer and age since the request."""
    rr = ReviewRequest
    age = hours_between(session, col(rr.requested_at), at(now or utcnow()))
    bucket = case((age < 24, 0), (age < 72, 1), (age < 168, 2), else_=3)
    query = (
        select(col(Person.name), bucket, func.count(), func.max(age) / 24.0)
        .select_from(rr)
        .join(Person, col(Person.id) == col(rr.reviewer_id))
        .where(col(rr.status).in_(ReviewStatus.still_open()), _review_filter(project_id, person_id))
        .group_by(col(Person.name), bucket)
    )
    found = frame(session.execute(query), ["reviewer", "bucket_order", "reviews", "oldest_days"])
    found = found.astype({"bucket_order": int, "reviews": int, "oldest_days": float})
    found["age_bucket"] = found["bucket_order"].map(dict(enumerate(AGE_BUCKETS)))
    columns = ["reviewer", "age_bucket", "bucket_order", "reviews", "oldest_days"]
    return found.sort_values(["reviewer", "bucket_order"]).reset_index(drop=True)[columns]


# --------------------------------------------------------------------------- workload


def workload(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """(person_id, person, project, open, overdue): open sub-questions (open, in progress,
    blocked; not general questions) per assignee and project; ``overdue`` counts those
    among them that are overdue (core/due.py: due before today; ``now`` gives the day)."""
    late = overdue(now.date() if now else None)
    query = (
        select(
            col(Person.id),
            col(Person.name),
            col(Project.name),
            func.count(),
            func.sum(case((late, 1), else_=0)),
        )
        .select_from(Question)
        .join(Person, col(Person.id) == col(Question.assignee_id))
        .join(Project, col(Project.id) == col(Question.project_id))
        .where(
            col(Question.parent_id).is_not(None),
            col(Question.status).in_(QuestionStatus.still_open()),
        )
        .group_by(col(Person.id), col(Person.name), col(Project.name))
    )
    if project_id is not None:
        query = query.where(col(Question.project_id) == project_id)
    if person_id is not None:
        query = query.where(col(Question.assignee_id) == person_id)
    found = frame(session.execute(query), ["person_id", "person", "project", "open", "overdue"])
    found = found.astype({"open": int, "overdue": int})
    return found.sort_values(["person", "project"]).reset_index(drop=True)


# --------------------------------------------------------------------------- techniques


def technique_breadth(
    session: Session, *, project_id: int | None = None, person_id: int | None = None
) -> pd.DataFrame:
    """(person_id, person, technique, assigned, findings) for ICs: questions with that
    technique assigned to them (not dropped) and findings they logged (not withdrawn) on
    questions with that technique. Questions without a technique are left out. Findings
    are counted per question and author first, so each is read once, from the index."""
    in_project: ColumnElement[bool] = (
        literal(True) if project_id is None else col(Question.project_id) == project_id
    )
    assigned: Any = (
        select(
            col(Question.assignee_id).label("person_id"),
            col(Question.technique).label("technique"),
            func.count().label("assigned"),
            literal_column("0", Integer).label("findings"),
        )
        .where(
            col(Question.assignee_id).is_not(None),
            col(Question.technique).is_not(None),
            col(Question.status) != QuestionStatus.DROPPED,
            in_project,
        )
        .group_by(col(Question.assignee_id), col(Question.technique))
    )
    per_question = (
        select(col(Finding.question_id), col(Finding.author_id), func.count().label("n"))
        .where(col(Finding.status).in_(FindingStatus.evidence()))
        .group_by(col(Finding.question_id), col(Finding.author_id))
    )
    if person_id is not None:
        assigned = assigned.where(col(Question.assignee_id) == person_id)
        per_question = per_question.where(col(Finding.author_id) == person_id)
    counted = per_question.subquery("counted")
    logged = (
        select(
            counted.c.author_id,
            col(Question.technique),
            literal_column("0", Integer),
            func.sum(counted.c.n),
        )
        .join(Question, col(Question.id) == counted.c.question_id)
        .where(col(Question.technique).is_not(None), in_project)
        .group_by(counted.c.author_id, col(Question.technique))
    )
    both = union_all(assigned, logged).subquery("work")
    query = (
        select(
            col(Person.id),
            col(Person.name),
            both.c.technique,
            func.sum(both.c.assigned),
            func.sum(both.c.findings),
        )
        .join(Person, col(Person.id) == both.c.person_id)
        .where(col(Person.role) == Role.IC)
        .group_by(col(Person.id), col(Person.name), both.c.technique)
    )
    columns = ["person_id", "person", "technique", "assigned", "findings"]
    found = frame(session.execute(query), columns).astype({"assigned": int, "findings": int})
    return found.sort_values(["person", "technique"]).reset_index(drop=True)


# --------------------------------------------------------------------------- staleness

STALE_COLUMNS = [
    "question_id",
    "title",
    "general_question",
    "assignee",
    "last_evidence_at",
    "days_since",
    "stale",
    "open_total",
    "stale_total",
]


def stale_questions(
    session: Session,
    *,
    stale_after_days: int,
    project_id: int | None = None,
    person_id: int | None = None,
    limit: int | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """(question_id, title, general_question, assignee, last_evidence_at, days_since,
    stale, open_total, stale_total) for open leaf questions (open, in progress or
    blocked, no live sub-question), most stale first; ``limit`` keeps the first rows
    only, and every row carries how many open leaves and stale ones there are in all.
    Evidence = the newest finding that is not withdrawn; a question with none counts
    from its creation (``last_evidence_at`` is then empty). ``stale`` when
    ``days_since`` >= ``stale_after_days``. ``person_id`` keeps their assignments."""
    child, root, assignee = aliased(Question), aliased(Question), aliased(Person)
    live_child = exists().where(
        col(child.parent_id) == col(Question.id), col(child.status) != QuestionStatus.DROPPED
    )
    where = [col(Question.status).in_(QuestionStatus.still_open()), ~live_child]
    if project_id is not None:
        where.append(col(Question.project_id) == project_id)
    if person_id is not None:
        where.append(col(Question.assignee_id) == person_id)
    leaves = (
        select(
            col(Question.id).label("question_id"),
            col(Question.created_at).label("created_at"),
            last_evidence().label("last"),
            assigned_at().label("assigned"),
        )
        .where(*where)
        .subquery("leaves")
    )
    c = leaves.c
    days = quiet_days(session, c.last, c.created_at, c.assigned, now or utcnow())
    stale = case((is_stale(days, stale_after_days), 1), else_=0)
    ranked = (
        select(
            leaves.c.question_id,
            leaves.c.last,
            days.label("days"),
            stale.label("stale"),
            func.count().over().label("open_total"),
            func.sum(stale).over().label("stale_total"),
        )
        .order_by(days.desc(), leaves.c.question_id)
        .limit(limit)
        .subquery("ranked")
    )
    query = (
        select(
            ranked.c.question_id,
            col(Question.title),
            col(root.title),
            col(assignee.name),
            ranked.c.last,
            ranked.c.days,
            ranked.c.stale,
            ranked.c.open_total,
            ranked.c.stale_total,
        )
        .join(Question, col(Question.id) == ranked.c.question_id)
        .join(root, col(root.id) == col(Question.root_id))
        .outerjoin(assignee, col(assignee.id) == col(Question.assignee_id))
    )
    columns = ["question_id", "title", "general_question", "assignee", "last_evidence_at"]
    found = frame(
        session.execute(query), [*columns, "days_since", "stale", "open_total", "stale_total"]
    )
    found["last_evidence_at"] = utc(found["last_evidence_at"])
    found["days_since"] = found["days_since"].astype(float).round(1)
    found["assignee"] = found["assignee"].fillna("unassigned")
    found["stale"] = found["stale"].astype(bool)
    found = found.astype({"open_total": int, "stale_total": int})
    ordered = found.sort_values(["days_since", "question_id"], ascending=[False, True])
    return ordered.reset_index(drop=True)[STALE_COLUMNS]
