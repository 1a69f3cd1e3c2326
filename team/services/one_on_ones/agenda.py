"""The one-on-one agenda, built from live state, and the Markdown export.

The agenda of a pair on a day covers what happened since the pair's previous one-on-one
(the latest day held before that day, so a meeting recorded late for an earlier day does
not move the window back; the last ``DEFAULT_WINDOW_DAYS`` days when there is none). Each
thing shows in exactly one section, the most pressing one:
  - new findings: shared or reviewed findings by the report logged in the window
    (drafts stay private, withdrawn ones are gone);
  - overdue questions: the report's assigned questions past their due date and not
    answered or dropped;
  - stale questions: the report's other open, in-progress or blocked assigned questions
    with no evidence (a non-withdrawn finding) for ``stale_after_days`` — counted from
    the question's creation when it has none yet, and from when the report was given
    the question if that is later (inbox/my_work.py);
  - reviews awaiting the manager: the report's requests the manager has not finished
    (open or in review);
  - reviews the report owes: requests waiting on the report as reviewer;
  - must-fix notes still open on the report's work (by anyone else);
  - overdue action items: open items from earlier one-on-ones past their due date;
  - carried over: the other open items from earlier one-on-ones (until done);
  - decisions due for revisit: decisions on questions the report owns or is assigned
    whose revisit date has come and that nobody marked revisited
    (answers/decision_reads.py);
  - answers whose evidence changed: latest answer versions with open citation flags, of
    questions the report owns or is assigned, or whose changed evidence is a finding
    the report wrote (answers/health_reads.py).
Items raised in the day's own one-on-one belong to that meeting, not to its agenda.
Each section holds its ``limit`` most pressing items (agenda_sections.py says which come
first) and counts all of them; the whole agenda is ten queries, whatever the amount of
work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import OneOnOne, Person, utcnow
from team.services.answers.decision_reads import DecisionView, due_for_pair
from team.services.answers.health_reads import FlaggedAnswer, flagged_for_pair
from team.services.core.actors import acting
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.markdown import defused, literal
from team.services.findings.artifacts import labelled_link
from team.services.inbox.my_work import AssignedQuestion
from team.services.notes.reads import NoteItem
from team.services.one_on_ones import agenda_sections
from team.services.one_on_ones.agenda_sections import FindingItem, ReviewItem
from team.services.one_on_ones.reads import (
    ActionItemView,
    OneOnOneView,
    get,
    open_actions_bounded,
)
from team.services.one_on_ones.rules import require_member

DEFAULT_WINDOW_DAYS = 14
SECTION_LIMIT = 5  # items shown per section; its heading counts them all


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str  # what an empty section says
    count: int  # every item of the section
    shown: int  # the items the agenda holds (the most pressing ``limit``)

    @property
    def more(self) -> int:
        return self.count - self.shown


@dataclass(frozen=True)
class Agenda:
    manager_id: int
    manager: str
    report_id: int
    report: str
    day: date
    since: datetime
    previous_on: date | None
    stale_after_days: int
    new_findings: list[FindingItem] = field(default_factory=list)
    overdue_questions: list[AssignedQuestion] = field(default_factory=list)
    stale_questions: list[AssignedQuestion] = field(default_factory=list)
    reviews_awaiting_manager: list[ReviewItem] = field(default_factory=list)
    reviews_owed: list[ReviewItem] = field(default_factory=list)
    open_must_fix: list[NoteItem] = field(default_factory=list)
    overdue_actions: list[ActionItemView] = field(default_factory=list)
    carried_over: list[ActionItemView] = field(default_factory=list)
    decisions_due: list[DecisionView] = field(default_factory=list)
    flagged_answers: list[FlaggedAnswer] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # section -> all its items

    def sections(self) -> list[Section]:
        """The sections in the order they are discussed, with their counts."""
        out = []
        for key, title, empty in SECTIONS:
            shown = len(getattr(self, key))
            out.append(Section(key, title, empty, max(self.totals.get(key, 0), shown), shown))
        return out

    @property
    def count(self) -> int:
        return sum(s.count for s in self.sections())


SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("new_findings", "New findings", "No new findings since last time."),
    ("overdue_questions", "Overdue questions", "No assigned question is past its due date."),
    ("stale_questions", "Stale questions", "Every open question has recent evidence."),
    ("reviews_awaiting_manager", "Reviews awaiting the manager", "No review waits on the manager."),
    ("reviews_owed", "Reviews the report owes", "No review waits on the report."),
    ("open_must_fix", "Must-fix notes still open", "No must-fix note is open."),
    ("overdue_actions", "Overdue action items", "No action item is overdue."),
    ("carried_over", "Carried over", "No open action item from earlier one-on-ones."),
    ("decisions_due", "Decisions due for revisit", "No decision is due for revisit."),
    ("flagged_answers", "Answers whose evidence changed", "No cited evidence changed."),
)


# --------------------------------------------------------------------------- assembly


def previous_meeting(
    session: Session, *, manager_id: int, report_id: int, day: date
) -> date | None:
    return session.scalar(
        select(func.max(OneOnOne.held_on)).where(
            col(OneOnOne.manager_id) == manager_id,
            col(OneOnOne.report_id) == report_id,
            col(OneOnOne.held_on) < day,
        )
    )


def _pair_people(
    session: Session, actor_id: int, manager_id: int, report_id: int
) -> tuple[Person, Person]:
    """The manager and the report of a current pair the actor belongs to."""
    actor = acting(session, actor_id)
    require_member(actor, manager_id, report_id)
    people = {
        p.id: p
        for p in session.scalars(select(Person).where(col(Person.id).in_([manager_id, report_id])))
    }
    manager, report = people.get(manager_id), people.get(report_id)
    if manager is None or report is None or report.reports_to_id != manager_id:
        raise PermissionDenied(
            "An agenda is built for a manager and a current report; past one-on-ones stay "
            "in the history."
        )
    return manager, report


def build(
    session: Session,
    actor_id: int,
    *,
    manager_id: int,
    report_id: int,
    stale_after_days: int,
    today: date | None = None,
    now: datetime | None = None,
    limit: int = SECTION_LIMIT,
) -> Agenda:
    """The live agenda of a current pair, for either of its two people."""
    manager, report = _pair_people(session, actor_id, manager_id, report_id)
    now = now or utcnow()
    day = today or date.today()
    previous = previous_meeting(session, manager_id=manager_id, report_id=report_id, day=day)
    since = (
        datetime.combine(previous, time.min, tzinfo=UTC)
        if previous
        else now - timedelta(days=DEFAULT_WINDOW_DAYS)
    )
    parts = [
        agenda_sections.new_findings(session, report_id=report_id, since=since, limit=limit),
        agenda_sections.questions(
            session,
            report_id=report_id,
            day=day,
            now=now,
            stale_after_days=stale_after_days,
            limit=limit,
        ),
        agenda_sections.review_sections(
            session, manager_id=manager_id, report_id=report_id, limit=limit
        ),
        agenda_sections.open_must_fix_notes(session, report_id=report_id, limit=limit),
    ]
    items: dict[str, list[Any]] = {}
    totals: dict[str, int] = {}
    for part in parts:
        items.update(part.items)
        totals.update(part.totals)
    actions = open_actions_bounded(
        session, manager_id=manager_id, report_id=report_id, day=day, limit=limit
    )
    totals.update(overdue_actions=actions.overdue_total, carried_over=actions.carried_total)
    due, totals["decisions_due"] = due_for_pair(
        session, report_id=report_id, today=day, limit=limit
    )
    flagged, totals["flagged_answers"] = flagged_for_pair(session, report_id=report_id, limit=limit)
    return Agenda(
        manager_id=manager_id,
        manager=manager.name,
        report_id=report_id,
        report=report.name,
        day=day,
        since=since,
        previous_on=previous,
        stale_after_days=stale_after_days,
        new_findings=items.get("new_findings", []),
        overdue_questions=items.get("overdue_questions", []),
        stale_questions=items.get("stale_questions", []),
        reviews_awaiting_manager=items.get("reviews_awaiting_manager", []),
        reviews_owed=items.get("reviews_owed", []),
        open_must_fix=items.get("open_must_fix", []),
        overdue_actions=actions.overdue,
        carried_over=actions.carried,
        decisions_due=due,
        flagged_answers=flagged,
        totals=totals,
    )


# --------------------------------------------------------------------------- export


def _lines(agenda: Agenda, key: str) -> list[str]:
    day = agenda.day
    if key == "new_findings":
        return [
            f"{literal(f.summary)} ({f.kind.label}, {f.confidence.value} confidence) on "
            f"“{literal(f.question_title)}”"
            for f in agenda.new_findings
        ]
    if key in ("overdue_questions", "stale_questions"):
        return [
            f"{literal(q.title)} ({literal(q.project)}; {q.status.label}; "
            + (f"due {q.due_date.isoformat()}; " if q.due_date else "")
            + f"no new evidence for {q.quiet_days} days)"
            for q in getattr(agenda, key)
        ]
    if key in ("reviews_awaiting_manager", "reviews_owed"):
        return [
            f"Review of “{literal(r.finding_summary or r.question_title)}” "
            f"({r.status.label}, "
            f"requested {r.requested_at.date().isoformat()}): {labelled_link(r.artifact_url)}"
            for r in getattr(agenda, key)
        ]
    if key == "open_must_fix":
        return [
            f"{literal(n.author)} on “{literal(n.on_title)}”: {literal(n.body)}"
            for n in agenda.open_must_fix
        ]
    if key == "decisions_due":
        return [decision_line(d) for d in agenda.decisions_due]
    if key == "flagged_answers":
        return [flagged_line(a) for a in agenda.flagged_answers]
    return [action_line(a, day) for a in getattr(agenda, key)]


def decision_line(d: DecisionView) -> str:
    return (
        f"{literal(d.what)} (on “{literal(d.question_title)}”; decided by "
        f"{literal(d.decided_by)} on {d.decided_on.isoformat()}; {literal(d.revisit)})"
    )


def flagged_line(a: FlaggedAnswer) -> str:
    changes = f"{a.changes} change{'s' if a.changes != 1 else ''}"
    return f"{literal(a.title)} (version {a.number}: {changes}; newest: {literal(a.detail)})"


def action_line(item: ActionItemView, today: date) -> str:
    due = f", due {item.due_date.isoformat()}" if item.due_date else ""
    late = " (overdue)" if item.overdue(today) else ""
    return (
        f"{literal(item.description)} ({literal(item.owner)}{due}{late}; "
        f"raised {item.raised_on.isoformat()})"
    )


def to_markdown(agenda: Agenda, meeting: OneOnOneView | None) -> str:
    """The agenda and (when given) one meeting's notes, tracks and action items."""
    since = (
        agenda.previous_on.isoformat() if agenda.previous_on else agenda.since.date().isoformat()
    )
    out = [
        f"# One-on-one: {literal(agenda.manager)} and {literal(agenda.report)}",
        "",
        f"Agenda of {agenda.day.isoformat()}, covering what happened since {since}.",
    ]
    for section in agenda.sections():
        out += ["", f"## {section.title} ({section.count})", ""]
        out += [f"- {line}" for line in _lines(agenda, section.key)] or [f"_{section.empty}_"]
        if section.more:
            out.append(f"- _… and {section.more:,} more_")
    if meeting is not None:
        out += _meeting_markdown(meeting, agenda.day)
    return "\n".join(out) + "\n"


def _meeting_markdown(meeting: OneOnOneView, today: date) -> list[str]:
    out = ["", f"# Meeting of {meeting.held_on.isoformat()}", "", "## Notes", ""]
    out.append(defused(meeting.notes) or "_No notes yet._")
    for track, notes in meeting.by_track().items():
        out += ["", f"## {literal(track)}", ""]
        out += [defused(note.body) + "\n" for note in notes]
    out += ["", "## Action items", ""]
    out += [f"- [{'x' if a.done else ' '}] {action_line(a, today)}" for a in meeting.actions] or [
        "_No action items._"
    ]
    return out


def export(
    session: Session,
    actor_id: int,
    *,
    manager_id: int,
    report_id: int,
    stale_after_days: int,
    one_on_one_id: int | None = None,
    today: date | None = None,
) -> str:
    """The live agenda of the pair plus one of its meetings, as a Markdown document."""
    agenda = build(
        session,
        actor_id,
        manager_id=manager_id,
        report_id=report_id,
        stale_after_days=stale_after_days,
        today=today,
    )
    meeting = None
    if one_on_one_id is not None:
        meeting = get(session, actor_id, one_on_one_id=one_on_one_id)
        if (meeting.manager_id, meeting.report_id) != (manager_id, report_id):
            raise InvalidInput("That one-on-one belongs to another pair.")
    return to_markdown(agenda, meeting)
