"""Citation markers as links (team/ui/citations.py): a marker the version cites becomes a
link to the finding's card (or the sub-question's answer), and nothing else does; user
text around, inside or instead of a marker cannot make any other link, image or HTML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from team.services.answers.reads import AnswerVersion, CitedFinding
from team.ui.citations import citation_links, linked
from team.ui.text import safe_markdown
from team.vocabulary import AnswerState, Confidence
from tests.e2e.payloads import PAYLOADS, Payload
from tests.markdown_checks import shown, tokens, unsafe

F7 = "questions?root=1&node=2&finding=7"
F9 = "questions?root=1&finding=9"
Q4 = "answers?root=1&node=4"


def _version(body: str = "") -> AnswerVersion:
    return AnswerVersion(
        id=1,
        question_id=1,
        number=1,
        body=body,
        state=AnswerState.WORKING_HYPOTHESIS,
        confidence=Confidence.LOW,
        author_id=1,
        author="Maya",
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
        finding_ids=(7, 9),
        cited_answer_ids=(11,),
        cited_questions=(4,),
        cited_findings=(CitedFinding(7, 2, 1), CitedFinding(9, 1, 1)),
    )


LINKS = citation_links(_version(), root_id=1)


def _render(body: str) -> str:
    return linked(safe_markdown(body), LINKS)


def _hrefs(markdown: str) -> list[str]:
    return [str(t.attrGet("href")) for t in tokens(markdown) if t.type == "link_open"]


def test_each_cited_marker_links_to_what_it_cites() -> None:
    expected = {
        "F7": rf"[\[F7\]]({F7})",
        "F9": rf"[\[F9\]]({F9})",  # logged on the general question: no node
        "Q4": rf"[\[Q4\]]({Q4})",
    }
    assert expected == LINKS
    text = "Monthly plans drove it [F7], annual did not [F9]; see [Q4]."
    rendered = _render(text)
    assert _hrefs(rendered) == [F7, F9, Q4]
    # The reader sees the markers as typed (shown() puts a space after each link).
    assert shown(rendered).replace("] ", "]") == text


def test_a_marker_not_cited_stays_text() -> None:
    rendered = _render("Cited [F7], not cited [F8] or [Q5], not a marker [f7] [F 7].")
    assert _hrefs(rendered) == [F7]


@pytest.mark.parametrize(
    "body",
    [
        "`[F7]` in a code span",
        "``a ` [F7] b`` in a longer code span",
        "```\n[F7] in a fence\n```",
        "~~~~\n```\n[F7] in a fence the inner one does not close\n~~~~",
        r"\[F7] escaped by its author",
        ":red[F7] a directive kept as typed",
        "[label](https://example.org/[F7]) inside a destination",
        "[F7](https://example.org/) made a link by its author",
    ],
)
def test_markers_in_code_escapes_and_destinations_are_left_alone(body: str) -> None:
    rendered = _render(body)
    assert F7 not in _hrefs(rendered), rendered
    assert unsafe(rendered) == []


def test_outside_code_the_marker_after_a_fence_still_links() -> None:
    rendered = _render("```\n[F7]\n```\nthen [F7]")
    assert _hrefs(rendered) == [F7]


@pytest.mark.parametrize(
    "body",
    [
        "[F7](javascript:alert(1))",
        "[F7]: javascript:alert(1)\n\nsee [F7]",
        "![F7](https://evil.example/p.png)",
        "<a href='javascript:alert(1)'>[F7]</a>",
        "[x [F7]](javascript:alert(1))",
        "<[F7]>",
        "&#106;avascript:[F7]",
    ],
)
def test_a_marker_cannot_carry_unsafe_markup_through(body: str) -> None:
    rendered = _render(body)
    assert [u for u in unsafe(rendered) if u != f"link to {F7}"] == [], rendered


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_every_payload_around_a_marker_stays_defused(payload: Payload) -> None:
    for body in (f"{payload.text} [F7]", f"{payload.text}[F7]", f"[F7]\n\n{payload.text}"):
        rendered = _render(body)
        assert [u for u in unsafe(rendered) if u != f"link to {F7}"] == [], rendered
        assert payload.markdown_shows in shown(rendered)
