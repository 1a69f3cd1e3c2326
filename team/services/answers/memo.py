"""The Minto-style memo of a question, and the comparison of two answer versions.

The memo puts the answer first, then each sub-question's answer as a supporting
argument, then the findings with their links as evidence (each labelled with what it is:
"PR #418 · acme/churn", "notebook · retention_q3.ipynb"), then the open sub-questions as
gaps; it ends with the decision the newest answer version that has one informed (none:
nothing). Links are absolute URLs, so the memo works when pasted into a wiki.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Finding, Person
from team.services.answers.decision_reads import DecisionView, latest_decision
from team.services.answers.reads import AnswerVersion, latest_versions
from team.services.answers.rules import on_reviewed
from team.services.core.markdown import defused, literal
from team.services.findings.artifacts import labelled_link
from team.services.findings.reads import FindingView, findings_below
from team.services.findings.strength import has_approved_review
from team.services.questions.tree import Tree, load_subtree
from team.vocabulary import EvidenceStrength, FindingStatus, QuestionStatus

SHOWN = FindingStatus.shared_ones()


def _answer_block(version: AnswerVersion | None) -> list[str]:
    if version is None:
        return ["_No answer yet._", ""]
    reviewed = {f.id for f in version.cited_findings if f.strength == EvidenceStrength.REVIEWED}
    said = on_reviewed(version.body, reviewed)
    return [
        f"*{version.state.label.capitalize()}, {version.confidence.value} confidence "
        f"(version {version.number}, {literal(version.author)}, "
        f"{version.created_at:%d %b %Y}).{f' {said}.' if said else ''}*",
        "",
        defused(version.body.strip()),
        "",
    ]


def _evidence(usable: list[FindingView], reviewed: set[int]) -> list[str]:
    """Each finding with its evidence strength (reviewed: accepted, its review
    approved)."""
    if not usable:
        return ["_No findings yet._", ""]
    lines = []
    for f in sorted(usable, key=lambda f: f.id):
        links = ", ".join(labelled_link(url) for url in f.links)
        strength = EvidenceStrength.of(f.status, approved_review=f.id in reviewed)
        lines.append(
            f"- **\\[F{f.id}\\]** {literal(f.summary)} — {f.kind.label}, "
            f"{f.confidence.value} confidence, {strength.label}, by {literal(f.author)}"
            + (f". Evidence: {links}" if links else "")
        )
    return [*lines, ""]


def approved_reviews(session: Session, usable: list[FindingView]) -> set[int]:
    """Which of ``usable`` have a review that was approved (one query a thousand)."""
    ids = [f.id for f in usable]
    found: set[int] = set()
    for start in range(0, len(ids), 1000):
        query = select(col(Finding.id)).where(
            col(Finding.id).in_(ids[start : start + 1000]), has_approved_review(col(Finding.id))
        )
        found |= {int(i) for i in session.scalars(query) if i is not None}
    return found


def _gaps(tree: Tree, names: dict[int, str]) -> list[str]:
    """The open leaf questions below the memo's question, in display order."""
    if not tree.root.children:
        q = tree.root.question
        still = "still open" if q.status.is_open else q.status.label
        return [f"_No sub-questions; this question itself is {still}._", ""]
    lines = []
    for qid in list(tree.nodes)[1:]:  # below the node, in display order
        q = tree.nodes[qid].question
        if q.status.is_open and not tree.nodes[qid].children:
            who = names.get(q.assignee_id, "unassigned") if q.assignee_id else "unassigned"
            due = f", due {q.due_date:%d %b %Y}" if q.due_date else ""
            lines.append(f"- {literal(q.title)} ({q.status.label}; {literal(who)}{due})")
    return [*(lines or ["_None: every sub-question is answered or dropped._"]), ""]


def _decision(decision: DecisionView | None) -> list[str]:
    """ "Decision: … — decided by …, on …; revisit by … or when …" (none: nothing)."""
    if decision is None:
        return []
    revisit = f"; {literal(decision.revisit)}" if decision.has_revisit else ""
    return [
        "## Decision",
        "",
        f"**Decision:** {literal(decision.what)} — decided by {literal(decision.decided_by)}, "
        f"on {decision.decided_on:%d %b %Y}{revisit} "
        f"(informed by version {decision.answer_number}).",
        "",
    ]


def memo(session: Session, *, question_id: int, now: datetime | None = None) -> str:
    """The memo of any question node, as Markdown: the whole subtree, so it is built
    only when someone asks for it (a fixed number of queries)."""
    tree = load_subtree(session, node_id=question_id)
    node = tree.nodes[question_id]
    names = dict(session.execute(select(col(Person.id), col(Person.name))).all())
    # The newest answers of the node and of its children, read together.
    answers = latest_versions(session, question_ids=[question_id, *node.children])
    lines = [f"# {literal(node.question.title)}", ""]
    if node.question.context:
        context = defused(node.question.context).split("\n")
        lines += [*(f"> {line}".rstrip() for line in context), ""]
    coverage = node.coverage
    lines += [
        "## Answer",
        "",
        *_answer_block(answers.get(question_id)),
        f"Coverage: {node.answered_leaves} of {node.leaves} leaf questions answered"
        + (f" ({coverage:.0%})." if coverage is not None else "."),
        "",
        *([f"Evidence: {node.evidence.text}.", ""] if node.evidence else []),
        "## Supporting arguments",
        "",
    ]
    if not node.children:
        lines += ["_This question has no sub-questions._", ""]
    for child_id in node.children:
        child = tree.nodes[child_id].question
        if child.status == QuestionStatus.DROPPED:
            continue
        lines += [f"### \\[Q{child_id}\\] {literal(child.title)}", ""]
        lines += _answer_block(answers.get(child_id))
    usable = findings_below(session, node_id=question_id, statuses=SHOWN)
    lines += ["## Evidence", "", *_evidence(usable, approved_reviews(session, usable))]
    lines += ["## Gaps", "", *_gaps(tree, names)]
    lines += _decision(latest_decision(session, question_id=question_id))
    stamp = f"{now:%d %b %Y}" if now else ""
    if stamp:
        lines += [f"_Exported {stamp}._", ""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class VersionDiff:
    old: AnswerVersion
    new: AnswerVersion
    text: list[str]  # unified diff lines
    findings_added: tuple[int, ...]
    findings_removed: tuple[int, ...]
    answers_added: tuple[int, ...]  # child question ids
    answers_removed: tuple[int, ...]

    @property
    def state_changed(self) -> bool:
        return self.old.state != self.new.state

    @property
    def confidence_changed(self) -> bool:
        return self.old.confidence != self.new.confidence


def compare(old: AnswerVersion, new: AnswerVersion) -> VersionDiff:
    text = list(
        difflib.unified_diff(
            old.body.splitlines(),
            new.body.splitlines(),
            fromfile=f"version {old.number}",
            tofile=f"version {new.number}",
            lineterm="",
        )
    )
    return VersionDiff(
        old=old,
        new=new,
        text=text,
        findings_added=tuple(sorted(set(new.finding_ids) - set(old.finding_ids))),
        findings_removed=tuple(sorted(set(old.finding_ids) - set(new.finding_ids))),
        answers_added=tuple(sorted(set(new.cited_questions) - set(old.cited_questions))),
        answers_removed=tuple(sorted(set(old.cited_questions) - set(new.cited_questions))),
    )
