"""Findings: what an IC learned on a question, with its evidence: logged, edited by their
author, and moved through their statuses (the rules are in rules.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.models import Finding, Question
from team.services.answers import health
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from team.services.core.text import check_link, multi_line, one_line
from team.services.core.tx import atomic
from team.services.core.writes import insert, save_fields
from team.services.core.writes import load as load_row
from team.services.findings.reads import FindingView, get_finding
from team.services.findings.rules import check_move
from team.services.notes.writes import insert_note
from team.services.questions.rules import works_on
from team.services.questions.store import root_of
from team.vocabulary import Confidence, FindingKind, FindingStatus, NoteKind, QuestionStatus

SUMMARY_MAX = 300
BODY_MAX = 50_000
LINKS_MAX = 20
REASON_MAX = 5_000
F = FindingStatus


@dataclass(frozen=True)
class FindingInput:
    summary: str
    body: str = ""
    links: tuple[str, ...] = ()
    kind: FindingKind = FindingKind.RESULT
    confidence: Confidence = Confidence.MEDIUM


def _clean(data: FindingInput) -> dict[str, object]:
    """The finding's content as it will be stored."""
    summary = one_line(
        data.summary,
        what="summary",
        limit=SUMMARY_MAX,
        field="summary",
        empty="Give the finding a one-line summary.",
        hint="put the detail in the body",
    )
    links = [check_link(link) for link in data.links if link.strip()]
    if len(links) > LINKS_MAX:
        raise InvalidInput(f"Attach at most {LINKS_MAX} links.", field="links")
    return {
        "summary": summary,
        "body": multi_line(data.body, what="body", limit=BODY_MAX, field="body"),
        "links": links,
        "kind": FindingKind(data.kind),
        "confidence": Confidence(data.confidence),
    }


def parse_links(text: str) -> tuple[str, ...]:
    """Links pasted one per line (or separated by spaces)."""
    return tuple(part for part in text.split() if part)


def load(session: Session, finding_id: int) -> Finding:
    return load_row(
        session,
        Finding,
        finding_id,
        f"Finding #{finding_id} does not exist; it may have been removed.",
    )


def _view(session: Session, finding: Finding) -> FindingView:
    assert finding.id is not None
    found = get_finding(session, finding_id=finding.id)
    assert found is not None
    return found


@atomic
def log_finding(
    session: Session, actor_id: int, *, question_id: int, data: FindingInput, share: bool = True
) -> FindingView:
    """Log a finding on a question; shared at once unless ``share`` is False (a draft)."""
    actor = acting(session, actor_id)
    require_writer(actor)
    question = session.get(Question, question_id)
    if question is None:
        raise InvalidInput(f"Question #{question_id} does not exist.", field="question")
    if not works_on(actor, question):
        raise PermissionDenied(
            "You can log findings only on questions assigned to you; ask a manager to assign "
            "this one to you, or leave a note on it instead."
        )
    if question.status == QuestionStatus.DROPPED:
        raise InvalidInput(
            f"'{question.title}' was dropped; log the finding on a question still in scope.",
            field="question",
        )
    finding = Finding(
        question_id=question_id,
        author_id=actor.id,
        status=F.SHARED if share else F.DRAFT,
        **_clean(data),  # type: ignore[arg-type]
    )
    insert(session, actor, finding, new=finding.summary, root_id=question.root_id)
    session.commit()
    return _view(session, finding)


@atomic
def edit_finding(
    session: Session, actor_id: int, *, finding_id: int, version: int, data: FindingInput
) -> FindingView:
    """The author changes summary, body, links, kind or confidence."""
    actor = acting(session, actor_id)
    require_writer(actor)
    finding = load(session, finding_id)
    if finding.author_id != actor.id:
        raise PermissionDenied("You can edit only your own findings; leave a note instead.")
    if finding.status == F.WITHDRAWN:
        raise IllegalTransition("This finding was withdrawn; restore it as a draft to edit it.")
    wanted = _clean(data)
    if finding.status == F.ACCEPTED and any(getattr(finding, k) != v for k, v in wanted.items()):
        # The manager accepted what they read; changed content needs a fresh look.
        wanted["status"] = F.SHARED
    changed = _save(session, actor, finding, version, wanted)
    health.finding_edited(session, actor, finding, changed)  # flags the answers citing it
    session.commit()
    return _view(session, finding)


def _save(
    session: Session, actor: Actor, finding: Finding, version: int, wanted: dict[str, object]
) -> dict[str, object]:
    return save_fields(
        session,
        actor,
        finding,
        version=version,
        wanted=wanted,
        what=f"The finding '{finding.summary}'",
        root_id=root_of(session, finding.question_id),
        touch=True,
    )


@atomic
def move_finding(
    session: Session,
    actor_id: int,
    *,
    finding_id: int,
    version: int,
    status: FindingStatus,
    reason: str = "",
) -> FindingView:
    """Share, accept, send back (``reason`` required), withdraw or restore a finding."""
    actor = acting(session, actor_id)
    require_writer(actor)
    finding = load(session, finding_id)
    new = FindingStatus(status)
    if finding.status == new:
        return _view(session, finding)
    check_move(actor, finding, new)
    reason = multi_line(reason, what="reason", limit=REASON_MAX, field="reason")
    if new == F.NEEDS_WORK and not reason:
        raise InvalidInput("Say what needs work, so the author knows what to fix.", field="reason")
    _save(session, actor, finding, version, {"status": new})
    health.finding_moved(session, actor, finding, new, reason)  # sent back, withdrawn: flags
    if new == F.NEEDS_WORK:
        assert finding.id is not None
        insert_note(
            session,
            actor,
            target="finding",
            target_id=finding.id,
            body=reason,
            kind=NoteKind.MUST_FIX,
            root_id=root_of(session, finding.question_id),
        )
    session.commit()
    return _view(session, finding)
