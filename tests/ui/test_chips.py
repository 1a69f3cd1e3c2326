"""Evidence links drawn as chips: a finding's card and a review request show what a link
is ("PR #418 · acme/churn") as a badge that links to it; a hostile link (Markdown or
HTML in the URL, a "]" in a file name, a non-web scheme) shows as text, closes no badge
early and links nowhere but where it says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import Finding
from team.services.findings import writes as findings
from team.services.reviews import writes as reviews
from team.ui.chips import chip, chips
from tests.e2e.payloads import EVIL
from tests.factories import make_team, root
from tests.markdown_checks import MD, shown, tokens, unsafe
from tests.ui.conftest import assert_no_exception

PR = "https://github.com/acme/churn/pull/418/files"
NOTEBOOK = "https://nbviewer.org/github/acme/churn/blob/main/nb/retention_q3.ipynb"
# Web addresses a user may paste (they pass the link check), each hostile in its own way.
HOSTILE = [
    f"{EVIL}/a]:red[boom](javascript:alert(1)).ipynb",
    f"{EVIL}/x)![p]({EVIL}/p.png)<img/src=x/onerror=alert(1)>.sql",
    f"{EVIL}/x/\\]`]]]*x*.ipynb",
    "https://github.com/:material/home:]x/pull/1",
]


def badge_label(markdown: str) -> tuple[str, int]:
    """The label of the first Streamlit badge in ``markdown``, read as remark-directive
    reads it (a backslash escapes a bracket; brackets nest), and where it ends."""
    start = markdown.index("-badge[") + len("-badge")
    depth, at = 0, start + 1
    while at < len(markdown):
        ch = markdown[at]
        if ch == "\\":
            at += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            if not depth:
                return markdown[start + 1 : at], at
            depth -= 1
        at += 1
    raise AssertionError(f"the badge never closes: {markdown!r}")


def hrefs(markdown: str) -> list[str]:
    return [MD.normalizeLinkText(t.attrGet("href")) for t in tokens(markdown) if t.attrGet("href")]


def test_a_pull_request_is_a_badge_linking_to_it() -> None:
    made = chip(PR)
    assert made.startswith("[:gray-badge[:material/merge: ")
    label, end = badge_label(made)
    assert shown(label) == ":material/merge: PR #418 · acme/churn :material/open_in_new:"
    # The badge closes, then the link's text: the badge is the whole of it.
    assert made[end:].startswith("]](<")
    assert hrefs(made) == [PR]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_web_link_stays_inside_its_badge(url: str) -> None:
    made = chip(url)
    label, end = badge_label(made)
    assert made[end:].startswith("]](<")
    # The chip's own icons (what it is, that it opens); the URL's ":material/" is text.
    assert label.count(":material/") == 2 and label.endswith(" :material/open_in_new:")
    assert unsafe(made) == []
    assert hrefs(made) == [url]
    assert not [t for t in tokens(made) if t.type in ("image", "html_inline", "em")]


@pytest.mark.parametrize("text", ["javascript:alert(1)", "[x](javascript:alert(1))", "<b>a</b>"])
def test_what_is_not_a_web_address_is_a_chip_of_text(text: str) -> None:
    made = chip(text)
    label, end = badge_label(made)
    assert end == len(made) - 1
    assert hrefs(made) == [] and unsafe(made) == []
    assert shown(label).replace("\u2060", "") == f":material/link: link · {text}"


def test_several_links_are_chips_on_one_line_in_their_order() -> None:
    line = chips([PR, NOTEBOOK])
    assert "\n" not in line
    assert hrefs(line) == [PR, NOTEBOOK]
    assert shown(line).index("PR #418") < shown(line).index("notebook · retention_q3.ipynb")


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _chip_lines(at: AppTest, lead: str) -> list[str]:
    return [m for m in _markdown(at) if m.startswith(lead)]


@pytest.fixture
def card(app_engine: Engine, open_app: Callable[..., AppTest]) -> Any:
    """The Questions page with a finding's card open; the finding has these links."""

    def _open(links: tuple[str, ...], stored: list[str] | None = None) -> AppTest:
        with Session(app_engine) as session:
            team = make_team(session)
            rid = root(session, team)
            data = findings.FindingInput(summary="Monthly plans churn most", links=links)
            fid = findings.log_finding(session, team.manager, question_id=rid, data=data).id
            if stored is not None:  # links saved before the link check, or by hand
                session.execute(update(Finding).where(col(Finding.id) == fid).values(links=stored))
                session.commit()
        return open_app(team.manager, "questions", root=str(rid), finding=str(fid))

    return _open


def test_a_finding_card_shows_its_links_as_labelled_chips(card: Any) -> None:
    at = card((PR, NOTEBOOK, HOSTILE[0]))
    assert_no_exception(at)
    [line] = _chip_lines(at, "Evidence:")
    text = shown(line)
    assert "PR #418 · acme/churn" in text
    assert "notebook · retention_q3.ipynb" in text
    assert "notebook · a]:red[boom](javascript:alert(1)).ipynb" in text
    assert hrefs(line) == [PR, NOTEBOOK, HOSTILE[0]]
    assert unsafe(line) == []


def test_a_finding_link_that_is_no_web_address_shows_as_text(card: Any) -> None:
    at = card((), stored=["javascript:alert(1)", PR])
    assert_no_exception(at)
    [line] = _chip_lines(at, "Evidence:")
    assert "link · javascript:alert(1)" in shown(line).replace("\u2060", "")
    assert hrefs(line) == [PR]


def test_a_review_shows_its_pull_request_by_repository_and_number(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
        rid = root(session, team)
        data = reviews.ReviewInput(question_id=rid, reviewer_id=team.manager, artifact_url=PR)
        review = reviews.request_review(session, team.ic, data=data)
    # The queue's row names the artifact (a button's label takes no link: text only).
    at = open_app(team.manager, "reviews")
    assert_no_exception(at)
    [row] = [b for b in at.button if b.key == f"review_row_queue_{review}"]
    assert "PR #418 · acme/churn" in shown(row.label)
    # The thread links to it.
    at = open_app(team.manager, "reviews", review=str(review))
    assert_no_exception(at)
    [line] = _chip_lines(at, "Artifact:")
    assert "PR #418 · acme/churn" in shown(line)
    assert hrefs(line) == [PR]
