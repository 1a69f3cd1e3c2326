"""Overdue, defined once: a question is overdue when it is still open (open, in progress
or blocked) and its due date is before today, at any depth of its tree. Today is the
server's calendar day (the day the cached reads are keyed by), so every page counts
against the same day. Overview's count, Team's workload, Progress's workload chart and
the portfolio's cards all ask this module."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Date, and_, literal
from sqlmodel import col

from team.models import Question
from team.vocabulary import QuestionStatus


def today() -> date:
    """The day due dates are compared with."""
    return date.today()


def is_overdue(due_date: date | None, status: QuestionStatus, day: date | None = None) -> bool:
    """The rule, for a question already read."""
    return due_date is not None and due_date < (day or today()) and QuestionStatus(status).is_open


def overdue(day: date | None = None) -> ColumnElement[bool]:
    """The rule, in SQL, for the rows of Question."""
    return and_(
        col(Question.due_date).is_not(None),
        col(Question.due_date) < literal(day or today(), Date),
        col(Question.status).in_(QuestionStatus.still_open()),
    )
