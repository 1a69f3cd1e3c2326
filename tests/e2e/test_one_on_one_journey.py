"""One-on-one journey through the real app in a real browser: the manager opens a
report's one-on-one, finds a carried-over action item and a stale question on the
agenda, starts today's meeting, writes a track note and adds an action item; the report
then sees both and ticks the item done."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from team.models import ActionItem, OneOnOne, TrackNote, utcnow
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from tests.e2e.conftest import Server, click_to_run, wait_idle
from tests.e2e.test_journey import _pick
from tests.factories import Team, backdate_question, root


@dataclass(frozen=True)
class Seeded:
    stale_title: str
    carried_text: str
    past_meeting: int
    carried_item: int


def _seed(engine: Engine, team: Team, tag: str) -> Seeded:
    """A sub-question of Ines's quiet for 20 days (stale after the default 14) and an
    open action item from a one-on-one held a week ago (so it carries over)."""
    stale_title = f"Which plans churned? {tag}"
    carried_text = f"Draft the MDE table {tag}"
    with Session(engine, expire_on_commit=False) as session:
        rid = root(session, team, f"Why did retention drop in Q3? {tag}")
        [sub] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion(stale_title, assignee_id=team.ic)],
        )
        backdate_question(session, sub.id, utcnow() - timedelta(days=20))
        past = one_on_ones.start(
            session, team.manager, report_id=team.ic, held_on=date.today() - timedelta(days=7)
        )
        item = one_on_ones.add_action_item(
            session, team.manager, one_on_one_id=past, owner_id=team.ic, description=carried_text
        )
    return Seeded(stale_title, carried_text, past, item)


def _sign_in(page: Any, who: str) -> None:
    _pick(page, "Who are you?", who, within=page.get_by_test_id("stSidebar"))
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def _nav(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


# The agenda renders each section as a "#### Title (n)" markdown heading, with its items
# in the same element (a list section) or in the elements after it (action items, one
# row each): return the text under one section heading up to the next heading.
SECTION_TEXT = """
(title) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const blocks = [...main.querySelectorAll('[data-testid="stElementContainer"]')];
  const isHeading = (el) => el.querySelector('h1, h2, h3, h4') !== null;
  const start = blocks.findIndex(
    (el) => [...el.querySelectorAll('h4')].some((h) => h.innerText.trim() === title)
  );
  if (start < 0) return null;
  const own = blocks[start].innerText.split("\\n");
  const out = [own.slice(own.findIndex((line) => line.trim() === title) + 1).join("\\n")];
  for (const el of blocks.slice(start + 1)) {
    if (isHeading(el)) break;
    out.push(el.innerText);
  }
  return out.join("\\n");
}
"""


def _section(page: Any, title: str) -> str:
    heading = page.get_by_role("heading", name=title, exact=True)
    expect(heading).to_be_visible()
    text = page.evaluate(SECTION_TEXT, title)
    assert text is not None, f"no agenda section {title!r}"
    return str(text)


def test_manager_holds_a_one_on_one_and_the_report_ticks_the_item(
    server: Server, page: Any
) -> None:
    team = server.team
    tag = uuid.uuid4().hex[:6]
    seeded = _seed(server.engine, team, tag)
    track, body = "Career growth", f"Wants to present at the **all-hands** {tag}"
    shown_body = f"Wants to present at the all-hands {tag}"
    action, due = f"Share the notebook for review {tag}", date.today() + timedelta(days=7)

    # Maya opens Ines's one-on-one.
    page.goto(server.base_url)
    wait_idle(page)
    _sign_in(page, "Maya · manager")
    _nav(page, "One-on-ones")
    expect(page.get_by_role("heading", name="One-on-ones", exact=True)).to_be_visible()
    _pick(page, "Report", "Ines")
    expect(page.get_by_role("heading", name="With Ines", exact=True)).to_be_visible()

    # The agenda: the open item from last week carries over, the quiet question is stale.
    expect(page.get_by_role("heading", name="Agenda", exact=True)).to_be_visible()
    expect(page.get_by_text(seeded.carried_text).first).to_be_visible()
    carried = _section(page, "Carried over (1)")
    assert seeded.carried_text in carried
    assert f"raised {(date.today() - timedelta(days=7)).isoformat()}" in carried
    stale = _section(page, "Stale questions (1)")
    assert seeded.stale_title in stale
    assert "no new evidence for 20 days" in stale
    # The empty sections are one line, not headings to scroll past.
    expect(page.get_by_role("heading", name=re.compile(r"\(0\)$"))).to_have_count(0)
    nothing = page.get_by_text(re.compile(r"^Nothing on: "))
    expect(nothing).to_have_text(
        "Nothing on: new findings, overdue questions, reviews awaiting the manager, reviews "
        "the report owes, must-fix notes still open, overdue action items, decisions due for "
        "revisit, answers whose evidence changed."
    )
    # The carried-over item's box is drawn by the icon font, not an emoji.
    carried_row = page.locator(f".st-key-oo_item_{seeded.carried_item}")
    box = carried_row.get_by_role("img", name="check_box_outline_blank icon")
    expect(box).to_be_visible()
    page.evaluate("document.fonts.ready")
    drawn = box.bounding_box()
    assert drawn is not None and drawn["width"] < 40, drawn  # one glyph, not the word

    # Start today's one-on-one.
    page.locator(".st-key-oo_start").get_by_role("button").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("One-on-one started.")

    # Write a note in a track.
    track_form = page.get_by_test_id("stForm").filter(
        has=page.locator(".st-key-FormSubmitter-oo_track_form-Add-track-note")
    )
    track_form.get_by_role("textbox", name="Track (topic)").fill(track)
    track_form.get_by_role("textbox", name="Note (Markdown)").fill(body)
    click_to_run(page, track_form.get_by_role("button", name="Add track note"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Track note added under “{track}”."
    )
    expect(page.get_by_text(f"Track notes · {track}", exact=True)).to_be_visible()
    expect(page.get_by_text(shown_body, exact=True)).to_be_visible()
    # The form starts over for the next note: the default topic, no text.
    expect(track_form.get_by_role("textbox", name="Track (topic)")).to_have_value(
        one_on_ones.DEFAULT_TRACKS[0]
    )
    expect(track_form.get_by_role("textbox", name="Note (Markdown)")).to_have_value("")

    # Add an action item for Ines with a due date.
    action_form = page.get_by_test_id("stForm").filter(
        has=page.locator(".st-key-FormSubmitter-oo_action_form-Add-action-item")
    )
    action_form.get_by_role("textbox", name="Action item", exact=True).fill(action)
    _pick(page, "Owner", "Ines", within=action_form)
    # The date field is made of spinbutton segments (year/month/day): type into them,
    # then leave the field, which commits the date to the form.
    due_field = action_form.get_by_test_id("stDateInputField")
    due_field.get_by_role("spinbutton").first.click()
    page.keyboard.type(due.strftime("%Y%m%d"))
    action_form.get_by_role("textbox", name="Action item", exact=True).click()
    expect(due_field).to_contain_text(re.compile(r"\D*".join(due.strftime("%Y %m %d").split())))
    click_to_run(page, action_form.get_by_role("button", name="Add action item"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Action item added for Ines: “{action}”."
    )
    expect(page.get_by_text(re.compile(re.escape(action) + rf".*due {due}"))).to_be_visible()
    expect(action_form.get_by_role("textbox", name="Action item", exact=True)).to_have_value("")

    with Session(server.engine) as session:
        meeting = session.exec(
            select(OneOnOne).where(
                col(OneOnOne.held_on) == date.today(), col(OneOnOne.report_id) == team.ic
            )
        ).one()
        new_item = session.exec(
            select(ActionItem).where(col(ActionItem.description) == action)
        ).one()
    assert (new_item.one_on_one_id, new_item.owner_id, new_item.due_date) == (
        meeting.id,
        team.ic,
        due,
    )
    assert not new_item.done

    # Ines sees her one-on-one: the new item and the note, and ticks the item done.
    _sign_in(page, "Ines · IC")
    _nav(page, "One-on-ones")
    expect(page.get_by_role("heading", name="With Maya", exact=True)).to_be_visible()
    expect(page.locator(".st-key-oo_start")).to_have_count(0)
    expect(page.get_by_test_id("stForm")).to_have_count(0)
    expect(page.get_by_text(shown_body, exact=True)).to_be_visible()
    expect(page.get_by_text(action).first).to_be_visible()
    assert seeded.carried_text in _section(page, "Carried over (1)")
    assert action not in _section(page, "Carried over (1)")  # raised today: not agenda
    done_button = page.locator(f".st-key-action_done_{new_item.id}").get_by_role("button")
    expect(done_button).to_have_text("Done")
    done_button.click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Action item done.")
    expect(page.locator(f".st-key-action_reopen_{new_item.id}")).to_be_visible()
    expect(page.locator(f".st-key-action_done_{new_item.id}")).to_have_count(0)

    # And the database agrees.
    with Session(server.engine) as session:
        done = {a.id: a.done for a in session.exec(select(ActionItem)).all()}
        [note] = session.exec(
            select(TrackNote).where(col(TrackNote.one_on_one_id) == meeting.id)
        ).all()
    assert done == {seeded.carried_item: False, new_item.id: True}
    assert (note.track, note.body, note.author_id) == (track, body, team.manager)
