"""Answer versions and their citations: general questions and branches get most of the
synthesis; each version cites findings from its question's subtree that were shared by
then, and the then-current answers of direct sub-questions, with the markers the
answers service reads (``[F12]``, ``[Q34]``)."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from team.bench.plan import Plan, Row
from team.bench.trees import Node
from team.bench.work import CONFIDENCES, FindingFacts

CITABLE = ("shared", "accepted", "needs_work")
RANK = {c: i for i, c in enumerate(CONFIDENCES)}


@dataclass(slots=True, eq=False)
class AnswerFacts:
    question: Node
    number: int
    created: float
    author: int
    state: str
    confidence: str
    findings: list[FindingFacts] = field(default_factory=list)
    answers: list[AnswerFacts] = field(default_factory=list)
    id: int = 0


def _answer_weight(node: Node) -> float:
    if node.status == "dropped":
        return 0.0
    if node.parent is None:
        return 6.0 if node.children else 1.5
    if node.children:
        return 3.0
    return 1.0 if node.status == "answered" else 0.2


def _answered_line(node: Node, chosen: set[int]) -> list[int]:
    line = []
    current: Node | None = node
    while current is not None:
        if current.id in chosen:
            line.append(current.id)
        current = current.parent
    return line


def _evidence(
    chosen: set[int], findings: list[FindingFacts]
) -> dict[int, tuple[list[float], list[FindingFacts]]]:
    """Per answered question: citable findings of its subtree, by when they were shared."""
    pairs: dict[int, list[tuple[float, FindingFacts]]] = {}
    above: dict[int, list[int]] = {}  # question -> it and its ancestors that are answered
    for f in findings:
        if f.status not in CITABLE:
            continue
        shared = f.created if f.first == "shared" else f.steps[0][0]
        targets = above.get(f.question.id)
        if targets is None:
            targets = above[f.question.id] = _answered_line(f.question, chosen)
        for qid in targets:
            pairs.setdefault(qid, []).append((shared, f))
    found = {}
    for qid, items in pairs.items():
        items.sort(key=lambda pair: pair[0])
        found[qid] = ([at for at, _ in items], [f for _, f in items])
    return found


def _state(plan: Plan, node: Node, final: bool) -> str:
    if final and node.status == "answered":
        return "answered" if plan.chance(0.85) else "inconclusive"
    return "working_hypothesis" if plan.chance(0.88) else "inconclusive"


def _versions(plan: Plan, node: Node, count: int) -> list[AnswerFacts]:
    lo = node.started or node.created
    times = sorted(plan.between(lo, plan.end) for _ in range(count))
    levels = sorted(plan.rng.choices(CONFIDENCES, (30, 45, 25), k=count), key=RANK.__getitem__)
    out = []
    for number, (at, level) in enumerate(zip(times, levels, strict=True), 1):
        author = node.manager
        if (
            node.assignee is not None
            and plan.team.active_at(node.assignee, at)
            and plan.chance(0.3)
        ):
            author = node.assignee
        out.append(
            AnswerFacts(node, number, at, author, _state(plan, node, number == count), level)
        )
    return out


def _cite(
    plan: Plan,
    a: AnswerFacts,
    evidence: tuple[list[float], list[FindingFacts]] | None,
    by_question: dict[int, list[AnswerFacts]],
) -> None:
    rng = plan.rng
    if evidence is not None:
        known = bisect_left(evidence[0], a.created)
        wanted = min(known, rng.randint(1, 4))
        a.findings = [evidence[1][i] for i in sorted(rng.sample(range(known), wanted))]
    answered_children = [c for c in a.question.children if c.id in by_question]
    for child in rng.sample(answered_children, min(3, len(answered_children))):
        earlier = [v for v in by_question[child.id] if v.created < a.created]
        if earlier and plan.chance(0.7):
            a.answers.append(earlier[-1])


def build_answers(plan: Plan, nodes: list[Node], findings: list[FindingFacts]) -> list[AnswerFacts]:
    weights = [_answer_weight(n) for n in nodes]
    counts = Counter(plan.rng.choices(nodes, weights, k=plan.size.answer_versions))
    evidence = _evidence({n.id for n in counts}, findings)
    by_question: dict[int, list[AnswerFacts]] = {}
    every: list[AnswerFacts] = []
    for node in sorted(counts, key=lambda n: -n.depth):  # sub-questions first
        versions = _versions(plan, node, counts[node])
        for a in versions:
            _cite(plan, a, evidence.get(node.id), by_question)
        by_question[node.id] = versions
        every += versions
    every.sort(key=lambda a: a.created)
    for number, a in enumerate(every, 1):
        a.id = number
    _rows(plan, every)
    return every


def _body(plan: Plan, a: AnswerFacts) -> str:
    summaries = plan.rows["finding"]
    parts = ["## Answer"]
    for f in a.findings:
        parts.append(f"{summaries[f.id - 1]['summary']}, which supports this [F{f.id}].")
    for child in a.answers:
        parts.append(f"The sub-question's answer points the same way [Q{child.question.id}].")
    if len(parts) == 1 or plan.chance(0.15):
        parts.append("We still need to rule out seasonality before acting on this.")
    return "\n\n".join(parts)


def _rows(plan: Plan, answers: list[AnswerFacts]) -> None:
    rows: list[Row] = []
    citations: list[Row] = []
    for a in answers:
        root = a.question.root_id
        rows.append(
            {
                "id": a.id,
                "question_id": a.question.id,
                "number": a.number,
                "body": _body(plan, a),
                "state": a.state,
                "confidence": a.confidence,
                "author_id": a.author,
                "created_at": a.created,
            }
        )
        plan.must(
            plan.event(
                a.created, a.author, "answer", a.id, "created", "number", None, a.number, root
            )
        )
        for f in a.findings:
            citations.append({"answer_id": a.id, "finding_id": f.id, "cited_answer_id": None})
        for child in a.answers:
            citations.append({"answer_id": a.id, "finding_id": None, "cited_answer_id": child.id})
    for number, row in enumerate(citations, 1):
        row["id"] = number
    plan.rows["answer"] = rows
    plan.rows["citation"] = citations
