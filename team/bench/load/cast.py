"""Who the simulated tabs are: people of the generated organisation, read from its
database, with what each may look at and write on (their open assigned questions, the
findings they may note on)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from team.bench.databases import BenchError
from team.models import Finding, Person, Question
from team.ui.navigation import page_names_for
from team.vocabulary import FindingStatus, QuestionStatus, Role

# The pages people keep going back to, by how often a visit lands there; the rest of
# their role's pages (Search and Settings aside) once each.
_OFTEN = {"": 3, "questions": 3, "answers": 2, "attention": 2, "my_work": 3, "reviews": 2}
_RARELY = frozenset({"search", "settings", "admin"})
# Of ten tabs: two managers' and one viewer's, the rest ICs'.
_ROLE_OF_SLOT = {2: Role.MANAGER, 7: Role.MANAGER, 5: Role.VIEWER}
_OPEN = (QuestionStatus.OPEN, QuestionStatus.IN_PROGRESS, QuestionStatus.BLOCKED)
_LABELS = {Role.MANAGER: "manager", Role.IC: "IC", Role.VIEWER: "viewer"}


@dataclass(frozen=True)
class Persona:
    person_id: int
    label: str  # as the "Who are you?" picker shows the person
    role: Role
    pages: tuple[str, ...]  # url paths, repeated by how often they are visited
    assigned: tuple[tuple[int, int], ...]  # (tree, question) assigned and still open
    findings: tuple[tuple[int, int, int], ...]  # (tree, question, finding) to note on

    @property
    def writes(self) -> tuple[str, ...]:
        """The writes this person makes: an IC logs findings, notes and moves the
        status of their own questions; a manager notes; a viewer only reads."""
        if self.role == Role.VIEWER or not self.findings:
            return ()
        if self.role == Role.MANAGER or not self.assigned:
            return ("note",)
        return ("finding", "note", "status")


def _pages(role: Role) -> tuple[str, ...]:
    names = ["" if n == "overview" else n for n in page_names_for(role) if n not in _RARELY]
    return tuple(name for name in names for _ in range(_OFTEN.get(name, 1)))


def _persona(session: Session, person: Person, notable: list[tuple[int, int, int]]) -> Persona:
    assert person.id is not None
    rows = session.exec(
        select(Question.root_id, Question.id)
        .where(Question.assignee_id == person.id, col(Question.status).in_(_OPEN))
        .order_by(col(Question.id))
        .limit(5)
    ).all()
    role = Role(person.role)
    return Persona(
        person_id=person.id,
        label=f"{person.name} · {_LABELS[role]}",
        role=role,
        pages=_pages(role),
        assigned=tuple((root or qid, qid) for root, qid in rows if qid is not None),
        findings=tuple(notable),
    )


def _notable(session: Session) -> list[tuple[int, int, int]]:
    """The twenty newest shared findings (what people talk about): (tree, question,
    finding)."""
    rows = session.exec(
        select(Question.root_id, Question.id, Finding.id)
        .join(Finding, col(Finding.question_id) == col(Question.id))
        .where(col(Finding.status).in_((FindingStatus.SHARED, FindingStatus.ACCEPTED)))
        .order_by(col(Finding.id).desc())
        .limit(20)
    ).all()
    return [(root or qid, qid, fid) for root, qid, fid in rows if qid and fid]


def cast(engine: Engine, tabs: int) -> list[Persona]:
    """``tabs`` personas: of each ten, two managers, one viewer and seven ICs (ICs with
    open assigned questions first), cycling through the people of each role, so at a
    small size one person has several tabs open, as people do."""
    with Session(engine) as session:
        people = session.exec(
            select(Person).where(col(Person.active)).order_by(col(Person.id))
        ).all()
        notable = _notable(session)
        by_role: dict[Role, list[Persona]] = {role: [] for role in Role}
        for person in people:
            by_role[Role(person.role)].append(_persona(session, person, notable))
    by_role[Role.IC].sort(key=lambda p: not p.assigned)
    if not by_role[Role.IC]:
        raise BenchError("The database holds no active IC to simulate; generate data first.")
    chosen: list[Persona] = []
    taken = dict.fromkeys(Role, 0)
    for slot in range(tabs):
        role = _ROLE_OF_SLOT.get(slot % 10, Role.IC)
        if not by_role[role]:
            role = Role.IC
        pool = by_role[role]
        chosen.append(pool[taken[role] % len(pool)])
        taken[role] += 1
    return chosen
