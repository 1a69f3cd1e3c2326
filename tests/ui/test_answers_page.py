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
            data=findings.FindingInput(
                summary="Monthly plans churn",
                links=("https://github.com/acme/churn/pull/418",),
            ),
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
    # ... and what its links are, to open from here while writing
    assert any("PR \\#418 · acme/churn" in m.value for m in at.markdown)
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


def _two_trees(engine: Engine) -> tuple[int, int, int, int, int]:
    """Two general questions (the second's title sorts last), the second with a
    sub-question holding a finding."""
    with Session(engine) as session:
        team = make_team(session)
        first = root(session, team, "A first general question")
        second = root(session, team, "Why did retention drop in Q3?")
        [sub] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=second,
            items=[SubQuestion("Which plans?", assignee_id=team.ic)],
        )
        fid = findings.log_finding(
            session,
            team.ic,
            question_id=sub.id,
            data=findings.FindingInput(summary="Monthly plans churn"),
        ).id
    return team.manager, first, second, sub.id, fid


def test_a_cited_marker_links_to_the_finding_card_on_questions(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, _first, rid, sub, fid = _two_trees(app_engine)
    at = open_app(manager, "answers", root=str(rid))
    at.text_area(key=f"answer_body_{rid}").input(f"Monthly plans drove it [F{fid}], not [F999x].")
    at.button(key=f"FormSubmitter:answer_form_{rid}-Save as a new version").click().run()
    assert_no_exception(at)
    link = rf"[\[F{fid}\]](questions?root={rid}&node={sub}&finding={fid})"
    body = [m.value for m in at.markdown if "Monthly plans drove it" in m.value]
    assert body and all(link in b for b in body), body
    # Each cited finding says how strong it is: this one is shared, not yet accepted.
    assert any(c.value == f"Cites: {link} :gray-badge[shared only]" for c in at.caption)
    assert "0 of 1 claim rests on reviewed evidence" in "".join(c.value for c in at.caption)


def _open_root(at: AppTest) -> int:
    keys = [s.key for s in at.selectbox if s.key and s.key.startswith("q_root_")]
    return int(str(at.selectbox(key=keys[0]).value))


def test_answers_opens_on_the_question_last_shown(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    """A click in the sidebar drops the address's ?root=&node=: Answers puts back the
    question it showed last instead of opening on the first general question."""
    manager, first, rid, sub, _fid = _two_trees(app_engine)
    at = open_app(manager, "answers", root=str(rid), node=str(sub))
    assert _open_root(at) == rid
    at.switch_page("team/ui/pages/overview.py")
    at.query_params.clear()
    at.run()
    at.switch_page("team/ui/pages/answers.py")
    at.run()
    assert_no_exception(at)
    assert _open_root(at) == rid
    assert (at.query_params.get("root"), at.query_params.get("node")) == (str(rid), str(sub))
    assert any("Which plans?" in h.value for h in at.markdown if h.value.startswith("####"))
    # Without anything remembered, the first general question (by title) opens.
    fresh = open_app(manager, "answers")
    assert _open_root(fresh) == first


def test_answers_opens_on_the_question_open_on_questions(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, _first, rid, sub, _fid = _two_trees(app_engine)
    at = open_app(manager, "questions", root=str(rid), node=str(sub))
    assert_no_exception(at)
    at.query_params.clear()  # the sidebar's link to Answers carries no parameters
    at.switch_page("team/ui/pages/answers.py")
    at.run()
    assert_no_exception(at)
    assert at.title[0].value == "Answers"
    assert _open_root(at) == rid
    assert at.query_params.get("node") == str(sub)
