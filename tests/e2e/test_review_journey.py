"""The IC review loop in a real browser, one context, switching who you are in the sidebar:
Ines logs a finding and asks Maya for a review; Maya starts it, leaves a must-fix note
and requests changes; Ines resolves the note and asks again; Maya approves. The review
queue and the count of unread notifications in the navigation follow along, and the
database agrees.

A second test works a review from the Reviews page's own lists (a row of a queue, then
"All reviews"): links from the Reviews page to the Reviews page itself."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from team.config_checklists import ReviewChecklists
from team.models import Finding, Note, ReviewRequest
from team.services.notify import inbox
from team.services.questions import writes as questions
from team.services.reviews import writes as reviews
from team.vocabulary import FindingKind, NoteKind, ReviewStatus
from tests.e2e.checklist import complete_checklist
from tests.e2e.conftest import Server, be, choose, click_to_run, wait_idle
from tests.factories import root

ATTENTION = re.compile(r"^Needs my attention( \(\d+\))?$")


def _nav(page: Any, name: str | re.Pattern[str]) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    wait_idle(page)


def _attention_count(page: Any) -> int:
    """The count in the "Needs my attention (N)" navigation link (0 when it shows none)."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=ATTENTION)
    expect(link).to_be_visible()
    found = re.search(r"Needs my attention \((\d+)\)", link.inner_text())
    return int(found.group(1)) if found else 0


def _unread(server: Server, person_id: int) -> int:
    """How many of the person's notifications are unread, as the database says."""
    with Session(server.engine) as session:
        return inbox.unread_count(session, person_id)


def _tab(page: Any, name: str) -> None:
    """Open the tab ``name`` (Needs my attention opens on its inbox when something is
    new there)."""
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def _click(page: Any, name: str, *, scope: Any = None) -> None:
    click_to_run(page, (scope or page).get_by_role("button", name=name, exact=True))


def _form(page: Any, key: str) -> Any:
    """The ``st.form`` created with ``key``. Streamlit puts no key class on a form itself,
    only on its submit button (``st-key-FormSubmitter-<form key>-<label>``)."""
    submit = page.locator(f'[class*="st-key-FormSubmitter-{key}-"]')
    return page.get_by_test_id("stForm").filter(has=submit)


def _flash(page: Any, text: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(text)


def _thread_heading(page: Any) -> Any:
    return page.get_by_role("heading", name=re.compile("Review of “"))


def _status_is(page: Any, status: str) -> None:
    """The open thread's heading starts with its status badge."""
    expect(_thread_heading(page)).to_have_text(re.compile(rf"^{status}\s*Review of “"))


def _seed_question(server: Server, title: str) -> int:
    """A general question with one sub-question, ``title``, assigned to Ines."""
    team = server.team
    with Session(server.engine, expire_on_commit=False) as session:
        root_id = root(session, team, f"Why did retention drop in Q3? {title}")
        (sub,) = questions.add_subquestions(
            session,
            team.manager,
            parent_id=root_id,
            items=[questions.SubQuestion(title, assignee_id=team.ic)],
        )
    return sub.id


def test_ic_asks_manager_reviews_ic_fixes_manager_approves(server: Server, page: Any) -> None:
    team = server.team
    tag = uuid.uuid4().hex[:6]
    sub_title = f"Which segments churned more? {tag}"
    summary = f"SMB churn doubled after the price change {tag}"
    evidence = f"https://notebooks.example.org/churn-{tag}.ipynb"
    artifact = f"https://github.com/example-org/churn-analysis/pull/1?t={tag}"
    must_fix = f"Exclude the test accounts before comparing segments {tag}"
    sub_id = _seed_question(server, sub_title)

    # 1. Ines sees her question on My work and logs a finding.
    page.goto(server.base_url)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
    be(page, "Ines · IC")
    _nav(page, "My work")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    row = page.locator(f".st-key-work_row_{sub_id}")
    expect(row.get_by_role("link", name=sub_title)).to_be_visible()
    expect(row).to_contain_text("no evidence yet")

    form = _form(page, f"log_finding_mywork_{sub_id}")
    form.get_by_label("Summary: the finding in one line").fill(summary)
    form.get_by_label("Details (Markdown)").fill(
        "**SMB** accounts churned at twice the rate after the *March* price change."
    )
    form.get_by_label(re.compile(r"^Evidence links, one per line")).fill(evidence)
    choose(page, form, "Kind", "negative result")
    choose(page, form, "Confidence", "high")
    _click(page, "Log finding", scope=form)
    _flash(page, f"Finding logged: {summary} on “{sub_title}”.")
    expect(row).to_contain_text("last evidence 0 days ago")
    with Session(server.engine) as session:
        logged = session.exec(select(Finding).where(col(Finding.summary) == summary)).one()
    # The message links to the finding's card on Questions, as My findings does through
    # the question it is on.
    card_address = re.compile(rf"questions\?root=\d+&node={sub_id}&finding={logged.id}$")
    flash_link = page.get_by_test_id("stAlertContentSuccess").get_by_role("link", name=summary)
    expect(flash_link).to_have_attribute("href", card_address)
    on = page.locator(f".st-key-finding_row_{logged.id}").get_by_role(
        "link", name=f"On: {sub_title}"
    )
    expect(on).to_have_attribute("href", card_address)
    # The form is empty again (in the browser, not only on the server): a second click
    # is refused instead of logging the finding twice.
    expect(form.get_by_label("Summary: the finding in one line")).to_have_value("")
    expect(form.get_by_label("Details (Markdown)")).to_have_value("")
    expect(form.get_by_label(re.compile(r"^Evidence links, one per line"))).to_have_value("")
    expect(form.get_by_role("combobox", name="Kind")).to_have_value("result")
    expect(form.get_by_role("combobox", name="Confidence")).to_have_value("medium")
    _click(page, "Log finding", scope=form)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("one-line summary")
    # Her finding is listed under My findings; its Markdown renders as formatting.
    card = page.get_by_test_id("stExpander").filter(has_text=summary)
    card.get_by_text(summary).first.click()
    wait_idle(page)
    expect(card.locator("strong", has_text="SMB")).to_be_visible()
    # Its evidence link is a chip naming the notebook.
    notebook = card.get_by_role("link", name=re.compile(r"notebook · churn-\w+\.ipynb"))
    expect(notebook).to_have_attribute("href", evidence)

    # ... then asks Maya to review it.
    page.get_by_role("tab", name="Request a review").click()
    form = _form(page, f"request_review_mywork_{sub_id}")
    expect(form).to_be_visible()
    form.get_by_label("Artifact link (PR, commit, notebook)").fill(artifact)
    form.get_by_label("What should the reviewer focus on?").fill(
        "Check the *segment* definitions and the date window."
    )
    choose(page, form, "Reviewer", "Maya")
    choose(page, form, "About the finding (optional)", summary)
    _click(page, "Request review", scope=form)
    _flash(page, "Review requested from Maya")

    with Session(server.engine) as session:
        review = session.exec(
            select(ReviewRequest).where(col(ReviewRequest.question_id) == sub_id)
        ).one()
        finding = session.exec(select(Finding).where(col(Finding.summary) == summary)).one()
    assert review.id is not None and finding.id is not None
    review_id, finding_id = review.id, finding.id
    assert review.finding_id == finding_id
    assert review.status == ReviewStatus.OPEN
    expect(row).to_contain_text("1 open review")
    expect(page.locator(f".st-key-review_row_mine_{review_id}")).to_contain_text(summary)

    # 2. Maya sees what waits on her: the count of what is new in the navigation (the
    # review Ines asked of her), then the review to do in its tab.
    be(page, "Maya · manager")
    before = _attention_count(page)
    assert before == _unread(server, team.manager) >= 1
    _nav(page, ATTENTION)
    expect(page.get_by_role("heading", name="Needs my attention")).to_be_visible()
    expect(page.locator(".st-key-inbox_tools")).to_be_visible()  # the inbox opens first
    _tab(page, "Reviews to do")
    expect(page.get_by_role("heading", name="Reviews to do (1)")).to_be_visible()
    to_do = page.locator(f".st-key-review_row_attention_{review_id}")
    expect(to_do).to_contain_text(summary)
    expect(to_do).to_contain_text("first response: no response yet")
    to_do.get_by_role("button").click()  # the whole row opens the thread
    wait_idle(page)
    expect(page).to_have_url(re.compile(rf"/reviews\?review={review_id}$"))
    expect(_thread_heading(page)).to_contain_text(sub_title)
    _status_is(page, "open")
    # The artifact is a chip naming the pull request, a link to it.
    chip = page.get_by_role("link", name="PR #1 · example-org/churn-analysis")
    expect(chip).to_have_attribute("href", artifact)

    _click(page, "Start review")
    _flash(page, f"You started reviewing “{summary}”.")
    _status_is(page, "in review")

    note_form = _form(page, f"add_note_review_{review_id}")
    note_form.get_by_label("Add a note (Markdown)").fill(must_fix)
    choose(page, note_form, "Kind", "must fix")
    _click(page, "Add note", scope=note_form)
    _flash(page, "Must-fix note added. You asked for changes")
    with Session(server.engine) as session:
        note = session.exec(select(Note).where(col(Note.review_request_id) == review_id)).one()
    assert note.id is not None and note.kind == NoteKind.MUST_FIX
    note_id = note.id
    note_box = page.locator(f".st-key-note_{note_id}")
    expect(note_box).to_contain_text(must_fix)
    expect(note_box).to_contain_text("must fix")

    # Her must-fix note asked for changes: no "Request changes" click is needed.
    _status_is(page, "changes requested")
    expect(page.get_by_role("button", name="Request changes", exact=True)).to_have_count(0)
    expect(page.get_by_text("1 must-fix note is still open", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    # 3. Ines finds the must-fix note waiting on her, resolves it and asks again.
    be(page, "Ines · IC")
    assert _attention_count(page) == _unread(server, team.ic) >= 1
    _nav(page, ATTENTION)
    _tab(page, "Must-fix notes")
    expect(
        page.get_by_role("heading", name="Must-fix notes still open on your work (1)")
    ).to_be_visible()
    waiting = page.locator(f".st-key-attention_note_{note_id}")
    expect(waiting).to_contain_text(must_fix)
    waiting.get_by_role("link", name="Open the review").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(rf"/reviews\?review={review_id}$"))
    _status_is(page, "changes requested")

    _click(page, "Resolve", scope=page.locator(f".st-key-note_{note_id}"))
    _flash(page, "Note resolved.")
    expect(page.locator(f".st-key-note_{note_id}")).to_contain_text("resolved")
    expect(page.get_by_text("must-fix note is still open", exact=False)).to_have_count(0)
    assert _attention_count(page) == _unread(server, team.ic)  # what is new stays new

    _click(page, "Ask again")
    _flash(page, f"You asked again for a review of “{summary}”.")
    _status_is(page, "open")
    expect(page.get_by_role("button", name="Ask again", exact=True)).to_have_count(0)

    # 4. Maya: the review waits on her again; she opens it and approves.
    be(page, "Maya · manager")
    assert _attention_count(page) == _unread(server, team.manager) >= before
    _nav(page, ATTENTION)
    _tab(page, "Reviews to do")
    to_do = page.locator(f".st-key-review_row_attention_{review_id}")
    to_do.get_by_role("button").click()  # the whole row opens the thread
    wait_idle(page)
    _status_is(page, "open")
    expect(page.get_by_text("must-fix note is still open", exact=False)).to_have_count(0)
    # Approve waits on the analysis checklist's required items.
    expect(page.get_by_role("button", name="Approve", exact=True)).to_be_disabled()
    complete_checklist(page, review_id, ReviewChecklists().analysis)
    _click(page, "Approve")
    _flash(page, f"You approved “{summary}”.")
    _status_is(page, "approved")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    # Nothing waits on her any more, and her queue on Reviews no longer lists it.
    _nav(page, ATTENTION)
    expect(page.get_by_role("tab", name="Reviews to do")).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"^Reviews to do"))).to_have_count(0)
    _nav(page, "Reviews")
    expect(page.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
    expect(page.get_by_role("tab", name="Waiting on me")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Nothing waits on you.")).to_be_visible()
    expect(page.locator(f".st-key-review_row_queue_{review_id}")).to_have_count(0)

    # And the database agrees.
    with Session(server.engine) as session:
        review_row = session.get(ReviewRequest, review_id)
        note_row = session.get(Note, note_id)
        finding_row = session.get(Finding, finding_id)
        assert review_row is not None and note_row is not None and finding_row is not None
        assert review_row.status == ReviewStatus.APPROVED
        assert (review_row.requester_id, review_row.reviewer_id) == (team.ic, team.manager)
        assert review_row.artifact_url == artifact
        assert review_row.first_response_at is not None and review_row.resolved_at is not None
        assert review_row.requested_at <= review_row.first_response_at <= review_row.resolved_at
        assert note_row.kind == NoteKind.MUST_FIX and note_row.resolved
        assert note_row.author_id == team.manager
        assert finding_row.question_id == sub_id and finding_row.author_id == team.ic
        assert finding_row.kind == FindingKind.NEGATIVE_RESULT
        assert list(finding_row.links or []) == [evidence]


def test_reviewer_works_a_review_from_the_reviews_page(server: Server, page: Any) -> None:
    """Reviews > Waiting on me > a row, act on the thread, then "All reviews": the Reviews
    page linking to itself. The thread must be in the address bar (so reloading or sharing
    it keeps it, and every later rerun still shows it) and an action on it must work."""
    title = f"Did onboarding emails matter? {uuid.uuid4().hex[:6]}"
    sub_id = _seed_question(server, title)
    with Session(server.engine) as session:
        review_id = reviews.request_review(
            session,
            server.team.ic,
            data=reviews.ReviewInput(
                question_id=sub_id,
                reviewer_id=server.team.manager,
                artifact_url="https://github.com/example-org/onboarding/pull/1",
            ),
        )

    page.goto(server.base_url)
    wait_idle(page)
    be(page, "Maya · manager")
    _nav(page, "Reviews")
    expect(page.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
    queued = page.locator(f".st-key-review_row_queue_{review_id}")
    queued.get_by_role("button").click()
    wait_idle(page)
    _status_is(page, "open")
    _click(page, "Start review")
    expect(
        page.get_by_test_id("stAlertContentSuccess"),
        "Start review, clicked on a thread opened from the Reviews page, must start it",
    ).to_contain_text(f"You started reviewing “{title}”.")
    _status_is(page, "in review")
    with Session(server.engine) as session:
        stored = session.get(ReviewRequest, review_id)
        assert stored is not None and stored.status == ReviewStatus.IN_REVIEW
    expect(page, "a row on the Reviews page must put its thread in the address bar").to_have_url(
        re.compile(rf"/reviews\?review={review_id}$")
    )

    # "All reviews" leaves the thread for good: the address bar drops it, and a later
    # rerun (here: switching person) stays on the lists.
    click_to_run(page, page.get_by_role("button", name="All reviews", exact=True))
    expect(page.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
    expect(page, "All reviews must drop ?review= from the address bar").not_to_have_url(
        re.compile(r"[?&]review=")
    )
    be(page, "Omar · manager")
    expect(page.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
