"""How many questions are overdue (core/due.py's rule) in the trees of the general
questions a filter matches: Overview's headline number. One query; pandas-free, as the
Overview page loads no pandas."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Question
from team.services.core.due import overdue
from team.services.questions.portfolio import PortfolioFilter, matching_roots


def overdue_count(session: Session, *, f: PortfolioFilter, today: date | None = None) -> int:
    """Overdue questions, general questions and sub-questions at any depth, in the trees
    of the general questions matching ``f``."""
    roots = select(col(Question.id)).where(*matching_roots(f.project_id, f.person_id, f.search))
    query = select(func.count()).where(col(Question.root_id).in_(roots), overdue(today))
    return int(session.scalar(query) or 0)
