"""User text shows as typed in the browser (issue 13, point 9): a name holding web
addresses and an email is not turned into links, Streamlit's colour and icon
directives in a Markdown body stay text, an unclosed right-to-left override in a project
name stays inside it, and one very long word wraps instead of widening the page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from team.models import Person, Project
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate
from tests.e2e import hostile as h
from tests.e2e.conftest import Server
from tests.e2e.payloads import normalise

NAME = "Maya https://evil.example/n.js www.evil.example maya@evil.example"
PROJECT = "Retention \u202eabc"
DIRECTIVES = "status:green, ratio:blue, background:red and :material/warning: stay as typed"
LONG = "W" * 300


def _seed(server: Server) -> int:
    with Session(server.engine) as s:
        t = server.team
        s.execute(update(Person).where(col(Person.id) == t.manager).values(name=NAME))
        s.execute(update(Project).where(col(Project.id) == t.project).values(name=PROJECT))
        s.commit()
        context = f"{DIRECTIVES}\n\n{'x' * 2000}"
        data = QuestionCreate(title=LONG, project_id=t.project, context=context)
        return questions.create_question(s, t.manager, data=data).id


def _links_to_evil(page: Any) -> list[str]:
    main = '[data-testid="stMain"] a[href*="evil"]'
    found = page.eval_on_selector_all(main, "els => els.map((e) => e.outerHTML.slice(0, 120))")
    return [str(link) for link in found]


def _overflows(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " return m.scrollWidth > m.clientWidth + 1; }"
        )
    )


def test_user_text_shows_as_typed(server: Server, page: Any) -> None:
    root_id = _seed(server)
    page.goto(server.base_url)
    h.be(page, f"{NAME} · manager")
    main = page.get_by_test_id("stMain")

    # Overview: the owner's name is text, the project's override is closed, no overflow.
    h.shows(page, main, NAME)  # the rows are drawn before anything is read from them
    assert _links_to_evil(page) == []
    text = main.inner_text()
    assert normalise(NAME) in normalise(text)
    assert "\u2068Retention \u202eabc\u2069" in text
    assert not _overflows(page)

    # The question: its context's directives show as typed; the long title wraps.
    page.goto(f"{server.base_url}/questions?root={root_id}")
    h.be(page, f"{NAME} · manager")
    h.shows(page, main, DIRECTIVES)
    h.shows(page, main, LONG)
    assert _links_to_evil(page) == []
    assert not _overflows(page)
