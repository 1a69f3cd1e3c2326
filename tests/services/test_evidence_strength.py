"""How strong each cited finding is, read with the answer's citations (no query more):
reviewed (accepted, and a review of it approved), accepted, shared only, needs work,
withdrawn; and how many of an answer's claims rest on reviewed evidence. On SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session

from team.bench.statements import counting
from team.services.answers import reads as answers_reads
from team.services.answers import rules
from team.services.answers import writes as answers
from team.services.answers.memo import memo
from team.services.findings import reads as findings_reads
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.vocabulary import EvidenceStrength, FindingStatus, ReviewStatus
from tests.factories import Team, root

S = EvidenceStrength
PR = "https://github.com/acme/churn/pull/418"


def _finding(session: Session, team: Team, question: int, summary: str) -> int:
    data = findings.FindingInput(summary=summary)
    return findings.log_finding(session, team.ic, question_id=question, data=data).id


def _move(session: Session, team: Team, finding: int, status: FindingStatus) -> None:
    version = findings_reads.get_finding(session, finding_id=finding)
    assert version is not None
    who = team.ic if status == FindingStatus.WITHDRAWN else team.manager
    reason = "Check the denominator." if status == FindingStatus.NEEDS_WORK else ""
    findings.move_finding(
        session, who, finding_id=finding, version=version.version, status=status, reason=reason
    )


def _review(
    session: Session, team: Team, question: int, finding: int, status: ReviewStatus
) -> None:
    data = reviews.ReviewInput(question, team.manager, PR, finding_id=finding)
    rid = reviews.request_review(session, team.ic, data=data)
    if status != ReviewStatus.OPEN:
        reviews.move_review(session, team.manager, review_id=rid, version=1, status=status)


def test_each_citation_says_how_strong_its_finding_is(session: Session, team: Team) -> None:
    rid = root(session, team)
    [q] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion("Which plans?", assignee_id=team.ic)],
    )
    names = ("reviewed", "accepted", "beside", "shared", "sent back", "withdrawn")
    f = {name: _finding(session, team, q.id, name) for name in names}
    for name in ("reviewed", "accepted", "beside"):
        _move(session, team, f[name], FindingStatus.ACCEPTED)
    _review(session, team, q.id, f["reviewed"], ReviewStatus.APPROVED)
    _review(session, team, q.id, f["accepted"], ReviewStatus.OPEN)  # asked, not approved
    _review(session, team, q.id, f["shared"], ReviewStatus.APPROVED)  # but never accepted
    body = (
        f"Monthly plans drove it [F{f['reviewed']}].\n\n"
        f"Annual plans held [F{f['accepted']}] [F{f['beside']}].\n\n"
        f"# Caveats\n\n"
        f"Small plans are noisy [F{f['shared']}] [F{f['sent back']}] [F{f['withdrawn']}].\n\n"
        "Seasonality is ruled out."
    )
    answers.save_answer(
        session, team.manager, question_id=rid, based_on=None, data=answers.AnswerInput(body=body)
    )
    # After the answer cites them, two findings lose their standing.
    _move(session, team, f["sent back"], FindingStatus.NEEDS_WORK)
    _move(session, team, f["withdrawn"], FindingStatus.WITHDRAWN)

    with counting(session) as seen:
        [version] = answers_reads.versions(session, question_id=rid)
    strength = {c.id: c.strength for c in version.cited_findings}
    assert strength == {
        f["reviewed"]: S.REVIEWED,
        f["accepted"]: S.ACCEPTED,
        f["beside"]: S.ACCEPTED,
        f["shared"]: S.SHARED,
        f["sent back"]: S.NEEDS_WORK,
        f["withdrawn"]: S.WITHDRAWN,
    }
    assert len(seen) == 2  # the versions, then their citations with their strength
    reviewed = {i for i, s in strength.items() if s == S.REVIEWED}
    # Four claims (the heading is none); one cites reviewed evidence.
    assert rules.claims_on_reviewed(version.body, reviewed) == (1, 4)
    assert rules.on_reviewed(version.body, reviewed) == "1 of 4 claims rests on reviewed evidence"
    # The memo says the same, and names each finding's strength in its evidence.
    text = memo(session, question_id=rid)
    assert "1 of 4 claims rests on reviewed evidence." in text
    lines = {line.split("**")[1]: line for line in text.splitlines() if line.startswith("- **")}
    assert ", reviewed, by " in lines[f"\\[F{f['reviewed']}\\]"]
    assert ", accepted, by " in lines[f"\\[F{f['beside']}\\]"]
    assert ", shared only, by " in lines[f"\\[F{f['shared']}\\]"]


def test_strength_labels_read_as_words() -> None:
    assert [s.label for s in S] == [
        "reviewed",
        "accepted",
        "shared only",
        "needs work",
        "withdrawn",
        "draft",
    ]
    assert S.of(FindingStatus.ACCEPTED, approved_review=True) == S.REVIEWED
    assert S.of(FindingStatus.SHARED, approved_review=True) == S.SHARED
