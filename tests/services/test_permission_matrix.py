"""The permission matrix: every service call that changes the database (and every read
kept to some people) against every kind of person, as PRODUCT.md's "Who may do what" and
the README's decisions say.

Columns: Maya (manager of Ines and Ravi), Omar (another manager; nobody reports to him),
Ines (the IC whose work the object is: assignee, author, requester, report), Ravi
(another IC of Maya's), Vera (viewer), Ivan (a deactivated IC). "deny" means the typed
PermissionDenied and no row of any table changed; "allow" means the call succeeded, its
effect reads back, and the event log grew. Crafted values are rows or cells of their
own: an IC assigning by passing an assignee (split, assign, bulk), Ravi naming Ines's
finding, review or note, Ines approving her own review request, Omar naming Maya's
one-on-one. After each row, the first person it allows, deactivated or demoted to
viewer after their session began, is refused.

Where PRODUCT.md is silent, the matrix decides:
- Only the author edits a finding's content, managers included (a manager sends it back
  with a reason instead). Editing an accepted finding makes it shared again.
- Any manager (Omar too) runs questions, findings, people, projects and reads the audit
  log; only one-on-ones belong to a pair (and the audit log hides their text from
  others).
- An IC logs findings only on questions assigned to them (what the pages offer), but may
  ask for a review on any question, naming any active manager or IC but themselves.
- Review decisions belong to the reviewer alone, a manager included; the requester or any
  manager withdraws a request; only the requester asks again. The reviewer alone ticks
  or waives the items of a request's checklist (another manager does not).
- Whoever may write a question's answer records, edits and marks revisited the decision
  it informed (a manager, or the IC the question is assigned to), and marks the changed
  evidence of its answer reviewed.
- Anyone but a viewer writes notes; the note's author, the person whose work it is on, or
  a manager resolves one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, literal, literal_column, select, union_all, update
from sqlmodel import Session, col

from team import models
from team.models import Person, table_of
from team.services.admin import audit
from team.services.admin.audit import AuditFilter
from team.services.core.errors import PermissionDenied
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.one_on_ones import writes as one_on_ones
from team.vocabulary import Role
from tests.factories import make_team
from tests.services.permission_cases import ACTIONS, PEOPLE, Case, World

ok, no = "allow", "deny"
ROLES = tuple(PEOPLE)  # manager, other_manager, owner_ic, other_ic, viewer, inactive
Row = tuple[str, str, str, str, str, str]

MATRIX: dict[str, Row] = {
    # action                                            Maya  Omar  Ines  Ravi  Vera  Ivan
    "create a general question":                       (ok,   ok,   no,   no,   no,   no),
    "break down the IC's assigned question":           (ok,   ok,   ok,   no,   no,   no),
    "break it down from pasted lines":                 (ok,   ok,   ok,   no,   no,   no),
    "break it down, assigning someone else":           (ok,   ok,   no,   no,   no,   no),
    "edit a question the IC created":                  (ok,   ok,   ok,   no,   no,   no),
    "edit the IC's assigned question (manager's)":     (ok,   ok,   no,   no,   no,   no),
    "assign an unassigned question to the IC":         (ok,   ok,   no,   no,   no,   no),
    "move a question under another parent":            (ok,   ok,   no,   no,   no,   no),
    "reorder sub-questions of the assigned question":  (ok,   ok,   ok,   no,   no,   no),
    "reorder sub-questions of the general question":   (ok,   ok,   no,   no,   no,   no),
    "start work on the assigned question":             (ok,   ok,   ok,   no,   no,   no),
    "drop the assigned question":                      (ok,   ok,   no,   no,   no,   no),
    "restore a dropped question":                      (ok,   ok,   no,   no,   no,   no),
    "bulk: status of the assigned question":           (ok,   ok,   ok,   no,   no,   no),
    "bulk: assign by passing an assignee":             (ok,   ok,   no,   no,   no,   no),
    "bulk: priority of a question the IC created":     (ok,   ok,   ok,   no,   no,   no),
    "bulk: priority of the assigned question":         (ok,   ok,   no,   no,   no,   no),
    "log a finding on the assigned question":          (ok,   ok,   ok,   no,   no,   no),
    "edit the IC's finding":                           (no,   no,   ok,   no,   no,   no),
    "edit the IC's accepted finding":                  (no,   no,   ok,   no,   no,   no),
    "share the IC's draft finding":                    (no,   no,   ok,   no,   no,   no),
    "accept a finding":                                (ok,   ok,   no,   no,   no,   no),
    "send a finding back":                             (ok,   ok,   no,   no,   no,   no),
    "withdraw a finding":                              (ok,   ok,   ok,   no,   no,   no),
    "restore a withdrawn finding as a draft":          (no,   no,   ok,   no,   no,   no),
    "request a review on the assigned question":       (ok,   ok,   ok,   ok,   no,   no),
    "start a review (reviewer: Maya)":                 (ok,   no,   no,   no,   no,   no),
    "request changes (reviewer: Maya)":                (ok,   no,   no,   no,   no,   no),
    "approve (reviewer: Maya)":                        (ok,   no,   no,   no,   no,   no),
    "start a review (reviewer: Ravi)":                 (no,   no,   no,   ok,   no,   no),
    "ask again after changes were requested":          (no,   no,   ok,   no,   no,   no),
    "withdraw a review request":                       (ok,   ok,   ok,   no,   no,   no),
    "tick a checklist item (reviewer: Maya)":          (ok,   no,   no,   no,   no,   no),
    "waive a checklist item (reviewer: Maya)":         (ok,   no,   no,   no,   no,   no),
    "tick a checklist item (reviewer: Ravi)":          (no,   no,   no,   ok,   no,   no),
    "write a note on the IC's finding":                (ok,   ok,   ok,   ok,   no,   no),
    "resolve Maya's note on the IC's finding":         (ok,   ok,   ok,   no,   no,   no),
    "write the answer of the assigned question":       (ok,   ok,   ok,   no,   no,   no),
    "write the answer of the general question":        (ok,   ok,   no,   no,   no,   no),
    "record the decision of the assigned question's answer": (ok, ok, ok,  no,   no,   no),
    "record the decision of the general question's answer":  (ok, ok, no,  no,   no,   no),
    "edit the decision of the assigned question's answer":   (ok, ok, ok,  no,   no,   no),
    "mark that decision revisited":                    (ok,   ok,   ok,   no,   no,   no),
    "mark the assigned question's answer's changed evidence reviewed": (ok, ok, ok, no, no, no),
    "mark the general question's answer's changed evidence reviewed":  (ok, ok, no, no, no, no),
    "start a one-on-one with the IC":                  (ok,   no,   no,   no,   no,   no),
    "write the one-on-one's notes":                    (ok,   no,   no,   no,   no,   no),
    "add a track note":                                (ok,   no,   no,   no,   no,   no),
    "edit a track note":                               (ok,   no,   no,   no,   no,   no),
    "add an action item":                              (ok,   no,   no,   no,   no,   no),
    "tick the IC's action item":                       (ok,   no,   ok,   no,   no,   no),
    "tick Maya's action item":                         (ok,   no,   no,   no,   no,   no),
    "read a one-on-one":                               (ok,   no,   ok,   no,   no,   no),
    "read the pair's one-on-one history":              (ok,   no,   ok,   no,   no,   no),
    "build the pair's agenda":                         (ok,   no,   ok,   no,   no,   no),
    "export the agenda and notes":                     (ok,   no,   ok,   no,   no,   no),
    "export the pair's action items as CSV":           (ok,   no,   ok,   no,   no,   no),
    "read the audit log":                              (ok,   ok,   no,   no,   no,   no),
    "list the audit log's entities":                   (ok,   ok,   no,   no,   no,   no),
    "export the audit log as CSV":                     (ok,   ok,   no,   no,   no,   no),
    "add a person":                                    (ok,   ok,   no,   no,   no,   no),
    "edit a person":                                   (ok,   ok,   no,   no,   no,   no),
    "deactivate a person":                             (ok,   ok,   no,   no,   no,   no),
    "reactivate a person":                             (ok,   ok,   no,   no,   no,   no),
    "add a project":                                   (ok,   ok,   no,   no,   no,   no),
    "edit a project":                                  (ok,   ok,   no,   no,   no,   no),
    "archive a project":                               (ok,   ok,   no,   no,   no,   no),
}  # fmt: skip


# --------------------------------------------------------------------- checking


def _fingerprint_query() -> Any:
    """Per table: how many rows, and the sum of their versions. Every service change
    inserts a row (an event at least) or claims the next version of the rows it edits,
    so a refused call that changed anything changes this."""
    parts = []
    for model in models.TABLES:
        table = table_of(model)
        versions: ColumnElement[Any] = literal_column("0")  # a table without versions
        if "version" in table.c:
            versions = func.coalesce(func.sum(table.c.version), 0)
        parts.append(select(literal(table.name), func.count(), versions).select_from(table))
    return union_all(*parts)


FINGERPRINT = _fingerprint_query()


def snapshot(s: Session) -> dict[str, tuple[int, int]]:
    return {name: (int(rows), int(versions)) for name, rows, versions in s.execute(FINGERPRINT)}


def expect(s: Session, case: Case, who: int, outcome: str) -> None:
    s.commit()  # end the read transaction of the setup, as a new interaction would
    before = snapshot(s)
    if outcome == no:
        with pytest.raises(PermissionDenied) as refused:
            case.call(who)
        assert refused.value.message.endswith(".")
        assert snapshot(s) == before, "a refused call left a change behind"
        return
    result = case.call(who)
    assert case.done(result), "the call succeeded but its effect is not there"
    if case.writes:
        assert snapshot(s)["event"][0] > before["event"][0], "a change left no event in the log"
    else:
        assert snapshot(s) == before, "a read changed the database"


@contextmanager
def changed_behind(s: Session, person_id: int, **values: Any) -> Iterator[None]:
    """Change a person from another session (another app server, a manager elsewhere)
    after this session's world was built, and put them back afterwards."""
    s.commit()
    bind = s.get_bind()
    with Session(bind) as other:
        old = other.get(Person, person_id)
        assert old is not None
        saved = {k: getattr(old, k) for k in values}
        other.execute(update(Person).where(col(Person.id) == person_id).values(**values))
        other.commit()
    try:
        yield
    finally:
        s.rollback()
        with Session(bind) as other:
            other.execute(update(Person).where(col(Person.id) == person_id).values(**saved))
            other.commit()


def test_every_action_has_a_row_and_every_row_an_action() -> None:
    assert list(ACTIONS) == list(MATRIX)
    assert all(len(row) == len(ROLES) and set(row) <= {ok, no} for row in MATRIX.values())
    assert all(ok in row for row in MATRIX.values()), "an action nobody may do"


@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(session: Session, subtests: pytest.Subtests, action: str) -> None:
    """Each role against one action; then whoever the matrix allows first, deactivated
    or demoted to viewer after their session began, is refused. A refused call changes
    nothing (``expect`` proves it), so the refusals share one world; each allowed call
    gets a fresh one. (A one-on-one stays readable by its two people whatever their
    role, so demotion is not tried on those reads.)"""
    team = make_team(session)
    shared = ACTIONS[action](World(session, team, 0))
    for n, (role, outcome) in enumerate(zip(ROLES, MATRIX[action], strict=True), start=1):
        with subtests.test(role=role, expected=outcome):
            world = World(session, team, n)
            case = shared if outcome == no else ACTIONS[action](world)
            expect(session, case, world.who(role), outcome)
    role = ROLES[MATRIX[action].index(ok)]
    who = World(session, team, 0).who(role)
    changes: dict[str, dict[str, Any]] = {"deactivated": {"active": False}}
    if not shared.members_only:
        changes["demoted to viewer"] = {"role": Role.VIEWER}
    for label, values in changes.items():
        with subtests.test(role=role, stale_session=label), changed_behind(session, who, **values):
            expect(session, shared, who, no)


def test_the_acting_person_is_read_afresh_even_in_a_long_session(session: Session) -> None:
    """The session already holds Ines from an earlier call; a manager elsewhere then
    deactivates her. Her next call must see that, not the copy this session remembers."""
    team = make_team(session)
    world = World(session, team, 0)
    q = world.assigned
    findings.log_finding(session, team.ic, question_id=q, data=FindingInput(summary="First"))
    ines = session.get(Person, team.ic)  # held, so this session's identity map keeps her
    assert ines is not None and ines.active
    with changed_behind(session, team.ic, active=False):
        before = snapshot(session)
        with pytest.raises(PermissionDenied, match="deactivated"):
            findings.log_finding(
                session, team.ic, question_id=q, data=FindingInput(summary="Second")
            )
        assert snapshot(session) == before
    with (
        changed_behind(session, team.ic, role=Role.VIEWER),
        pytest.raises(PermissionDenied, match="read-only"),
    ):
        findings.log_finding(session, team.ic, question_id=q, data=FindingInput(summary="Third"))


def test_the_audit_log_keeps_a_one_on_one_private_to_its_two_people(session: Session) -> None:
    """Omar, a manager, reads the audit log: he sees that Maya and Ines's one-on-one
    changed, never what its notes, track notes and action items say."""
    team = make_team(session)
    world = World(session, team, 0)
    secret = "Ines is thinking of leaving"
    m = world.meeting
    one_on_ones.edit_notes(session, team.manager, one_on_one_id=m, version=1, notes=secret)
    one_on_ones.add_track_note(session, team.manager, one_on_one_id=m, track="Career", body=secret)
    one_on_ones.add_action_item(
        session, team.manager, one_on_one_id=m, owner_id=team.ic, description=secret
    )
    private = AuditFilter()
    mine, _ = audit.search(session, team.manager, f=private)
    theirs, total = audit.search(session, team.other_manager, f=private)
    assert total == len(mine) == len(theirs)
    kept = theirs[theirs["Kind"].isin(["one-on-one", "track note", "action item"])]
    assert len(kept) == 4  # the meeting started, its notes, a track note, an action item
    assert secret in set(mine["After"])
    assert secret not in set(theirs["After"]) | set(theirs["Before"]) | set(theirs["Title"])
    assert set(kept["After"]) == {audit.PRIVATE}
    assert secret not in audit.to_csv(session, team.other_manager, f=private)
    assert secret in audit.to_csv(session, team.manager, f=private)
