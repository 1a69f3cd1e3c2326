"""Hostile input through the real browser (issue 7): every payload of the corpus
(tests/e2e/payloads.py) is typed into the app's user-text fields, one-line and Markdown,
and the test proves that none of it runs (no dialog, no ``window.__pwned``), loads
anything (no request to a host other than loopback: each one is recorded and aborted),
or creates an element (nothing marked ``pwned``, no iframe, form to evil.example, inline
handler, unsafe link or outside image, checked now and as the page changes). Each
payload round-trips as text: the database holds it as the one text rule keeps it, and
the page shows it (all of it in one-line fields; what Markdown leaves visible in
Markdown fields). Text over a field's limit is refused with the limit, nothing saved.

Markdown fields take the whole corpus in one submission, framed by markers so the
check reads only that field's rendering; one-line fields take the corpus through the
breakdown box (one sub-question per line) and the nastiest payloads one by one."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session, col

from team.models import (
    ActionItem,
    Answer,
    Finding,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewRequest,
    TrackNote,
)
from team.services.admin import rules as admin_rules
from team.services.findings.artifacts import describe
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from tests.e2e import hostile as h
from tests.e2e.conftest import Server, wait_idle
from tests.e2e.payloads import (
    BY_NAME,
    PAYLOADS,
    Payload,
    nastiest,
    normalise,
    too_long,
)
from tests.factories import root

# --------------------------------------------------------------------------- questions


def _new_question(page: Any, server: Server, seen: h.Watch) -> int:
    page.get_by_text("New general question", exact=True).click()
    form = h.form(page, "new_question")
    title = form.get_by_label("Question", exact=True)
    # Over the limit: refused with the limit, the text kept whole, nothing created.
    title.fill(too_long(300))
    h.submit(page, form, "Create question")
    h.error(page, "Keep the title under 300 characters (it has 301)")
    expect(title).to_have_value(too_long(300))
    assert h.count(server, Question) == 0
    # A hostile title and the whole corpus as its context.
    hostile = BY_NAME["img_onerror"]
    title.fill(hostile.text)
    form.get_by_label(re.compile(r"^Context: ")).fill(h.framed("context"))
    h.submit(page, form, "Create question")
    h.flash(page, f"Created {hostile.line}")
    h.assert_harmless(page, seen)
    [root] = h.rows(server, select(Question))
    assert (root.title, root.context) == (hostile.line, h.framed_stored("context"))
    expect(page.get_by_role("heading", name=hostile.line, exact=True)).to_be_visible()
    h.shows_corpus(page, "context")
    return int(root.id)


def _break_down(page: Any, server: Server, seen: h.Watch, root_id: int) -> None:
    page.get_by_role("textbox", name="Break down: one sub-question per line").fill(
        "\n".join(h.typed_line(p) for p in PAYLOADS)
    )
    h.submit(page, page, "Add sub-questions")
    h.flash(page, f"Added {len(PAYLOADS)} sub-questions")
    h.assert_harmless(page, seen)
    query = (
        select(Question).where(col(Question.parent_id) == root_id).order_by(col(Question.position))
    )
    assert [q.title for q in h.rows(server, query)] == [p.line for p in PAYLOADS]
    labels = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stMain\"] button')]"
        ".map((b) => b.innerText)"
    )
    shown = {normalise(label) for label in labels}
    missing = [p.name for p in PAYLOADS if normalise(p.line) not in shown]
    assert missing == [], f"sub-question titles not shown as typed: {missing}"


def _edit(page: Any, server: Server, seen: h.Watch, root_id: int) -> None:
    h.expanded(page, "Edit title, context and technique")
    form = h.form(page, f"edit_{root_id}")
    typed = BY_NAME["script_tag"]
    title = form.get_by_label("Question", exact=True)
    title.clear()
    title.press_sequentially(typed.text)  # typed key by key, once, to prove typing works
    form.get_by_label("Context (Markdown)").fill(h.framed("edit"))
    h.submit(page, form, "Save")
    h.flash(page, "Saved “")
    h.assert_harmless(page, seen)
    with Session(server.engine) as session:
        root = session.get(Question, root_id)
        assert root is not None
        assert (root.title, root.context) == (typed.line, h.framed_stored("edit"))
    expect(page.get_by_role("heading", name=typed.line, exact=True)).to_be_visible()
    h.shows_corpus(page, "edit")


BAD_LINKS = ["![x](http://evil.example/refused.png)", "javascript:alert('pwned')"]
ODD_LINKS = [
    "http://evil.example/x)![p](http://evil.example/link-img.png)",
    "https://example.org/a?q=<img/src=x/onerror=alert('pwned')>&b=\"pwned\"",
    "https://example.org/`code`/\\)](javascript:alert('pwned'))",
]


def _finding(page: Any, server: Server, seen: h.Watch, root_id: int) -> int:
    h.expanded(page, "Log a finding")
    form = h.form(page, f"log_finding_q{root_id}")
    summary = BY_NAME["remote_image"]
    form.get_by_label("Summary: the finding in one line").fill(summary.text)
    form.get_by_label("Details (Markdown)").fill(h.framed("finding"))
    links = form.get_by_label(re.compile(r"^Evidence links"))
    # A link that is not one is refused, and the refusal quotes it as text.
    for bad in BAD_LINKS:
        h.expanded(page, "Log a finding")
        links.fill(bad)
        h.submit(page, form, "Log finding")
        h.error(page, f"'{bad}' is not a web link")
        h.assert_harmless(page, seen)
    assert h.count(server, Finding) == 0
    h.expanded(page, "Log a finding")
    links.fill("\n".join(ODD_LINKS))
    h.submit(page, form, "Log finding")
    h.flash(page, "Finding logged: ")
    [finding] = h.rows(server, select(Finding))
    assert (finding.summary, finding.body) == (summary.line, h.framed_stored("finding"))
    assert finding.links == ODD_LINKS
    card = _open_finding(page, summary)
    h.shows_corpus(page, "finding")
    shown = card.get_by_role("link").evaluate_all(
        "(links) => links.map((a) => [a.innerText, a.getAttribute('href')])"
    )
    # Each link is a chip saying what it is ("link · example.org"), linking to it whole.
    shown = [(normalise(text), unquote(href)) for text, href in shown]
    chips = [(text, href) for text, href in shown if href in ODD_LINKS]
    assert [href for _, href in chips] == ODD_LINKS
    assert all(describe(href).label in text for text, href in chips), chips
    h.assert_harmless(page, seen)
    return int(finding.id)


def _open_finding(page: Any, summary: Payload) -> Any:
    return h.expanded(page, summary.line)


def _finding_note_and_send_back(page: Any, server: Server, seen: h.Watch, fid: int) -> None:
    summary = BY_NAME["remote_image"]
    card = _open_finding(page, summary)
    form = h.form(page, f"add_note_finding_{fid}")
    # Over the limit: refused with the limit, nothing saved.
    form.get_by_label("Add a note (Markdown)").fill(too_long(20_000))
    h.submit(page, form, "Add note")
    h.error(page, "Keep the note under 20,000 characters (it has 20,001)")
    assert h.count(server, Note) == 0
    card = _open_finding(page, summary)
    form.get_by_label("Add a note (Markdown)").fill(h.framed("finding-note"))
    h.submit(page, form, "Add note")
    h.flash(page, "Note added.")
    card = _open_finding(page, summary)
    h.shows_corpus(page, "finding-note")
    reason = BY_NAME["attribute_breakout"]
    card.get_by_label("Reason for sending back").fill(reason.text)
    h.submit(page, card, "Send back")
    h.flash(page, "Finding needs work.")
    card = _open_finding(page, summary)
    h.shows(page, card, reason.line)
    bodies = [n.body for n in h.rows(server, select(Note).order_by(col(Note.id)))]
    assert bodies == [h.framed_stored("finding-note"), reason.line]
    h.assert_harmless(page, seen)


def _answer(page: Any, server: Server, seen: h.Watch, root_id: int) -> None:
    h.nav(page, "Answers")
    form = h.form(page, f"answer_form_{root_id}")
    form.get_by_label(re.compile(r"^Answer \(Markdown\)")).fill(h.framed("answer"))
    h.submit(page, form, "Save as a new version")
    h.flash(page, "Saved version 1.")
    [answer] = h.rows(server, select(Answer))
    assert (answer.question_id, answer.body) == (root_id, h.framed_stored("answer"))
    h.shows_corpus(page, "answer")
    h.assert_harmless(page, seen)


def test_hostile_text_in_question_finding_note_and_answer_fields(server: Server, page: Any) -> None:
    seen = h.watch(page)
    page.goto(server.base_url)
    wait_idle(page)
    h.be(page, "Maya · manager")
    h.nav(page, "Questions")
    h.assert_harmless(page, seen)
    root_id = _new_question(page, server, seen)
    _edit(page, server, seen, root_id)
    fid = _finding(page, server, seen, root_id)
    _finding_note_and_send_back(page, server, seen, fid)
    _break_down(page, server, seen, root_id)  # last here: a long tree slows every rerun
    _answer(page, server, seen, root_id)
    # Nothing else was lost: one root, its sub-questions, one finding and its two notes.
    assert h.count(server, Question) == 1 + len(PAYLOADS)
    assert (h.count(server, Finding), h.count(server, Note)) == (1, 2)
    h.pages_harmless(page, seen)


# --------------------------------------------------------------------------- reviews, 1:1s


def _request_review(page: Any, server: Server, seen: h.Watch) -> int:
    h.nav(page, "My work")
    page.get_by_role("tab", name="Request a review").click()
    # My work's forms are keyed by the question chosen: find this one by its button.
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Request review", exact=True)
    )
    url = form.get_by_label("Artifact link (PR, commit, notebook)")
    form.get_by_label("What should the reviewer focus on?").fill(h.framed("focus"))
    h.pick(page, "Reviewer", "Maya", within=form, wait=False)
    url.fill(BAD_LINKS[0])
    h.submit(page, form, "Request review")
    h.error(page, f"'{BAD_LINKS[0]}' is not a web link")
    assert h.count(server, ReviewRequest) == 0
    url.fill(ODD_LINKS[0])
    h.submit(page, form, "Request review")
    h.flash(page, "Review requested from Maya")
    [review] = h.rows(server, select(ReviewRequest))
    assert (review.artifact_url, review.focus) == (ODD_LINKS[0], h.framed_stored("focus"))
    h.assert_harmless(page, seen)
    return int(review.id)


def _review_thread(page: Any, server: Server, seen: h.Watch, rid: int) -> None:
    h.nav(page, "Reviews")
    page.locator(f".st-key-review_row_queue_{rid} button").click()
    wait_idle(page)
    h.shows_corpus(page, "focus")
    [artifact] = page.get_by_role("link").filter(has_text=describe(ODD_LINKS[0]).label).all()
    assert unquote(artifact.get_attribute("href")) == ODD_LINKS[0]
    form = h.form(page, f"add_note_review_{rid}")
    form.get_by_label("Add a note (Markdown)").fill(h.framed("review-note"))
    h.submit(page, form, "Add note")
    h.flash(page, "Note added.")
    h.shows_corpus(page, "review-note")
    [note] = h.rows(server, select(Note).where(col(Note.review_request_id) == rid))
    assert note.body == h.framed_stored("review-note")
    h.assert_harmless(page, seen)


def _one_on_one(page: Any, server: Server, seen: h.Watch) -> None:
    h.nav(page, "One-on-ones")
    h.pick(page, "Report", "Ines")
    h.submit(page, page, "Start today's one-on-one")
    h.flash(page, "One-on-one started.")
    form = h.form(page, "oo_notes_form")
    form.get_by_role("textbox", name="Notes (Markdown)").fill(h.framed("oo-notes"))
    h.submit(page, form, "Save notes")
    h.flash(page, "Notes saved.")
    h.shows_corpus(page, "oo-notes")
    # Track names and action items are one line each: the nastiest payloads, one by one.
    tracks = nastiest(one_on_ones.TRACK_MAX)
    for i, track in enumerate(tracks):
        form = h.form(page, "oo_track_form")
        form.get_by_role("textbox", name="Track (topic)").fill(track.text)
        form.get_by_label("Note (Markdown)").fill(h.framed("track") if i == 0 else track.text)
        h.submit(page, form, "Add track note")
        h.flash(page, "Track note added under")
    form.get_by_role("textbox", name="Track (topic)").fill(too_long(one_on_ones.TRACK_MAX))
    form.get_by_label("Note (Markdown)").fill("over the limit")
    h.submit(page, form, "Add track note")
    h.error(page, f"Keep the track name under {one_on_ones.TRACK_MAX} characters")
    for item in nastiest(one_on_ones.ACTION_MAX):
        form = h.form(page, "oo_action_form")
        field = form.get_by_label("Action item")
        field.fill(item.text)
        expect(field).to_have_value(item.text)  # control characters reach the server
        h.submit(page, form, "Add action item")
        h.flash(page, "Action item added for")
    # The second track note, fixed through its Edit popover, becomes the whole corpus.
    second = h.rows(server, select(TrackNote).order_by(col(TrackNote.id)))[1]
    page.locator(f".st-key-oo_tn_edit_{second.id}").get_by_role("button").click()
    form = h.form(page, f"oo_tn_form_{second.id}")
    form.get_by_label("Note (Markdown)").fill(h.framed("fixed-note"))
    h.submit(page, form, "Save")
    h.flash(page, "Track note saved.")
    h.shows_corpus(page, "track")
    h.shows_corpus(page, "fixed-note")
    main = page.get_by_test_id("stMain")
    for p in {*tracks, *nastiest(one_on_ones.ACTION_MAX)}:
        h.shows(page, main, p.line)
    notes = h.rows(server, select(TrackNote).order_by(col(TrackNote.id)))
    assert [n.track for n in notes] == [t.line for t in tracks]
    assert notes[0].body == h.framed_stored("track")
    assert notes[1].body == h.framed_stored("fixed-note")
    items = h.rows(server, select(ActionItem).order_by(col(ActionItem.id)))
    assert [a.description for a in items] == [p.line for p in nastiest(one_on_ones.ACTION_MAX)]
    [meeting] = h.rows(server, select(OneOnOne))
    assert meeting.notes == h.framed_stored("oo-notes")
    h.assert_harmless(page, seen)


def test_hostile_text_in_review_and_one_on_one_fields(server: Server, page: Any) -> None:
    team = server.team
    with Session(server.engine) as session:
        rid = root(session, team, "Why did retention drop?")
        questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Which plans churned?", assignee_id=team.ic)],
        )
    seen = h.watch(page)
    page.goto(server.base_url)
    wait_idle(page)
    h.be(page, "Ines · IC")
    review_id = _request_review(page, server, seen)
    h.be(page, "Maya · manager")
    _review_thread(page, server, seen, review_id)
    _one_on_one(page, server, seen)
    assert (h.count(server, Question), h.count(server, Note)) == (2, 1)
    h.be(page, "Ines · IC")  # the pages where the notes on her work show
    h.pages_harmless(page, seen, ["Needs my attention", "My work", "One-on-ones"])


# --------------------------------------------------------------------------- team


# (as typed, as stored): emails are kept lower case, without control characters.
EMAILS = [
    ("<img/src=x/onerror=alert('pwned')>@evil.example",) * 2,
    ("[x](javascript:alert('pwned'))@evil.example",) * 2,
    ("'--@evil.example",) * 2,
    ("nul\x00@EVIL.example", "nul@evil.example"),
]


def _add_people(page: Any, server: Server, seen: h.Watch) -> list[str]:
    """People named with the nastiest payloads, with hostile emails; returns the names."""
    names = nastiest(admin_rules.NAME_MAX)
    emails = [*EMAILS, *((f"p{i}@example.org",) * 2 for i in range(len(names) - len(EMAILS)))]
    for person, (email, _) in zip(names, emails, strict=True):
        form = h.expanded_form(page, "Add a person", "tm_add_form")
        form.get_by_label("Name", exact=True).fill(person.text)
        form.get_by_label("Email", exact=True).fill(email)
        h.submit(page, form, "Add person")
        h.flash(page, f"{person.line} joined the team.")
    form = h.expanded_form(page, "Add a person", "tm_add_form")
    form.get_by_label("Name", exact=True).fill(too_long(admin_rules.NAME_MAX))
    form.get_by_label("Email", exact=True).fill("long@example.org")
    h.submit(page, form, "Add person")
    h.error(page, f"Keep the name under {admin_rules.NAME_MAX} characters")
    form.get_by_label("Name", exact=True).fill("No email")
    form.get_by_label("Email", exact=True).fill(BY_NAME["script_tag"].text)
    h.submit(page, form, "Add person")
    h.error(page, f"'{BY_NAME['script_tag'].text}' does not look like an email address")
    h.assert_harmless(page, seen)
    added = h.rows(server, select(Person).order_by(col(Person.id)))[-len(names) :]
    stored = [(n.line, e) for n, (_, e) in zip(names, emails, strict=True)]
    assert [(p.name, p.email) for p in added] == stored
    return [n.line for n in names]


def _add_projects(page: Any, server: Server, seen: h.Watch) -> None:
    names = nastiest(admin_rules.NAME_MAX)
    for i, project in enumerate(names):
        form = h.expanded_form(page, "Add a project", "tm_proj_add_form")
        form.get_by_label("Name", exact=True).fill(project.text)
        form.get_by_label("Description").fill(h.framed("project") if i == 0 else project.text)
        h.submit(page, form, "Add project")
        h.flash(page, f"Project {project.line} added.")
    h.assert_harmless(page, seen)
    added = h.rows(server, select(Project).order_by(col(Project.id)))[-len(names) :]
    assert [p.name for p in added] == [n.line for n in names]
    assert added[0].description == h.framed_stored("project")


def test_hostile_text_in_team_fields(server: Server, page: Any) -> None:
    seen = h.watch(page)
    page.goto(server.base_url)
    wait_idle(page)
    h.be(page, "Maya · manager")
    h.nav(page, "Team")
    before = h.count(server, Person), h.count(server, Project)
    names = _add_people(page, server, seen)
    _add_projects(page, server, seen)
    assert (h.count(server, Person), h.count(server, Project)) == (
        before[0] + len(names),
        before[1] + len(nastiest(admin_rules.NAME_MAX)),
    )
    # A new visitor is asked who they are, with every active person's name listed.
    page.goto(server.base_url)
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    for name in names:
        h.shows(page, main, name)
    h.assert_harmless(page, seen)
