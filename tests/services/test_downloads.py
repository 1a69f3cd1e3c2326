"""Every download of a team whose every text field holds the hostile corpus is safe
where it goes: the memo and the one-on-one agenda render, in a CommonMark renderer with
raw HTML on, to no element and no link the user did not write as text (titles, names and
summaries literal, bodies defused, fences closed), and the audit CSV and every list's
CSV have no cell a spreadsheet would take for a formula, every title exact otherwise."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from team.models import Person
from team.services.admin import audit
from team.services.admin.audit import AuditFilter
from team.services.answers import writes as answers
from team.services.answers.memo import memo
from team.services.core.exports import FORMULA_START
from team.services.findings import writes as findings
from team.services.findings.export import findings_csv
from team.services.findings.writes import FindingInput
from team.services.inbox.export import my_work_csv
from team.services.notes import writes as notes
from team.services.one_on_ones import agenda
from team.services.one_on_ones import writes as one_on_ones
from team.services.one_on_ones.export import action_items_csv
from team.services.questions import writes as questions
from team.services.questions.export import tree_csv
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.export import reviews_csv
from team.services.reviews.writes import ReviewInput
from team.vocabulary import NoteKind
from tests.e2e.payloads import EVIL, PAYLOADS, as_line, markdown_corpus, normalise
from tests.factories import Team, make_team, root
from tests.markdown_checks import MD, shown, tokens, unsafe

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1-1", "-2+3"]
LINKS = (
    "https://example.com/><img/src=x/onerror=alert(1)>",
    f'{EVIL}/nb?x=<b>&y="q"\'](javascript:alert(1))',
)
# What a Markdown renderer may make of user text: formatting, never anything else.
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote"}
ALLOWED_TAGS |= {"pre", "code", "em", "strong", "a", "hr", "br", "table", "thead", "tbody"}
ALLOWED_TAGS |= {"tr", "th", "td"}


@dataclass(frozen=True)
class Corpus:
    team: Team
    root: int
    subs: list[int]
    titles: list[str]
    names: list[str]
    meeting: int


def _line(text: str, limit: int) -> str:
    return as_line(text)[:limit].strip()


@pytest.fixture
def corpus(session: Session) -> Corpus:
    team = make_team(session)
    by_name = {p.name: p.text for p in PAYLOADS}
    names = [_line(by_name[named], 120) for named in ("img_onerror", "script_tag")]
    for person, name in zip((team.manager, team.ic), names, strict=True):
        session.execute(update(Person).where(col(Person.id) == person).values(name=name))
    session.commit()
    rid = root(session, team, _line(PAYLOADS[0].text, 300))
    titles = [_line(p.text, 300) for p in PAYLOADS if _line(p.text, 300)] + FORMULAS
    subs = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion(t, context=markdown_corpus(), assignee_id=team.ic) for t in titles],
    )
    for sub, payload in zip(subs, PAYLOADS, strict=False):
        data = FindingInput(summary=_line(payload.text, 300) or "x", body=payload.text, links=LINKS)
        finding = findings.log_finding(session, team.ic, question_id=sub.id, data=data)
        notes.add_note(
            session,
            team.manager,
            target="finding",
            target_id=finding.id,
            body=payload.text,
            kind=NoteKind.MUST_FIX,
        )
        body = f"{payload.text} [F{finding.id}]"
        answers.save_answer(
            session,
            team.manager,
            question_id=sub.id,
            based_on=None,
            data=answers.AnswerInput(body=body),
        )
        reviews.request_review(
            session,
            team.ic,
            data=ReviewInput(sub.id, team.manager, LINKS[0], focus=payload.text),
        )
    unclosed = markdown_corpus() + "\n\n```python\nprint('the rest of the memo is code now')"
    answers.save_answer(
        session,
        team.manager,
        question_id=rid,
        based_on=None,
        data=answers.AnswerInput(body=unclosed),
    )
    meeting = one_on_ones.start(session, team.manager, report_id=team.ic)
    one_on_ones.edit_notes(
        session, team.manager, one_on_one_id=meeting, version=1, notes=markdown_corpus()
    )
    for payload in PAYLOADS[:20]:
        track = _line(payload.text, 80) or "x"
        one_on_ones.add_track_note(
            session, team.manager, one_on_one_id=meeting, track=track, body=payload.text
        )
        one_on_ones.add_action_item(
            session,
            team.manager,
            one_on_one_id=meeting,
            owner_id=team.ic,
            description=_line(payload.text, 500) or "x",
        )
    return Corpus(team, rid, [s.id for s in subs], titles, names, meeting)


def _downloads(session: Session, c: Corpus) -> dict[str, str]:
    return {
        "memo of the general question": memo(session, question_id=c.root),
        "memo of a sub-question": memo(session, question_id=c.subs[0]),
        "one-on-one agenda and notes": agenda.export(
            session,
            c.team.manager,
            manager_id=c.team.manager,
            report_id=c.team.ic,
            stale_after_days=14,
            one_on_one_id=c.meeting,
        ),
    }


def test_every_markdown_download_renders_to_nothing_unsafe(
    session: Session, corpus: Corpus
) -> None:
    for name, markdown in _downloads(session, corpus).items():
        assert unsafe(markdown) == [], name
        html = MD.render(markdown)
        tags = {tag.lower() for tag in re.findall(r"</?([A-Za-z][A-Za-z0-9-]*)", html)}
        assert tags <= ALLOWED_TAGS, (name, tags - ALLOWED_TAGS)
        for href in re.findall(r'href="([^"]*)"', html):
            assert href.lower().startswith(("http:", "https:", "mailto:")), (name, href)


def test_titles_and_names_show_as_typed_and_fences_close(session: Session, corpus: Corpus) -> None:
    text = memo(session, question_id=corpus.root)
    seen = shown(text)
    for title in corpus.titles + corpus.names:
        assert normalise(title) in seen, title
    headings = [t.content for t in tokens(text) if t.type == "inline" and t.map]
    # The answer's unclosed fence ends with the answer: the sections after it stay.
    for section in ("Supporting arguments", "Evidence", "Gaps"):
        assert section in headings


def test_an_evidence_link_cannot_end_early(session: Session, corpus: Corpus) -> None:
    text = memo(session, question_id=corpus.subs[0])
    hrefs = [t.attrGet("href") for t in tokens(text) if t.type == "link_open"]
    assert "https://example.com/%3E%3Cimg/src=x/onerror=alert%281%29%3E" in hrefs
    assert "<img" not in MD.render(text)


def test_the_audit_csv_has_no_formula_and_no_nan(session: Session, corpus: Corpus) -> None:
    exported = audit.to_csv(session, corpus.team.manager, f=AuditFilter())
    rows = list(csv.reader(io.StringIO(exported)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "nan" not in cells
    for formula in FORMULAS:  # they are there, made text
        assert "'" + formula in cells


def test_every_list_csv_keeps_titles_and_names_exact_and_starts_no_formula(
    session: Session, corpus: Corpus
) -> None:
    manager, ic = corpus.team.manager, corpus.team.ic
    reviewed = corpus.titles[: len(PAYLOADS)]  # the questions with a finding and a review
    lists = {  # name: (CSV, the titles and the people's names it must hold)
        "tree": (tree_csv(session, manager, root_id=corpus.root), corpus.titles + corpus.names),
        "findings": (findings_csv(session, manager, question_id=corpus.root), reviewed),
        "reviews": (reviews_csv(session, manager, which="queue"), reviewed + corpus.names),
        "my work": (my_work_csv(session, ic, stale_after_days=14), corpus.titles),
        "action items": (
            action_items_csv(session, manager, manager_id=manager, report_id=ic),
            [d for p in PAYLOADS[:20] if (d := _line(p.text, 500))] + corpus.names[1:],
        ),
    }
    for name, (text, words) in lists.items():
        rows = list(csv.reader(io.StringIO(text)))
        cells = {cell for row in rows[1:] for cell in row}
        assert not [c for c in cells if c.startswith(FORMULA_START)], name
        assert "nan" not in cells, name
        for word in words:
            assert ("'" + word if word.startswith(FORMULA_START) else word) in cells, (name, word)
