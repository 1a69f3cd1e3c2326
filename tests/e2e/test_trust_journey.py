"""Evidence you can trust, in a real browser: Maya reviews Ines's analysis with its
checklist (Approve is held until the required items are ticked; one optional item is
marked not applicable with a reason) and approves; she accepts the finding and cites it
in an answer, where it shows as *reviewed*; Ines edits the finding from its card; the
answer then says "Evidence changed since this version" with what changed, Maya's inbox
lists it, and Mark reviewed clears it. The database agrees at each step."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from team.config_checklists import ReviewChecklists
from team.models import CitationFlag, ReviewCheck, ReviewRequest
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.vocabulary import CheckState, FindingStatus, ReviewKind, ReviewStatus
from tests.e2e.checklist import complete_checklist
from tests.e2e.conftest import Server, be, click_to_run, wait_idle
from tests.factories import root

ANSWER_LABEL = re.compile(r"^Answer \(Markdown\)")
WAIVED = 3  # the analysis checklist's "Seasonality and trends are handled" (optional)


def _seed(server: Server, tag: str) -> tuple[int, int, int, int]:
    """A general question of Maya's, a sub-question assigned to Ines, Ines's shared
    finding on it and her analysis review request to Maya about it."""
    team = server.team
    with Session(server.engine, expire_on_commit=False) as session:
        rid = root(session, team, f"Why did retention drop? {tag}")
        (sub,) = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion(f"Which plans churned? {tag}", assignee_id=team.ic)],
        )
        fid = findings.log_finding(
            session,
            team.ic,
            question_id=sub.id,
            data=findings.FindingInput(summary=f"Monthly plans churn most {tag}"),
        ).id
        review = reviews.request_review(
            session,
            team.ic,
            data=reviews.ReviewInput(
                question_id=sub.id,
                reviewer_id=team.manager,
                artifact_url="https://notebooks.example.com/churn.ipynb",
                finding_id=fid,
                kind=ReviewKind.ANALYSIS,
            ),
            checklists=ReviewChecklists(),
        )
    return rid, sub.id, fid, review


def _open(page: Any, server: Server, who: str, address: str) -> None:
    page.goto(f"{server.base_url}/{address}")
    wait_idle(page)
    be(page, who)


def _flash(page: Any, text: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(text)


def _complete_the_checklist(page: Any, review_id: int) -> None:
    approve = page.get_by_role("button", name="Approve", exact=True)
    expect(approve).to_be_disabled()  # required items are still open
    items = ReviewChecklists().analysis
    complete_checklist(page, review_id, items, waive={WAIVED: "One quarter against the last"})
    expect(
        page.get_by_text(re.compile(rf"{len(items) - 1} of {len(items)} checked"))
    ).to_be_visible()
    expect(approve).to_be_enabled()


def test_checklist_approval_reviewed_citation_then_an_edit_flags_the_answer(
    server: Server, page: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    rid, _sub, fid, review_id = _seed(server, tag)
    team = server.team

    # 1. Maya works the checklist, then approves.
    _open(page, server, "Maya · manager", f"reviews?review={review_id}")
    _complete_the_checklist(page, review_id)
    click_to_run(page, page.get_by_role("button", name="Approve", exact=True))
    _flash(page, "You approved")
    with Session(server.engine) as session:
        review = session.get(ReviewRequest, review_id)
        assert review is not None and review.status == ReviewStatus.APPROVED
        checks = session.scalars(
            select(ReviewCheck)
            .where(col(ReviewCheck.review_request_id) == review_id)
            .order_by(col(ReviewCheck.position))
        ).all()
        states = [c.state for c in checks]
        assert states[WAIVED] == CheckState.WAIVED
        assert checks[WAIVED].reason == "One quarter against the last"
        assert all(c.state == CheckState.TICKED for c in checks if c.required)
        findings.move_finding(  # she accepts the finding (its card has the button)
            session, team.manager, finding_id=fid, version=1, status=FindingStatus.ACCEPTED
        )

    # 2. She cites it in an answer: the citation is reviewed.
    page.goto(f"{server.base_url}/answers?root={rid}")
    wait_idle(page)
    be(page, "Maya · manager")
    form = page.get_by_test_id("stForm").filter(
        has=page.locator(f'[class*="st-key-FormSubmitter-answer_form_{rid}-"]')
    )
    form.get_by_label(ANSWER_LABEL).fill(f"Monthly plans drove the drop [F{fid}].")
    click_to_run(page, form.get_by_role("button", name="Save as a new version", exact=True))
    _flash(page, "Saved version 1.")
    expect(page.get_by_text(re.compile(rf"^Cites: \[F{fid}\]\s*reviewed$"))).to_be_visible()
    expect(page.get_by_text("1 of 1 claim rests on reviewed evidence", exact=False)).to_be_visible()
    expect(page.get_by_text("Evidence changed since this version")).to_have_count(0)

    # 3. Ines edits the finding from its card.
    new_summary = f"Monthly plans churn most, but less than thought {tag}"
    _open(page, server, "Ines · IC", f"questions?root={rid}&node={_sub}&finding={fid}")
    page.get_by_role("button", name="Edit").first.click()
    popover = page.get_by_test_id("stPopoverBody").filter(has_text="Save the finding")
    popover.get_by_label("Summary").fill(new_summary)
    click_to_run(page, popover.get_by_role("button", name="Save the finding"))
    _flash(page, "Finding saved.")

    # 4. Maya's answer is flagged, with what changed; her inbox lists it.
    _open(page, server, "Maya · manager", f"answers?root={rid}")
    warning = page.locator(".st-key-evidence_changed_" + str(_latest_answer(server, rid)))
    expect(warning).to_contain_text("Evidence changed since this version")
    expect(warning).to_contain_text(new_summary[:40])
    expect(page.get_by_text(re.compile(rf"^Cites: \[F{fid}\]\s*shared only$"))).to_be_visible()
    with Session(server.engine) as session:
        flags = session.scalars(select(CitationFlag)).all()
        assert [(f.finding_id, f.cleared_at) for f in flags] == [(fid, None)]

    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=re.compile(r"^Needs my attention")
    ).click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Evidence changed: 1"))).to_be_visible()
    page.get_by_role("tab", name="Evidence changed").click()
    wait_idle(page)
    heading = page.get_by_role("heading", name="Answers whose evidence changed (1)")
    expect(heading).to_be_visible()

    # 5. She marks it reviewed: the warning goes.
    page.goto(f"{server.base_url}/answers?root={rid}")
    wait_idle(page)
    be(page, "Maya · manager")
    click_to_run(page, page.get_by_role("button", name="Mark reviewed"))
    expect(page.get_by_text("Evidence changed since this version", exact=False)).to_have_count(0)
    with Session(server.engine) as session:
        flags = session.scalars(select(CitationFlag)).all()
        assert len(flags) == 1 and flags[0].cleared_at is not None


def _latest_answer(server: Server, question_id: int) -> int:
    from team.models import Answer

    with Session(server.engine) as session:
        answer_id = session.scalar(
            select(col(Answer.id))
            .where(col(Answer.question_id) == question_id)
            .order_by(col(Answer.number).desc())
        )
    assert answer_id is not None
    return answer_id
