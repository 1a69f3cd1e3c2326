"""People and projects: several managers (the first heads the department), ICs spread
over them, viewers, a few deactivated ICs; projects of very different sizes, a few
archived."""

from __future__ import annotations

import unicodedata

from team.bench.plan import DAY, Plan, Row
from team.bench.texts import FIRST, LAST

PROJECT_NAMES = (
    "Retention",
    "Pricing",
    "Forecasting",
    "Experimentation",
    "Data quality",
    "Marketing mix",
    "Supply chain",
    "Fraud",
    "Search ranking",
    "Customer support",
    "Onboarding",
    "Payments",
)


def role_counts(people: int) -> tuple[int, int, int]:
    """(managers, ICs, viewers): about one manager per eight people, one viewer per
    twenty, at least one IC."""
    managers = min(people - 1, max(1, round(people / 9 + 1)))
    viewers = max(1, people // 20) if people - managers >= 2 else 0
    return managers, people - managers - viewers, viewers


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _person_row(plan: Plan, pid: int, role: str, boss: int | None) -> Row:
    first = FIRST[(pid - 1) % len(FIRST)]
    last = LAST[((pid - 1) // len(FIRST) + pid - 1) % len(LAST)]
    return {
        "id": pid,
        "name": f"{first} {last}",
        "email": f"{_ascii(first)}.{_ascii(last)}.{pid}@example.com",
        "role": role,
        "reports_to_id": boss,
        "active": pid not in plan.team.gone,
        "created_at": plan.start + plan.rng.random() * 30 * DAY,
        "version": 1,
    }


def build_people(plan: Plan) -> None:
    team = plan.team
    managers, ics, _ = role_counts(plan.size.people)
    team.managers = list(range(1, managers + 1))
    team.ics = list(range(managers + 1, managers + ics + 1))
    team.viewers = list(range(managers + ics + 1, plan.size.people + 1))
    head = team.managers[0]
    for m in team.managers:
        team.boss[m] = head if managers >= 3 and m != head else None
        team.reports[m] = []
    for index, ic in enumerate(team.ics):
        boss = team.managers[index % managers]
        team.boss[ic] = boss
        team.reports[boss].append(ic)
    for v in team.viewers:
        team.boss[v] = None
    leaving = max(1 if ics >= 5 else 0, round(ics * 0.05))
    for ic in plan.rng.sample(team.ics, leaving):
        team.gone[ic] = plan.now - plan.rng.uniform(60, 300) * DAY
    roles = {**dict.fromkeys(team.managers, "manager"), **dict.fromkeys(team.ics, "ic")}
    rows = [
        _person_row(plan, pid, roles.get(pid, "viewer"), team.boss[pid])
        for pid in range(1, plan.size.people + 1)
    ]
    plan.rows["person"] = rows
    for row in rows:
        pid, boss = row["id"], row["reports_to_id"]
        plan.must(
            plan.event(row["created_at"], boss or pid, "person", pid, "created", new=row["name"])
        )
        if pid in team.gone:
            at = team.gone[pid]
            plan.must(plan.event(at, boss, "person", pid, "updated", "active", True, False))


def build_projects(plan: Plan) -> None:
    """Projects, and when each may get new general questions: (from, until) per id."""
    count = plan.size.projects
    archived = set(plan.rng.sample(range(1, count + 1), count // 8))
    rows = []
    for pid in range(1, count + 1):
        base = PROJECT_NAMES[(pid - 1) % len(PROJECT_NAMES)]
        name = (
            base if pid <= len(PROJECT_NAMES) else f"{base} {(pid - 1) // len(PROJECT_NAMES) + 1}"
        )
        created = plan.start + plan.rng.uniform(1, 60) * DAY
        creator = plan.pick(plan.team.managers)
        row: Row = {
            "id": pid,
            "name": name,
            "description": f"Questions about {name.lower()}.",
            "archived": pid in archived,
            "created_at": created,
            "version": 1,
        }
        rows.append(row)
        plan.must(plan.event(created, creator, "project", pid, "created", new=name))
        until = plan.end - DAY
        if pid in archived:
            at = plan.now - plan.rng.uniform(20, 90) * DAY
            plan.must(plan.event(at, creator, "project", pid, "updated", "archived", False, True))
            until = at - 120 * DAY
        plan.project_window[pid] = (created + DAY, until)
    plan.rows["project"] = rows
