"""The evidence roll-up as the tree, Overview and Answers show it (rollup.py states the
rule): a short fact for a row of the tree, a line for a question's facts."""

from __future__ import annotations

from team.services.questions.rollup import Evidence


def evidence_facts(evidence: Evidence | None) -> list[str]:
    """The facts of a tree row: "evidence 1/4 reviewed", and in orange how many of its
    cited findings were since sent back or withdrawn; none while nothing is cited."""
    if evidence is None or not evidence.cited:
        return []
    facts = [f"evidence {evidence.reviewed}/{evidence.cited} reviewed"]
    if evidence.weak:
        facts.append(f":orange[{evidence.weak} sent back or withdrawn]")
    return facts


def evidence_line(evidence: Evidence | None) -> str:
    """ "evidence: 1 of 4 cited findings reviewed" (no finding cited yet: said so)."""
    return f"evidence: {evidence.text}" if evidence is not None else ""
