"""Which general questions the answer-progress chart draws: the few most urgent that
match the filters (the Overview's order), or the ones a person picked; and the choices
for that picker, searched by title. A fixed number of queries whatever the count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from team.models import Question
from team.services.questions.portfolio import matching_roots, urgency

PANELS = 6  # general questions drawn when none are picked
CHOICES = 50  # picker options offered besides the picked ones


def root_ids(project_id: int | None, person_id: int | None) -> Select[Any]:
    """Every general question matching the filters."""
    return select(col(Question.id)).where(*matching_roots(project_id, person_id))


def drawn(
    project_id: int | None,
    person_id: int | None,
    chosen: Sequence[int] = (),
    limit: int = PANELS,
) -> Select[Any]:
    """The general questions the chart draws: the chosen ones that match the filters,
    or (none chosen) the ``limit`` most urgent that match."""
    matching = root_ids(project_id, person_id)
    if chosen:
        return matching.where(col(Question.id).in_(list(chosen)))
    return matching.order_by(*urgency()).limit(limit)


@dataclass(frozen=True)
class RootChoices:
    """Picker options (id, title): the chosen ones first, then the most urgent matches
    of the search; ``total`` counts every general question matching the filters."""

    options: list[tuple[int, str]]
    total: int


def root_choices(
    session: Session,
    *,
    project_id: int | None = None,
    person_id: int | None = None,
    search: str = "",
    chosen: Sequence[int] = (),
    limit: int = CHOICES,
) -> RootChoices:
    total = session.scalar(
        select(func.count()).select_from(Question).where(*matching_roots(project_id, person_id))
    )
    picked = select(col(Question.id), col(Question.title)).where(col(Question.id).in_(list(chosen)))
    found = session.execute(
        select(col(Question.id), col(Question.title))
        .where(
            *matching_roots(project_id, person_id, search), col(Question.id).not_in(list(chosen))
        )
        .order_by(*urgency())
        .limit(limit)
    ).all()
    titles = dict(session.execute(picked).all()) if chosen else {}
    options = [(i, titles[i]) for i in chosen if i in titles]
    return RootChoices(options + [(int(i), str(t)) for i, t in found], int(total or 0))
