"""History for the Progress page about people and their work: findings per week, review
turnaround, open review age, workload, technique breadth and stale questions.

Like history.py: each function is a fixed number of SQL queries (GROUP BY, window
functions, a calendar join) on SQLite and PostgreSQL and returns an aggregated
DataFrame. Filters: ``project_id`` (the question's project) and ``person_id``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Date,
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

from team.models import (
    Finding,
    FindingStatus,
    Person,
    Project,
    Question,
    QuestionStatus,
    ReviewRequest,
    ReviewStatus,
    Role,
    utcnow,
)
from team.services.history import OPEN_STATUSES, WEEKS, calendar, frame, utc
from team.services.sql_time import at, hours_between

OPEN_REVIEWS = (ReviewStatus.OPEN, ReviewStatus.IN_REVIEW, ReviewStatus.CHANGES_REQUESTED)
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
    author and kind; withdrawn findings do not count. Weeks without any are absent."""
    cal = calendar(now or utcnow(), weeks)
    c = cal.cte
    query = (
        select(c.c.week, col(Person.id), col(Person.name), col(Finding.kind), func.count())
        .select_from(Finding)
        .join(Person, col(Person.id) == col(Finding.author_id))
        .join(
            c,
            and_(col(Finding.created_at) > c.c.week_start, col(Finding.created_at) <= c.c.week_end),
        )
        .where(
            col(Finding.status) != FindingStatus.WITHDRAWN,
            _in_project(col(Finding.question_id), project_id),
        )
        .group_by(c.c.week, col(Person.id), col(Person.name), col(Finding.kind))
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
    ROW_NUMBER and COUNT windows (the middle row, or the mean of the middle two)."""
    cal = calendar(now or utcnow(), weeks)
    c, rr, keep = cal.cte, ReviewRequest, _review_filter(project_id, person_id)
    spans = union_all(
        select(
            literal_column("'first response'").label("measure"),
            col(rr.first_response_at).label("at"),
            hours_between(session, col(rr.requested_at), col(rr.first_response_at)).label("hours"),
        ).where(col(rr.first_response_at).is_not(None), keep),
        select(
            literal_column("'resolution'"),
            col(rr.resolved_at),
            hours_between(session, col(rr.requested_at), col(rr.resolved_at)),
        ).where(col(rr.resolved_at).is_not(None), col(rr.status) != ReviewStatus.WITHDRAWN, keep),
    ).subquery("spans")
    group = (c.c.week, spans.c.measure)
    ranked = (
        select(
            c.c.week,
            spans.c.measure,
            spans.c.hours,
            func.row_number().over(partition_by=group, order_by=spans.c.hours).label("rn"),
            func.count().over(partition_by=group).label("n"),
        )
        .select_from(spans)
        .join(c, and_(spans.c.at > c.c.week_start, spans.c.at <= c.c.week_end))
        .subquery("ranked")
    )
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
        .where(col(rr.status).in_(OPEN_REVIEWS), _review_filter(project_id, person_id))
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
    among them whose due date has passed."""
    today = (now or utcnow()).date()
    late = and_(col(Question.due_date).is_not(None), col(Question.due_date) < literal(today, Date))
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
        .where(col(Question.parent_id).is_not(None), col(Question.status).in_(OPEN_STATUSES))
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
    questions with that technique. Questions without a technique are left out."""
    one, zero = literal_column("1", Integer), literal_column("0", Integer)
    in_project: ColumnElement[bool] = (
        literal(True) if project_id is None else col(Question.project_id) == project_id
    )
    assigned: Any = select(
        col(Question.assignee_id).label("person_id"),
        col(Question.technique).label("technique"),
        one.label("assigned"),
        zero.label("findings"),
    ).where(
        col(Question.assignee_id).is_not(None),
        col(Question.technique).is_not(None),
        col(Question.status) != QuestionStatus.DROPPED,
        in_project,
    )
    logged = (
        select(col(Finding.author_id), col(Question.technique), zero, one)
        .join(Question, col(Question.id) == col(Finding.question_id))
        .where(
            col(Question.technique).is_not(None),
            col(Finding.status) != FindingStatus.WITHDRAWN,
            in_project,
        )
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
    if person_id is not None:
        query = query.where(col(Person.id) == person_id)
    columns = ["person_id", "person", "technique", "assigned", "findings"]
    found = frame(session.execute(query), columns).astype({"assigned": int, "findings": int})
    return found.sort_values(["person", "technique"]).reset_index(drop=True)


# --------------------------------------------------------------------------- staleness


def stale_questions(
    session: Session,
    *,
    stale_after_days: int,
    project_id: int | None = None,
    person_id: int | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """(question_id, title, general_question, assignee, last_evidence_at, days_since,
    stale) for open leaf questions (open, in progress or blocked, no live sub-question),
    most stale first. Evidence = the newest finding that is not withdrawn; a question
    with none counts from its creation (``last_evidence_at`` is then empty). ``stale``
    when ``days_since`` >= ``stale_after_days``. ``person_id`` keeps their assignments."""
    evidence = (
        select(col(Finding.question_id).label("qid"), func.max(Finding.created_at).label("last"))
        .where(col(Finding.status) != FindingStatus.WITHDRAWN)
        .group_by(col(Finding.question_id))
        .subquery("evidence")
    )
    child, root, assignee = aliased(Question), aliased(Question), aliased(Person)
    live_child = exists().where(
        col(child.parent_id) == col(Question.id), col(child.status) != QuestionStatus.DROPPED
    )
    since = func.coalesce(evidence.c.last, col(Question.created_at))
    days = hours_between(session, since, at(now or utcnow())) / 24.0
    query = (
        select(
            col(Question.id),
            col(Question.title),
            col(root.title),
            col(assignee.name),
            evidence.c.last,
            days,
        )
        .select_from(Question)
        .join(root, col(root.id) == col(Question.root_id))
        .outerjoin(assignee, col(assignee.id) == col(Question.assignee_id))
        .outerjoin(evidence, evidence.c.qid == col(Question.id))
        .where(col(Question.status).in_(OPEN_STATUSES), ~live_child)
    )
    if project_id is not None:
        query = query.where(col(Question.project_id) == project_id)
    if person_id is not None:
        query = query.where(col(Question.assignee_id) == person_id)
    columns = ["question_id", "title", "general_question", "assignee", "last_evidence_at"]
    found = frame(session.execute(query), [*columns, "days_since"])
    found["last_evidence_at"] = utc(found["last_evidence_at"])
    found["days_since"] = found["days_since"].astype(float).round(1)
    found["assignee"] = found["assignee"].fillna("unassigned")
    found["stale"] = found["days_since"] >= stale_after_days
    ordered = found.sort_values(["days_since", "question_id"], ascending=[False, True])
    return ordered.reset_index(drop=True)
