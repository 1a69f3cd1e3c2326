"""What needs a person's attention: reviews to do, new notes by others on their work,
must-fix notes still open on their work and (for a manager) findings of their reports
awaiting acceptance, and the revisits due of decisions on questions they own
(answers/decision_reads.py). Counted in one query; each section read one page at a
time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlmodel import Session, col

from team.models import Finding, Note, Person, utcnow
from team.services.answers import decision_reads, health_reads
from team.services.answers.decision_reads import DecisionView
from team.services.answers.health_reads import FlaggedAnswer
from team.services.core.paging import Paged, Window, keyed_page
from team.services.findings.reads import FindingView, finding_query, finding_views, to_views
from team.services.notes.reads import NoteItem, note_item, note_item_rows
from team.services.notes.rules import on_work_of, open_must_fix
from team.services.reviews.reads import ReviewView, queue_count, queue_for, queue_page
from team.vocabulary import FindingStatus, NoteKind

NEW_NOTE_DAYS = 7  # a note by someone else on your work is "new" for this many days
SECTIONS = (
    "reviews_to_do",
    "open_must_fix",
    "new_notes",
    "awaiting_acceptance",
    "decisions_due",  # revisits due of decisions on questions the person owns
    "flagged_answers",  # answers whose evidence changed, of questions owned or assigned
)
SECTION_SIZE = 10  # items a page of each section shows: the page is an inbox of four lists


@dataclass
class Attention:
    reviews_to_do: list[ReviewView] = field(default_factory=list)
    new_notes: list[NoteItem] = field(default_factory=list)
    open_must_fix: list[NoteItem] = field(default_factory=list)
    awaiting_acceptance: list[FindingView] = field(default_factory=list)
    decisions_due: list[DecisionView] = field(default_factory=list)
    flagged_answers: list[FlaggedAnswer] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(getattr(self, name)) for name in SECTIONS)


@dataclass(frozen=True)
class AttentionPage:
    """One page of each attention section, each with its total."""

    reviews_to_do: Paged[ReviewView]
    open_must_fix: Paged[NoteItem]
    new_notes: Paged[NoteItem]
    awaiting_acceptance: Paged[FindingView]
    decisions_due: Paged[DecisionView]
    flagged_answers: Paged[FlaggedAnswer]

    @property
    def count(self) -> int:
        return sum(getattr(self, name).total for name in SECTIONS)


# --------------------------------------------------------------------------- attention


def _where(person_id: int, now: datetime) -> dict[str, list[ColumnElement[bool]]]:
    """The filter of each section but the reviews to do (the reviewer's queue)."""
    reports = select(col(Person.id)).where(col(Person.reports_to_id) == person_id)
    mine = on_work_of(person_id)
    return {
        "open_must_fix": [mine, open_must_fix()],
        "new_notes": [mine, _recent(now)],
        "awaiting_acceptance": [
            col(Finding.status) == FindingStatus.SHARED,
            col(Finding.author_id).in_(reports),
        ],
    }


def _recent(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(Note.created_at) >= now - timedelta(days=NEW_NOTE_DAYS),
        col(Note.kind) != NoteKind.MUST_FIX,
    )


def attention_counts(
    session: Session, *, person_id: int, now: datetime | None = None
) -> dict[str, int]:
    """How many items each section holds, counted in SQL in one query (the notes on the
    person's work are gathered once for both note sections)."""
    now = now or utcnow()
    where = _where(person_id, now)
    notes = (
        select(
            func.count(case((open_must_fix(), 1))).label("must_fix"),
            func.count(case((_recent(now), 1))).label("recent"),
        )
        .where(on_work_of(person_id))
        .subquery()
    )
    awaiting = select(func.count()).select_from(Finding).where(*where["awaiting_acceptance"])
    query = select(
        queue_count(person_id).scalar_subquery(),
        notes.c.must_fix,
        notes.c.recent,
        awaiting.scalar_subquery(),
        decision_reads.due_count_for(person_id, now.date()).scalar_subquery(),
        health_reads.flagged_count(person_id).scalar_subquery(),
    ).select_from(notes)
    row = session.execute(query).one()
    return {name: int(n or 0) for name, n in zip(SECTIONS, row, strict=True)}


def attention_count(session: Session, *, person_id: int, now: datetime | None = None) -> int:
    """How many things wait on this person (for the navigation)."""
    return sum(attention_counts(session, person_id=person_id, now=now).values())


def _note_rows() -> Select[Any]:
    """Notes with their author and what they are on, newest first."""
    columns, joined = note_item_rows()
    return select(*columns).select_from(joined).order_by(*_newest_note())


def _newest_note() -> list[Any]:
    return [col(Note.created_at).desc(), col(Note.id).desc()]


def _note_items(rows: Iterable[Any]) -> list[NoteItem]:
    return [note_item(row) for row in rows]


def _oldest_finding() -> list[Any]:
    return [col(Finding.created_at), col(Finding.id)]


def attention(session: Session, *, person_id: int, now: datetime | None = None) -> Attention:
    """What waits on this person, in full: reviews to do, new notes on their work,
    must-fix notes still open on their work, and (for a manager) findings of their
    reports awaiting acceptance."""
    now = now or utcnow()
    where = _where(person_id, now)
    awaiting = finding_query().where(*where["awaiting_acceptance"]).order_by(*_oldest_finding())
    return Attention(
        reviews_to_do=queue_for(session, reviewer_id=person_id),
        new_notes=_note_items(session.execute(_note_rows().where(*where["new_notes"]))),
        open_must_fix=_note_items(session.execute(_note_rows().where(*where["open_must_fix"]))),
        awaiting_acceptance=finding_views(session, awaiting),
        decisions_due=decision_reads.due_for(session, person_id=person_id, today=now.date()),
        flagged_answers=health_reads.flagged_for(session, person_id=person_id),
    )


def attention_page(
    session: Session,
    *,
    person_id: int,
    pages: Mapping[str, int] | None = None,
    now: datetime | None = None,
    size: int = SECTION_SIZE,
    totals: Mapping[str, int] | None = None,
) -> AttentionPage:
    """One page of each section (``pages``: section -> page number, 1 by default), the
    newest notes and the oldest reviews and findings first, with every section's total
    (counted unless ``totals`` are given, as :func:`attention_counts` returns them); a
    fixed number of queries whatever the sizes."""
    now = now or utcnow()
    if totals is None:
        totals = attention_counts(session, person_id=person_id, now=now)
    where = _where(person_id, now)

    def window(name: str) -> Window:
        return Window(page=int((pages or {}).get(name, 1)), size=size)

    def notes(name: str) -> Paged[NoteItem]:
        keys = select(col(Note.id)).where(*where[name]).order_by(*_newest_note())
        return keyed_page(
            session,
            keys=keys,
            rows=_note_rows(),
            key=col(Note.id),
            window=window(name),
            convert=_note_items,
            total=totals[name],
        )

    awaiting = select(col(Finding.id)).where(*where["awaiting_acceptance"])
    return AttentionPage(
        reviews_to_do=queue_page(
            session,
            reviewer_id=person_id,
            window=window("reviews_to_do"),
            total=totals["reviews_to_do"],
        ),
        open_must_fix=notes("open_must_fix"),
        new_notes=notes("new_notes"),
        awaiting_acceptance=keyed_page(
            session,
            keys=awaiting.order_by(*_oldest_finding()),
            rows=finding_query().order_by(*_oldest_finding()),
            key=col(Finding.id),
            window=window("awaiting_acceptance"),
            convert=to_views,
            total=totals["awaiting_acceptance"],
        ),
        decisions_due=decision_reads.due_page_for(
            session,
            person_id=person_id,
            today=now.date(),
            window=window("decisions_due"),
            total=totals["decisions_due"],
        ),
        flagged_answers=health_reads.flagged_page(
            session,
            person_id=person_id,
            window=window("flagged_answers"),
            total=totals["flagged_answers"],
        ),
    )
