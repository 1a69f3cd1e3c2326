"""The inbox on Needs my attention, the unread count in the navigation, and following
an answer, in AppTest over a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from team.models import Follow, Notification, utcnow
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate
from team.ui.inbox import SEEN
from team.vocabulary import NotificationKind
from tests.factories import Team, make_team
from tests.ui.conftest import assert_no_exception

K = NotificationKind


@pytest.fixture
def team(app_engine: Engine) -> Team:
    with Session(app_engine) as session:
        return make_team(session)


def _notify(engine: Engine, person: int, title: str, *, hours_ago: float = 1, **kw: Any) -> int:
    """A notification for ``person`` written directly (the outbox's own tests prove
    which changes write which)."""
    fields: dict[str, Any] = {
        "kind": K.ASSIGNED,
        "entity": "question",
        "entity_id": 1,
        "link": "questions?root=1",
    } | kw
    row = Notification(
        person_id=person, at=utcnow() - timedelta(hours=hours_ago), title=title, **fields
    )
    with Session(engine) as session:
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def _nav_title(at: AppTest, page: str = "attention") -> str:
    """The title the navigation shows for ``page``."""
    pages = at._registered_pages.values()  # AppTest has no public view of it
    return next(p["page_name"] for p in pages if p["url_pathname"] == page)


def _line_of(at: AppTest, notification_id: int) -> str:
    box = at.main.get_by_key(f"inbox_item_{notification_id}")
    return str(box.markdown[0].value)


def _order(at: AppTest, ids: list[int]) -> list[int]:
    """``ids`` in the order the page shows them."""
    keys = [getattr(node, "key", None) for node in _walk(at)]
    return sorted(ids, key=lambda i: keys.index(f"inbox_item_{i}"))


def _walk(at: AppTest) -> list[object]:
    return list(at.main)


def _unread(engine: Engine, person: int) -> set[int]:
    with Session(engine) as session:
        rows = session.scalars(
            select(col(Notification.id)).where(
                col(Notification.person_id) == person, col(Notification.read_at).is_(None)
            )
        )
        return {int(i) for i in rows if i is not None}


def test_the_navigation_counts_unread_notifications(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    """A manager assigns a question: the IC's navigation says so, the manager's not."""
    with Session(app_engine) as session:
        q = questions.create_question(
            session,
            team.manager,
            data=QuestionCreate(title="Why did churn rise?", project_id=team.project),
        )
        questions.assign(
            session, team.manager, question_id=q.id, version=q.version, assignee_id=team.ic
        )
    at = open_app(team.ic)
    assert_no_exception(at)
    assert _nav_title(at) == "Needs my attention (1)"
    at = open_app(team.manager)
    assert _nav_title(at) == "Needs my attention"


def test_inbox_lists_newest_first_with_who_and_a_link(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    old = _notify(app_engine, team.ic, "Old question", hours_ago=30, actor_id=team.manager)
    new = _notify(
        app_engine,
        team.ic,
        "New review",
        hours_ago=2,
        kind=K.REVIEW_REQUESTED,
        actor_id=team.other_ic,
        entity="review_request",
        link="reviews?review=7",
        detail="Please check the **SQL** <b>joins</b>",
    )
    at = open_app(team.ic, "attention")
    assert_no_exception(at)
    assert _order(at, [old, new]) == [new, old]
    first = _line_of(at, new)
    assert "New" in first and "**Ravi** asked you to review “New review”" in first
    assert "Maya" in _line_of(at, old) and "assigned you" in _line_of(at, old)
    captions = " ".join(c.value for c in at.caption)
    assert "2 h ago" in captions and "30 h ago" in captions
    # The detail is text: its Markdown and its HTML show as typed.
    assert "\\*\\*SQL\\*\\* \\<b\\>joins\\</b\\>" in captions
    links = [link.proto for link in at.get("page_link")]
    assert [(p.page, p.query_string) for p in links] == [
        ("reviews", f"review=7&{SEEN}={new}"),
        ("questions", f"root=1&{SEEN}={old}"),
    ]
    assert any("2 new" in m.value and "since your last visit" in m.value for m in at.markdown)


def test_mark_read_then_mark_all_read(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    first = _notify(app_engine, team.ic, "First", hours_ago=3)
    second = _notify(app_engine, team.ic, "Second", hours_ago=2)
    third = _notify(app_engine, team.ic, "Third", hours_ago=1)
    _notify(app_engine, team.other_ic, "Someone else's")
    at = open_app(team.ic, "attention")
    assert _nav_title(at) == "Needs my attention (3)"
    at.button(key=f"inbox_read_{second}").click().run()
    assert_no_exception(at)
    assert _unread(app_engine, team.ic) == {first, third}
    assert _nav_title(at) == "Needs my attention (2)"
    assert "New" not in _line_of(at, second) and "New" in _line_of(at, third)
    at.button(key="inbox_mark_all").click().run()
    assert_no_exception(at)
    assert _unread(app_engine, team.ic) == set()
    assert _nav_title(at) == "Needs my attention"
    assert any("Nothing new since your last visit" in m.value for m in at.markdown)
    assert len(_unread(app_engine, team.other_ic)) == 1  # others' stay unread


def test_mark_all_read_leaves_one_that_arrived_meanwhile(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    shown = _notify(app_engine, team.ic, "Shown", hours_ago=2)
    at = open_app(team.ic, "attention")
    late = _notify(app_engine, team.ic, "Arrived after the page was drawn", hours_ago=0)
    at.button(key="inbox_mark_all").click().run()
    assert_no_exception(at)
    assert _unread(app_engine, team.ic) == {late}
    assert shown not in _unread(app_engine, team.ic)
    assert _nav_title(at) == "Needs my attention (1)"


def test_unread_only(app_engine: Engine, open_app: Callable[..., AppTest], team: Team) -> None:
    read = _notify(app_engine, team.ic, "Already read", hours_ago=2)
    unread = _notify(app_engine, team.ic, "Still new", hours_ago=1)
    at = open_app(team.ic, "attention")
    at.button(key=f"inbox_read_{read}").click().run()
    at.toggle(key="inbox_unread_only").set_value(True).run()
    assert_no_exception(at)
    keys = [getattr(n, "key", None) for n in _walk(at)]
    assert f"inbox_item_{unread}" in keys and f"inbox_item_{read}" not in keys
    at.button(key=f"inbox_read_{unread}").click().run()
    assert any("No unread notifications" in c.value for c in at.caption)


def test_a_long_inbox_pages(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    ids = [_notify(app_engine, team.ic, f"Item {n}", hours_ago=100 - n) for n in range(12)]
    at = open_app(team.ic, "attention")
    keys = [getattr(n, "key", None) for n in _walk(at)]
    assert sum(1 for k in keys if str(k).startswith("inbox_item_")) == 10
    assert f"inbox_item_{ids[-1]}" in keys and f"inbox_item_{ids[0]}" not in keys
    at.number_input(key="inbox_page").set_value(2).run()
    keys = [getattr(n, "key", None) for n in _walk(at)]
    assert f"inbox_item_{ids[0]}" in keys and f"inbox_item_{ids[-1]}" not in keys


def test_a_viewer_sees_the_inbox_only(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    item = _notify(
        app_engine,
        team.viewer,
        "Why did retention drop?",
        kind=K.ANSWER_CHANGED,
        actor_id=team.manager,
        link="answers?root=1",
    )
    at = open_app(team.viewer)
    assert _nav_title(at) == "Needs my attention (1)"
    at.switch_page("team/ui/pages/attention.py").run()
    assert_no_exception(at)
    assert not at.tabs
    assert "**Maya** changed the answer to “Why did retention drop?”" in _line_of(at, item)
    at.button(key="inbox_mark_all").click().run()
    assert _nav_title(at) == "Needs my attention"


def test_nothing_waits_says_so(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    _notify(app_engine, team.ic, "Read long ago", hours_ago=50, read_at=utcnow())
    at = open_app(team.ic, "attention")
    assert_no_exception(at)
    assert any("Nothing waits on you right now" in s.value for s in at.success)
    assert any("Nothing new since your last visit" in m.value for m in at.markdown)


@pytest.mark.parametrize("who", ["viewer", "ic", "manager"])
def test_follow_and_unfollow_an_answer(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team, who: str
) -> None:
    with Session(app_engine) as session:
        q = questions.create_question(
            session, team.manager, data=QuestionCreate(title="Q", project_id=team.project)
        )
    person = getattr(team, who)
    at = open_app(person, "answers", root=str(q.id))
    button = at.button(key=f"follow_{q.id}")
    assert button.label == "Follow this answer"
    button.click().run()
    assert_no_exception(at)
    assert at.button(key=f"follow_{q.id}").label == "Following"
    with Session(app_engine) as session:
        follows = session.scalars(select(Follow).where(col(Follow.person_id) == person)).all()
    assert [f.question_id for f in follows] == [q.id]
    at.button(key=f"follow_{q.id}").click().run()
    assert at.button(key=f"follow_{q.id}").label == "Follow this answer"
    with Session(app_engine) as session:
        assert session.scalars(select(Follow)).all() == []


def test_a_title_shows_as_typed(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    item = _notify(app_engine, team.ic, "<b>x</b> **y** {actor}", actor_id=team.manager)
    at = open_app(team.ic, "attention")
    shown = "“\\<b\\>x\\</b\\> \\*\\*y\\*\\* \\{actor\\}”"  # escaped: shown as typed
    assert f"**Maya** assigned you {shown}" in _line_of(at, item)


def test_a_viewer_with_nothing_new_is_told_so(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.viewer, "attention")
    assert_no_exception(at)
    assert any("Nothing waits on you right now" in s.value for s in at.success)
    assert any("No notifications yet" in c.value for c in at.caption)


@pytest.mark.parametrize("who", ["ic", "viewer"])
def test_something_new_is_not_called_nothing(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team, who: str
) -> None:
    """No section waits, but the inbox has news: the page does not say nothing waits."""
    _notify(app_engine, getattr(team, who), "Fresh", actor_id=team.manager)
    at = open_app(getattr(team, who), "attention")
    assert_no_exception(at)
    assert not any("Nothing waits" in s.value for s in at.success)
    assert any("1 new" in m.value for m in at.markdown)


def test_opening_a_notification_marks_it_read(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    """The inbox's Open link carries ?seen=ID: the page it opens marks that one read and
    drops the parameter; someone else's id marks nothing."""
    mine = _notify(app_engine, team.ic, "Mine", actor_id=team.manager)
    other = _notify(app_engine, team.ic, "Also mine", actor_id=team.manager)
    theirs = _notify(app_engine, team.other_ic, "Theirs", actor_id=team.manager)
    at = open_app(team.ic, "attention")
    assert f"{SEEN}={mine}" in _open_link_of(at, mine)
    at = open_app(team.ic, None, **{SEEN: str(mine)})
    assert_no_exception(at)
    assert SEEN not in at.query_params
    assert _unread(app_engine, team.ic) == {other}
    assert _nav_title(at) == "Needs my attention (1)"
    open_app(team.ic, None, **{SEEN: str(theirs)})
    assert _unread(app_engine, team.other_ic) == {theirs}


def _open_link_of(at: AppTest, notification_id: int) -> str:
    """The address (page and query) of the Open link carrying ``notification_id``."""
    links = [f"{link.proto.page}?{link.proto.query_string}" for link in at.get("page_link")]
    return next(text for text in links if f"{SEEN}={notification_id}" in text)
