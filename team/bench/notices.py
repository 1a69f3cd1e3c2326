"""The notifications of the generated organisation: what the outbox
(team/services/notify/outbox.py) writes for the changes its event log records, by the
same rules, and the notify worker's due-date reminders; and who follows which answers.

Never for one's own acts, never to someone deactivated by then, one per person and thing
per change (the more telling kind kept). Old notifications are read, a few days' worth
mostly not; all are planned (history, not news: the notify worker sends none of them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from team.bench.plan import DAY, Plan, Row
from team.bench.trees import Node
from team.services.notify.links import link, question_link
from team.services.notify.outbox import DETAIL_CHARS, FINDING_MOVES, PRIORITY, REVIEW_MOVES
from team.vocabulary import FindingStatus, NotificationKind, ReviewStatus

K = NotificationKind

READ_AFTER_DAYS = 14  # older than this: almost all read
READ_OLD, READ_RECENT = 0.97, 0.35
OVERDUE_DAYS = 7  # daily overdue reminders an item gets at most (then it is moved or done)
VIEWER_FOLLOWS, MANAGER_FOLLOWS = 6, 2  # general questions each follows

# When one change makes two notifications for one person about one thing, the one the
# outbox keeps is kept; moves that notify are the outbox's (its keys are string enums).
RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}


@dataclass(frozen=True, slots=True)
class Draft:
    person: int
    kind: NotificationKind
    entity: str
    entity_id: int
    root: int | None
    title: str
    link: str
    detail: str = ""


class Rows:
    """The generated rows by id, and the answers by (question, number)."""

    def __init__(self, plan: Plan) -> None:
        def by_id(table: str) -> dict[int, Row]:
            return {row["id"]: row for row in plan.rows.get(table, [])}

        self.question = by_id("question")
        self.finding = by_id("finding")
        self.review = by_id("review_request")
        self.note = by_id("note")
        self.answer = by_id("answer")
        self.action = by_id("action_item")
        self.meeting = by_id("one_on_one")
        self.versions = {(a["question_id"], a["number"]): a for a in self.answer.values()}
        self.followers: dict[int, list[tuple[int, float]]] = {}
        for row in plan.rows.get("follow", []):
            self.followers.setdefault(row["question_id"], []).append(
                (row["person_id"], row["created_at"])
            )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1].rstrip() + "…"


def _question_draft(q: Row, person: int, kind: NotificationKind, detail: str = "") -> Draft:
    where = question_link(q["root_id"], q["id"])
    return Draft(person, kind, "question", q["id"], q["root_id"], q["title"], where, detail)


def _finding_draft(
    rows: Rows, f: Row, person: int, kind: NotificationKind, detail: str = ""
) -> Draft:
    q = rows.question[f["question_id"]]
    where = question_link(q["root_id"], q["id"], finding=f["id"])
    return Draft(person, kind, "finding", f["id"], q["root_id"], f["summary"], where, detail)


def _review_draft(
    rows: Rows, r: Row, person: int, kind: NotificationKind, detail: str = ""
) -> Draft:
    q = rows.question[r["question_id"]]
    where = link("reviews", review=r["id"])
    return Draft(
        person,
        kind,
        "review_request",
        r["id"],
        q["root_id"],
        q["title"],
        where,
        detail or r["artifact_url"],
    )


def _question(rows: Rows, ev: Row) -> Iterator[Draft]:
    q = rows.question[ev["entity_id"]]
    if ev["action"] == "created" and q["assignee_id"] is not None:
        yield _question_draft(q, q["assignee_id"], K.ASSIGNED)
    elif ev["field"] == "assignee_id":
        if ev["new_value"]:
            yield _question_draft(q, int(ev["new_value"]), K.ASSIGNED)
        if ev["old_value"]:
            yield _question_draft(q, int(ev["old_value"]), K.UNASSIGNED)


def _finding(rows: Rows, ev: Row) -> Iterator[Draft]:
    moved = ev["field"] == "status" and ev["new_value"]
    kind = FINDING_MOVES.get(FindingStatus(ev["new_value"])) if moved else None
    if kind is not None:
        f = rows.finding[ev["entity_id"]]
        yield _finding_draft(rows, f, f["author_id"], kind)


def _review(rows: Rows, ev: Row) -> Iterator[Draft]:
    r = rows.review[ev["entity_id"]]
    if ev["action"] == "created":
        yield _review_draft(rows, r, r["reviewer_id"], K.REVIEW_REQUESTED)
    elif ev["field"] == "status":
        kind = REVIEW_MOVES.get(ReviewStatus(ev["new_value"])) if ev["new_value"] else None
        if kind is None and ev["at"] == r["first_response_at"]:
            kind = K.REVIEW_RESPONDED  # the reviewer's first act stamps the first response
        if kind is not None:
            yield _review_draft(rows, r, r["requester_id"], kind)


def _note(rows: Rows, ev: Row) -> Iterator[Draft]:
    if ev["action"] != "created":
        return
    n = rows.note[ev["entity_id"]]
    detail = _short(n["body"])
    if n["review_request_id"] is not None:
        r = rows.review[n["review_request_id"]]
        kind = K.MUST_FIX if n["kind"] == "must_fix" else K.NOTE
        yield _review_draft(rows, r, r["requester_id"], kind, detail)
        yield _review_draft(rows, r, r["reviewer_id"], K.NOTE, detail)
    elif n["finding_id"] is not None:
        f = rows.finding[n["finding_id"]]
        yield _finding_draft(rows, f, f["author_id"], K.NOTE, detail)
    elif n["answer_id"] is not None:
        a = rows.answer[n["answer_id"]]
        q = rows.question[a["question_id"]]
        where = link("answers", root=q["root_id"], node=q["id"])
        yield Draft(
            a["author_id"], K.NOTE, "answer", q["id"], q["root_id"], q["title"], where, detail
        )
    elif n["question_id"] is not None:
        q = rows.question[n["question_id"]]
        for person in {q["owner_id"], q["assignee_id"]} - {None}:
            yield _question_draft(q, person, K.NOTE, detail)


def _action_item(rows: Rows, ev: Row) -> Iterator[Draft]:
    if ev["action"] != "created":
        return
    item = rows.action[ev["entity_id"]]
    m = rows.meeting[item["one_on_one_id"]]
    where = link("one_on_ones", report=m["report_id"], manager=m["manager_id"])
    yield Draft(
        item["owner_id"], K.ACTION_ITEM, "action_item", item["id"], None, item["description"], where
    )


def _answer(rows: Rows, ev: Row) -> Iterator[Draft]:
    a = rows.answer[ev["entity_id"]]
    before = rows.versions.get((a["question_id"], a["number"] - 1))
    now = f"{_label(a['state'])}, {_label(a['confidence'])} confidence"
    if before is None:
        detail = f"First answer: {now}"
    elif (before["state"], before["confidence"]) == (a["state"], a["confidence"]):
        return  # the words changed, not what we believe
    else:
        detail = f"{_label(before['state'])}, {_label(before['confidence'])} confidence → {now}"
    q = rows.question[a["question_id"]]
    where = link("answers", root=q["root_id"], node=q["id"])
    followers = rows.followers.get(q["id"], []) + rows.followers.get(q["root_id"], [])
    for person, since in followers:
        if since < ev["at"]:
            yield Draft(
                person, K.ANSWER_CHANGED, "answer", q["id"], q["root_id"], q["title"], where, detail
            )


def _label(value: str) -> str:
    return value.replace("_", " ")


RULES = {
    "question": _question,
    "finding": _finding,
    "review_request": _review,
    "note": _note,
    "action_item": _action_item,
    "answer": _answer,
}

# (draft, at, actor, key)
Notice = tuple[Draft, float, int | None, str | None]


def _from_events(plan: Plan, rows: Rows) -> list[Notice]:
    """What the outbox writes for each logged change, one per person and thing a change."""
    kept: dict[tuple[int, str, int, float], Notice] = {}
    team = plan.team
    for ev in plan.rows["event"]:
        rule = RULES.get(ev["entity"])
        if rule is None:
            continue
        at, actor = ev["at"], ev["actor_id"]
        for d in rule(rows, ev):
            if d.person == actor or not team.active_at(d.person, at):
                continue
            key = (d.person, d.entity, d.entity_id, at)
            if key not in kept or RANK[d.kind] > RANK[kept[key][0].kind]:
                kept[key] = (d, at, actor, None)
    return list(kept.values())


# --------------------------------------------------------------------------- reminders


def _day_start(day: date) -> float:
    return datetime.combine(day, time(0), UTC).timestamp()


def _reminders(
    plan: Plan, person: int, draft: Draft, due: date, start: float, open_until: float
) -> Iterator[Notice]:
    """The worker's reminders for one item: due soon two days before, then overdue each
    day (at most OVERDUE_DAYS), while it is open; keyed once per item and day."""
    soon = due - timedelta(days=2)
    days = [(K.DUE_SOON, soon)] + [
        (K.OVERDUE, due + timedelta(days=n)) for n in range(1, OVERDUE_DAYS + 1)
    ]
    for kind, day in days:
        at = _day_start(day) + 6 * 3_600.0  # the worker's morning run
        if not start < at < min(open_until, plan.end) or not plan.team.active_at(person, at):
            continue
        key = f"{kind.value}:{draft.entity}:{draft.entity_id}:{day.isoformat()}"
        yield (replace(draft, person=person, kind=kind), at, None, key)


def _due_reminders(plan: Plan, rows: Rows, nodes: list[Node]) -> list[Notice]:
    out: list[Notice] = []
    for node in nodes:
        q = rows.question[node.id]
        if q["due_date"] is None or node.assignee is None:
            continue
        draft = _question_draft(q, node.assignee, K.DUE_SOON)
        until = node.finished if node.finished is not None else plan.end
        out += _reminders(plan, node.assignee, draft, q["due_date"], node.created, until)
    for item in rows.action.values():
        m = rows.meeting[item["one_on_one_id"]]
        where = link("one_on_ones", report=m["report_id"], manager=m["manager_id"])
        title = item["description"]
        draft = Draft(item["owner_id"], K.DUE_SOON, "action_item", item["id"], None, title, where)
        until = item["done_at"] if item["done_at"] is not None else plan.end
        due, created = item["due_date"], item["created_at"]
        out += _reminders(plan, item["owner_id"], draft, due, created, until)
    return out


# --------------------------------------------------------------------------- rows


def build_follows(plan: Plan) -> None:
    """Viewers follow a few general questions, managers a couple of other managers'."""
    roots = [q for q in plan.rows["question"] if q["parent_id"] is None]
    rows: list[Row] = []
    team = plan.team
    for person, count in [(v, VIEWER_FOLLOWS) for v in team.viewers] + [
        (m, MANAGER_FOLLOWS) for m in team.managers
    ]:
        others = [q for q in roots if q["owner_id"] != person]
        for q in plan.rng.sample(others, min(count, len(others))):
            at = plan.after(q["created_at"], 72)
            rows.append(
                {"id": len(rows) + 1, "person_id": person, "question_id": q["id"], "created_at": at}
            )
    plan.rows["follow"] = rows


def _read_at(plan: Plan, at: float) -> float | None:
    old = plan.end - at > READ_AFTER_DAYS * DAY
    if not plan.chance(READ_OLD if old else READ_RECENT):
        return None
    return plan.after(at, 6)


def build_notifications(plan: Plan, nodes: list[Node]) -> None:
    """The notification rows, oldest first (after the event log and the follows)."""
    rows = Rows(plan)
    notices = _from_events(plan, rows) + _due_reminders(plan, rows, nodes)
    notices.sort(key=lambda n: n[1])
    out: list[Row] = []
    for number, (d, at, actor, key) in enumerate(notices, 1):
        out.append(
            {
                "id": number,
                "person_id": d.person,
                "kind": d.kind.value,
                "at": at,
                "actor_id": actor,
                "entity": d.entity,
                "entity_id": d.entity_id,
                "root_id": d.root,
                "title": d.title[:300],
                "detail": d.detail,
                "link": d.link[:300],
                "read_at": _read_at(plan, at),
                "planned_at": at,
                "key": key,
            }
        )
    plan.rows["notification"] = out
