"""The inbox: a person's notifications, newest first, paged, with read state; marking
read touches only the person's own. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Notification, Person, utcnow
from team.services.core.errors import PermissionDenied
from team.services.core.paging import Window
from team.services.notes.writes import add_note
from team.services.notify import inbox
from team.vocabulary import NotificationKind
from tests.factories import Team, pk

K = NotificationKind
ALL = Window(1, 50)


def _notify(session: Session, person: int, n: int, *, actor: int | None = None) -> list[int]:
    """``n`` notifications for ``person``, a minute apart, the last the newest."""
    start = utcnow() - timedelta(hours=1)
    rows = [
        Notification(
            person_id=person,
            kind=K.ASSIGNED,
            at=start + timedelta(minutes=i),
            actor_id=actor,
            entity="question",
            entity_id=i + 1,
            title=f"Question {i}",
            link=f"questions?root={i + 1}",
        )
        for i in range(n)
    ]
    session.add_all(rows)
    session.commit()
    return [pk(r) for r in rows]


def _titles(
    session: Session, person: int, *, window: Window = ALL, unread_only: bool = False
) -> list[str]:
    page = inbox.inbox_page(session, person, window=window, unread_only=unread_only)
    return [item.title for item in page.items]


def _read_ids(session: Session, person: int) -> set[int]:
    query = select(col(Notification.id)).where(
        col(Notification.person_id) == person, col(Notification.read_at).is_not(None)
    )
    return set(session.scalars(query))


def test_newest_first_in_pages_and_only_ones_own(session: Session, team: Team) -> None:
    _notify(session, team.ic, 5, actor=team.manager)
    _notify(session, team.other_ic, 3)
    first = inbox.inbox_page(session, team.ic, window=Window(1, 2))
    assert [i.title for i in first.items] == ["Question 4", "Question 3"]
    assert (first.total, first.pages) == (5, 3)
    assert _titles(session, team.ic, window=Window(3, 2)) == ["Question 0"]
    assert _titles(session, team.ic, window=Window(9, 2)) == ["Question 0"]  # past the end
    item = first.items[0]
    assert (item.actor, item.kind, item.link, item.read) == (
        "Maya",
        K.ASSIGNED,
        "questions?root=5",
        False,
    )
    assert inbox.inbox_page(session, team.viewer, window=Window(1, 10)).total == 0


def test_a_notification_written_by_a_service_reads_back_in_the_inbox(
    session: Session, team: Team, qid: int
) -> None:
    add_note(session, team.other_ic, target="question", target_id=qid, body="Try **cohorts**")
    [note, assigned] = inbox.inbox_page(session, team.ic, window=Window(1, 10)).items
    assert (note.kind, note.actor, note.title) == (K.NOTE, "Ravi", "Which segments churned?")
    assert note.detail == "Try **cohorts**"
    assert assigned.kind == K.ASSIGNED and assigned.actor == "Maya"


def test_unread_only_and_the_unread_count_follow_marking(session: Session, team: Team) -> None:
    ids = _notify(session, team.ic, 4)
    assert inbox.unread_count(session, team.ic) == 4
    assert inbox.mark_read(session, team.ic, ids=[ids[1], ids[2]]) == 2
    assert inbox.mark_read(session, team.ic, ids=[ids[1]]) == 0  # already read
    assert inbox.unread_count(session, team.ic) == 2
    assert _titles(session, team.ic, unread_only=True) == ["Question 3", "Question 0"]
    page = inbox.inbox_page(session, team.ic, window=Window(1, 10))
    assert [i.read for i in page.items] == [False, True, True, False]


def test_marking_read_never_touches_someone_elses(session: Session, team: Team) -> None:
    theirs = _notify(session, team.other_ic, 2)
    mine = _notify(session, team.ic, 1)
    assert inbox.mark_read(session, team.ic, ids=[*theirs, *mine]) == 1
    assert _read_ids(session, team.other_ic) == set()
    assert inbox.mark_all_read(session, team.ic) == 0  # nothing of mine is left unread
    assert inbox.unread_count(session, team.other_ic) == 2


def test_mark_all_read_through_the_newest_shown_leaves_newer_ones_unread(
    session: Session, team: Team
) -> None:
    shown = _notify(session, team.ic, 3)
    newer = _notify(session, team.ic, 1)  # arrived after the page was drawn
    assert inbox.mark_all_read(session, team.ic, through=max(shown)) == 3
    assert inbox.unread_count(session, team.ic) == 1
    assert _read_ids(session, team.ic) == set(shown)
    assert inbox.mark_all_read(session, team.ic) == 1
    assert _read_ids(session, team.ic) == {*shown, *newer}


def test_a_deactivated_person_cannot_mark(session: Session, team: Team) -> None:
    ids = _notify(session, team.ic, 2)
    person = session.get(Person, team.ic)
    assert person is not None
    person.active = False
    session.commit()
    with pytest.raises(PermissionDenied):
        inbox.mark_read(session, team.ic, ids=ids)
    with pytest.raises(PermissionDenied):
        inbox.mark_all_read(session, team.ic)
    assert inbox.unread_count(session, team.ic) == 2
