"""Search, as a person using it would notice, on SQLite and PostgreSQL: what ranks first,
what the query language finds, folding of case and accents, who sees what (hits, counts
and facets alike), facets counted with the other filters, answer versions, the index in
step with every write (create, edit, delete, import, the demo), hostile queries and
similar titles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlmodel import Session, SQLModel, col

from team.backup.export import export_data
from team.backup.restore import import_data
from team.db import make_engine
from team.demo.load import load_demo
from team.models import ActionItem, Note, Person, Question, TrackNote, utcnow
from team.services.admin import projects as admin_projects
from team.services.admin.projects import ProjectInput
from team.services.answers import writes as answers
from team.services.answers.writes import AnswerInput
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.paging import Window
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.notes import writes as notes
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate, QuestionUpdate
from team.services.reviews import writes as reviews
from team.services.search.kinds import Kind
from team.services.search.reads import Results, search, similar
from team.services.search.sql import Filters
from team.services.search.terms import MAX_QUERY, MAX_TERMS, fold, words
from team.vocabulary import FindingKind
from tests.conftest import migrated_copy, truncate_postgres
from tests.e2e.payloads import PAYLOADS
from tests.factories import Team, backdate_question

ALL = Window(size=500)  # one page holds every hit of these small data sets
REPO = "https://github.com/example-org/churn-forecaster/pull/7"
ARTIFACT = "https://github.com/acme/warehouse-loader/pull/12"
K = Kind


# --------------------------------------------------------------------------- helpers


def _results(session: Session, who: int, query: str, **kw: Any) -> Results:
    results = search(session, who, text=query, window=ALL, **kw)
    assert results.hits.total == len(results.hits.items), "the count is of what is listed"
    return results


def _found(session: Session, who: int, query: str, **kw: Any) -> list[tuple[Kind, int]]:
    return [(h.kind, h.id) for h in _results(session, who, query, **kw).hits.items]


def _facet(results: Results, name: str) -> dict[str, int]:
    return {v.value: v.count for v in results.facets.get(name, [])}


def _question(
    s: Session,
    t: Team,
    title: str,
    *,
    context: str = "",
    project: int | None = None,
    technique: str | None = None,
    assignee: int | None = None,
) -> int:
    data = QuestionCreate(
        title=title,
        context=context,
        project_id=project or t.project,
        technique=technique,
        assignee_id=assignee,
    )
    return questions.create_question(s, t.manager, data=data).id


def _finding(s: Session, t: Team, question: int, summary: str, *, body: str = "", **kw: Any) -> int:
    data = FindingInput(summary=summary, body=body, **kw)
    return findings.log_finding(s, t.ic, question_id=question, data=data).id


def _days_ago(s: Session, model: type[SQLModel], row_id: int, days: float) -> None:
    column = "requested_at" if model.__name__ == "ReviewRequest" else "created_at"
    when = utcnow() - timedelta(days=days)
    s.execute(update(model).where(col(model.id) == row_id).values({column: when}))  # type: ignore[attr-defined]
    s.commit()


def _questions(*ids: int) -> list[tuple[Kind, int]]:
    return [(K.QUESTION, i) for i in ids]


# --------------------------------------------------------------------------- ranking


def test_a_title_hit_outranks_a_body_hit_even_when_older(session: Session, team: Team) -> None:
    context = "Seen by the finance team in the monthly numbers for every region."
    titled = _question(session, team, "Churn review", context=context)
    body = _question(session, team, "Review notes", context="Churn.")
    backdate_question(session, titled, utcnow() - timedelta(days=20))
    assert _found(session, team.manager, "churn") == _questions(titled, body)
    # Newest first puts the more recent body hit ahead.
    assert _found(session, team.manager, "churn", by_date=True) == _questions(body, titled)


def test_of_two_equal_hits_the_recent_one_ranks_first(session: Session, team: Team) -> None:
    old = _question(session, team, "Churn by region")
    new = _question(session, team, "Churn by region")
    older = _question(session, team, "Churn by region")
    backdate_question(session, old, utcnow() - timedelta(days=60))
    backdate_question(session, older, utcnow() - timedelta(days=400))
    assert _found(session, team.manager, "churn region") == _questions(new, old, older)
    assert _found(session, team.manager, "churn", by_date=True) == _questions(new, old, older)


def test_recent_work_outranks_a_slightly_closer_old_hit(session: Session, team: Team) -> None:
    closer = _question(session, team, "Churn by region")
    recent = _question(session, team, "Churn by region", context="Notes.")  # a word longer
    backdate_question(session, closer, utcnow() - timedelta(days=400))
    assert _found(session, team.manager, "churn region") == _questions(recent, closer)
    # Ten years on, both are old: the closer hit comes first again.
    later = utcnow() + timedelta(days=3650)
    assert _found(session, team.manager, "churn region", now=later) == _questions(closer, recent)


def test_by_date_sorts_every_kind_newest_first(session: Session, team: Team) -> None:
    q = _question(session, team, "Cohort churn", assignee=team.ic)
    f = _finding(session, team, q, "Cohort churn is flat")
    n = notes.add_note(session, team.manager, target="question", target_id=q, body="churn?")
    _days_ago(session, Question, q, 3)
    _days_ago(session, Note, n, 9)
    hits = _results(session, team.manager, "churn", by_date=True).hits.items
    assert [(h.kind, h.id) for h in hits] == [(K.FINDING, f), (K.QUESTION, q), (K.NOTE, n)]
    stamps = [h.at for h in hits]
    assert all(a is not None for a in stamps)
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]


# --------------------------------------------------------------------------- the query


@pytest.fixture
def titles(session: Session, team: Team) -> dict[str, int]:
    """Questions whose titles the query-language tests search."""
    names = {
        "phrase": "Did the price change cause the churn?",
        "apart": "Change the price page before churn season",
        "churned": "Which customers churned in July?",
        "churning": "Accounts churning after onboarding",
        "chart": "Chart of weekly signups",
        "elasticity": "Price elasticity per segment",
        "forecast": "Weekly demand forecast per region",
        "cafe": "Cafe opening hours",
        "café": "Café loyalty card",
        "été": "Sales in the été season",
        "istanbul": "Istanbul office headcount",
    }
    return {key: _question(session, team, title) for key, title in names.items()}


def _ids(session: Session, team: Team, query: str) -> set[int]:
    return {i for _, i in _found(session, team.manager, query)}


def test_a_phrase_matches_the_words_together_not_apart(
    session: Session, team: Team, titles: dict[str, int]
) -> None:
    assert _ids(session, team, '"price change"') == {titles["phrase"]}
    assert _ids(session, team, "price change") == {titles["phrase"], titles["apart"]}
    assert _ids(session, team, '"change the price"') == {titles["apart"]}
    assert _ids(session, team, '"price change') == {titles["phrase"]}  # unclosed quote


def test_a_prefix_finds_every_word_it_starts(
    session: Session, team: Team, titles: dict[str, int]
) -> None:
    churn = {titles[k] for k in ("phrase", "apart", "churned", "churning")}
    assert _ids(session, team, "chur*") == churn
    assert _ids(session, team, "churn") == {titles["phrase"], titles["apart"]}
    assert titles["chart"] not in _ids(session, team, "chur*")
    # One letter is too short a prefix: it is the word "c", which nothing holds.
    assert _ids(session, team, "c*") == set()


def test_a_minus_leaves_out_what_holds_the_word_or_phrase(
    session: Session, team: Team, titles: dict[str, int]
) -> None:
    assert _ids(session, team, "churn -price") == set()
    assert _ids(session, team, "chur* -price") == {titles["churned"], titles["churning"]}
    assert _ids(session, team, 'churn -"price change"') == {titles["apart"]}
    assert _ids(session, team, "-churn") == set()  # nothing left to look for


def test_or_takes_either_term(session: Session, team: Team, titles: dict[str, int]) -> None:
    assert _ids(session, team, "elasticity forecast") == set()
    both = {titles["elasticity"], titles["forecast"]}
    assert _ids(session, team, "elasticity OR forecast") == both
    assert _ids(session, team, "weekly elasticity OR forecast") == {titles["forecast"]}
    assert _ids(session, team, "elasticity or forecast") == set()  # "or" is a word


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("café", {"cafe", "café"}),
        ("cafe", {"cafe", "café"}),
        ("CAFÉ", {"cafe", "café"}),
        ("ÉTÉ", {"été"}),
        ("ete", {"été"}),
        ("İSTANBUL", {"istanbul"}),
        ("istanbul", {"istanbul"}),
    ],
)
def test_case_and_accents_fold_both_ways(
    session: Session, team: Team, titles: dict[str, int], query: str, keys: set[str]
) -> None:
    assert _ids(session, team, query) == {titles[k] for k in keys}


def test_the_snippet_marks_the_folded_hit_as_written(
    session: Session, team: Team, titles: dict[str, int]
) -> None:
    [hit] = _results(session, team.manager, "CAFE loyalty").hits.items
    assert hit.title == "Café loyalty card"
    assert [p.text for p in hit.title_marks if p.hit] == ["Café", "loyalty"]


def test_a_title_is_shown_whole_with_its_hits_marked(session: Session, team: Team) -> None:
    title = "Did the July list price change of the Starter plan make the zeppelin churn worse?"
    _question(session, team, title)
    [hit] = _results(session, team.manager, "zeppelin").hits.items
    assert "".join(p.text for p in hit.title_marks) == title
    assert [p.text for p in hit.title_marks if p.hit] == ["zeppelin"]


def test_text_typed_with_separate_accents_is_found(session: Session, team: Team) -> None:
    decomposed = _question(session, team, "Cafe\u0301 au lait")
    assert _ids(session, team, "café") == {decomposed}
    assert _ids(session, team, "cafe") == {decomposed}


def test_words_inside_links_are_found(session: Session, team: Team) -> None:
    q = _question(session, team, "Why is churn rising?", assignee=team.ic)
    f = _finding(session, team, q, "Churn rose in SMB", links=(REPO,))
    r = reviews.request_review(
        session, team.ic, data=reviews.ReviewInput(q, team.manager, ARTIFACT, "the join")
    )
    assert set(_found(session, team.manager, "github")) == {(K.FINDING, f), (K.REVIEW, r)}
    assert _found(session, team.manager, "forecaster") == [(K.FINDING, f)]
    assert _found(session, team.manager, "churn-forecaster") == [(K.FINDING, f)]
    assert _found(session, team.manager, "warehouse-loader") == [(K.REVIEW, r)]
    assert _found(session, team.manager, "acme loader") == [(K.REVIEW, r)]
    [hit] = _results(session, team.manager, "loader").hits.items
    assert hit.title == f"Review request: {ARTIFACT}"
    assert dict(hit.link.params) == {"review": str(r)}


# --------------------------------------------------------------------------- who sees what


@dataclass(frozen=True)
class Corpus:
    """One thing of every kind holding the word "zephyr"."""

    question: int
    finding: int
    answer: int
    note_on_question: int
    note_on_finding: int
    note_on_answer: int
    note_on_review: int
    review: int
    meeting: int
    track: int
    action: int


def build_corpus(s: Session, t: Team) -> Corpus:
    q = _question(s, t, "Zephyr rollout and churn", assignee=t.ic)
    f = _finding(s, t, q, "Zephyr users churn less", links=(REPO,))
    a = answers.save_answer(
        s, t.manager, question_id=q, based_on=None, data=AnswerInput(body="Zephyr explains it.")
    )
    review = reviews.request_review(
        s, t.ic, data=reviews.ReviewInput(q, t.manager, ARTIFACT, "Check the zephyr join")
    )
    meeting = one_on_ones.start(s, t.manager, report_id=t.ic)
    one_on_ones.edit_notes(s, t.manager, one_on_one_id=meeting, version=1, notes="Zephyr worry")
    return Corpus(
        question=q,
        finding=f,
        answer=a.id,
        note_on_question=notes.add_note(
            s, t.other_ic, target="question", target_id=q, body="zephyr?"
        ),
        note_on_finding=notes.add_note(s, t.manager, target="finding", target_id=f, body="zephyr!"),
        note_on_answer=notes.add_note(
            s, t.other_manager, target="answer", target_id=a.id, body="zephyr"
        ),
        note_on_review=notes.add_note(
            s, t.manager, target="review_request", target_id=review, body="zephyr join is off"
        ),
        review=review,
        meeting=meeting,
        track=one_on_ones.add_track_note(
            s, t.manager, one_on_one_id=meeting, track="Career", body="Wants to lead zephyr"
        ),
        action=one_on_ones.add_action_item(
            s, t.manager, one_on_one_id=meeting, owner_id=t.ic, description="Write the zephyr memo"
        ),
    )


@pytest.fixture
def corpus(session: Session, team: Team) -> Corpus:
    return build_corpus(session, team)


def _everything(c: Corpus) -> set[tuple[Kind, int]]:
    return {
        (K.QUESTION, c.question),
        (K.FINDING, c.finding),
        (K.ANSWER, c.answer),
        (K.NOTE, c.note_on_question),
        (K.NOTE, c.note_on_finding),
        (K.NOTE, c.note_on_answer),
        (K.NOTE, c.note_on_review),
        (K.REVIEW, c.review),
        (K.ONE_ON_ONE, c.meeting),
        (K.TRACK, c.track),
        (K.ACTION_ITEM, c.action),
    }


PRIVATE = (K.ONE_ON_ONE, K.TRACK, K.ACTION_ITEM)


def _visible(c: Corpus, role: str) -> set[tuple[Kind, int]]:
    everything = _everything(c)
    if role in ("manager", "ic"):
        return everything
    shared = {(k, i) for k, i in everything if k not in PRIVATE}
    if role in ("other_manager", "other_ic"):
        return shared
    assert role == "viewer"
    return shared - {(K.REVIEW, c.review), (K.NOTE, c.note_on_review)}


@pytest.mark.parametrize("role", ["manager", "ic", "other_manager", "other_ic", "viewer"])
def test_each_person_finds_what_they_may_see_and_counts_only_that(
    session: Session, team: Team, corpus: Corpus, role: str
) -> None:
    who: int = getattr(team, role)
    wanted = _visible(corpus, role)
    results = _results(session, who, "zephyr")
    assert {(h.kind, h.id) for h in results.hits.items} == wanted
    assert results.hits.total == len(wanted)
    kinds = Counter(k.value for k, _ in wanted)
    assert _facet(results, "kind") == kinds
    assert sum(_facet(results, "person").values()) == len(wanted)  # everything has an author
    private = sum(kinds[k.value] for k in PRIVATE)
    assert sum(_facet(results, "project").values()) == len(wanted) - private
    no_status = kinds[K.ONE_ON_ONE.value] + kinds[K.TRACK.value]
    assert sum(_facet(results, "status").values()) == len(wanted) - no_status
    assert {s.split(":")[0] for s in _facet(results, "status")} <= set(kinds)
    # Asking for a hidden kind by name shows nothing either.
    hidden = tuple(k for k in Kind if k.value not in kinds)
    if hidden:
        narrowed = _results(session, who, "zephyr", filters=Filters(kinds=hidden))
        assert narrowed.hits.items == []
        assert narrowed.hits.total == 0
        assert _facet(narrowed, "kind") == kinds  # its own facet leaves its filter out


def test_the_private_words_of_a_meeting_stay_with_its_two_people(
    session: Session, team: Team, corpus: Corpus
) -> None:
    for word in ("worry", "lead", "memo"):
        assert _found(session, team.manager, word) != []
        assert _found(session, team.ic, word) != []
        for outsider in (team.other_manager, team.other_ic, team.viewer):
            results = _results(session, outsider, word)
            assert results.hits.total == 0
            assert results.facets.get("kind", []) == []
            assert results.facets.get("person", []) == []


def test_one_on_one_hits_name_the_pair_and_link_to_it(
    session: Session, team: Team, corpus: Corpus
) -> None:
    hits = {h.kind: h for h in _results(session, team.ic, "zephyr").hits.items}
    for kind in PRIVATE:
        assert hits[kind].where == "Maya & Ines"
        assert dict(hits[kind].link.params) == {
            "report": str(team.ic),
            "manager": str(team.manager),
        }
        assert hits[kind].link.page == "one_on_ones"
    assert hits[K.ANSWER].title == "Answer, version 1"
    assert hits[K.QUESTION].path == ("Zephyr rollout and churn",)


def test_a_deactivated_person_is_refused(session: Session, team: Team, corpus: Corpus) -> None:
    with pytest.raises(PermissionDenied, match="deactivated"):
        search(session, team.inactive_ic, text="zephyr")
    with pytest.raises(PermissionDenied, match="deactivated"):
        similar(session, team.inactive_ic, kind=K.QUESTION, text="Zephyr rollout")
    # Deactivated after signing in: the next search is refused too.
    session.execute(update(Person).where(col(Person.id) == team.ic).values(active=False))
    session.commit()
    with pytest.raises(PermissionDenied):
        search(session, team.ic, text="zephyr")


# --------------------------------------------------------------------------- facets


@dataclass(frozen=True)
class Faceted:
    retention_root: int
    sub: int
    pricing_root: int
    pricing: int
    findings: tuple[int, int]


@pytest.fixture
def faceted(session: Session, team: Team) -> Faceted:
    pricing = admin_projects.add_project(session, team.manager, data=ProjectInput("Pricing")).id
    root_id = _question(session, team, "Why did churn rise?", technique="Cohort analysis")
    [sub] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=root_id,
        items=[questions.SubQuestion("Which plans churn?", assignee_id=team.ic)],
    )
    pricing_root = _question(session, team, "Does churn follow price?", project=pricing)
    f1 = _finding(session, team, sub.id, "Monthly plans churn most")
    f2 = _finding(session, team, sub.id, "Churn data misses July", kind=FindingKind.CAVEAT)
    return Faceted(root_id, sub.id, pricing_root, pricing, (f1, f2))


def test_each_facet_counts_with_the_other_filters(
    session: Session, team: Team, faceted: Faceted
) -> None:
    everything = _results(session, team.manager, "churn")
    assert _facet(everything, "kind") == {"question": 3, "finding": 2}
    assert _facet(everything, "person") == {str(team.manager): 3, str(team.ic): 2}
    assert _facet(everything, "project") == {str(team.project): 4, str(faceted.pricing): 1}
    assert _facet(everything, "finding_kind") == {"result": 1, "caveat": 1}
    assert _facet(everything, "technique") == {"Cohort analysis": 4}  # inherited below
    assert _facet(everything, "status") == {"question:open": 3, "finding:shared": 2}
    names = {v.value: v.label for v in everything.facets["person"]}
    assert names == {str(team.manager): "Maya", str(team.ic): "Ines"}

    only_findings = _results(session, team.manager, "churn", filters=Filters(kinds=(K.FINDING,)))
    assert {h.kind for h in only_findings.hits.items} == {K.FINDING}
    assert only_findings.hits.total == 2
    assert _facet(only_findings, "kind") == {"question": 3, "finding": 2}  # still listed
    assert _facet(only_findings, "person") == {str(team.ic): 2}  # findings only
    assert _facet(only_findings, "project") == {str(team.project): 2}

    caveats = Filters(finding_kinds=("caveat",))
    assert _found(session, team.manager, "churn", filters=caveats) == [
        (K.FINDING, faceted.findings[1])
    ]


def test_project_and_person_filters(session: Session, team: Team, faceted: Faceted) -> None:
    in_pricing = _results(
        session, team.manager, "churn", filters=Filters(projects=(faceted.pricing,))
    )
    assert [(h.kind, h.id) for h in in_pricing.hits.items] == _questions(faceted.pricing_root)
    assert _facet(in_pricing, "project") == {str(team.project): 4, str(faceted.pricing): 1}
    assert _facet(in_pricing, "kind") == {"question": 1}

    by_ines = _results(session, team.manager, "churn", filters=Filters(people=(team.ic,)))
    assert {(h.kind, h.id) for h in by_ines.hits.items} == {
        (K.FINDING, f) for f in faceted.findings
    }
    assert _facet(by_ines, "person") == {str(team.manager): 3, str(team.ic): 2}
    assert _facet(by_ines, "kind") == {"finding": 2}

    both = Filters(projects=(faceted.pricing,), people=(team.ic,))
    assert _results(session, team.manager, "churn", filters=both).hits.total == 0


def test_the_date_range_keeps_what_was_written_within_it(
    session: Session, team: Team, faceted: Faceted
) -> None:
    backdate_question(session, faceted.pricing_root, utcnow() - timedelta(days=40))
    cut = utcnow() - timedelta(days=10)
    recent = _found(session, team.manager, "churn", filters=Filters(since=cut))
    assert (K.QUESTION, faceted.pricing_root) not in recent
    assert len(recent) == 4
    old = _found(session, team.manager, "churn", filters=Filters(until=cut))
    assert old == _questions(faceted.pricing_root)
    window = Filters(since=cut - timedelta(days=40), until=cut)
    assert _found(session, team.manager, "churn", filters=window) == old
    assert (
        _found(session, team.manager, "churn", filters=Filters(until=cut - timedelta(days=40)))
        == []
    )


# --------------------------------------------------------------------------- answers


def test_only_the_latest_answer_version_unless_older_ones_are_asked_for(
    session: Session, team: Team
) -> None:
    q = _question(session, team, "Is churn seasonal?")
    first = answers.save_answer(
        session,
        team.manager,
        question_id=q,
        based_on=None,
        data=AnswerInput(body="Churn is seasonal, peaking in July."),
    )
    second = answers.save_answer(
        session,
        team.manager,
        question_id=q,
        based_on=1,
        data=AnswerInput(body="Churn is structural: SMB plans leak all year."),
    )
    assert _found(session, team.manager, "churn", filters=Filters(kinds=(K.ANSWER,))) == [
        (K.ANSWER, second.id)
    ]
    assert _found(session, team.manager, "peaking") == []
    older = Filters(older_versions=True)
    assert _found(session, team.manager, "peaking", filters=older) == [(K.ANSWER, first.id)]
    both = _results(
        session, team.manager, "churn", filters=Filters(kinds=(K.ANSWER,), older_versions=True)
    )
    assert {h.title for h in both.hits.items} == {"Answer, version 1", "Answer, version 2"}
    [hit] = _results(session, team.manager, "structural").hits.items
    assert dict(hit.link.params) == {"root": str(q), "version": "2"}
    assert hit.link.page == "answers"


# --------------------------------------------------------------------------- the index in step


def test_the_index_follows_edits(session: Session, team: Team, corpus: Corpus) -> None:
    c, t = corpus, team
    assert _found(session, t.manager, "quokka") == []
    questions.update_question(
        session,
        t.manager,
        question_id=c.question,
        version=_version(session, "question", c.question),
        changes=QuestionUpdate(title="Quokka rollout"),
    )
    findings.edit_finding(
        session,
        t.ic,
        finding_id=c.finding,
        version=_version(session, "finding", c.finding),
        data=FindingInput(summary="Quokka users stay", links=("https://gitlab.example.com/x",)),
    )
    one_on_ones.edit_notes(
        session,
        t.manager,
        one_on_one_id=c.meeting,
        version=_version(session, "one_on_one", c.meeting),
        notes="Quokka plans",
    )
    one_on_ones.edit_track_note(
        session,
        t.manager,
        track_note_id=c.track,
        version=_version(session, "track_note", c.track),
        body="Wants to lead quokka",
    )
    found = set(_found(session, t.manager, "quokka"))
    assert found == {
        (K.QUESTION, c.question),
        (K.FINDING, c.finding),
        (K.ONE_ON_ONE, c.meeting),
        (K.TRACK, c.track),
    }
    gone = set(_found(session, t.manager, "zephyr"))
    assert gone.isdisjoint(found)
    assert _found(session, t.manager, "github", filters=Filters(kinds=(K.FINDING,))) == []
    assert _found(session, t.manager, "gitlab") == [(K.FINDING, c.finding)]
    # A change of a column that is not searched leaves the words as they were.
    session.execute(update(Question).where(col(Question.id) == c.question).values(status="blocked"))
    session.commit()
    assert (K.QUESTION, c.question) in _found(session, t.manager, "quokka")


def _version(session: Session, table: str, row_id: int) -> int:
    return int(
        session.execute(
            text(f"SELECT version FROM {table} WHERE id = :i"), {"i": row_id}
        ).scalar_one()
    )


def test_a_deleted_row_is_no_longer_found(session: Session, team: Team, corpus: Corpus) -> None:
    for model, row_id in (
        (TrackNote, corpus.track),
        (ActionItem, corpus.action),
        (Note, corpus.note_on_review),
    ):
        session.execute(delete(model).where(col(model.id) == row_id))
    session.commit()
    left = set(_found(session, team.manager, "zephyr"))
    assert left == _everything(corpus) - {
        (K.TRACK, corpus.track),
        (K.ACTION_ITEM, corpus.action),
        (K.NOTE, corpus.note_on_review),
    }
    assert _found(session, team.manager, "lead") == []


def test_the_demo_replaces_everything_and_its_words_are_found(
    session: Session, team: Team, corpus: Corpus
) -> None:
    load_demo(session, force=True)  # deletes every row first, in the same transaction
    maya = _person(session, "maya@example.com")
    assert _found(session, maya, "zephyr") == []
    assert _found(session, maya, "quokka") == []
    every_title = session.execute(select(col(Question.id), col(Question.title))).all()
    assert len(every_title) > 30
    for qid, title in every_title:
        phrase = '"' + " ".join(words(title)[:MAX_TERMS]) + '"'
        found = _found(session, maya, phrase, filters=Filters(kinds=(K.QUESTION,)))
        assert (K.QUESTION, qid) in found, title
    daniel, rachel = _person(session, "daniel@example.com"), _person(session, "rachel@example.com")
    mayas = _results(session, maya, "Tomás")
    assert _facet(mayas, "kind").keys() & {"one_on_one", "track"}
    assert _facet(_results(session, daniel, "Tomás"), "kind").keys().isdisjoint(PRIVATE)
    assert {h.kind for h in _results(session, rachel, "github").hits.items} == {K.FINDING}
    assert {h.kind for h in _results(session, maya, "github").hits.items} == {K.FINDING, K.REVIEW}


def _person(session: Session, email: str) -> int:
    person_id = session.scalar(select(col(Person.id)).where(col(Person.email) == email))
    assert person_id is not None
    return int(person_id)


@pytest.fixture
def empty(engine: Engine, sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """Another empty database of the same kind (PostgreSQL: the same one, wiped)."""
    if engine.dialect.name == "postgresql":
        yield engine
        return
    other = make_engine(migrated_copy(sqlite_template, tmp_path / "imported.db"))
    yield other
    other.dispose()


def test_an_imported_backup_is_searchable(
    engine: Engine, session: Session, team: Team, corpus: Corpus, empty: Engine
) -> None:
    before = {
        who: _found(session, who, "zephyr")
        for who in (team.manager, team.other_manager, team.viewer)
    }
    data = export_data(session)
    session.close()
    if empty is engine:
        truncate_postgres(engine)
    with Session(empty) as fresh:
        import_data(fresh, data)
    with Session(empty) as restored:
        for who, hits in before.items():
            assert _found(restored, who, "zephyr") == hits
        assert _found(restored, team.manager, "loader") == [(K.REVIEW, corpus.review)]


# --------------------------------------------------------------------------- hostile queries

SEARCH_TRICKS = [
    '"',
    '""',
    '"churn',
    'churn"',
    '"price change',
    "((churn",
    "churn))",
    "(",
    ")",
    "NEAR(churn price)",
    "churn NEAR price",
    "NEAR/2",
    "*",
    "**",
    "***churn",
    "churn*",
    "churn**",
    "*churn",
    "c*",
    ":",
    "title:churn",
    "body : churn",
    "^churn",
    "^",
    "-",
    "--",
    "-churn",
    "- churn",
    '-"',
    '-"price change"',
    "AND",
    "OR",
    "NOT",
    "OR OR OR",
    "churn OR",
    "OR churn",
    "churn AND NOT price",
    "churn NOT price",
    "churn & price",
    "churn | price",
    "!churn",
    "churn <-> price",
    "churn:*",
    "'churn':*A",
    "\\",
    "\\\\",
    "C:\\Users\\churn",
    "churn\\",
    "\x00",
    "churn\x00price",
    "\x1b[31mchurn\x1b[0m",
    "\x7f",
    "\u200f\u202e churn \u202c",
    "\u2066churn\u2069",
    "🔥",
    "👩🏽\u200d💻 churn 🇫🇷",
    "²",
    "½ churn",
    "x²",
    "Ⅻ",
    "\ud800",
    "'",
    "''",
    "';--",
    "%",
    "_",
    "%_%",
    "churn_rate",
    "{}",
    "[]",
    "$1",
    "?",
    "@@",
    "||",
    "\t\n\r",
    "   ",
    "",
    "churn " * 16 + "churn",
    "x" * MAX_QUERY,
    "a " * 100,
    "a" * 10_000,
    "churn " * 2_000,
]


@pytest.fixture
def hostile(session: Session, team: Team) -> dict[str, int]:
    """Every payload of the hostile corpus stored as a note (by payload name), beside a
    question on price changes and churn."""
    q = _question(session, team, "Did the price change cause the churn?")
    return {
        p.name: notes.add_note(session, team.manager, target="question", target_id=q, body=p.text)
        for p in PAYLOADS
    }


def _run(session: Session, who: int, query: str) -> Results | InvalidInput:
    try:
        return _results(session, who, query)
    except InvalidInput as refused:
        return refused


def _refused_for_a_limit(query: str, refused: InvalidInput) -> None:
    if len(query) > MAX_QUERY:
        assert f"at most {MAX_QUERY} characters" in refused.message
        assert f"{len(query):,}" in refused.message
    else:
        assert f"at most {MAX_TERMS} words" in refused.message
        assert len(words(query)) > MAX_TERMS


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_every_hostile_payload_finds_where_it_was_written(
    session: Session, team: Team, hostile: dict[str, int], payload: Any
) -> None:
    outcome = _run(session, team.manager, payload.text)
    if isinstance(outcome, InvalidInput):
        _refused_for_a_limit(payload.text, outcome)
        return
    if words(payload.text):
        assert (K.NOTE, hostile[payload.name]) in [(h.kind, h.id) for h in outcome.hits.items]
    else:
        assert outcome.hits.total == 0


def test_search_syntax_of_other_engines_is_only_words(
    session: Session, team: Team, hostile: dict[str, int]
) -> None:
    outcomes = {query: _run(session, team.manager, query) for query in SEARCH_TRICKS}
    for query, outcome in outcomes.items():
        if isinstance(outcome, InvalidInput):
            _refused_for_a_limit(query, outcome)
        elif not words(query):
            assert outcome.hits.total == 0, query
    refused = [q for q, o in outcomes.items() if isinstance(o, InvalidInput)]
    assert refused == ["churn " * 16 + "churn", "a " * 100, "a" * 10_000, "churn " * 2_000]
    churn = _keys(_run(session, team.manager, "churn"))
    assert len(churn) > 1
    for query in ["((churn", "churn))", "***churn", "*churn", "^churn", "!churn", "churn\\"]:
        assert _keys(outcomes[query]) == churn, query
    phrase = _keys(_run(session, team.manager, '"price change"'))
    assert len(phrase) == 1
    assert _keys(outcomes['"price change']) == phrase
    assert _keys(outcomes["-churn"]) == set()


def _keys(outcome: Results | InvalidInput) -> set[tuple[Kind, int]]:
    assert isinstance(outcome, Results)
    return {(h.kind, h.id) for h in outcome.hits.items}


# --------------------------------------------------------------------------- similar


def test_similar_lists_the_question_sharing_rare_words_first(session: Session, team: Team) -> None:
    emea = _question(session, team, "Why did enterprise renewals slump in EMEA?")
    others = [_question(session, team, f"Renewals forecast for segment {n}") for n in range(7)]
    pricing = _question(session, team, "Enterprise pricing page copy")
    found = similar(session, team.ic, kind=K.QUESTION, text="Enterprise renewals slump in APAC")
    assert len(found) == 5
    assert (found[0].kind, found[0].id) == (K.QUESTION, emea)
    assert all(h.kind == K.QUESTION for h in found)
    assert {h.id for h in found[1:]} <= {*others, pricing}
    assert similar(session, team.ic, kind=K.QUESTION, text="Why did it do what it should?") == []
    assert similar(session, team.ic, kind=K.QUESTION, text="Q3 is up") == []
    assert similar(session, team.ic, kind=K.QUESTION, text="") == []


def test_one_rare_shared_word_outranks_one_common_one(session: Session, team: Team) -> None:
    slump = _question(session, team, "Why did bookings slump across the whole book this year?")
    for n in range(6):
        _question(session, team, f"Renewals report {n}")
    found = similar(session, team.ic, kind=K.QUESTION, text="Renewals slump")
    assert [h.id for h in found][:1] == [slump]


def test_similar_respects_who_may_see_what(session: Session, team: Team, corpus: Corpus) -> None:
    def ids(who: int, kind: Kind, title: str) -> list[int]:
        return [h.id for h in similar(session, who, kind=kind, text=title)]

    assert ids(team.viewer, K.QUESTION, "zephyr rollout") == [corpus.question]
    assert ids(team.viewer, K.FINDING, "zephyr users") == [corpus.finding]
    assert ids(team.ic, K.REVIEW, "zephyr join") == [corpus.review]
    assert ids(team.other_ic, K.REVIEW, "zephyr join") == [corpus.review]
    assert ids(team.manager, K.TRACK, "lead zephyr") == [corpus.track]
    assert ids(team.ic, K.ACTION_ITEM, "zephyr memo") == [corpus.action]


@pytest.mark.parametrize(
    ("role", "kind", "title"),
    [
        ("viewer", K.REVIEW, "zephyr join"),
        ("viewer", K.TRACK, "lead zephyr"),
        ("other_manager", K.TRACK, "lead zephyr"),
        ("other_ic", K.ACTION_ITEM, "zephyr memo"),
        ("other_manager", K.ONE_ON_ONE, "zephyr worry"),
    ],
)
def test_similar_of_a_kind_one_may_not_see_is_empty(
    session: Session,
    team: Team,
    corpus: Corpus,
    role: str,
    kind: Kind,
    title: str,
) -> None:
    assert similar(session, getattr(team, role), kind=kind, text=title) == []


# --------------------------------------------------------------------------- the two folds


LATIN = [
    chr(c)
    for c in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
]


@pytest.mark.postgres
def test_python_folds_as_postgresql_does(postgres_engine: Engine) -> None:
    """The query is folded in Python and the index by ``team_fold``: a letter they fold
    apart could never be found on PostgreSQL."""
    sample = [*LATIN, "İ", "ÉTÉ", "Ærøskøbing", "Łódź", "Straße", "ǅemal"]
    with postgres_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT x, team_fold(x) FROM unnest(CAST(:xs AS text[])) AS x"), {"xs": sample}
        ).all()
    apart = [(x, pg, fold(x)) for x, pg in rows if pg != fold(x)]
    assert len(rows) == len(sample)
    assert apart == []
