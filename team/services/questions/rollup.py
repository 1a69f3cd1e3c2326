"""Coverage and confidence rolled up a question tree, in one pass over its nodes.

Coverage of a node = answered leaves / leaves in scope below it. A node is *in scope*
unless it or an ancestor is dropped; a *leaf* is an in-scope node with no in-scope
children (a question whose sub-questions were all dropped is a leaf again). A dropped
node has no coverage.

Confidence of a node = its own latest answer's confidence when it has an answer;
otherwise the weakest confidence among its sub-questions in scope, where a sub-question
with no confidence counts as low; a leaf with no answer has none, and so does a node
none of whose sub-questions has one.

Evidence of a node = the distinct findings cited by the latest answer versions of the
node and of its sub-questions in scope at any depth, and how many of them are
*reviewed* (accepted, and a review of them approved: EvidenceStrength.REVIEWED). A
finding cited at several places counts once. Findings since sent back or withdrawn stay
in the count, as not reviewed, and are counted apart too ("weak"). Read in SQL
(evidence.py); a dropped node has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from team.vocabulary import Confidence, QuestionStatus

RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
HELP = (
    "**Coverage** = answered leaf sub-questions / leaf sub-questions not dropped, below "
    "this question. A question whose sub-questions were all dropped counts as a leaf. "
    "**Confidence** = the question's own latest answer's confidence; without an answer, "
    "the weakest of its sub-questions' (one with none counts as low). "
    "**Evidence** = of the findings cited by the latest answers of this question and of "
    "its sub-questions not dropped, how many are reviewed (accepted, and a review of them "
    "approved). A finding cited twice counts once; one since sent back or withdrawn "
    "counts as not reviewed and is named apart."
)
HELP_TITLE = "How coverage, confidence and evidence roll up"


@dataclass(frozen=True)
class Evidence:
    """The findings cited at and below a node: how many, how many reviewed, and how many
    since sent back or withdrawn."""

    cited: int = 0
    reviewed: int = 0
    weak: int = 0

    @property
    def text(self) -> str:
        """ "4 of 7 cited findings reviewed, 1 sent back or withdrawn"."""
        if not self.cited:
            return "no finding cited yet"
        said = f"{self.reviewed} of {self.cited} cited finding{'s' if self.cited != 1 else ''}"
        said += " reviewed"
        return said + (f", {self.weak} sent back or withdrawn" if self.weak else "")


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    status: QuestionStatus


@dataclass
class Rollup:
    in_scope: bool = False
    answered_leaves: int = 0
    leaves: int = 0
    confidence: Confidence | None = None
    evidence: Evidence | None = None  # None out of scope

    @property
    def coverage(self) -> float | None:
        return self.answered_leaves / self.leaves if self.leaves else None


def weakest(values: Iterable[Confidence | None]) -> Confidence | None:
    present = list(values)
    if not present or all(v is None for v in present):
        return None
    return min((v or Confidence.LOW for v in present), key=RANK.__getitem__)


def roll_up(
    nodes: Iterable[Node],
    own: dict[int, Confidence],
    evidence: dict[int, Evidence] | None = None,
) -> dict[int, Rollup]:
    """Roll-ups for every node of the given trees. ``own`` maps a question to its latest
    answer's confidence; ``evidence`` a node to its evidence (evidence.py, already rolled
    up in SQL; a node in scope missing from it has none cited)."""
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[int]] = {}
    roots = []
    for node in by_id.values():
        if node.parent_id is None or node.parent_id not in by_id:
            roots.append(node.id)
        else:
            children.setdefault(node.parent_id, []).append(node.id)
    order: list[int] = []
    result = {i: Rollup() for i in by_id}
    stack = [(r, True) for r in roots]
    while stack:  # pre-order: a parent before its children
        node_id, parent_in_scope = stack.pop()
        result[node_id].in_scope = parent_in_scope and by_id[node_id].status != "dropped"
        order.append(node_id)
        stack.extend((c, result[node_id].in_scope) for c in children.get(node_id, []))
    for node_id in reversed(order):  # post-order: children before their parent
        _fill(result, node_id, children.get(node_id, []), by_id[node_id], own)
        if result[node_id].in_scope and evidence is not None:
            result[node_id].evidence = evidence.get(node_id, Evidence())
    return result


def _fill(
    result: dict[int, Rollup],
    node_id: int,
    kids: list[int],
    node: Node,
    own: dict[int, Confidence],
) -> None:
    mine = result[node_id]
    if not mine.in_scope:
        return
    live = [c for c in kids if result[c].in_scope]
    if live:
        mine.leaves = sum(result[c].leaves for c in live)
        mine.answered_leaves = sum(result[c].answered_leaves for c in live)
    else:
        mine.leaves = 1
        mine.answered_leaves = int(node.status == QuestionStatus.ANSWERED)
    if node_id in own:
        mine.confidence = Confidence(own[node_id])
    elif live:
        mine.confidence = weakest(result[c].confidence for c in live)
