"""Writes the parsed demo team (spec.DemoSpec) into the database, with backdated
rows and the events their history implies. Used by load.load_demo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, NoReturn, Protocol, TypeVar

from sqlmodel import Session, SQLModel

from team.demo import trust
from team.demo.spec import (
    AnswerSpec,
    DemoSpec,
    FindingSpec,
    NoteSpec,
    OneOnOneSpec,
    PersonSpec,
    ProjectSpec,
    QuestionSpec,
    ReviewSpec,
    VersionSpec,
)
from team.models import (
    ActionItem,
    Answer,
    Citation,
    Finding,
    Follow,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewRequest,
    TrackNote,
)
from team.services.core.errors import InvalidInput
from team.services.core.writes import record
from team.vocabulary import FindingStatus, QuestionStatus, ReviewStatus

_T = TypeVar("_T")


class _HasId(Protocol):
    __tablename__: ClassVar[Any]
    id: int | None


def _id(row: _HasId) -> int:
    assert row.id is not None, "flushed rows have an id"
    return row.id


class DemoWriter:
    def __init__(self, session: Session, now: datetime, source: str) -> None:
        self.s, self.now, self.src = session, now, source
        self.people: dict[str, int] = {}
        self.projects: dict[str, int] = {}
        self.questions: dict[str, Question] = {}
        self.parent: dict[str, str | None] = {}
        self.key_by_id: dict[int, str] = {}
        self.created: dict[str, float] = {}
        self.findings: dict[str, Finding] = {}
        self.answers: dict[str, list[Answer]] = {}

    # helpers ---------------------------------------------------------------
    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.now.date() + timedelta(days=offset)

    def fail(self, what: str, problem: str) -> NoReturn:
        raise InvalidInput(f"{self.src}: {what} {problem}.")

    def ref(self, table: dict[str, _T], key: str, kind: str, what: str) -> _T:
        if key not in table:
            self.fail(what, f"refers to unknown {kind} '{key}'")
        return table[key]

    def person(self, key: str, what: str) -> int:
        return self.ref(self.people, key, "person", what)

    def after(self, what: str, start: float, *times: float) -> None:
        """Times (days ago) must not run backwards from ``start``."""
        previous = start
        for days_ago in times:
            if days_ago > previous:
                self.fail(what, f"has a time ({days_ago} days ago) before an earlier one")
            previous = days_ago

    def add(self, row: _T) -> _T:
        self.s.add(row)
        self.s.flush()
        return row

    def event(self, at: datetime, actor: int | None, row: SQLModel, action: str, **kw: Any) -> None:
        """Record an event on ``row`` at ``at``; the entity is its table name."""
        record(self.s, actor, row, action, at=at, **kw)

    def changed(
        self,
        at: datetime,
        actor: int,
        row: SQLModel,
        field: str,
        old: object,
        new: object,
        root: int | None = None,
    ) -> None:
        self.event(at, actor, row, "updated", field=field, old=old, new=new, root_id=root)

    def history(
        self,
        row: SQLModel,
        old: object,
        steps: Sequence[tuple[datetime, object, int]],
        root: int | None,
    ) -> None:
        """One status event per step: (when, new status, who)."""
        for at, status, actor in steps:
            self.changed(at, actor, row, "status", old, status, root)
            old = status

    # people and projects ---------------------------------------------------
    def load_people(self, specs: dict[str, PersonSpec]) -> None:
        rows = {
            key: self.add(
                Person(name=p.name, email=p.email, role=p.role, created_at=self.at(p.days_ago))
            )
            for key, p in specs.items()
        }
        self.people = {key: _id(row) for key, row in rows.items()}
        for key, spec in specs.items():
            boss = self.person(spec.reports_to, f"person '{key}'") if spec.reports_to else None
            rows[key].reports_to_id = boss
            actor = boss or self.people[key]
            self.event(rows[key].created_at, actor, rows[key], "created", new=spec.name)

    def load_follows(self, specs: dict[str, PersonSpec]) -> None:
        """Who follows which answers (before the answers are written, so each change of
        state or confidence tells them, as it would have)."""
        for key, spec in specs.items():
            for question_key in spec.follows:
                question = self.ref(self.questions, question_key, "question", f"person '{key}'")
                self.add(
                    Follow(
                        person_id=self.people[key],
                        question_id=_id(question),
                        created_at=self.at(spec.days_ago),
                    )
                )

    def load_projects(self, specs: dict[str, ProjectSpec]) -> None:
        for key, p in specs.items():
            actor = self.person(p.created_by, f"project '{key}'")
            row = self.add(
                Project(name=p.name, description=p.description, created_at=self.at(p.days_ago))
            )
            self.projects[key] = _id(row)
            self.event(row.created_at, actor, row, "created", new=p.name)

    # questions -------------------------------------------------------------
    def load_question(
        self, q: QuestionSpec, parent: Question | None, position: int, parent_days: float
    ) -> None:
        what = f"question '{q.key}'"
        if q.key in self.questions:
            self.fail(what, "is listed twice")
        if (parent is None) != (q.project is not None):
            self.fail(what, "needs a project if and only if it is a root question")
        self.after(what, parent_days, q.days_ago, *(h.days_ago for h in q.history))
        owner = self.person(q.owner, what)
        assignee = self.person(q.assignee, what) if q.assignee else None
        created = self.at(q.days_ago)
        status = q.history[-1].status if q.history else QuestionStatus.OPEN
        if parent is None:
            project = self.ref(self.projects, q.project or "", "project", what)
        else:
            project = parent.project_id
        row = self.add(
            Question(
                **q.model_dump(include={"title", "context", "technique", "priority"}),
                due_date=self.day(q.due),
                project_id=project,
                owner_id=owner,
                assignee_id=assignee,
                status=status,
                position=position,
                created_at=created,
                updated_at=self.at(q.history[-1].days_ago) if q.history else created,
                parent_id=parent.id if parent else None,
                root_id=parent.root_id if parent else None,
            )
        )
        if parent is None:
            row.root_id = row.id
        self.questions[q.key], self.created[q.key] = row, q.days_ago
        self.parent[q.key] = self.key_by_id[_id(parent)] if parent else None
        self.key_by_id[_id(row)] = q.key
        root = row.root_id
        self.event(created, owner, row, "created", new=q.title, root_id=root)
        if assignee is not None:
            self.changed(created, owner, row, "assignee_id", None, assignee, root)
        steps = [(self.at(h.days_ago), h.status, assignee or owner) for h in q.history]
        self.history(row, QuestionStatus.OPEN, steps, root)
        self.load_notes(q.notes, "question_id", row, root, what)
        for index, child in enumerate(q.children):
            self.load_question(child, row, index, q.days_ago)

    def in_subtree(self, key: str, top: str) -> bool:
        node: str | None = key
        while node is not None and node != top:
            node = self.parent.get(node)
        return node == top

    # notes, findings, reviews ----------------------------------------------
    def load_notes(
        self, specs: list[NoteSpec], field: str, target: _HasId, root: int | None, what: str
    ) -> None:
        for n in specs:
            author = self.person(n.author, f"a note on {what}")
            resolved = n.resolved_days_ago
            self.after(f"a note on {what}", n.days_ago, *([] if resolved is None else [resolved]))
            note = Note(
                author_id=author,
                kind=n.kind,
                body=n.body,
                resolved=resolved is not None,
                created_at=self.at(n.days_ago),
                updated_at=self.at(n.days_ago if resolved is None else resolved),
            )
            setattr(note, field, _id(target))
            self.add(note)
            self.event(note.created_at, author, note, "created", root_id=root)
            if resolved is not None:
                self.changed(self.at(resolved), author, note, "resolved", False, True, root)

    def load_finding(self, f: FindingSpec) -> None:
        what = f"finding '{f.key}'"
        if f.key in self.findings:
            self.fail(what, "is listed twice")
        question = self.ref(self.questions, f.question, "question", what)
        author = self.person(f.author, what)
        self.after(what, self.created[f.question], f.days_ago, *(h.days_ago for h in f.history))
        last = f.history[-1] if f.history else None
        row = self.add(
            Finding(
                **f.model_dump(include={"summary", "body", "links", "kind", "confidence"}),
                question_id=_id(question),
                author_id=author,
                status=last.status if last else f.status,
                created_at=self.at(f.days_ago),
                updated_at=self.at(last.days_ago if last else f.days_ago),
            )
        )
        self.findings[f.key] = row
        root = question.root_id
        self.event(row.created_at, author, row, "created", new=f.summary, root_id=root)
        usual = dict.fromkeys((FindingStatus.ACCEPTED, FindingStatus.NEEDS_WORK), question.owner_id)
        by = [self.person(h.by, what) if h.by else usual.get(h.status, author) for h in f.history]
        steps = [(self.at(h.days_ago), h.status, b) for h, b in zip(f.history, by, strict=True)]
        self.history(row, f.status, steps, root)
        self.load_notes(f.notes, "finding_id", row, root, what)

    def load_review(self, r: ReviewSpec) -> None:
        what = f"review '{r.key}'"
        question = self.ref(self.questions, r.question, "question", what)
        finding = self.ref(self.findings, r.finding, "finding", what) if r.finding else None
        requester, reviewer = self.person(r.requester, what), self.person(r.reviewer, what)
        days = (r.requested_days_ago, *(h.days_ago for h in r.history))
        self.after(what, self.created[r.question], *days)
        usual = {ReviewStatus.WITHDRAWN: requester}
        by = [self.person(h.by, what) if h.by else usual.get(h.status, reviewer) for h in r.history]
        steps = [(self.at(h.days_ago), h.status, b) for h, b in zip(r.history, by, strict=True)]
        responses = [at for at, _, actor in steps if actor == reviewer]
        resolved = [at for at, status, _ in steps if not ReviewStatus(status).is_open]
        row = self.add(
            ReviewRequest(
                question_id=_id(question),
                finding_id=finding.id if finding else None,
                requester_id=requester,
                reviewer_id=reviewer,
                artifact_url=r.artifact_url,
                focus=r.focus,
                kind=r.kind,
                status=steps[-1][1] if steps else ReviewStatus.OPEN,
                requested_at=self.at(r.requested_days_ago),
                first_response_at=responses[0] if responses else None,
                resolved_at=resolved[-1] if resolved else None,
            )
        )
        root = question.root_id
        self.event(row.requested_at, requester, row, "created", root_id=root)
        self.history(row, ReviewStatus.OPEN, steps, root)
        self.load_notes(r.notes, "review_request_id", row, root, what)
        trust.load_checklist(self, r, row)

    # answers ---------------------------------------------------------------
    def load_answers(self, specs: list[AnswerSpec]) -> None:
        versions = []
        for a in specs:
            what = f"the answer of '{a.question}'"
            self.ref(self.questions, a.question, "question", what)
            self.after(what, self.created[a.question], *(v.days_ago for v in a.versions))
            versions += [(v.days_ago, a.question, n, v) for n, v in enumerate(a.versions, 1)]
        for _, key, number, v in sorted(versions, key=lambda t: -t[0]):
            self.load_version(key, number, v)

    def load_version(self, key: str, number: int, v: VersionSpec) -> None:
        """It cites what the body names inline plus cites_findings and cites_answers."""
        what, question = f"answer {number} of '{key}'", self.questions[key]
        author, at = self.person(v.author, what), self.at(v.days_ago)
        fkeys, children = v.cited_keys()
        findings = {k: self.citable_finding(k, key, at, what) for k in fkeys}
        answers = {k: self.citable_answer(k, key, at, what) for k in children}
        ids = {k: _id(f) for k, f in findings.items()}
        body = v.body_with_ids(ids, {k: _id(self.questions[k]) for k in answers})
        row = self.add(
            Answer(
                **v.model_dump(include={"state", "confidence"}),
                body=body,
                question_id=_id(question),
                number=number,
                author_id=author,
                created_at=at,
            )
        )
        self.answers.setdefault(key, []).append(row)
        cites = [Citation(answer_id=_id(row), finding_id=f.id) for f in findings.values()]
        cites += [Citation(answer_id=_id(row), cited_answer_id=a.id) for a in answers.values()]
        self.s.add_all(cites)
        root = question.root_id
        self.event(at, author, row, "created", field="number", new=number, root_id=root)
        self.load_notes(v.notes, "answer_id", row, root, what)
        if v.decision:
            trust.load_decision(self, v.decision, row, author)

    def citable_finding(self, fkey: str, key: str, at: datetime, what: str) -> Finding:
        """A finding logged in the subtree of question ``key`` by ``at``."""
        finding = self.ref(self.findings, fkey, "finding", what)
        where = self.key_by_id[finding.question_id]
        if not self.in_subtree(where, key) or finding.created_at > at:
            self.fail(what, f"cites finding '{fkey}', which is not in its subtree by then")
        return finding

    def citable_answer(self, child: str, key: str, at: datetime, what: str) -> Answer:
        """The answer version of direct child question ``child`` that was current at ``at``."""
        self.ref(self.questions, child, "question", what)
        earlier = [a for a in self.answers.get(child, []) if a.created_at <= at]
        if self.parent[child] != key or not earlier:
            self.fail(what, f"cites '{child}', which is no child question with an answer yet")
        return earlier[-1]

    # one-on-ones -----------------------------------------------------------
    def load_one_on_one(self, o: OneOnOneSpec) -> None:
        what = f"the one-on-one of {o.manager} and {o.report} ({o.days_ago} days ago)"
        manager, report = self.person(o.manager, what), self.person(o.report, what)
        at = self.at(o.days_ago)
        meeting = self.add(
            OneOnOne(
                manager_id=manager,
                report_id=report,
                notes=o.notes,
                held_on=self.now.date() - timedelta(days=o.days_ago),
                created_at=at,
            )
        )
        self.event(at, manager, meeting, "created")
        for track, body in o.tracks.items():
            note = self.add(
                TrackNote(
                    one_on_one_id=_id(meeting),
                    track=track,
                    body=body,
                    author_id=manager,
                    created_at=at,
                )
            )
            self.event(at, manager, note, "created", new=track)
        for a in o.actions:
            owner, done = self.person(a.owner, what), a.done_days_ago
            self.after(what, o.days_ago, *([] if done is None else [done]))
            item = self.add(
                ActionItem(
                    one_on_one_id=_id(meeting),
                    owner_id=owner,
                    description=a.description,
                    due_date=self.day(a.due),
                    done=done is not None,
                    created_at=at,
                    done_at=None if done is None else self.at(done),
                )
            )
            self.event(at, manager, item, "created", new=a.description)
            if item.done_at is not None:
                self.changed(item.done_at, owner, item, "done", False, True)

    def load(self, spec: DemoSpec) -> None:
        self.load_people(spec.people)
        self.load_projects(spec.projects)
        for index, question in enumerate(spec.questions):
            self.load_question(question, None, index, float("inf"))
        self.load_follows(spec.people)
        for finding in spec.findings:
            self.load_finding(finding)
        for review in spec.reviews:
            self.load_review(review)
        self.load_answers(spec.answers)
        for finding in spec.findings:
            if finding.edited:
                trust.load_edit(self, finding, self.findings[finding.key])
        for meeting in spec.one_on_ones:
            self.load_one_on_one(meeting)
        self.s.flush()
