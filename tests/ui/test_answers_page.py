"""AppTest: the manager writes a cited answer, saves a second version and compares."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.services.answers import reads as answers_reads
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from tests.factories import make_team, root
from tests.ui.conftest import assert_no_exception


def _world(engine: Engine) -> tuple[int, int, int, int, int]:
    with Session(engine) as session:
        team = make_team(session)
        rid = root(session, team)
        [a] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Which plans?", assignee_id=team.ic)],
        )
        f1 = findings.log_finding(
            session,
            team.ic,
            question_id=a.id,
            data=findings.FindingInput(summary="Monthly plans churn"),
        ).id
        f2 = findings.log_finding(
            session,
            team.ic,
            question_id=a.id,
            data=findings.FindingInput(summary="Annual plans flat"),
        ).id
    return team.manager, team.viewer, rid, f1, f2


def test_write_cite_version_and_compare(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, _viewer, rid, f1, f2 = _world(app_engine)
    at = open_app(manager, "answers", root=str(rid))
    assert_no_exception(at)
    assert any(f"[F{f1}]" in m.value for m in at.markdown)  # evidence shows its marker
    at.text_area(key=f"answer_body_{rid}").input(f"Monthly plans drove it [F{f1}] [F{f2}].")
    at.button(key=f"FormSubmitter:answer_form_{rid}-Save as a new version").click().run()
    assert_no_exception(at)
    assert any("Saved version 1." in s.value for s in at.success)

    at.text_area(key=f"answer_body_{rid}").input(
        f"Monthly plans drove it [F{f1}].\n\nAnnual plans did not move."
    )
    at.button(key=f"FormSubmitter:answer_form_{rid}-Save as a new version").click().run()
    assert_no_exception(at)
    assert any("Saved version 2." in s.value for s in at.success)
    with Session(app_engine) as session:
        history = answers_reads.versions(session, question_id=rid)
    assert [v.number for v in history] == [1, 2]
    assert history[0].finding_ids == (f1, f2)
    assert history[1].finding_ids == (f1,)
    # The second paragraph cites nothing: flagged.
    assert any("Unsupported" in c.value for c in at.caption)
    # Compare 1 -> 2: the text diff and the dropped citation.
    assert any(f"removed [F{f2}]" in m.value for m in at.markdown)
    assert "+Annual plans did not move." in at.code[0].value


def test_citing_a_finding_from_another_tree_is_refused(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, _viewer, rid, _f1, _f2 = _world(app_engine)
    at = open_app(manager, "answers", root=str(rid))
    at.text_area(key=f"answer_body_{rid}").input("Claim [F999].")
    at.button(key=f"FormSubmitter:answer_form_{rid}-Save as a new version").click().run()
    assert any("names no finding" in e.value for e in at.error)
    with Session(app_engine) as session:
        assert answers_reads.versions(session, question_id=rid) == []


def test_viewer_reads_without_an_editor(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    _manager, viewer, rid, _f1, _f2 = _world(app_engine)
    at = open_app(viewer, "answers", root=str(rid))
    assert_no_exception(at)
    assert f"answer_body_{rid}" not in {t.key for t in at.text_area}
    assert at.get("download_button")  # the memo is for stakeholders too
