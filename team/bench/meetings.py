"""One-on-ones between each manager and their reports, about every two weeks up to the
last few days, with notes kept in tracks and action items: most older ones done, some
overdue, some not due yet. A deactivated report's meetings stop before they left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from team.bench.plan import DAY, FOLLOW_UPS, HOUR, Plan, Row
from team.bench.sizes import MAX_ACTIONS, MAX_TRACKS
from team.bench.texts import TRACKS
from team.bench.trees import day_of


@dataclass(slots=True)
class Meeting:
    manager: int
    report: int
    created: float


def _pairs(plan: Plan) -> list[tuple[int, int]]:
    team = plan.team
    return [(boss, p) for p, boss in team.boss.items() if boss is not None]


def _schedule(plan: Plan, manager: int, report: int, count: int) -> list[Meeting]:
    rng = plan.rng
    last = min(plan.end, plan.team.gone.get(report, plan.end)) - rng.uniform(1, 10) * DAY
    first_possible = plan.start + 30 * DAY
    spacing = min(14 * DAY, (last - first_possible) / max(count, 1))
    out = []
    for j in range(count):
        at = last - j * spacing - rng.uniform(0, 0.2) * spacing
        day_start = at - at % DAY
        out.append(Meeting(manager, report, day_start + rng.uniform(9, 17) * HOUR))
    return out


def build_meetings(plan: Plan) -> None:
    pairs = _pairs(plan)
    total = plan.size.one_on_ones
    meetings: list[Meeting] = []
    if pairs and total:
        counts = [total // len(pairs)] * len(pairs)
        for index in plan.rng.sample(range(len(pairs)), total % len(pairs)):
            counts[index] += 1
        for (manager, report), count in zip(pairs, counts, strict=True):
            meetings += _schedule(plan, manager, report, count)
    meetings.sort(key=lambda m: m.created)
    rows: list[Row] = []
    tracks: list[Row] = []
    actions: list[Row] = []
    for number, m in enumerate(meetings, 1):
        rows.append(
            {
                "id": number,
                "manager_id": m.manager,
                "report_id": m.report,
                "held_on": day_of(m.created),
                "notes": "Went through the agenda; see the tracks.",
                "created_at": m.created,
                "version": 1,
            }
        )
        plan.must(plan.event(m.created, m.manager, "one_on_one", number, "created"))
        tracks += _tracks(plan, number, m, len(tracks))
        actions += _actions(plan, number, m, len(actions))
    plan.rows["one_on_one"] = rows
    plan.rows["track_note"] = tracks
    plan.rows["action_item"] = actions


def _tracks(plan: Plan, meeting: int, m: Meeting, before: int) -> list[Row]:
    out = []
    for offset, track in enumerate(plan.rng.sample(TRACKS, plan.rng.randint(1, MAX_TRACKS)), 1):
        tid = before + offset
        plan.must(plan.event(m.created, m.manager, "track_note", tid, "created", new=track))
        out.append(
            {
                "id": tid,
                "one_on_one_id": meeting,
                "track": track,
                "body": plan.text.track_body(track),
                "author_id": m.manager,
                "created_at": m.created,
                "version": 1,
            }
        )
    return out


def _done_at(plan: Plan, m: Meeting, owner: int, due_end: float) -> float | None:
    overdue_long = due_end < plan.end - 7 * DAY
    if not plan.chance(0.85 if overdue_long else 0.4):
        return None
    limit = min(due_end + 7 * DAY, plan.end, plan.team.gone.get(owner, plan.end))
    return plan.between(m.created, limit) if limit > m.created else None


def _actions(plan: Plan, meeting: int, m: Meeting, before: int) -> list[Row]:
    out = []
    for offset in range(1, plan.rng.randint(0, MAX_ACTIONS) + 1):
        aid = before + offset
        owner = m.report if plan.chance(0.7) else m.manager
        due = day_of(m.created) + timedelta(days=plan.rng.randint(3, 21))
        due_end = m.created - m.created % DAY + ((due - day_of(m.created)).days + 1) * DAY
        done = _done_at(plan, m, owner, due_end)
        description = plan.text.action()
        plan.must(plan.event(m.created, m.manager, "action_item", aid, "created", new=description))
        if done is not None:
            ev = plan.event(done, owner, "action_item", aid, "updated", "done", False, True)
            plan.maybe(FOLLOW_UPS, [ev])
        out.append(
            {
                "id": aid,
                "one_on_one_id": meeting,
                "owner_id": owner,
                "description": description,
                "due_date": due,
                "done": done is not None,
                "done_at": done,
                "created_at": m.created,
                "version": 1,
            }
        )
    return out
