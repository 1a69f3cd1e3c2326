"""Findings: what an IC learned on a question, with its evidence.

Editing an accepted finding sends it back to shared: the acceptance covered the content
the manager read, so changed content waits for acceptance again.

State machine (who in brackets):
  draft      -> shared [author], withdrawn [author, manager]
  shared     -> accepted [manager], needs_work [manager], withdrawn [author, manager]
  needs_work -> shared [author], withdrawn [author, manager]
  accepted   -> needs_work [manager]
  withdrawn  -> draft [author]
An IC logs findings on the questions assigned to them; a manager on any question.
Only the author edits a finding's content; accepting or sending back is a manager's act,
and sending back needs a reason (kept as a must-fix note on the finding).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.models import (
    Confidence,
    Finding,
    FindingKind,
    FindingPublic,
    FindingStatus,
    NoteKind,
    Question,
    QuestionStatus,
)
from team.services.core import events
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from team.services.core.links import check_link
from team.services.core.text import multi_line, one_line
from team.services.core.tx import atomic
from team.services.core.versioning import claim_version
from team.services.notes.writes import insert_note

SUMMARY_MAX = 300
BODY_MAX = 50_000
LINKS_MAX = 20
REASON_MAX = 5_000

F = FindingStatus
TRANSITIONS: dict[FindingStatus, frozenset[FindingStatus]] = {
    F.DRAFT: frozenset({F.SHARED, F.WITHDRAWN}),
    F.SHARED: frozenset({F.ACCEPTED, F.NEEDS_WORK, F.WITHDRAWN}),
    F.NEEDS_WORK: frozenset({F.SHARED, F.WITHDRAWN}),
    F.ACCEPTED: frozenset({F.NEEDS_WORK}),
    F.WITHDRAWN: frozenset({F.DRAFT}),
}
MANAGER_MOVES = frozenset({F.ACCEPTED, F.NEEDS_WORK})
AUTHOR_MOVES = frozenset({F.SHARED, F.DRAFT})


@dataclass(frozen=True)
class FindingInput:
    summary: str
    body: str = ""
    links: tuple[str, ...] = ()
    kind: FindingKind = FindingKind.RESULT
    confidence: Confidence = Confidence.MEDIUM


# --------------------------------------------------------------------------- validation


def _clean(data: FindingInput) -> FindingInput:
    summary = one_line(
        data.summary,
        what="summary",
        limit=SUMMARY_MAX,
        field="summary",
        empty="Give the finding a one-line summary.",
        hint="put the detail in the body",
    )
    body = multi_line(data.body, what="body", limit=BODY_MAX, field="body")
    links = tuple(check_link(link) for link in data.links if link.strip())
    if len(links) > LINKS_MAX:
        raise InvalidInput(f"Attach at most {LINKS_MAX} links.", field="links")
    return FindingInput(
        summary=summary,
        body=body,
        links=links,
        kind=FindingKind(data.kind),
        confidence=Confidence(data.confidence),
    )


def parse_links(text: str) -> tuple[str, ...]:
    """Links pasted one per line (or separated by spaces)."""
    return tuple(part for part in text.split() if part)


# --------------------------------------------------------------------------- helpers


def load(session: Session, finding_id: int) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"Finding #{finding_id} does not exist; it may have been removed.")
    return finding


def _claim(session: Session, finding: Finding, version: int) -> None:
    claim_version(session, finding, version, f"The finding '{finding.summary}'", touch=True)


def _root_of(session: Session, question_id: int) -> int | None:
    question = session.get(Question, question_id)
    return question.root_id if question is not None else None


def _event(
    session: Session,
    actor: Actor,
    finding: Finding,
    action: str,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> None:
    assert finding.id is not None
    events.record(
        session,
        actor_id=actor.id,
        entity="finding",
        entity_id=finding.id,
        action=action,
        field=field,
        old=old,
        new=new,
        root_id=_root_of(session, finding.question_id),
    )


# --------------------------------------------------------------------------- writes


@atomic
def log_finding(
    session: Session, actor_id: int, question_id: int, data: FindingInput, *, share: bool = True
) -> FindingPublic:
    """Log a finding on a question; shared at once unless ``share`` is False (a draft)."""
    actor = acting(session, actor_id)
    require_writer(actor)
    question = session.get(Question, question_id)
    if question is None:
        raise InvalidInput(f"Question #{question_id} does not exist.", field="question")
    if not (actor.is_manager or question.assignee_id == actor.id):
        raise PermissionDenied(
            "You can log findings only on questions assigned to you; ask a manager to assign "
            "this one to you, or leave a note on it instead."
        )
    if question.status == QuestionStatus.DROPPED:
        raise InvalidInput(
            f"'{question.title}' was dropped; log the finding on a question still in scope.",
            field="question",
        )
    clean = _clean(data)
    finding = Finding(
        question_id=question_id,
        author_id=actor.id,
        summary=clean.summary,
        body=clean.body,
        links=list(clean.links),
        kind=clean.kind,
        confidence=clean.confidence,
        status=F.SHARED if share else F.DRAFT,
    )
    session.add(finding)
    session.flush()
    _event(session, actor, finding, "created", new=finding.summary)
    session.commit()
    return FindingPublic.model_validate(finding)


@atomic
def edit_finding(
    session: Session, actor_id: int, finding_id: int, version: int, data: FindingInput
) -> FindingPublic:
    """The author changes summary, body, links, kind or confidence."""
    actor = acting(session, actor_id)
    require_writer(actor)
    finding = load(session, finding_id)
    if finding.author_id != actor.id:
        raise PermissionDenied("You can edit only your own findings; leave a note instead.")
    if finding.status == F.WITHDRAWN:
        raise IllegalTransition("This finding was withdrawn; restore it as a draft to edit it.")
    clean = _clean(data)
    wanted: dict[str, object] = {
        "summary": clean.summary,
        "body": clean.body,
        "links": list(clean.links),
        "kind": clean.kind,
        "confidence": clean.confidence,
    }
    changed = {k: v for k, v in wanted.items() if getattr(finding, k) != v}
    if not changed:
        return FindingPublic.model_validate(finding)
    _claim(session, finding, version)
    for field, value in changed.items():
        old = getattr(finding, field)
        shown_old = "\n".join(old) if field == "links" else old
        shown_new = "\n".join(value) if isinstance(value, list) else value
        _event(session, actor, finding, "updated", field, shown_old, shown_new)
        setattr(finding, field, value)
    if finding.status == F.ACCEPTED:
        # The manager accepted what they read; changed content needs a fresh look.
        _event(session, actor, finding, "updated", "status", F.ACCEPTED, F.SHARED)
        finding.status = F.SHARED
    session.commit()
    return FindingPublic.model_validate(finding)


def allowed_moves(actor: Actor, finding: FindingPublic | Finding) -> list[FindingStatus]:
    """The statuses ``actor`` may move this finding to, in a stable order."""
    moves = TRANSITIONS[FindingStatus(finding.status)]
    return [s for s in FindingStatus if s in moves and _may_move(actor, finding.author_id, s)]


def _may_move(actor: Actor, author_id: int, new: FindingStatus) -> bool:
    if actor.is_viewer:
        return False
    own = author_id == actor.id
    if new in MANAGER_MOVES:
        return actor.is_manager
    if new in AUTHOR_MOVES:
        return own
    return own or actor.is_manager  # withdrawn


@atomic
def move_finding(
    session: Session,
    actor_id: int,
    finding_id: int,
    version: int,
    status: FindingStatus,
    *,
    reason: str = "",
) -> FindingPublic:
    """Share, accept, send back (``reason`` required), withdraw or restore a finding."""
    actor = acting(session, actor_id)
    require_writer(actor)
    finding = load(session, finding_id)
    current, new = FindingStatus(finding.status), FindingStatus(status)
    if current == new:
        return FindingPublic.model_validate(finding)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in FindingStatus if s in TRANSITIONS[current])
        raise IllegalTransition(
            f"This finding is {current.value}; from there it can move to {allowed}, not to "
            f"{new.value}.",
            field="status",
        )
    if not _may_move(actor, finding.author_id, new):
        raise PermissionDenied(_who_may(new))
    reason = multi_line(reason, what="reason", limit=REASON_MAX, field="reason")
    if new == F.NEEDS_WORK and not reason:
        raise InvalidInput("Say what needs work, so the author knows what to fix.", field="reason")
    _claim(session, finding, version)
    _event(session, actor, finding, "updated", "status", current, new)
    finding.status = new
    if new == F.NEEDS_WORK:
        _send_back_note(session, actor, finding, reason)
    session.commit()
    return FindingPublic.model_validate(finding)


def _who_may(new: FindingStatus) -> str:
    if new in MANAGER_MOVES:
        return "Only a manager can accept a finding or send it back."
    if new in AUTHOR_MOVES:
        return "Only the author can share a finding or restore it as a draft."
    return "Only the author or a manager can withdraw a finding."


def _send_back_note(session: Session, actor: Actor, finding: Finding, reason: str) -> None:
    assert finding.id is not None
    root_id = _root_of(session, finding.question_id)
    insert_note(session, actor, "finding", finding.id, reason, NoteKind.MUST_FIX, root_id)
