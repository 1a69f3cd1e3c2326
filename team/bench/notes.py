"""Notes on review requests, findings, questions and answers, of every kind, some
resolved. Rules the app relies on hold: a finding sent back carries the manager's
must-fix note; a reviewer's note comes after their first response (their first act
stamps it); an approved review has no must-fix note left open."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from team.bench.plan import FOLLOW_UPS, Plan, Row, Weighted
from team.bench.synthesis import AnswerFacts
from team.bench.trees import Node
from team.bench.work import FindingFacts, ReviewFacts

NOTE_KINDS = ("comment", "suggestion", "must_fix", "praise")
BY_REVIEWER = Weighted(NOTE_KINDS, (30, 30, 25, 15))
ON_FINDING = Weighted(NOTE_KINDS, (35, 30, 15, 20))
ON_QUESTION = Weighted(NOTE_KINDS, (55, 30, 5, 10))
ON_ANSWER = Weighted(NOTE_KINDS, (40, 35, 10, 15))
RESOLVED = {"comment": 0.15, "suggestion": 0.45, "must_fix": 0.6, "praise": 0.05}
T = TypeVar("T")
TARGET_SHARE = {"review_request": 40, "finding": 30, "question": 15, "answer": 15}


@dataclass(slots=True)
class NoteFacts:
    target: str
    target_id: int
    root: int
    author: int
    kind: str
    created: float
    resolved: float | None
    resolver: int


def _resolution(plan: Plan, kind: str, at: float, by: float | None = None) -> float | None:
    if not plan.chance(RESOLVED[kind]):
        return None
    return plan.between(at, by if by is not None else plan.end)


def _on_review(plan: Plan, r: ReviewFacts) -> NoteFacts:
    at = plan.between(r.requested, r.resolved or plan.end)
    responded = r.first_response is not None and at >= r.first_response
    if responded and plan.chance(0.7):
        author = r.reviewer
        kind = plan.draw(BY_REVIEWER)
    else:
        author = r.requester
        if not plan.team.active_at(author, at) or (author == r.reviewer):
            author = plan.other_writer(r.reviewer, at)
        kind = "comment"
    if kind == "must_fix" and r.status == "approved":
        resolved: float | None = plan.between(at, r.resolved or plan.end)
    elif kind == "must_fix" and r.status == "changes_requested":
        resolved = _resolution(plan, "comment", at)
    else:
        resolved = _resolution(plan, kind, at, r.resolved)
    resolver = plan.actor(r.requester, resolved or at, r.question.manager)
    return NoteFacts(
        "review_request", r.id, r.question.root_id, author, kind, at, resolved, resolver
    )


def _on_finding(plan: Plan, f: FindingFacts) -> NoteFacts:
    at = plan.between(f.created, plan.end)
    author = plan.other_writer(f.author, at)
    kind = plan.draw(ON_FINDING)
    resolved = _resolution(plan, kind, at)
    resolver = plan.actor(f.author, resolved or at, f.question.manager)
    return NoteFacts("finding", f.id, f.question.root_id, author, kind, at, resolved, resolver)


def _on_question(plan: Plan, q: Node) -> NoteFacts:
    at = plan.between(q.created, plan.end)
    worker = q.assignee or q.owner
    author = plan.other_writer(worker, at)
    kind = plan.draw(ON_QUESTION)
    resolved = _resolution(plan, kind, at)
    resolver = plan.actor(worker, resolved or at, q.manager)
    return NoteFacts("question", q.id, q.root_id, author, kind, at, resolved, resolver)


def _on_answer(plan: Plan, a: AnswerFacts) -> NoteFacts:
    at = plan.between(a.created, plan.end)
    author = plan.other_writer(a.author, at)
    kind = plan.draw(ON_ANSWER)
    resolved = _resolution(plan, kind, at)
    resolver = plan.actor(a.author, resolved or at, a.question.manager)
    node = a.question
    return NoteFacts("answer", a.id, node.root_id, author, kind, at, resolved, resolver)


def _send_backs(findings: list[FindingFacts], limit: int) -> list[NoteFacts]:
    """The must-fix note of every finding a manager sent back (the reason)."""
    out = []
    for f in findings:
        for at, resolved, manager in f.sendbacks:
            root = f.question.root_id
            out.append(
                NoteFacts("finding", f.id, root, manager, "must_fix", at, resolved, f.author)
            )
    return out[:limit]


def _any(plan: Plan, items: Sequence[T]) -> T:
    return items[int(plan.rng.random() * len(items))]


def build_notes(
    plan: Plan,
    nodes: list[Node],
    findings: list[FindingFacts],
    reviews: list[ReviewFacts],
    answers: list[AnswerFacts],
) -> None:
    notes = _send_backs(findings, plan.size.notes)
    sizes = {"review_request": reviews, "finding": findings, "question": nodes, "answer": answers}
    kinds = [k for k in TARGET_SHARE if sizes[k]]
    shares = [TARGET_SHARE[k] for k in kinds]
    for kind in plan.rng.choices(kinds, shares, k=plan.size.notes - len(notes)):
        if kind == "review_request":
            notes.append(_on_review(plan, _any(plan, reviews)))
        elif kind == "finding":
            notes.append(_on_finding(plan, _any(plan, findings)))
        elif kind == "question":
            notes.append(_on_question(plan, _any(plan, nodes)))
        else:
            notes.append(_on_answer(plan, _any(plan, answers)))
    notes.sort(key=lambda n: n.created)
    plan.rows["note"] = [_row(plan, number, n) for number, n in enumerate(notes, 1)]


def _row(plan: Plan, number: int, n: NoteFacts) -> Row:
    plan.must(
        plan.event(n.created, n.author, "note", number, "created", "kind", None, n.kind, n.root)
    )
    if n.resolved is not None:
        done = plan.event(
            n.resolved, n.resolver, "note", number, "updated", "resolved", False, True, n.root
        )
        plan.maybe(FOLLOW_UPS, [done])
    row: Row = {
        "id": number,
        "author_id": n.author,
        "review_request_id": None,
        "finding_id": None,
        "question_id": None,
        "answer_id": None,
        "kind": n.kind,
        "body": plan.text.note(n.kind),
        "resolved": n.resolved is not None,
        "created_at": n.created,
        "updated_at": n.resolved or n.created,
        "version": 1,
    }
    row[f"{n.target}_id"] = n.target_id
    return row
