"""The worlds and actions of the permission matrix (test_permission_matrix.py).

A World builds, on first use, the objects one cell of the matrix needs (Ines's assigned
question, her findings, her review requests, Maya and Ines's one-on-one...), each made
by the person who would make it in real use. An action builds its target in a world and
returns a Case: the call to make as some person, and how to read its effect back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel, col

from team.config_checklists import ReviewChecklists
from team.models import (
    ActionItem,
    Decision,
    Finding,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewCheck,
    ReviewRequest,
    TrackNote,
)
from team.services.admin import audit
from team.services.admin import people as team_admin
from team.services.admin import projects as admin_projects
from team.services.admin.audit import AuditFilter
from team.services.admin.people import PersonInput
from team.services.admin.projects import ProjectInput
from team.services.answers import decisions, health, health_reads
from team.services.answers import reads as answers_reads
from team.services.answers import writes as answers
from team.services.answers.writes import AnswerInput
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.notes import writes as notes
from team.services.one_on_ones import agenda, reads
from team.services.one_on_ones import export as one_on_one_export
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.status import BulkEdit
from team.services.questions.writes import QuestionCreate, QuestionUpdate, SubQuestion
from team.services.reviews import checklist as review_checklist
from team.services.reviews import writes as reviews
from team.vocabulary import (
    CheckState,
    FindingStatus,
    NoteKind,
    Priority,
    QuestionStatus,
    ReviewStatus,
    Role,
)
from tests.factories import Team

# The matrix's columns, in order: a role name and the Team field of the person playing it.
PEOPLE = {
    "manager": "manager",
    "other_manager": "other_manager",
    "owner_ic": "ic",
    "other_ic": "other_ic",
    "viewer": "viewer",
    "inactive": "inactive_ic",
}

NB = "https://nb.example.com/churn.ipynb"
PR = "https://github.com/example-org/churn/pull/7"
F, R, S = FindingStatus, ReviewStatus, QuestionStatus
C = CheckState


@dataclass(frozen=True)
class Case:
    """One action, its target already built: ``call(person_id)`` does it, ``done(result)``
    reads its effect back. ``writes`` is False for the reads kept to some people."""

    call: Callable[[int], Any]
    done: Callable[[Any], bool]
    writes: bool = True
    members_only: bool = False  # a one-on-one read: its two people, whatever their role


class World:
    """The objects one cell needs, built on first use by the people who would make them.
    ``n`` keeps names and meeting days apart from the other cells of the same test."""

    def __init__(self, s: Session, team: Team, n: int) -> None:
        self.s, self.t, self.n = s, team, n

    def who(self, role: str) -> int:
        person: int = getattr(self.t, PEOPLE[role])
        return person

    def get(self, model: type[SQLModel], row_id: int) -> Any:
        """The row as the database has it now."""
        return self.s.get(model, row_id, populate_existing=True)

    def version(self, model: type[SQLModel], row_id: int) -> int:
        return int(self.get(model, row_id).version)

    # ----------------------------------------------------------------- questions
    @cached_property
    def root(self) -> int:
        data = QuestionCreate(
            title=f"Why did retention drop? ({self.n})", project_id=self.t.project
        )
        return questions.create_question(self.s, self.t.manager, data=data).id

    @cached_property
    def subs(self) -> tuple[int, int]:
        """Under the root: one sub-question assigned to Ines, one unassigned."""
        mine, free = questions.add_subquestions(
            self.s,
            self.t.manager,
            parent_id=self.root,
            items=[
                SubQuestion("Which plans churned?", assignee_id=self.t.ic),
                SubQuestion("Pricing?"),
            ],
        )
        return mine.id, free.id

    @property
    def assigned(self) -> int:
        return self.subs[0]

    @property
    def unassigned(self) -> int:
        return self.subs[1]

    @cached_property
    def split(self) -> tuple[int, int]:
        """Two sub-questions Ines created under her assigned question."""
        made = questions.add_subquestions_from_text(
            self.s, self.t.ic, parent_id=self.assigned, text="A\nB"
        )
        return made[0].id, made[1].id

    @cached_property
    def dropped(self) -> int:
        q = self.assigned
        question_status.set_status(
            self.s,
            self.t.manager,
            question_id=q,
            version=self.version(Question, q),
            status=S.DROPPED,
        )
        return q

    # ----------------------------------------------------------------- findings
    def finding(self, status: FindingStatus) -> int:
        """Ines's finding on her assigned question, moved to ``status``."""
        draft = status in (F.DRAFT, F.WITHDRAWN)
        data = FindingInput(summary="SMB churn doubled", links=(NB,))
        fid = findings.log_finding(
            self.s, self.t.ic, question_id=self.assigned, data=data, share=not draft
        ).id
        if status in (F.ACCEPTED, F.WITHDRAWN):
            by = self.t.manager if status == F.ACCEPTED else self.t.ic
            findings.move_finding(
                self.s, by, finding_id=fid, version=self.version(Finding, fid), status=status
            )
        return fid

    @cached_property
    def note(self) -> int:
        """Maya's must-fix note on Ines's shared finding."""
        fid = self.finding(F.SHARED)
        return notes.add_note(
            self.s,
            self.t.manager,
            target="finding",
            target_id=fid,
            body="Check",
            kind=NoteKind.MUST_FIX,
        )

    # ----------------------------------------------------------------- reviews
    def review(self, reviewer: int, status: ReviewStatus = R.OPEN) -> int:
        """Ines's review request on her assigned question."""
        data = reviews.ReviewInput(self.assigned, reviewer, PR, "the join")
        rid = reviews.request_review(self.s, self.t.ic, data=data)
        if status == R.CHANGES_REQUESTED:
            v = self.version(ReviewRequest, rid)
            reviews.move_review(
                self.s, reviewer, review_id=rid, version=v, status=R.CHANGES_REQUESTED
            )
        return rid

    # ----------------------------------------------------------------- one-on-ones
    @cached_property
    def meeting(self) -> int:
        day = date.today() - timedelta(days=self.n)
        return one_on_ones.start(self.s, self.t.manager, report_id=self.t.ic, held_on=day)

    @cached_property
    def track_note(self) -> int:
        return one_on_ones.add_track_note(
            self.s, self.t.manager, one_on_one_id=self.meeting, track="Growth", body="SQL"
        )

    def action_item(self, owner: int) -> int:
        return one_on_ones.add_action_item(
            self.s, self.t.manager, one_on_one_id=self.meeting, owner_id=owner, description="Read"
        )

    # ----------------------------------------------------------------- team
    @cached_property
    def person(self) -> int:
        data = PersonInput(f"Nia {self.n}", f"nia{self.n}@example.com", Role.IC, self.t.manager)
        return team_admin.add_person(self.s, self.t.manager, data=data).id

    @cached_property
    def project(self) -> int:
        data = ProjectInput(f"Pricing {self.n}")
        return admin_projects.add_project(self.s, self.t.manager, data=data).id


# --------------------------------------------------------------------- the actions
# Each builds its target in the world, then returns the call and how to see it done.


def _status(w: World, q: int, new: QuestionStatus) -> Case:
    v = w.version(Question, q)
    return Case(
        lambda who: question_status.set_status(w.s, who, question_id=q, version=v, status=new),
        lambda _: w.get(Question, q).status == new,
    )


def _bulk(w: World, q: int, **wanted: Any) -> Case:
    row = w.get(Question, q)
    edit = BulkEdit(q, row.version, row.assignee_id, row.status, row.priority, row.due_date)
    edit = BulkEdit(**{**edit.__dict__, **wanted})
    return Case(
        lambda who: question_status.bulk_update(w.s, who, edits=[edit]),
        lambda changed: (
            changed == 1 and all(getattr(w.get(Question, q), k) == v for k, v in wanted.items())
        ),
    )


def _edit_question(w: World, q: int) -> Case:
    v, change = w.version(Question, q), QuestionUpdate(title="Which plans churned most?")
    return Case(
        lambda who: questions.update_question(w.s, who, question_id=q, version=v, changes=change),
        lambda _: w.get(Question, q).title == "Which plans churned most?",
    )


def _reorder(w: World, q: int) -> Case:
    v = w.version(Question, q)
    return Case(
        lambda who: questions.reorder(w.s, who, question_id=q, version=v, new_index=0),
        lambda _: w.get(Question, q).position == 0,
    )


def _split(w: World, assignee: int | None) -> Case:
    q, item = w.assigned, SubQuestion("Which cohorts?", assignee_id=assignee)
    return Case(
        lambda who: questions.add_subquestions(w.s, who, parent_id=q, items=[item]),
        lambda made: w.get(Question, made[0].id).parent_id == q,
    )


def _move_finding(w: World, start: FindingStatus, new: FindingStatus) -> Case:
    fid = w.finding(start)
    v = w.version(Finding, fid)
    return Case(
        lambda who: findings.move_finding(
            w.s, who, finding_id=fid, version=v, status=new, reason="Redo the join"
        ),
        lambda _: w.get(Finding, fid).status == new,
    )


def _edit_finding(w: World, start: FindingStatus) -> Case:
    fid = w.finding(start)
    v, data = w.version(Finding, fid), FindingInput(summary="SMB churn tripled", links=(NB,))
    return Case(
        lambda who: findings.edit_finding(w.s, who, finding_id=fid, version=v, data=data),
        lambda _: (
            (f := w.get(Finding, fid)).summary == "SMB churn tripled" and f.status == F.SHARED
        ),  # an accepted finding, once edited, waits again
    )


def _move_review(w: World, reviewer: int, start: ReviewStatus, new: ReviewStatus) -> Case:
    rid = w.review(reviewer, start)
    v = w.version(ReviewRequest, rid)
    return Case(
        lambda who: reviews.move_review(w.s, who, review_id=rid, version=v, status=new),
        lambda _: w.get(ReviewRequest, rid).status == new,
    )


def _request_review(w: World) -> Case:
    q = w.assigned

    def call(who: int) -> int:
        reviewer = w.t.other_manager if who == w.t.manager else w.t.manager
        return reviews.request_review(w.s, who, data=reviews.ReviewInput(q, reviewer, PR))

    return Case(call, lambda rid: w.get(ReviewRequest, rid).question_id == q)


# Review checklists: the reviewer ticks or waives an item of the request's checklist.
def _set_check(w: World, reviewer: int, state: CheckState, reason: str = "") -> Case:
    data = reviews.ReviewInput(w.assigned, reviewer, PR, "the join")
    rid = reviews.request_review(w.s, w.t.ic, data=data, checklists=ReviewChecklists())
    v = w.version(ReviewRequest, rid)
    first = select(ReviewCheck).where(
        col(ReviewCheck.review_request_id) == rid, col(ReviewCheck.position) == 0
    )
    return Case(
        lambda who: review_checklist.set_check(
            w.s, who, review_id=rid, position=0, version=v, state=state, reason=reason
        ),
        lambda _: w.s.scalars(first.execution_options(populate_existing=True)).one().state == state,
    )


def _answer(w: World, q: int) -> Case:
    data = AnswerInput(body="Churn is concentrated in SMB.")
    return Case(
        lambda who: answers.save_answer(w.s, who, question_id=q, based_on=None, data=data),
        lambda version: answers_reads.versions(w.s, question_id=q)[-1].id == version.id,
    )


def _answered(w: World, q: int) -> int:
    """Maya's answer version of ``q``."""
    data = AnswerInput(body="Churn is concentrated in SMB.")
    return answers.save_answer(w.s, w.t.manager, question_id=q, based_on=None, data=data).id


DECIDED = decisions.DecisionInput("Keep the heuristic", "Dana", date.today(), date.today())


def _decide(w: World, q: int) -> Case:
    aid = _answered(w, q)
    return Case(
        lambda who: decisions.record_decision(w.s, who, answer_id=aid, data=DECIDED),
        lambda made: w.get(Decision, made.id).answer_id == aid,
    )


def _decision(w: World) -> tuple[int, int]:
    """Maya's decision on the answer of the IC's assigned question, and its version."""
    aid = _answered(w, w.assigned)
    made = decisions.record_decision(w.s, w.t.manager, answer_id=aid, data=DECIDED)
    return made.id, made.version


def _edit_decision(w: World) -> Case:
    did, v = _decision(w)
    data = decisions.DecisionInput("Replace it", "Dana", date.today())
    return Case(
        lambda who: decisions.edit_decision(w.s, who, decision_id=did, version=v, data=data),
        lambda _: w.get(Decision, did).what == "Replace it",
    )


def _revisited(w: World) -> Case:
    did, v = _decision(w)
    return Case(
        lambda who: decisions.mark_revisited(w.s, who, decision_id=did, version=v),
        lambda _: w.get(Decision, did).revisited_at is not None,
    )


def _evidence_changed(w: World, q: int) -> Case:
    """Maya's answer of ``q`` cites Ines's finding, which Ines then edits: mark the
    change of its evidence reviewed."""
    fid = w.finding(F.SHARED)
    data = AnswerInput(body=f"Churn is concentrated in SMB [F{fid}].")
    aid = answers.save_answer(w.s, w.t.manager, question_id=q, based_on=None, data=data).id
    edit = FindingInput(summary="SMB churn tripled", links=(NB,))
    v = w.version(Finding, fid)
    findings.edit_finding(w.s, w.t.ic, finding_id=fid, version=v, data=edit)
    seen = [f.id for f in health_reads.open_flags(w.s, answer_id=aid)]
    return Case(
        lambda who: health.mark_evidence_reviewed(w.s, who, answer_id=aid, flag_ids=seen),
        lambda marked: marked == len(seen) == 1 and not health_reads.open_flags(w.s, answer_id=aid),
    )


def _done(w: World, owner: int) -> Case:
    item = w.action_item(owner)
    v = w.version(ActionItem, item)
    return Case(
        lambda who: one_on_ones.set_done(w.s, who, action_item_id=item, version=v),
        lambda _: w.get(ActionItem, item).done,
    )


def _meeting_read(w: World, read: Callable[[int, int], Any]) -> Case:
    meeting = w.meeting
    return Case(lambda who: read(who, meeting), bool, writes=False, members_only=True)


def _pair(w: World) -> dict[str, Any]:
    return {"manager_id": w.t.manager, "report_id": w.t.ic, "stale_after_days": 14}


def _audit(w: World, read: Callable[[Session, int, AuditFilter], Any]) -> Case:
    w.root  # noqa: B018 - some events to read
    return Case(lambda who: read(w.s, who, AuditFilter()), bool, writes=False)


def _edit_person(w: World) -> Case:
    p = w.person
    data = PersonInput(f"Nia B {w.n}", f"nia{w.n}@example.com", Role.IC, w.t.manager)
    v = w.version(Person, p)
    return Case(
        lambda who: team_admin.edit_person(w.s, who, person_id=p, version=v, data=data),
        lambda _: w.get(Person, p).name == f"Nia B {w.n}",
    )


def _person_active(w: World, active: bool) -> Case:
    p = w.person
    if active:
        team_admin.set_person_active(
            w.s, w.t.manager, person_id=p, version=w.version(Person, p), active=False
        )
    v = w.version(Person, p)
    return Case(
        lambda who: team_admin.set_person_active(w.s, who, person_id=p, version=v, active=active),
        lambda _: w.get(Person, p).active == active,
    )


def _project(w: World, data: ProjectInput | None, archived: bool = False) -> Case:
    p = w.project
    v = w.version(Project, p)
    if data is None:
        return Case(
            lambda who: admin_projects.set_project_archived(
                w.s, who, project_id=p, version=v, archived=archived
            ),
            lambda _: w.get(Project, p).archived == archived,
        )
    return Case(
        lambda who: admin_projects.edit_project(w.s, who, project_id=p, version=v, data=data),
        lambda _: w.get(Project, p).name == data.name,
    )


def _create(w: World) -> Case:
    data = QuestionCreate(title=f"Is churn seasonal? ({w.n})", project_id=w.t.project)
    return Case(
        lambda who: questions.create_question(w.s, who, data=data),
        lambda made: w.get(Question, made.id).parent_id is None,
    )


def _from_text(w: World) -> Case:
    q = w.assigned
    return Case(
        lambda who: questions.add_subquestions_from_text(
            w.s, who, parent_id=q, text="- Cohorts\n- Plans"
        ),
        lambda made: [w.get(Question, m.id).parent_id for m in made] == [q, q],
    )


def _assign(w: World) -> Case:
    q = w.unassigned
    v = w.version(Question, q)
    return Case(
        lambda who: questions.assign(w.s, who, question_id=q, version=v, assignee_id=w.t.ic),
        lambda _: w.get(Question, q).assignee_id == w.t.ic,
    )


def _move(w: World) -> Case:
    q, parent = w.split[0], w.unassigned
    v = w.version(Question, q)
    return Case(
        lambda who: questions.move_question(
            w.s, who, question_id=q, version=v, new_parent_id=parent
        ),
        lambda _: w.get(Question, q).parent_id == parent,
    )


def _log(w: World) -> Case:
    q, data = w.assigned, FindingInput(summary="Annual plans churn less", links=(NB,))
    return Case(
        lambda who: findings.log_finding(w.s, who, question_id=q, data=data),
        lambda made: w.get(Finding, made.id).question_id == q,
    )


def _add_note(w: World) -> Case:
    fid = w.finding(F.SHARED)
    return Case(
        lambda who: notes.add_note(w.s, who, target="finding", target_id=fid, body="Which window?"),
        lambda nid: w.get(Note, nid).finding_id == fid,
    )


def _resolve(w: World) -> Case:
    nid = w.note
    v = w.version(Note, nid)
    return Case(
        lambda who: notes.set_resolved(w.s, who, note_id=nid, version=v),
        lambda _: w.get(Note, nid).resolved,
    )


def _start(w: World) -> Case:
    day = date.today() - timedelta(days=100 + w.n)
    return Case(
        lambda who: one_on_ones.start(w.s, who, report_id=w.t.ic, held_on=day),
        lambda mid: w.get(OneOnOne, mid).held_on == day,
    )


def _meeting_notes(w: World) -> Case:
    m = w.meeting
    v = w.version(OneOnOne, m)
    return Case(
        lambda who: one_on_ones.edit_notes(
            w.s, who, one_on_one_id=m, version=v, notes="Talked about SQL"
        ),
        lambda _: w.get(OneOnOne, m).notes == "Talked about SQL",
    )


def _add_track(w: World) -> Case:
    m = w.meeting
    return Case(
        lambda who: one_on_ones.add_track_note(
            w.s, who, one_on_one_id=m, track="Career", body="Wants to lead"
        ),
        lambda tid: w.get(TrackNote, tid).one_on_one_id == m,
    )


def _edit_track(w: World) -> Case:
    tid = w.track_note
    v = w.version(TrackNote, tid)
    return Case(
        lambda who: one_on_ones.edit_track_note(
            w.s, who, track_note_id=tid, version=v, body="Window functions"
        ),
        lambda _: w.get(TrackNote, tid).body == "Window functions",
    )


def _add_action(w: World) -> Case:
    m = w.meeting
    return Case(
        lambda who: one_on_ones.add_action_item(
            w.s, who, one_on_one_id=m, owner_id=w.t.ic, description="Write the memo"
        ),
        lambda aid: w.get(ActionItem, aid).one_on_one_id == m,
    )


ACTIONS: dict[str, Callable[[World], Case]] = {
    "create a general question": _create,
    "break down the IC's assigned question": lambda w: _split(w, None),
    "break it down from pasted lines": _from_text,
    "break it down, assigning someone else": lambda w: _split(w, w.t.other_ic),
    "edit a question the IC created": lambda w: _edit_question(w, w.split[0]),
    "edit the IC's assigned question (manager's)": lambda w: _edit_question(w, w.assigned),
    "assign an unassigned question to the IC": _assign,
    "move a question under another parent": _move,
    "reorder sub-questions of the assigned question": lambda w: _reorder(w, w.split[1]),
    "reorder sub-questions of the general question": lambda w: _reorder(w, w.unassigned),
    "start work on the assigned question": lambda w: _status(w, w.assigned, S.IN_PROGRESS),
    "drop the assigned question": lambda w: _status(w, w.assigned, S.DROPPED),
    "restore a dropped question": lambda w: _status(w, w.dropped, S.OPEN),
    "bulk: status of the assigned question": lambda w: _bulk(w, w.assigned, status=S.BLOCKED),
    "bulk: assign by passing an assignee": lambda w: _bulk(w, w.unassigned, assignee_id=w.t.ic),
    "bulk: priority of a question the IC created": lambda w: _bulk(
        w, w.split[0], priority=Priority.HIGH
    ),
    "bulk: priority of the assigned question": lambda w: _bulk(
        w, w.assigned, priority=Priority.HIGH
    ),
    "log a finding on the assigned question": _log,
    "edit the IC's finding": lambda w: _edit_finding(w, F.SHARED),
    "edit the IC's accepted finding": lambda w: _edit_finding(w, F.ACCEPTED),
    "share the IC's draft finding": lambda w: _move_finding(w, F.DRAFT, F.SHARED),
    "accept a finding": lambda w: _move_finding(w, F.SHARED, F.ACCEPTED),
    "send a finding back": lambda w: _move_finding(w, F.SHARED, F.NEEDS_WORK),
    "withdraw a finding": lambda w: _move_finding(w, F.SHARED, F.WITHDRAWN),
    "restore a withdrawn finding as a draft": lambda w: _move_finding(w, F.WITHDRAWN, F.DRAFT),
    "request a review on the assigned question": _request_review,
    "start a review (reviewer: Maya)": lambda w: _move_review(w, w.t.manager, R.OPEN, R.IN_REVIEW),
    "request changes (reviewer: Maya)": lambda w: _move_review(
        w, w.t.manager, R.OPEN, R.CHANGES_REQUESTED
    ),
    "approve (reviewer: Maya)": lambda w: _move_review(w, w.t.manager, R.OPEN, R.APPROVED),
    "start a review (reviewer: Ravi)": lambda w: _move_review(w, w.t.other_ic, R.OPEN, R.IN_REVIEW),
    "ask again after changes were requested": lambda w: _move_review(
        w, w.t.manager, R.CHANGES_REQUESTED, R.OPEN
    ),
    "withdraw a review request": lambda w: _move_review(w, w.t.manager, R.OPEN, R.WITHDRAWN),
    "tick a checklist item (reviewer: Maya)": lambda w: _set_check(w, w.t.manager, C.TICKED),
    "waive a checklist item (reviewer: Maya)": lambda w: _set_check(
        w, w.t.manager, C.WAIVED, "No comparison is made"
    ),
    "tick a checklist item (reviewer: Ravi)": lambda w: _set_check(w, w.t.other_ic, C.TICKED),
    "write a note on the IC's finding": _add_note,
    "resolve Maya's note on the IC's finding": _resolve,
    "write the answer of the assigned question": lambda w: _answer(w, w.assigned),
    "write the answer of the general question": lambda w: _answer(w, w.root),
    "record the decision of the assigned question's answer": lambda w: _decide(w, w.assigned),
    "record the decision of the general question's answer": lambda w: _decide(w, w.root),
    "edit the decision of the assigned question's answer": _edit_decision,
    "mark that decision revisited": _revisited,
    "mark the assigned question's answer's changed evidence reviewed": lambda w: _evidence_changed(
        w, w.assigned
    ),
    "mark the general question's answer's changed evidence reviewed": lambda w: _evidence_changed(
        w, w.root
    ),
    "start a one-on-one with the IC": _start,
    "write the one-on-one's notes": _meeting_notes,
    "add a track note": _add_track,
    "edit a track note": _edit_track,
    "add an action item": _add_action,
    "tick the IC's action item": lambda w: _done(w, w.t.ic),
    "tick Maya's action item": lambda w: _done(w, w.t.manager),
    "read a one-on-one": lambda w: _meeting_read(
        w, lambda who, m: reads.get(w.s, who, one_on_one_id=m)
    ),
    "read the pair's one-on-one history": lambda w: _meeting_read(
        w, lambda who, _m: reads.history(w.s, who, manager_id=w.t.manager, report_id=w.t.ic)
    ),
    "build the pair's agenda": lambda w: _meeting_read(
        w, lambda who, _m: agenda.build(w.s, who, **_pair(w))
    ),
    "export the agenda and notes": lambda w: _meeting_read(
        w, lambda who, m: agenda.export(w.s, who, **_pair(w), one_on_one_id=m)
    ),
    "export the pair's action items as CSV": lambda w: _meeting_read(
        w,
        lambda who, _m: one_on_one_export.action_items_csv(
            w.s, who, manager_id=w.t.manager, report_id=w.t.ic
        ),
    ),
    "read the audit log": lambda w: _audit(w, lambda s, who, f: audit.search(s, who, f=f)[1]),
    "list the audit log's entities": lambda w: _audit(w, lambda s, who, _f: audit.entities(s, who)),
    "export the audit log as CSV": lambda w: _audit(w, lambda s, who, f: audit.to_csv(s, who, f=f)),
    "add a person": lambda w: Case(
        lambda who: team_admin.add_person(
            w.s, who, data=PersonInput(f"Ana {w.n}", f"a{w.n}@x.org")
        ),
        lambda made: w.get(Person, made.id).active,
    ),
    "edit a person": _edit_person,
    "deactivate a person": lambda w: _person_active(w, False),
    "reactivate a person": lambda w: _person_active(w, True),
    "add a project": lambda w: Case(
        lambda who: admin_projects.add_project(w.s, who, data=ProjectInput(f"Ads {w.n}")),
        lambda made: w.get(Project, made.id).name == f"Ads {w.n}",
    ),
    "edit a project": lambda w: _project(w, ProjectInput(f"Pricing v2 {w.n}", "New")),
    "archive a project": lambda w: _project(w, None, archived=True),
}
