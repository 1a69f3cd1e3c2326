"""The Overview portfolio: one page of general questions, most urgent first, with
headline numbers over everything that matches, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, event
from sqlmodel import Session

from team.models import Project
from team.services.core.paging import Window
from team.services.progress.overdue import overdue_count
from team.services.questions.portfolio import PortfolioFilter, page, summary
from team.vocabulary import Priority, QuestionStatus
from tests.factories import Team, node

S = QuestionStatus
EVERYTHING = PortfolioFilter()


def test_filters_and_people(session: Session, team: Team) -> None:
    first = node(session, team, None, "Why did retention drop?")
    other = Project(name="Pricing")
    session.add(other)
    session.commit()
    second = node(session, team, None, "Should we change prices?", project_id=other.id)
    node(session, team, second, "Elasticity by segment", assignee_id=team.ic)
    rows = {r.title: r for r in page(session, f=EVERYTHING, window=Window()).items}
    assert set(rows) == {"Why did retention drop?", "Should we change prices?"}
    assert rows["Should we change prices?"].people == ("Ines", "Maya")
    assert rows["Should we change prices?"].open_questions == 1

    def ids(f: PortfolioFilter) -> set[int]:
        return {r.id for r in page(session, f=f, window=Window()).items}

    assert ids(PortfolioFilter(project_id=other.id)) == {second.id}
    assert ids(PortfolioFilter(person_id=team.ic)) == {second.id}
    assert ids(PortfolioFilter(person_id=team.manager)) == {first.id, second.id}


def test_most_urgent_first_across_pages(session: Session, team: Team) -> None:
    today = date.today()
    done = node(session, team, None, "Closed", status=S.ANSWERED, priority=Priority.URGENT)
    low = node(session, team, None, "Low", priority=Priority.LOW)
    later = node(session, team, None, "High later", priority=Priority.HIGH, due_date=today)
    sooner = node(
        session, team, None, "High sooner", priority=Priority.HIGH, due_date=today - timedelta(1)
    )
    undated = node(session, team, None, "High undated", priority=Priority.HIGH)
    first = page(session, f=EVERYTHING, window=Window(page=1, size=2))
    second = page(session, f=EVERYTHING, window=Window(page=2, size=2))
    third = page(session, f=EVERYTHING, window=Window(page=3, size=2))
    order = [r.id for p in (first, second, third) for r in p.items]
    assert order == [sooner.id, later.id, undated.id, low.id, done.id]
    assert (first.total, first.pages) == (5, 3)
    past_the_end = page(session, f=EVERYTHING, window=Window(page=9, size=2))
    assert past_the_end.window.page == 3
    assert [r.id for r in past_the_end.items] == [done.id]


def test_search_matches_every_word_in_any_case_and_literally(session: Session, team: Team) -> None:
    churn = node(session, team, None, "Why did CHURN rise in Q3?")
    node(session, team, None, "Churn by segment")
    percent = node(session, team, None, "Is 100% of revenue tracked?")
    node(session, team, None, "Is 1000 of revenue tracked?")

    def titles(text: str) -> list[int]:
        return [r.id for r in page(session, f=PortfolioFilter(search=text), window=Window()).items]

    assert titles("churn q3") == [churn.id]
    assert titles("100%") == [percent.id]  # '%' is a character here, not a wildcard
    assert titles("nothing like it") == []


def test_summary_counts_every_match_not_only_the_page(session: Session, team: Team) -> None:
    yesterday = date.today() - timedelta(days=1)
    a = node(session, team, None, "A", due_date=yesterday)
    node(session, team, a, "a1", status=S.ANSWERED)
    node(session, team, a, "a2", status=S.IN_PROGRESS, assignee_id=team.ic)
    branch = node(session, team, a, "a3", status=S.DROPPED)
    node(session, team, branch, "hidden", status=S.ANSWERED)
    node(session, team, None, "B", status=S.ANSWERED, due_date=yesterday)
    node(session, team, None, "C")
    everything = summary(session, f=EVERYTHING)
    assert everything.general_questions == 3
    assert everything.open_sub_questions == 1
    assert overdue_count(session, f=EVERYTHING) == 1  # B is answered, so not overdue
    assert (everything.leaves, everything.answered_leaves) == (4, 2)  # a1, a2, B, C
    only_ines = summary(session, f=PortfolioFilter(person_id=team.ic))
    assert (only_ines.general_questions, only_ines.leaves, only_ines.answered_leaves) == (1, 2, 1)
    assert summary(session, f=PortfolioFilter(search="zzz")).coverage is None


def test_query_count_does_not_grow(engine: Engine, session: Session, team: Team) -> None:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    def read() -> int:
        statements.clear()
        page(session, f=EVERYTHING, window=Window(size=5))
        summary(session, f=EVERYTHING)
        return len(statements)

    event.listen(engine, "before_cursor_execute", count)
    try:
        node(session, team, None, "One")
        small = read()
        for i in range(12):
            r = node(session, team, None, f"More {i}")
            node(session, team, r, "child", assignee_id=team.ic)
        assert read() == small
    finally:
        event.remove(engine, "before_cursor_execute", count)
