"""The choices of a picker that must find any question however many there are: a general
question by the words of its title, or a question of one tree (in tree order). A bounded
number of options, found in two or three queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session, col

from team.models import Question
from team.services.core.paging import words_in
from team.services.questions.tree import load_shape


@dataclass(frozen=True)
class RootChoices:
    items: list[tuple[int, str]]  # (id, title) by title; ``current`` always among them
    total: int  # general questions matching the search


def root_choices(
    session: Session, *, search: str = "", current: int | None = None, limit: int = 50
) -> RootChoices:
    """General questions whose title holds every word of ``search`` (any case), with
    their number: ``current`` (whether it matches or not, so a picker keeps showing it)
    and the first ``limit`` others by title. Two queries."""
    is_root = col(Question.parent_id).is_(None)
    words = words_in(search, col(Question.title))
    total = session.scalar(select(func.count()).select_from(Question).where(is_root, *words))
    keep = (
        and_(is_root, or_(and_(*words), col(Question.id) == (current or 0))) if words else is_root
    )
    is_current = case((col(Question.id) == (current or 0), 0), else_=1)
    query = (
        select(col(Question.id), col(Question.title))
        .where(keep)
        .order_by(is_current, col(Question.title), col(Question.id))
        .limit(limit + 1)
    )
    rows = [(int(i), str(t)) for i, t in session.execute(query)]
    has_current = bool(rows) and rows[0][0] == current
    rows = rows[: limit + 1] if has_current else rows[:limit]
    return RootChoices(items=sorted(rows, key=lambda r: (r[1], r[0])), total=int(total or 0))


@dataclass(frozen=True)
class Choice:
    id: int
    depth: int
    title: str


@dataclass(frozen=True)
class Choices:
    items: list[Choice]
    total: int  # how many questions qualify (more than ``items`` when cut)


def tree_choices(
    session: Session,
    *,
    root_id: int,
    search: str = "",
    limit: int = 50,
    outside_of: int | None = None,
    exclude: frozenset[int] = frozenset(),
    depth: int | None = None,
) -> Choices:
    """Questions of one tree for a picker, in tree order: those whose title holds every
    word of ``search`` (any case), not below ``outside_of`` (nor it), not in ``exclude``,
    and (without a search) no deeper than ``depth`` levels; the first ``limit`` of them
    with their total. Two or three queries."""
    shape = load_shape(session, root_id)
    barred = set(exclude)
    if outside_of is not None and outside_of in shape.parent:
        barred |= {outside_of, *(i for i, _ in shape.walk(outside_of))}
    order = [(root_id, 0), *shape.walk(root_id)]
    if search.split():
        query = select(col(Question.id)).where(
            col(Question.root_id) == root_id, *words_in(search, col(Question.title))
        )
        found = {int(i) for i in session.scalars(query) if i is not None}
        eligible = [(i, d) for i, d in order if i in found and i not in barred]
    else:
        limit_depth = depth if depth is not None else len(order)
        eligible = [(i, d) for i, d in order if i not in barred and d <= limit_depth]
    first = eligible[:limit]
    titles = dict(
        session.execute(
            select(col(Question.id), col(Question.title)).where(
                col(Question.id).in_([i for i, _ in first])
            )
        ).all()
    )
    items = [Choice(id=i, depth=d, title=str(titles[i])) for i, d in first if i in titles]
    return Choices(items=items, total=len(eligible))
