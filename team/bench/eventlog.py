"""The event log of the generated organisation, exactly as long as the size asks.

Every row's creation and every question's status history are always written (the
Progress charts replay them). The other moves are kept by priority (assignments, review
moves, resolved notes and done action items, finding moves) while they fit, a whole
entity's moves or none of them; what is left over is filled with priority edits of
questions that end at each question's current priority. Ids follow time, as in an
append-only log, and each editable row's version counts the updates logged on it.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter

from team.bench.plan import Ev, Plan, Row
from team.bench.trees import PRIORITIES, Node

VERSIONED = (
    "person",
    "project",
    "question",
    "finding",
    "review_request",
    "note",
    "one_on_one",
    "track_note",
    "action_item",
)


def _select(plan: Plan, budget: int) -> tuple[list[Ev], int]:
    """Optional events within ``budget``, best tiers first; what remains of it."""
    chosen: list[Ev] = []
    for groups in plan.optional:
        if sum(len(g) for g in groups) <= budget:
            for g in groups:
                chosen += g
            budget -= sum(len(g) for g in groups)
            continue
        for g in plan.rng.sample(groups, len(groups)):
            if len(g) <= budget:
                chosen += g
                budget -= len(g)
    return chosen, budget


def _priority_edits(plan: Plan, nodes: list[Node], count: int) -> list[Ev]:
    """``count`` priority edits spread over the questions; each question's chain of
    edits ends at its current priority."""
    rows = plan.rows["question"]
    per, extra = divmod(count, len(nodes))
    lucky = set(plan.rng.sample(range(len(nodes)), extra))
    out: list[Ev] = []
    for index, node in enumerate(nodes):
        edits = per + (index in lucky)
        if not edits:
            continue
        row = rows[index]
        times = sorted(plan.between(node.created, plan.end) for _ in range(edits))
        values = [row["priority"]]
        for _ in range(edits):
            values.append(plan.text.pick(tuple(p for p in PRIORITIES if p != values[-1])))
        values.reverse()  # values[0] is the oldest, values[-1] the current priority
        for j, at in enumerate(times):
            out.append(
                plan.event(
                    at,
                    node.manager,
                    "question",
                    node.id,
                    "updated",
                    "priority",
                    values[j],
                    values[j + 1],
                    node.root_id,
                )
            )
        row["updated_at"] = max(row["updated_at"], times[-1])
    return out


def build_events(plan: Plan, nodes: list[Node]) -> None:
    budget = plan.size.events - len(plan.required)
    if budget < 0:
        raise ValueError(
            f"Size {plan.size.name}: its rows need {len(plan.required):,} events; "
            f"give at least that many (it gives {plan.size.events:,})."
        )
    optional, left = _select(plan, budget)
    events = plan.required + optional + _priority_edits(plan, nodes, left)
    events.sort(key=itemgetter(0))
    plan.rows["event"] = [_row(number, ev) for number, ev in enumerate(events, 1)]
    _versions(plan, events)


def _row(number: int, ev: Ev) -> Row:
    at, actor, entity, entity_id, action, field, old, new, root = ev
    return {
        "id": number,
        "at": at,
        "actor_id": actor,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "field": field,
        "old_value": old,
        "new_value": new,
        "root_id": root,
    }


def _versions(plan: Plan, events: list[Ev]) -> None:
    updates = Counter((ev[2], ev[3]) for ev in events if ev[4] == "updated")
    for table in VERSIONED:
        for row in plan.rows[table]:
            row["version"] = 1 + updates[(table, row["id"])]
