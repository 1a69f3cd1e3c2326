"""Team services: who may manage people and projects, the rules on emails, reporting
lines, deactivation and versions, the events written, and the team reads with their
numbers (workload, technique breadth, general questions per project)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.models import Event, Finding, Person, Project, Question
from team.services.admin import people as team_admin
from team.services.admin import projects as admin_projects
from team.services.admin import reads as admin_reads
from team.services.admin.people import PersonInput
from team.services.admin.projects import ProjectInput
from team.services.core import actors as people
from team.services.core.errors import InvalidInput, PermissionDenied, StaleEdit
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate, SubQuestion
from team.vocabulary import QuestionStatus, Role
from tests.factories import Team, root

TODAY = date(2026, 6, 15)


def _person(session: Session, person_id: int) -> Person:
    session.expire_all()
    person = session.get(Person, person_id)
    assert person is not None
    return person


def _events(
    session: Session, entity: str, entity_id: int
) -> list[tuple[str, str | None, str | None, str | None]]:
    query = (
        select(col(Event.action), col(Event.field), col(Event.old_value), col(Event.new_value))
        .where(col(Event.entity) == entity, col(Event.entity_id) == entity_id)
        .order_by(col(Event.id))
    )
    return [(action, field, old, new) for action, field, old, new in session.execute(query)]


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --------------------------------------------------------------------------- permissions


WRITES: dict[str, Callable[[Session, int, Team], object]] = {
    "add person": lambda s, a, t: team_admin.add_person(s, a, data=PersonInput("Lena", "l@x.io")),
    "edit person": lambda s, a, t: team_admin.edit_person(
        s, a, person_id=t.other_ic, version=1, data=PersonInput("R", "r@x.io")
    ),
    "deactivate": lambda s, a, t: team_admin.set_person_active(
        s, a, person_id=t.other_ic, version=1, active=False
    ),
    "reactivate": lambda s, a, t: team_admin.set_person_active(
        s, a, person_id=t.inactive_ic, version=1, active=True
    ),
    "add project": lambda s, a, t: admin_projects.add_project(s, a, data=ProjectInput("Pricing")),
    "edit project": lambda s, a, t: admin_projects.edit_project(
        s, a, project_id=t.project, version=1, data=ProjectInput("X")
    ),
    "archive": lambda s, a, t: admin_projects.set_project_archived(
        s, a, project_id=t.project, version=1, archived=True
    ),
}


@pytest.mark.parametrize("who", ["ic", "viewer"])
@pytest.mark.parametrize("write", list(WRITES))
def test_only_managers_manage_the_team(session: Session, team: Team, who: str, write: str) -> None:
    before = _count(session, Event)
    with pytest.raises(PermissionDenied, match="Only a manager can"):
        WRITES[write](session, getattr(team, who), team)
    assert _count(session, Event) == before
    assert _person(session, team.other_ic).name == "Ravi"


def test_a_deactivated_manager_cannot_act(session: Session, team: Team) -> None:
    team_admin.set_person_active(
        session, team.manager, person_id=team.other_manager, version=1, active=False
    )
    with pytest.raises(PermissionDenied, match="Omar is deactivated"):
        admin_projects.add_project(session, team.other_manager, data=ProjectInput("Pricing"))


# --------------------------------------------------------------------------- adding people


def test_manager_adds_a_person_with_an_event(session: Session, team: Team) -> None:
    added = team_admin.add_person(
        session,
        team.manager,
        data=PersonInput("  Lena   Ott ", " Lena.Ott@Example.com ", Role.IC, team.manager),
    )
    assert (added.name, added.email, added.role) == ("Lena Ott", "lena.ott@example.com", Role.IC)
    assert added.reports_to_id == team.manager and added.active and added.version == 1
    assert _events(session, "person", added.id) == [("created", None, None, "Lena Ott")]
    assert [p.name for p in admin_reads.list_people(session, active_only=True)].count(
        "Lena Ott"
    ) == 1


def test_duplicate_email_is_refused_whatever_its_case(session: Session, team: Team) -> None:
    before = _count(session, Person)
    with pytest.raises(InvalidInput, match=r"ines@example\.com already belongs to Ines") as exc:
        team_admin.add_person(session, team.manager, data=PersonInput("Other", "INES@example.com"))
    assert exc.value.field == "email"
    assert _count(session, Person) == before


@pytest.mark.parametrize("email", ["", "nobody", "a@b", "a b@c.io", "@c.io", "x@@c.io"])
def test_an_email_must_look_like_one(session: Session, team: Team, email: str) -> None:
    with pytest.raises(InvalidInput, match="does not look like an email address") as exc:
        team_admin.add_person(session, team.manager, data=PersonInput("Lena", email))
    assert exc.value.field == "email"


def test_a_person_needs_a_name(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="Give the person a name"):
        team_admin.add_person(session, team.manager, data=PersonInput("   ", "l@x.io"))


@pytest.mark.parametrize(
    ("boss", "message"),
    [
        ("ic", "Ines is an IC; people report to an active manager"),
        ("viewer", "Vera is a viewer; people report to an active manager"),
        ("inactive_ic", "Ivan is deactivated"),
    ],
)
def test_reports_to_must_be_an_active_manager(
    session: Session, team: Team, boss: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as exc:
        team_admin.add_person(
            session, team.manager, data=PersonInput("Lena", "l@x.io", Role.IC, getattr(team, boss))
        )
    assert exc.value.field == "reports_to"


def test_reports_to_a_deactivated_manager_is_refused(session: Session, team: Team) -> None:
    team_admin.set_person_active(
        session, team.manager, person_id=team.other_manager, version=1, active=False
    )
    with pytest.raises(InvalidInput, match="Omar is deactivated"):
        team_admin.add_person(
            session, team.manager, data=PersonInput("Lena", "l@x.io", Role.IC, team.other_manager)
        )


# --------------------------------------------------------------------------- editing people


def test_edit_changes_every_field_with_one_event_each(session: Session, team: Team) -> None:
    edited = team_admin.edit_person(
        session,
        team.manager,
        person_id=team.other_ic,
        version=1,
        data=PersonInput("Ravi K", "ravi.k@example.com", Role.MANAGER, team.other_manager),
    )
    assert edited.version == 2
    assert (edited.name, edited.role, edited.reports_to_id) == (
        "Ravi K",
        Role.MANAGER,
        team.other_manager,
    )
    assert _events(session, "person", team.other_ic) == [
        ("updated", "name", "Ravi", "Ravi K"),
        ("updated", "email", "ravi@example.com", "ravi.k@example.com"),
        ("updated", "role", "ic", "manager"),
        ("updated", "reports_to_id", str(team.manager), str(team.other_manager)),
    ]


def test_a_save_with_nothing_changed_writes_nothing(session: Session, team: Team) -> None:
    same = PersonInput("Ravi", "ravi@example.com", Role.IC, team.manager)
    assert (
        team_admin.edit_person(
            session, team.manager, person_id=team.other_ic, version=1, data=same
        ).version
        == 1
    )
    assert _events(session, "person", team.other_ic) == []


def test_a_stale_edit_is_refused_and_nothing_is_lost(session: Session, team: Team) -> None:
    team_admin.edit_person(
        session,
        team.manager,
        person_id=team.other_ic,
        version=1,
        data=PersonInput("Ravi K", "ravi@example.com"),
    )
    with pytest.raises(StaleEdit, match="you had version 1, it is now version 2"):
        team_admin.edit_person(
            session,
            team.other_manager,
            person_id=team.other_ic,
            version=1,
            data=PersonInput("Ravi", "r2@example.com"),
        )
    person = _person(session, team.other_ic)
    assert (person.name, person.email, person.version) == ("Ravi K", "ravi@example.com", 2)


def test_edit_refuses_another_persons_email(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="already belongs to Ines"):
        team_admin.edit_person(
            session,
            team.manager,
            person_id=team.other_ic,
            version=1,
            data=PersonInput("Ravi", "ines@example.com"),
        )


def test_reporting_lines_have_no_loops(session: Session, team: Team) -> None:
    team_admin.edit_person(
        session,
        team.manager,
        person_id=team.other_manager,
        version=1,
        data=PersonInput("Omar", "omar@example.com", Role.MANAGER, team.manager),
    )
    with pytest.raises(InvalidInput, match="Omar already reports"):
        team_admin.edit_person(
            session,
            team.other_manager,
            person_id=team.manager,
            version=1,
            data=PersonInput("Maya", "maya@example.com", Role.MANAGER, team.other_manager),
        )
    with pytest.raises(InvalidInput, match="no loop"):
        team_admin.edit_person(
            session,
            team.other_manager,
            person_id=team.manager,
            version=1,
            data=PersonInput("Maya", "maya@example.com", Role.MANAGER, team.manager),
        )


def test_a_manager_cannot_change_their_own_role(session: Session, team: Team) -> None:
    team_admin.edit_person(
        session,
        team.manager,
        person_id=team.other_ic,
        version=1,
        data=PersonInput("Ravi", "ravi@example.com"),
    )
    with pytest.raises(PermissionDenied, match="cannot change your own role"):
        team_admin.edit_person(
            session,
            team.other_manager,
            person_id=team.other_manager,
            version=1,
            data=PersonInput("Omar", "omar@x.io"),
        )


def test_a_manager_with_reports_keeps_the_role_until_they_move(
    session: Session, team: Team
) -> None:
    with pytest.raises(InvalidInput, match="Ines, Ravi still report to Maya"):
        team_admin.edit_person(
            session,
            team.other_manager,
            person_id=team.manager,
            version=1,
            data=PersonInput("Maya", "maya@x.io"),
        )
    assert _person(session, team.manager).role == Role.MANAGER


# --------------------------------------------------------------------------- deactivation


def test_deactivation_keeps_the_person_and_stops_them_acting(session: Session, team: Team) -> None:
    done = team_admin.set_person_active(
        session, team.manager, person_id=team.other_ic, version=1, active=False
    )
    assert not done.active and done.version == 2
    assert _events(session, "person", team.other_ic) == [("updated", "active", "true", "false")]
    with pytest.raises(PermissionDenied, match="Ravi is deactivated"):
        people.acting(session, team.other_ic)
    assert team.other_ic not in [p.id for p in admin_reads.list_people(session, active_only=True)]
    assert team.other_ic in [p.id for p in admin_reads.list_people(session)]


def test_reactivation_lets_them_act_again(session: Session, team: Team) -> None:
    back = team_admin.set_person_active(
        session, team.manager, person_id=team.inactive_ic, version=1, active=True
    )
    assert back.active and back.version == 2
    assert people.acting(session, team.inactive_ic).name == "Ivan"
    assert _events(session, "person", team.inactive_ic) == [("updated", "active", "false", "true")]


def test_a_manager_cannot_deactivate_themselves(session: Session, team: Team) -> None:
    with pytest.raises(PermissionDenied, match="cannot deactivate yourself"):
        team_admin.set_person_active(
            session, team.other_manager, person_id=team.other_manager, version=1, active=False
        )
    assert _person(session, team.other_manager).active


def test_the_last_active_manager_stays(session: Session, team: Team) -> None:
    team_admin.set_person_active(
        session, team.manager, person_id=team.other_manager, version=1, active=False
    )
    with pytest.raises(InvalidInput, match="Maya is the last active manager"):
        team_admin.set_person_active(
            session, team.manager, person_id=team.manager, version=1, active=False
        )
    with pytest.raises(InvalidInput, match="Maya is the last active manager"):
        team_admin.edit_person(
            session,
            team.manager,
            person_id=team.manager,
            version=1,
            data=PersonInput("Maya", "maya@example.com"),
        )
    assert _person(session, team.manager).active


def test_a_manager_with_active_reports_is_not_deactivated(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="Ines, Ravi still report to Maya"):
        team_admin.set_person_active(
            session, team.other_manager, person_id=team.manager, version=1, active=False
        )
    for ic in (team.ic, team.other_ic):
        person = _person(session, ic)
        team_admin.edit_person(
            session,
            team.other_manager,
            person_id=ic,
            version=1,
            data=PersonInput(person.name, person.email, Role.IC, team.other_manager),
        )
    assert not team_admin.set_person_active(
        session, team.other_manager, person_id=team.manager, version=1, active=False
    ).active


def test_a_deactivated_persons_work_stays(session: Session, team: Team) -> None:
    rid = root(session, team)
    [sub] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion("Which plans churned?", assignee_id=team.ic)],
    )
    findings.log_finding(
        session, team.ic, question_id=sub.id, data=FindingInput("Annual plans churn less")
    )
    team_admin.set_person_active(session, team.manager, person_id=team.ic, version=1, active=False)
    session.expire_all()
    question = session.get(Question, sub.id)
    assert question is not None and question.assignee_id == team.ic
    assert [f.author_id for f in session.scalars(select(Finding))] == [team.ic]
    [row] = admin_reads.workload(session, today=TODAY)
    assert (row.person, row.active, row.open_questions) == ("Ines", False, 1)
    ines = next(p for p in admin_reads.people_overview(session) if p.id == team.ic)
    assert not ines.active and ines.manager == "Maya"


# --------------------------------------------------------------------------- projects


def test_manager_adds_edits_archives_and_reopens_a_project(session: Session, team: Team) -> None:
    added = admin_projects.add_project(
        session, team.manager, data=ProjectInput(" Pricing ", " Plans ")
    )
    assert (added.name, added.description, added.archived) == ("Pricing", "Plans", False)
    edited = admin_projects.edit_project(
        session,
        team.manager,
        project_id=added.id,
        version=1,
        data=ProjectInput("Pricing v2", "Plans"),
    )
    assert edited.version == 2
    archived = admin_projects.set_project_archived(
        session, team.manager, project_id=added.id, version=2, archived=True
    )
    reopened = admin_projects.set_project_archived(
        session, team.manager, project_id=added.id, version=3, archived=False
    )
    assert archived.archived and not reopened.archived and reopened.version == 4
    assert _events(session, "project", added.id) == [
        ("created", None, None, "Pricing"),
        ("updated", "name", "Pricing", "Pricing v2"),
        ("updated", "archived", "false", "true"),
        ("updated", "archived", "true", "false"),
    ]


def test_project_names_are_unique(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="A project named 'Retention' already exists"):
        admin_projects.add_project(session, team.manager, data=ProjectInput("retention"))
    with pytest.raises(InvalidInput, match="'Old pricing' already exists"):
        admin_projects.edit_project(
            session,
            team.manager,
            project_id=team.project,
            version=1,
            data=ProjectInput("Old Pricing"),
        )
    assert _count(session, Project) == 2


def test_a_stale_project_edit_is_refused(session: Session, team: Team) -> None:
    admin_projects.set_project_archived(
        session, team.manager, project_id=team.project, version=1, archived=True
    )
    with pytest.raises(StaleEdit):
        admin_projects.edit_project(
            session, team.other_manager, project_id=team.project, version=1, data=ProjectInput("R2")
        )
    session.expire_all()
    project = session.get(Project, team.project)
    assert project is not None and project.name == "Retention" and project.archived


# --------------------------------------------------------------------------- reads


@pytest.fixture
def work(session: Session, team: Team) -> Team:
    """Ines: 2 open in Retention (1 overdue), 1 answered, 1 open in Pricing; Ravi: 1
    blocked and overdue. Techniques: Ines modeling x2 + cleaning, Ravi cleaning."""
    pricing = admin_projects.add_project(session, team.manager, data=ProjectInput("Pricing")).id
    rid = root(session, team)
    late, soon = date(2026, 6, 1), date(2026, 7, 1)
    subs = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[
            SubQuestion("A", assignee_id=team.ic, technique="modeling", due_date=late),
            SubQuestion("B", assignee_id=team.ic, technique="data cleaning", due_date=soon),
            SubQuestion("C", assignee_id=team.ic, technique="modeling"),
            SubQuestion("D", assignee_id=team.other_ic, technique="data cleaning", due_date=late),
        ],
    )
    other_root = questions.create_question(
        session, team.manager, data=QuestionCreate(title="Price?", project_id=pricing)
    ).id
    questions.add_subquestions(
        session,
        team.manager,
        parent_id=other_root,
        items=[SubQuestion("E"), SubQuestion("F", assignee_id=team.ic)],
    )
    statuses = {subs[2].id: QuestionStatus.ANSWERED, subs[3].id: QuestionStatus.BLOCKED}
    for qid, status in statuses.items():
        question = session.get(Question, qid)
        assert question is not None
        question.status = status
    other = session.get(Question, other_root)
    assert other is not None
    other.status = QuestionStatus.ANSWERED
    session.commit()
    for qid, summary in [(subs[0].id, "a1"), (subs[0].id, "a2"), (subs[2].id, "c1")]:
        findings.log_finding(session, team.ic, question_id=qid, data=FindingInput(summary))
    findings.log_finding(session, team.other_ic, question_id=subs[3].id, data=FindingInput("d1"))
    return team


def test_workload_counts_open_assigned_questions_and_overdue(session: Session, work: Team) -> None:
    rows = [
        (r.person, r.project, r.open_questions, r.overdue)
        for r in admin_reads.workload(session, today=TODAY)
    ]
    assert rows == [
        ("Ines", "Pricing", 1, 0),
        ("Ines", "Retention", 2, 1),
        ("Ravi", "Retention", 1, 1),
    ]


def test_technique_breadth_counts_questions_and_findings(session: Session, work: Team) -> None:
    rows = [
        (r.person, r.technique, r.questions, r.findings)
        for r in admin_reads.technique_breadth(session)
    ]
    assert rows == [
        ("Ines", "data cleaning", 1, 0),
        ("Ines", "modeling", 2, 3),
        ("Ravi", "data cleaning", 1, 1),
    ]


def test_projects_count_their_general_questions(session: Session, work: Team) -> None:
    rows = [
        (p.name, p.archived, p.general_questions, p.open_general_questions)
        for p in admin_reads.projects_overview(session)
    ]
    assert rows == [
        ("Pricing", False, 1, 0),
        ("Retention", False, 1, 1),
        ("Old pricing", True, 0, 0),
    ]


def test_people_show_their_manager(session: Session, team: Team) -> None:
    rows = {p.name: (p.manager, p.active) for p in admin_reads.people_overview(session)}
    assert rows["Ines"] == ("Maya", True)
    assert rows["Ivan"] == ("Maya", False)
    assert rows["Maya"] == (None, True)
    assert list(rows)[-1] == "Ivan"  # the inactive come last


def _read_everything(session: Session) -> None:
    admin_reads.people_overview(session)
    admin_reads.projects_overview(session)
    admin_reads.workload(session, today=TODAY)
    admin_reads.technique_breadth(session)


def test_reads_make_a_fixed_number_of_queries(session: Session, engine: Engine, team: Team) -> None:
    with counting(engine) as few:
        _read_everything(session)
    rid = root(session, team)
    questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion(f"Q{i}", assignee_id=team.ic, technique=f"t{i}") for i in range(8)],
    )
    with counting(engine) as many:
        _read_everything(session)
    assert len(many) == len(few), many
