"""The one-on-one agenda, built from live state, and the Markdown export.

The agenda of a pair on a day covers what happened since the pair's previous one-on-one
(held before that day; the last ``DEFAULT_WINDOW_DAYS`` days when there is none). Each
thing shows in exactly one section, the most pressing one:
  - new findings: shared or reviewed findings by the report logged in the window
    (drafts stay private, withdrawn ones are gone);
  - overdue questions: the report's assigned questions past their due date and not
    answered or dropped;
  - stale questions: the report's other open, in-progress or blocked assigned questions
    with no evidence (a non-withdrawn finding) for ``stale_after_days`` — counted from
    the question's creation when it has none yet;
  - reviews awaiting the manager: the report's requests the manager has not finished
    (open or in review);
  - reviews the report owes: requests waiting on the report as reviewer;
  - must-fix notes still open on the report's work (by anyone else);
  - overdue action items: open items from earlier one-on-ones past their due date;
  - carried over: the other open items from earlier one-on-ones (until done).
Items raised in the day's own one-on-one belong to that meeting, not to its agenda.
Every read is a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import (
    Finding,
    FindingStatus,
    OneOnOne,
    Person,
    Project,
    Question,
    QuestionStatus,
    utcnow,
)
from team.services import one_on_one_reads, one_on_ones, reviews, work
from team.services.errors import InvalidInput, PermissionDenied
from team.services.one_on_ones import ActionItemView, OneOnOneView
from team.services.people import acting
from team.services.reviews import ReviewView
from team.services.work import FindingView, NoteItem

DEFAULT_WINDOW_DAYS = 14
ACTIVE = (QuestionStatus.OPEN, QuestionStatus.IN_PROGRESS, QuestionStatus.BLOCKED)
HIDDEN_FINDINGS = (FindingStatus.DRAFT, FindingStatus.WITHDRAWN)


@dataclass(frozen=True)
class QuestionItem:
    question_id: int
    root_id: int | None
    title: str
    project: str
    status: QuestionStatus
    due_date: date | None
    last_evidence_at: datetime | None
    quiet_days: int  # days since the last evidence (or since creation, when none)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str  # what an empty section says
    count: int


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
    new_findings: list[FindingView] = field(default_factory=list)
    overdue_questions: list[QuestionItem] = field(default_factory=list)
    stale_questions: list[QuestionItem] = field(default_factory=list)
    reviews_awaiting_manager: list[ReviewView] = field(default_factory=list)
    reviews_owed: list[ReviewView] = field(default_factory=list)
    open_must_fix: list[NoteItem] = field(default_factory=list)
    overdue_actions: list[ActionItemView] = field(default_factory=list)
    carried_over: list[ActionItemView] = field(default_factory=list)

    def sections(self) -> list[Section]:
        """The sections in the order they are discussed, with their counts."""
        return [
            Section(key, title, empty, len(getattr(self, key))) for key, title, empty in SECTIONS
        ]

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
)


# --------------------------------------------------------------------------- assembly


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type; put the UTC zone back on."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def previous_meeting(session: Session, manager_id: int, report_id: int, day: date) -> date | None:
    return session.scalar(
        select(func.max(OneOnOne.held_on)).where(
            col(OneOnOne.manager_id) == manager_id,
            col(OneOnOne.report_id) == report_id,
            col(OneOnOne.held_on) < day,
        )
    )


def _new_findings(session: Session, report_id: int, since: datetime) -> list[FindingView]:
    query = work.finding_query().where(
        col(Finding.author_id) == report_id,
        col(Finding.created_at) >= since,
        col(Finding.status).not_in(HIDDEN_FINDINGS),
    )
    return work.finding_views(session, query.order_by(col(Finding.created_at)))


def _active_questions(session: Session, report_id: int, now: datetime) -> list[QuestionItem]:
    """The report's active assigned questions, each with its last evidence."""
    evidence = work.last_evidence()
    query = (
        select(Question, col(Project.name), evidence)
        .join(Project, col(Project.id) == col(Question.project_id))
        .where(col(Question.assignee_id) == report_id, col(Question.status).in_(ACTIVE))
        .order_by(col(Question.due_date), col(Question.title))
    )
    items = []
    for q, project, last in session.execute(query):
        last_at = _aware(last)
        quiet_since = last_at or _aware(q.created_at) or now
        items.append(
            QuestionItem(
                question_id=int(q.id),
                root_id=q.root_id,
                title=q.title,
                project=project,
                status=QuestionStatus(q.status),
                due_date=q.due_date,
                last_evidence_at=last_at,
                quiet_days=(now - quiet_since).days,
            )
        )
    return items


def build(
    session: Session,
    actor_id: int,
    manager_id: int,
    report_id: int,
    *,
    stale_after_days: int,
    today: date | None = None,
    now: datetime | None = None,
) -> Agenda:
    """The live agenda of a current pair, for either of its two people."""
    actor = acting(session, actor_id)
    one_on_ones.require_member(actor, manager_id, report_id)
    manager, report = session.get(Person, manager_id), session.get(Person, report_id)
    if manager is None or report is None or report.reports_to_id != manager_id:
        raise PermissionDenied(
            "An agenda is built for a manager and a current report; past one-on-ones stay "
            "in the history."
        )
    now = now or utcnow()
    day = today or date.today()
    previous = previous_meeting(session, manager_id, report_id, day)
    since = (
        datetime.combine(previous, time.min, tzinfo=UTC)
        if previous
        else now - timedelta(days=DEFAULT_WINDOW_DAYS)
    )
    questions = _active_questions(session, report_id, now)
    overdue = [q for q in questions if q.due_date is not None and q.due_date < day]
    late = {q.question_id for q in overdue}
    stale = [q for q in questions if q.question_id not in late and q.quiet_days >= stale_after_days]
    waiting = work.attention(session, report_id, now=now)
    actions = one_on_one_reads.open_actions_before(session, manager_id, report_id, day)
    return Agenda(
        manager_id=manager_id,
        manager=manager.name,
        report_id=report_id,
        report=report.name,
        day=day,
        since=since,
        previous_on=previous,
        stale_after_days=stale_after_days,
        new_findings=_new_findings(session, report_id, since),
        overdue_questions=overdue,
        stale_questions=stale,
        reviews_awaiting_manager=[
            r
            for r in reviews.requested_by(session, report_id)
            if r.reviewer_id == manager_id and r.status in reviews.WAITING
        ],
        reviews_owed=waiting.reviews_to_do,
        open_must_fix=waiting.open_must_fix,
        overdue_actions=[a for a in actions if a.overdue(day)],
        carried_over=[a for a in actions if not a.overdue(day)],
    )


# --------------------------------------------------------------------------- export


def _lines(agenda: Agenda, key: str) -> list[str]:
    day = agenda.day
    if key == "new_findings":
        return [
            f"{f.summary} ({f.kind.value.replace('_', ' ')}, {f.confidence.value} confidence) "
            f"on “{f.question_title}”"
            for f in agenda.new_findings
        ]
    if key in ("overdue_questions", "stale_questions"):
        return [
            f"{q.title} ({q.project}; {q.status.value.replace('_', ' ')}; "
            + (f"due {q.due_date.isoformat()}; " if q.due_date else "")
            + f"no new evidence for {q.quiet_days} days)"
            for q in getattr(agenda, key)
        ]
    if key in ("reviews_awaiting_manager", "reviews_owed"):
        return [
            f"Review of “{r.finding_summary or r.question_title}” "
            f"({r.status.value.replace('_', ' ')}, "
            f"requested {r.requested_at.date().isoformat()}): {r.artifact_url}"
            for r in getattr(agenda, key)
        ]
    if key == "open_must_fix":
        return [f"{n.author} on “{n.on_title}”: {n.body}" for n in agenda.open_must_fix]
    return [action_line(a, day) for a in getattr(agenda, key)]


def action_line(item: ActionItemView, today: date) -> str:
    due = f", due {item.due_date.isoformat()}" if item.due_date else ""
    late = " (overdue)" if item.overdue(today) else ""
    return f"{item.description} ({item.owner}{due}{late}; raised {item.raised_on.isoformat()})"


def to_markdown(agenda: Agenda, meeting: OneOnOneView | None) -> str:
    """The agenda and (when given) one meeting's notes, tracks and action items."""
    since = (
        agenda.previous_on.isoformat() if agenda.previous_on else agenda.since.date().isoformat()
    )
    out = [
        f"# One-on-one: {agenda.manager} and {agenda.report}",
        "",
        f"Agenda of {agenda.day.isoformat()}, covering what happened since {since}.",
    ]
    for section in agenda.sections():
        out += ["", f"## {section.title} ({section.count})", ""]
        out += [f"- {line}" for line in _lines(agenda, section.key)] or [f"_{section.empty}_"]
    if meeting is not None:
        out += _meeting_markdown(meeting, agenda.day)
    return "\n".join(out) + "\n"


def _meeting_markdown(meeting: OneOnOneView, today: date) -> list[str]:
    out = ["", f"# Meeting of {meeting.held_on.isoformat()}", "", "## Notes", ""]
    out.append(meeting.notes or "_No notes yet._")
    for track, notes in meeting.by_track().items():
        out += ["", f"## {track}", ""]
        out += [note.body + "\n" for note in notes]
    out += ["", "## Action items", ""]
    out += [f"- [{'x' if a.done else ' '}] {action_line(a, today)}" for a in meeting.actions] or [
        "_No action items._"
    ]
    return out


def export(
    session: Session,
    actor_id: int,
    manager_id: int,
    report_id: int,
    *,
    stale_after_days: int,
    one_on_one_id: int | None = None,
    today: date | None = None,
) -> str:
    """The live agenda of the pair plus one of its meetings, as a Markdown document."""
    agenda = build(
        session, actor_id, manager_id, report_id, stale_after_days=stale_after_days, today=today
    )
    meeting = None
    if one_on_one_id is not None:
        meeting = one_on_one_reads.get(session, actor_id, one_on_one_id)
        if (meeting.manager_id, meeting.report_id) != (manager_id, report_id):
            raise InvalidInput("That one-on-one belongs to another pair.")
    return to_markdown(agenda, meeting)
