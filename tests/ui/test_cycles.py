"""Rows that loop (a question its own parent, two questions each other's parent), forced
into the database as a corrupt import or a bad hand edit could leave them: every page
and `team memo` still finish. (Import itself refuses such rows: tests/services/
test_transfer.py.)"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import Question
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.ui.navigation import page_names_for, title_of
from team.vocabulary import Role
from tests.factories import make_team, root
from tests.ui.conftest import assert_no_exception

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Loops:
    manager: int
    root: int
    looped: int  # its parent is its own child
    selfish: int  # its own parent


@pytest.fixture
def loops(app_engine: Engine) -> Loops:
    with Session(app_engine) as s:
        team = make_team(s)
        rid = root(s, team)
        a, selfish = questions.add_subquestions(
            s,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Looped", assignee_id=team.ic), SubQuestion("Its own parent")],
        )
        [a1] = questions.add_subquestions(
            s, team.manager, parent_id=a.id, items=[SubQuestion("Child of the loop")]
        )
        s.execute(update(Question).where(col(Question.id) == a.id).values(parent_id=a1.id))
        s.execute(
            update(Question).where(col(Question.id) == selfish.id).values(parent_id=selfish.id)
        )
        s.commit()
        return Loops(team.manager, rid, a.id, selfish.id)


# Questions and Answers open the node of ?node=; the other pages read no node.
CASES = [
    (page, node)
    for page in page_names_for(Role.MANAGER)
    for node in (["root", "looped", "selfish"] if page in ("questions", "answers") else ["root"])
]


@pytest.mark.parametrize(("page", "node"), CASES)
def test_every_page_finishes_over_looping_rows(
    loops: Loops, open_app: Callable[..., AppTest], page: str, node: str
) -> None:
    at = open_app(loops.manager, page, root=str(loops.root), node=str(getattr(loops, node)))
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]  # a query failing in the database
    assert at.title[0].value == title_of(page)


@pytest.mark.parametrize("node", ["root", "looped", "selfish"])
def test_the_memo_finishes_over_looping_rows(loops: Loops, node: str) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "team"), "memo", str(getattr(loops, node))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# ")
