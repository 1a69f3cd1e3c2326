"""Findings and review requests: the evidence ICs log on the questions they work on and
the reviews they ask for, with statuses that follow the app's state machines and
times that agree with them (a review's first response is the reviewer's first act, its
resolution the approval or withdrawal)."""

from __future__ import annotations

from dataclasses import dataclass, field

from team.bench.plan import DAY, FINDING_MOVES, REVIEW_MOVES, Plan, Row, Weighted
from team.bench.trees import Node

KINDS = ("result", "negative_result", "data_decision", "caveat")
KIND = Weighted(KINDS, (50, 15, 20, 15))
CONFIDENCES = ("low", "medium", "high")
CONFIDENCE = Weighted(CONFIDENCES, (25, 45, 30))
F_STATUSES = ("draft", "shared", "accepted", "needs_work", "withdrawn")
F_RECENT = Weighted(F_STATUSES, (15, 45, 25, 10, 5))
F_OLD = Weighted(F_STATUSES, (2, 4, 81, 6, 7))  # old work is mostly settled
R_STATUSES = ("open", "in_review", "changes_requested", "approved", "withdrawn")
R_RECENT = Weighted(R_STATUSES, (35, 25, 15, 22, 3))
R_OLD = Weighted(R_STATUSES, (3, 2, 5, 80, 10))
RECENT = 21 * DAY


@dataclass(slots=True, eq=False)
class FindingFacts:
    question: Node
    author: int
    created: float
    kind: str
    status: str
    steps: list[tuple[float, str, int]]
    first: str  # the status it was logged with
    id: int = 0
    # must-fix notes a manager left when sending it back: (when, resolved when, who)
    sendbacks: list[tuple[float, float | None, int]] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class ReviewFacts:
    question: Node
    finding: FindingFacts | None
    requester: int
    reviewer: int
    requested: float
    status: str
    steps: list[tuple[float, str, int]]
    first_response: float | None
    resolved: float | None
    id: int = 0


def _evidence_weight(node: Node) -> float:
    if node.status == "dropped":
        return 0.3
    if node.children:
        return 0.3 if node.parent is None else 0.6
    return {"answered": 4.0, "in_progress": 3.0, "blocked": 3.0}.get(node.status, 0.3)


def _window(plan: Plan, node: Node) -> tuple[float, float]:
    """When evidence on ``node`` is logged: while it is worked on, now and then after it
    was answered, never after it was dropped (the app refuses that)."""
    lo = node.started or node.created
    late = node.status == "answered" and plan.chance(0.1)
    hi = node.finished if node.finished and not late else plan.end
    return (lo, hi) if hi > lo else (node.created, plan.end)


# --------------------------------------------------------------------------- findings


def _finding_steps(plan: Plan, f: FindingFacts) -> None:
    manager, author, at = f.question.manager, f.author, f.created
    active = f.author not in plan.team.gone
    if f.status != "draft" and active and plan.chance(0.2):
        f.first, at = "draft", plan.after(at, 20)
        f.steps.append((at, "shared", author))
    if f.status in ("shared", "draft"):
        return
    at = plan.after(at, 48)
    if f.status == "withdrawn":
        f.steps.append((at, "withdrawn", plan.actor(author, at, manager)))
        return
    if f.status == "accepted" and active and plan.chance(0.05):
        again = plan.after(at, 40)
        f.steps += [(at, "needs_work", manager), (again, "shared", author)]
        f.sendbacks.append((at, again, manager))
        at = plan.after(again, 30)
    f.steps.append((at, f.status, manager))
    if f.status == "needs_work":
        f.sendbacks.append((at, None, manager))


def build_findings(plan: Plan, nodes: list[Node]) -> list[FindingFacts]:
    rng, gone = plan.rng, plan.team.gone
    weights = [_evidence_weight(n) for n in nodes]
    facts = []
    for node in rng.choices(nodes, weights, k=plan.size.findings):
        lo, hi = _window(plan, node)
        at = plan.between(lo, hi)
        author = node.assignee
        if author is None or not plan.team.active_at(author, at):
            author = plan.ic_of(node.manager, at)
        status = plan.draw(F_RECENT if plan.end - at < RECENT else F_OLD)
        if author in gone:
            status = "accepted" if plan.chance(0.8) else "shared"
        kind = plan.draw(KIND)
        f = FindingFacts(node, author, at, kind, status, [], "shared")
        if status == "draft":
            f.first = "draft"
        _finding_steps(plan, f)
        facts.append(f)
    facts.sort(key=lambda f: f.created)
    for number, f in enumerate(facts, 1):
        f.id = number
    plan.rows["finding"] = [_finding_row(plan, f) for f in facts]
    return facts


def _finding_row(plan: Plan, f: FindingFacts) -> Row:
    summary = plan.text.finding(f.kind)
    root = f.question.root_id
    plan.must(plan.event(f.created, f.author, "finding", f.id, "created", new=summary, root=root))
    plan.maybe(FINDING_MOVES, plan.status_steps("finding", f.id, f.first, f.steps, root))
    return {
        "id": f.id,
        "summary": summary,
        "body": plan.text.finding_body(summary),
        "links": plan.text.links(f.id),
        "kind": f.kind,
        "confidence": plan.draw(CONFIDENCE),
        "question_id": f.question.id,
        "author_id": f.author,
        "status": f.status,
        "created_at": f.created,
        "updated_at": f.steps[-1][0] if f.steps else f.created,
        "version": 1,
    }


# --------------------------------------------------------------------------- reviews


def _review_weight(node: Node) -> float:
    if node.status == "dropped":
        return 0.0
    if node.children:
        return 0.5 if node.parent is None else 1.0
    return {"answered": 3.0, "in_progress": 4.0, "blocked": 2.0}.get(node.status, 0.5)


def _reviewer(plan: Plan, node: Node, requester: int) -> int:
    team = plan.team
    if node.manager != requester and plan.chance(0.55):
        return node.manager
    stayed = [p for p in team.writers() if p != requester and p not in team.gone]
    return plan.pick(stayed)


def _review_steps(plan: Plan, r: ReviewFacts) -> None:
    """The moves that lead to ``r.status``; stamps first response and resolution."""
    rev, manager = r.reviewer, r.question.manager
    t = plan.after(r.requested, 20)
    status, variant = r.status, plan.chance(0.3)
    if status == "open" and variant and r.requester not in plan.team.gone:
        r.steps = [(t, "changes_requested", rev), (plan.after(t, 30), "open", r.requester)]
    elif status == "in_review":
        r.steps = [(t, "in_review", rev)]
    elif status in ("changes_requested", "approved"):
        direct = plan.chance(0.35)
        r.steps = [(t, status, rev)] if direct else [(t, "in_review", rev)]
        if not direct:
            r.steps.append((plan.after(t, 30), status, rev))
    elif status == "withdrawn":
        r.steps = [(t, "in_review", rev)] if variant else []
        at = plan.after(r.steps[-1][0], 30) if r.steps else t
        r.steps.append((at, "withdrawn", plan.actor(r.requester, at, manager)))
    reviewer_acts = [at for at, _, who in r.steps if who == rev]
    r.first_response = reviewer_acts[0] if reviewer_acts else None
    r.resolved = r.steps[-1][0] if status in ("approved", "withdrawn") else None


def build_reviews(plan: Plan, nodes: list[Node], findings: list[FindingFacts]) -> list[ReviewFacts]:
    rng = plan.rng
    on_question: dict[int, list[FindingFacts]] = {}
    for f in findings:
        if f.status != "withdrawn":
            on_question.setdefault(f.question.id, []).append(f)
    weights = [_review_weight(n) for n in nodes]
    facts = []
    for node in rng.choices(nodes, weights, k=plan.size.review_requests):
        candidates = on_question.get(node.id)
        finding = rng.choice(candidates) if candidates and plan.chance(0.6) else None
        lo, hi = _window(plan, node)
        at = plan.between(finding.created if finding else lo, hi)
        requester = finding.author if finding else node.assignee
        if requester is None or not plan.team.active_at(requester, at):
            requester = plan.ic_of(node.manager, at)
        reviewer = _reviewer(plan, node, requester)
        status = plan.draw(R_RECENT if plan.end - at < RECENT else R_OLD)
        r = ReviewFacts(node, finding, requester, reviewer, at, status, [], None, None)
        _review_steps(plan, r)
        facts.append(r)
    facts.sort(key=lambda r: r.requested)
    rows = []
    for number, r in enumerate(facts, 1):
        r.id = number
        rows.append(_review_row(plan, r))
    plan.rows["review_request"] = rows
    return facts


def _review_row(plan: Plan, r: ReviewFacts) -> Row:
    url, root = plan.text.artifact(r.id), r.question.root_id
    plan.must(
        plan.event(r.requested, r.requester, "review_request", r.id, "created", new=url, root=root)
    )
    plan.maybe(REVIEW_MOVES, plan.status_steps("review_request", r.id, "open", r.steps, root))
    return {
        "id": r.id,
        "question_id": r.question.id,
        "finding_id": r.finding.id if r.finding else None,
        "requester_id": r.requester,
        "reviewer_id": r.reviewer,
        "artifact_url": url,
        "focus": plan.text.focus(),
        "kind": "analysis",  # the column's default (migration 0007); no checklist rows
        "status": r.status,
        "requested_at": r.requested,
        "first_response_at": r.first_response,
        "resolved_at": r.resolved,
        "version": 1,
    }
