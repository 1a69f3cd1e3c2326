"""Paged reads of the IC workflow, on SQLite and PostgreSQL: each page holds the rows
the full list holds at that place, with the total; a page past the end reads the last
page; search keeps the rows holding every word; and the number of queries a page makes
does not grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from team.bench.statements import counting
from team.models import Finding, Note, ReviewRequest, utcnow
from team.services.core.paging import Paged, Window
from team.services.findings import reads as findings_reads
from team.services.inbox import attention as inbox_attention
from team.services.inbox import my_work as work
from team.services.notes import reads as notes_reads
from team.services.notes import writes as notes
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import reads as reviews_reads
from team.vocabulary import FindingStatus, NoteKind, QuestionStatus, ReviewStatus
from tests.factories import Team

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
URL = "https://github.com/acme/churn/pull/7"


def _findings(
    session: Session, author: int, qid: int, summaries: list[str], **fields: Any
) -> list[int]:
    """Findings logged a minute apart, in this order."""
    rows = [
        Finding(
            question_id=qid,
            author_id=author,
            summary=summary,
            status=FindingStatus.SHARED,
            created_at=T0 + timedelta(minutes=i),
            **fields,
        )
        for i, summary in enumerate(summaries)
    ]
    session.add_all(rows)
    session.commit()
    return [int(r.id or 0) for r in rows]


def _reviews(
    session: Session, qid: int, requester: int, reviewer: int, statuses: list[ReviewStatus]
) -> list[int]:
    """Review requests asked an hour apart, in this order."""
    rows = [
        ReviewRequest(
            question_id=qid,
            requester_id=requester,
            reviewer_id=reviewer,
            artifact_url=URL,
            status=status,
            requested_at=T0 + timedelta(hours=i),
        )
        for i, status in enumerate(statuses)
    ]
    session.add_all(rows)
    session.commit()
    return [int(r.id or 0) for r in rows]


def _all_pages(read: Callable[[Window], Paged[Any]], size: int) -> tuple[list[Any], int]:
    """Every page read in turn, concatenated, and the total the first page reported."""
    first = read(Window(1, size))
    items = list(first.items)
    for page in range(2, first.pages + 1):
        items += read(Window(page, size)).items
    return items, first.total


# --------------------------------------------------------------------------- my work


def test_my_questions_pages_follow_the_queue_order(session: Session, team: Team, qid: int) -> None:
    subs = questions.add_subquestions(
        session,
        team.manager,
        parent_id=qid,
        items=[
            SubQuestion(f"Cut {n:02d}", assignee_id=team.ic, due_date=date(2027, 1, 1 + n % 5))
            for n in range(23)
        ],
    )
    for sub in subs[:4]:
        question_status.set_status(
            session, team.ic, question_id=sub.id, version=1, status=QuestionStatus.ANSWERED
        )
    full = [
        i.question_id for i in work.my_questions(session, person_id=team.ic, stale_after_days=14)
    ]
    assert len(full) == 24  # the 23 cuts and the question they break down
    paged, total = _all_pages(
        lambda w: work.my_questions_page(session, person_id=team.ic, window=w, stale_after_days=14),
        7,
    )
    assert ([i.question_id for i in paged], total) == (full, 24)
    last = work.my_questions_page(
        session, person_id=team.ic, window=Window(99, 7), stale_after_days=14
    )
    assert (last.window.page, len(last.items)) == (4, 3)  # past the end: the last page
    answered = {s.id for s in subs[:4]}
    assert [q for q, _ in work.open_assignments(session, person_id=team.ic)] == [
        q for q in full if q not in answered
    ]


def test_findings_by_page_newest_first_with_search(session: Session, team: Team, qid: int) -> None:
    summaries = [f"Plan {n:02d}: churn {'100%' if n % 3 == 0 else '1000'}" for n in range(25)]
    ids = _findings(session, team.ic, qid, summaries)
    newest = list(reversed(ids))
    assert [f.id for f in findings_reads.findings_by(session, author_id=team.ic)] == newest
    paged, total = _all_pages(
        lambda w: findings_reads.findings_by_page(session, author_id=team.ic, window=w), 20
    )
    assert ([f.id for f in paged], total) == (newest, 25)
    # Every word, any case; '%' is a character, not a wildcard.
    found = findings_reads.findings_by_page(
        session, author_id=team.ic, window=Window(1), search="CHURN 100%"
    )
    assert [f.id for f in found.items] == [i for i in newest if summaries[ids.index(i)][-1] == "%"]
    assert found.total == 9
    assert (
        findings_reads.findings_by_page(
            session, author_id=team.ic, window=Window(1), search="plan 07"
        ).total
        == 1
    )
    assert (
        findings_reads.findings_by_page(session, author_id=team.other_ic, window=Window(1)).total
        == 0
    )


# --------------------------------------------------------------------------- reviews


def test_review_pages(session: Session, team: Team, qid: int) -> None:
    r = ReviewStatus
    statuses = [r.APPROVED, r.OPEN, r.WITHDRAWN, r.IN_REVIEW, r.CHANGES_REQUESTED, r.OPEN] * 4
    ids = _reviews(session, qid, team.ic, team.manager, statuses)
    status = dict(zip(ids, statuses, strict=True))
    waiting = [i for i in ids if status[i].is_waiting]
    paged, total = _all_pages(
        lambda w: reviews_reads.queue_page(session, reviewer_id=team.manager, window=w), 5
    )
    assert ([v.id for v in paged], total) == (waiting, 12)
    assert [v.id for v in reviews_reads.queue_for(session, reviewer_id=team.manager)] == waiting

    # My requests: the open ones oldest first, then the closed ones newest first.
    closed = [i for i in ids if not status[i].is_open]
    still_open = [i for i in ids if i not in closed]
    paged, total = _all_pages(
        lambda w: reviews_reads.requested_by_page(session, requester_id=team.ic, window=w), 7
    )
    assert ([v.id for v in paged], total) == (still_open + closed[::-1], 24)
    newest, _ = _all_pages(
        lambda w: reviews_reads.requested_by_page(
            session, requester_id=team.ic, window=w, newest_first=True
        ),
        7,
    )
    assert [v.id for v in newest] == ids[::-1]

    every_open, total = _all_pages(lambda w: reviews_reads.open_reviews_page(session, window=w), 20)
    assert ([v.id for v in every_open], total) == (still_open, 16)


def test_open_reviews_search_the_question_and_the_finding(
    session: Session, team: Team, qid: int
) -> None:
    [fid] = _findings(session, team.ic, qid, ["Annual plans churn less"])
    about_plans, about_finding, other = _reviews(
        session, qid, team.ic, team.manager, [ReviewStatus.OPEN] * 3
    )
    session.get_one(ReviewRequest, about_finding).finding_id = fid
    session.commit()
    found = reviews_reads.open_reviews_page(session, window=Window(1), search="ANNUAL churn")
    assert [v.id for v in found.items] == [about_finding]
    assert found.items[0].finding_summary == "Annual plans churn less"
    found = reviews_reads.open_reviews_page(session, window=Window(1), search="which SEGMENTS")
    assert [v.id for v in found.items] == [about_plans, about_finding, other]
    assert reviews_reads.open_reviews_page(session, window=Window(1), search="pricing").total == 0


def test_open_must_fix_counted_per_request_on_a_page(
    session: Session, team: Team, qid: int
) -> None:
    first, second = _reviews(session, qid, team.ic, team.manager, [ReviewStatus.OPEN] * 2)
    for kind, resolved in [(NoteKind.MUST_FIX, False)] * 2 + [
        (NoteKind.MUST_FIX, True),
        (NoteKind.COMMENT, False),
    ]:
        session.add(
            Note(
                author_id=team.manager,
                review_request_id=first,
                kind=kind,
                body="x",
                resolved=resolved,
            )
        )
    session.commit()
    page = reviews_reads.queue_page(session, reviewer_id=team.manager, window=Window(1))
    assert [(v.id, v.open_must_fix) for v in page.items] == [(first, 2), (second, 0)]


# --------------------------------------------------------------------------- attention


def _busy(session: Session, team: Team, qid: int) -> None:
    """More than a page in every section, for the manager (reviews to do and findings
    awaiting acceptance) and for the IC (must-fix and new notes on her work)."""
    _reviews(session, qid, team.ic, team.manager, [ReviewStatus.OPEN] * 23)
    fids = _findings(session, team.ic, qid, [f"Result {n:02d}" for n in range(22)])
    now = utcnow()
    for n in range(25):
        session.add(
            Note(
                author_id=team.manager,
                finding_id=fids[n % len(fids)],
                kind=NoteKind.MUST_FIX if n % 2 else NoteKind.COMMENT,
                body=f"Note {n:02d}",
                created_at=now - timedelta(hours=n),
            )
        )
    session.commit()


@pytest.mark.parametrize("who", ["manager", "ic"])
def test_attention_pages_hold_the_full_lists(
    session: Session, team: Team, qid: int, who: str
) -> None:
    _busy(session, team, qid)
    person = getattr(team, who)
    now = utcnow()
    full = inbox_attention.attention(session, person_id=person, now=now)
    counts = inbox_attention.attention_counts(session, person_id=person, now=now)
    assert counts == {name: len(getattr(full, name)) for name in inbox_attention.SECTIONS}
    assert inbox_attention.attention_count(session, person_id=person, now=now) == full.count > 20
    for name in inbox_attention.SECTIONS:

        def read(w: Window, name: str = name) -> Paged[Any]:
            pages = {name: w.page}
            page: Paged[Any] = getattr(
                inbox_attention.attention_page(
                    session, person_id=person, pages=pages, now=now, size=w.size
                ),
                name,
            )
            return page

        items, total = _all_pages(read, 20)
        assert ([i.id for i in items], total) == ([i.id for i in getattr(full, name)], counts[name])


def test_attention_page_past_the_end_reads_the_last_page(
    session: Session, team: Team, qid: int
) -> None:
    _busy(session, team, qid)
    page = inbox_attention.attention_page(
        session, person_id=team.manager, pages={"reviews_to_do": 9}
    )
    assert (page.reviews_to_do.window.page, len(page.reviews_to_do.items)) == (3, 3)
    assert page.reviews_to_do.total == 23
    assert len(page.awaiting_acceptance.items) == 10  # the other sections: their first page


def test_queries_do_not_grow_with_the_data(session: Session, team: Team, qid: int) -> None:
    def every_read() -> int:
        with counting(session) as seen:
            for person in (team.manager, team.ic):
                inbox_attention.attention_page(session, person_id=person)
                inbox_attention.attention_counts(session, person_id=person)
                work.my_questions_page(
                    session, person_id=person, window=Window(1), stale_after_days=14
                )
                findings_reads.findings_by_page(session, author_id=person, window=Window(1))
                reviews_reads.queue_page(session, reviewer_id=person, window=Window(1))
                reviews_reads.requested_by_page(session, requester_id=person, window=Window(1))
            reviews_reads.open_reviews_page(session, window=Window(1), search="plans")
            notes_reads.notes_on_many(session, target="finding", target_ids=[])
        return len(seen)

    quiet = every_read()
    _busy(session, team, qid)
    assert every_read() == quiet


# --------------------------------------------------------------------------- notes


def test_notes_on_many_reads_each_thread_in_order(session: Session, team: Team, qid: int) -> None:
    a, b, quiet = _findings(session, team.ic, qid, ["A", "B", "Quiet"])
    written = [
        notes.add_note(session, author, target="finding", target_id=target, body=body)
        for author, target, body in [
            (team.manager, a, "First on A"),
            (team.ic, b, "First on B"),
            (team.ic, a, "Second on A"),
        ]
    ]
    with counting(session) as seen:
        threads = notes_reads.notes_on_many(session, target="finding", target_ids=[b, a, quiet, a])
    assert len(seen) == 1
    assert set(threads) == {a, b, quiet}
    assert [n.id for n in threads[a]] == [written[0], written[2]]
    assert [(n.author, n.body) for n in threads[b]] == [("Ines", "First on B")]
    assert threads[quiet] == []
    for target in (a, b):
        assert threads[target] == notes_reads.notes_on(session, target="finding", target_id=target)
    assert notes_reads.notes_on_many(session, target="finding", target_ids=[]) == {}
