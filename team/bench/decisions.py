"""The decision log of the generated organisation: about two in five general questions
with an answer record the decision their newest version informed (at most one per
general question, so ``sizes.required_events`` can count their creation events), taken
a few days after the version was written, by a stakeholder named in words. Revisits mix
as in real use: most by a date (those before today are due), some on a condition
alone, some both, a few none. The evidence at the time counts the version's claims and
those citing an accepted finding whose review was approved."""

from __future__ import annotations

import math
from datetime import timedelta
from random import Random

from team.bench.plan import HOUR, Plan, Row
from team.bench.synthesis import AnswerFacts
from team.bench.trees import day_of
from team.bench.work import ReviewFacts

SHARE = 0.4  # of the general questions with an answer
DECIDERS = (
    "Pricing committee",
    "VP Sales",
    "Head of Product",
    "Growth council",
    "CFO",
    "Retention working group",
)
WHAT = (
    "Roll the change out to every region",
    "Keep the current heuristic one more quarter",
    "Fund the follow-up experiment",
    "Stop the campaign and move its budget",
    "Replace the weekly report with the dashboard",
)
# How each decision is revisited, in turn: mostly by a date (due once it has passed).
REVISITS = ("date", "condition", "date", "both", "date", "none", "date", "condition", "date")
CONDITIONS = (
    "weekly churn passes 5% two weeks running",
    "the next pricing change ships",
    "a competitor cuts prices",
)


def _reviewed(reviews: list[ReviewFacts]) -> set[int]:
    """Findings with an approved review."""
    return {r.finding.id for r in reviews if r.finding is not None and r.status == "approved"}


def build_decisions(plan: Plan, answers: list[AnswerFacts], reviews: list[ReviewFacts]) -> None:
    """Decisions drawn from a random source of their own, seeded from the plan's without
    drawing from it: the builders after this one get the draws they had before. (Seeded
    by the state's text: ``hash`` of the state would differ between processes, as the
    state holds None, hashed by address on Python 3.11.)"""
    rng = Random(repr(plan.rng.getstate()))
    newest: dict[int, AnswerFacts] = {}
    for a in answers:  # sorted by time: the last one seen is the newest
        if a.question.parent is None:
            newest[a.question.id] = a
    reviewed = _reviewed(reviews)
    rows: list[Row] = []
    for qid in sorted(newest):
        a = newest[qid]
        if rng.random() >= SHARE:
            continue
        rows.append(_row(plan, rng, len(rows) + 1, a, reviewed))
    plan.rows["decision"] = rows


def _later(plan: Plan, rng: Random, at: float, median_hours: float) -> float:
    """``at`` plus a log-normal delay of about ``median_hours``, before the end."""
    delay = math.exp(0.9 * rng.gauss()) * median_hours * HOUR
    return at + delay if at + delay < plan.end else at + (plan.end - at) * rng.random()


def _row(plan: Plan, rng: Random, number: int, a: AnswerFacts, reviewed: set[int]) -> Row:
    decided = _later(plan, rng, a.created, 72)
    recorded = _later(plan, rng, decided, 6)
    who = plan.actor(a.author, recorded, a.question.manager)
    day = day_of(decided)
    kind = REVISITS[number % len(REVISITS)]
    later = day + timedelta(days=rng.randint(30, 180))
    revisit_on = later if kind in ("date", "both") else None
    condition = rng.choice(CONDITIONS) if kind in ("condition", "both") else ""
    what = rng.choice(WHAT)
    root = a.question.root_id
    plan.must(plan.event(recorded, who, "decision", number, "created", "what", None, what, root))
    on_reviewed = [f for f in a.findings if f.status == "accepted" and f.id in reviewed]
    return {
        "id": number,
        "answer_id": a.id,
        "question_id": a.question.id,
        "what": what,
        "decided_by": rng.choice(DECIDERS),
        "decided_on": day,
        "revisit_on": revisit_on,
        "revisit_condition": condition,
        "revisited_at": None,
        # A claim a citation (_body), or one uncited line when it cites nothing.
        "claims": max(1, len(a.findings) + len(a.answers)),
        "claims_reviewed": len(on_reviewed),
        "recorded_by_id": who,
        "created_at": recorded,
        "updated_at": recorded,
        "version": 1,
    }
