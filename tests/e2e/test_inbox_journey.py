"""The inbox in a real browser, one context, switching who you are in the sidebar: Maya
assigns two questions to Ines; Ines sees "Needs my attention (2)", opens the inbox, follows
the notification's link to the question (opening it reads it), comes back, marks the
rest read, and the count in the navigation goes. The database agrees at each step."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from team.models import Notification
from team.services.questions import writes as questions
from team.vocabulary import NotificationKind
from tests.e2e.conftest import Server, be, choose, click_to_run, wait_idle
from tests.factories import root


def _nav_link(page: Any) -> Any:
    return page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=re.compile(r"^Needs my attention")
    )


def _notifications(server: Server) -> list[Notification]:
    with Session(server.engine) as session:
        query = select(Notification).where(col(Notification.person_id) == server.team.ic)
        return list(session.scalars(query))


def test_assigned_question_reaches_the_inbox(server: Server, page: Any) -> None:
    team = server.team
    title = f"Which plans churn most? {uuid.uuid4().hex[:6]}"
    with Session(server.engine, expire_on_commit=False) as session:
        root_id = root(session, team)
        (sub,) = questions.add_subquestions(
            session, team.manager, parent_id=root_id, items=[questions.SubQuestion(title)]
        )

    # 1. Maya assigns the sub-question to Ines in its plan form.
    page.goto(f"{server.base_url}/questions?root={root_id}&node={sub.id}")
    wait_idle(page)
    be(page, "Maya · manager")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    plan = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save plan"))
    choose(page, plan, "Assignee", "Ines")
    click_to_run(page, page.get_by_role("button", name="Save plan"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("assigned to Ines")
    expect(_nav_link(page)).to_have_accessible_name("Needs my attention")  # not for her own act
    [note] = _notifications(server)
    assert note.kind == NotificationKind.ASSIGNED and note.read_at is None
    with Session(server.engine) as session:  # and a second one, through the service
        questions.add_subquestions(
            session,
            team.manager,
            parent_id=root_id,
            items=[questions.SubQuestion(f"{title} (part 2)", assignee_id=team.ic)],
        )

    # 2. Ines: the count in the navigation, the inbox open on what is new.
    be(page, "Ines · IC")
    expect(_nav_link(page)).to_have_accessible_name("Needs my attention (2)")
    _nav_link(page).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Needs my attention")).to_be_visible()
    expect(page.get_by_role("tab", name="Inbox")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("2 new since your last visit")).to_be_visible()
    item = page.locator(f".st-key-inbox_item_{note.id}")
    expect(item).to_contain_text(f"Maya assigned you “{title}”")
    expect(item).to_contain_text("New")

    # 3. Its link leads to the question, and opening it read it: one is left.
    item.get_by_role("link", name="Open").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(rf"/questions\?root={root_id}&node={sub.id}$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(_nav_link(page)).to_have_accessible_name("Needs my attention (1)")
    read = {n.id: n.read_at is not None for n in _notifications(server)}
    assert read[note.id] and sum(read.values()) == 1

    # 4. Back in the inbox, "Mark all read": the count goes, the items stay, not new.
    _nav_link(page).click()
    wait_idle(page)
    click_to_run(page, page.get_by_role("button", name="Mark all read"))
    done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="All marked read.")
    expect(done).to_be_visible()
    expect(_nav_link(page)).to_have_accessible_name("Needs my attention")
    expect(page.get_by_text("Nothing new since your last visit.")).to_be_visible()
    item = page.locator(f".st-key-inbox_item_{note.id}")
    expect(item).to_contain_text(f"“{title}”")
    expect(item).not_to_contain_text("New")
    assert all(n.read_at is not None for n in _notifications(server))
