"""The weekly "what we now believe" digest: what a manager or viewer reads about the
general questions they own or follow, for one week, and the message that carries it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from team.models import Answer, Event, Person, Question, utcnow
from team.services.answers import writes as answers
from team.services.answers.writes import AnswerInput
from team.services.findings import writes as findings
from team.services.findings.reads import get_finding
from team.services.findings.writes import FindingInput
from team.services.notify.believe import (
    AcceptedFinding,
    AnswerAt,
    BelieveDigest,
    Coverage,
    OverdueQuestion,
    RootChange,
    believe_message,
    weekly_beliefs,
)
from team.services.notify.follows import follow
from team.services.notify.message import one_line
from team.services.questions import writes as questions
from team.services.questions.status import set_status
from team.services.questions.writes import SubQuestion
from team.vocabulary import AnswerState, Confidence, FindingStatus, QuestionStatus
from tests.e2e.payloads import PAYLOADS, Payload
from tests.factories import Team, make_team, root

WEEK = timedelta(days=7)
A = AnswerState
C = Confidence


def age(session: Session, days: int = 10) -> None:
    """Move everything written so far ``days`` into the past (before the week)."""
    shift = timedelta(days=days)
    for row in session.exec(select(Event)).all():
        row.at -= shift
    for answer in session.exec(select(Answer)).all():
        answer.created_at -= shift
    for question in session.exec(select(Question)).all():
        question.created_at -= shift
    session.commit()


def the_week(session: Session, person: int) -> BelieveDigest | None:
    """The week that ends now."""
    end = utcnow() + timedelta(seconds=1)
    return weekly_beliefs(session, person, start=end - WEEK, end=end)


@dataclass
class Tree:
    team: Team
    root: int
    subs: list[int]


def tree(session: Session, *, answer: bool = True) -> Tree:
    """A general question with three sub-questions (two assigned to the IC) and, if
    ``answer``, a first answer version: all of it before the week."""
    team = make_team(session)
    r = root(session, team)
    items = [
        SubQuestion("Did prices change?", assignee_id=team.ic),
        SubQuestion("Did support get slower?", assignee_id=team.ic),
        SubQuestion("Did a competitor launch?"),
    ]
    subs = [
        q.id for q in questions.add_subquestions(session, team.manager, parent_id=r, items=items)
    ]
    if answer:
        data = AnswerInput("We think it is noise.", A.WORKING_HYPOTHESIS, C.LOW)
        answers.save_answer(session, team.manager, question_id=r, based_on=None, data=data)
    age(session)
    return Tree(team, r, subs)


def answer_sub(session: Session, t: Tree, index: int) -> None:
    q = session.get(Question, t.subs[index])
    assert q is not None
    set_status(
        session,
        t.team.manager,
        question_id=t.subs[index],
        version=q.version,
        status=QuestionStatus.ANSWERED,
    )


def accepted_finding(session: Session, t: Tree, summary: str) -> int:
    found = findings.log_finding(
        session, t.team.ic, question_id=t.subs[0], data=FindingInput(summary)
    )
    moved = findings.move_finding(
        session,
        t.team.manager,
        finding_id=found.id,
        version=found.version,
        status=FindingStatus.ACCEPTED,
    )
    return moved.id


def only(digest: BelieveDigest | None) -> RootChange:
    assert digest is not None
    assert len(digest.roots) == 1
    return digest.roots[0]


# --------------------------------------------------------------------------- the week


def test_the_week_reads_before_and_after(session: Session) -> None:
    t = tree(session)
    answer_sub(session, t, 0)
    body = "Churn rose after the price change.\n\nThe detail: **cohorts** of May."
    answers.save_answer(
        session,
        t.team.manager,
        question_id=t.root,
        based_on=1,
        data=AnswerInput(body, A.ANSWERED, C.HIGH),
    )
    change = only(the_week(session, t.team.manager))
    assert change.root_id == t.root
    assert change.title == "Why did retention drop in Q3?"
    assert change.answer_before == AnswerAt(A.WORKING_HYPOTHESIS, C.LOW)
    assert change.answer_after == AnswerAt(A.ANSWERED, C.HIGH)
    assert change.new_version == 2
    assert change.paragraph == "Churn rose after the price change."
    assert change.coverage_before == Coverage(answered=0, leaves=3)
    assert change.coverage_after == Coverage(answered=1, leaves=3)
    assert change.accepted == ()
    assert change.overdue == ()


def test_a_week_in_another_time_zone_reads_the_same_moments(session: Session) -> None:
    t = tree(session)
    answer_sub(session, t, 0)
    end = utcnow() + timedelta(seconds=1)
    berlin = end.astimezone(ZoneInfo("Europe/Berlin"))
    in_utc = weekly_beliefs(session, t.team.manager, start=end - WEEK, end=end)
    in_berlin = weekly_beliefs(session, t.team.manager, start=berlin - WEEK, end=berlin)
    assert in_utc is not None and in_berlin is not None
    assert in_berlin.roots == in_utc.roots
    just_before = weekly_beliefs(  # the week that ended an hour before the change
        session,
        t.team.manager,
        start=berlin - WEEK - timedelta(hours=1),
        end=berlin - timedelta(hours=1),
    )
    assert just_before is None


def test_a_first_answer_has_no_before(session: Session) -> None:
    t = tree(session, answer=False)
    data = AnswerInput("First words.\r\n\r\nSecond paragraph.", A.INCONCLUSIVE, C.MEDIUM)
    answers.save_answer(session, t.team.manager, question_id=t.root, based_on=None, data=data)
    change = only(the_week(session, t.team.manager))
    assert change.answer_before is None
    assert change.answer_after == AnswerAt(A.INCONCLUSIVE, C.MEDIUM)
    assert change.paragraph == "First words."
    assert change.coverage_before == change.coverage_after == Coverage(0, 3)


def test_a_week_that_only_grew_scope_reads_it(session: Session) -> None:
    t = tree(session)
    questions.add_subquestions(
        session, t.team.manager, parent_id=t.subs[2], items=[SubQuestion("Which one?")]
    )
    answer_sub(session, t, 1)
    change = only(the_week(session, t.team.manager))
    assert change.coverage_before == Coverage(0, 3)
    assert change.coverage_after == Coverage(1, 3)  # the split leaf is replaced by its child
    assert change.new_version is None
    assert change.answer_before == change.answer_after == AnswerAt(A.WORKING_HYPOTHESIS, C.LOW)


def test_accepted_findings_count_once(session: Session) -> None:
    t = tree(session)
    kept = accepted_finding(session, t, "Prices rose 8% in July")
    again = get_finding(session, finding_id=kept)
    assert again is not None
    sent = findings.move_finding(
        session,
        t.team.manager,
        finding_id=kept,
        version=again.version,
        status=FindingStatus.NEEDS_WORK,
        reason="Say which plans.",
    )
    shared = findings.move_finding(
        session, t.team.ic, finding_id=kept, version=sent.version, status=FindingStatus.SHARED
    )
    findings.move_finding(
        session,
        t.team.manager,
        finding_id=kept,
        version=shared.version,
        status=FindingStatus.ACCEPTED,
    )
    other = accepted_finding(session, t, "Support answered slower")
    current = get_finding(session, finding_id=other)
    assert current is not None
    findings.move_finding(  # accepted, then sent back in the same week: not news
        session,
        t.team.manager,
        finding_id=other,
        version=current.version,
        status=FindingStatus.NEEDS_WORK,
        reason="Which queue?",
    )
    change = only(the_week(session, t.team.manager))
    assert change.accepted == (AcceptedFinding(kept, t.subs[0], "Prices rose 8% in July"),)


def test_a_finding_accepted_before_the_week_is_not_news(session: Session) -> None:
    t = tree(session)
    accepted_finding(session, t, "Old news")
    age(session)
    assert the_week(session, t.team.manager) is None


def test_overdue_sub_questions_are_listed(session: Session) -> None:
    t = tree(session)
    today = utcnow().date()
    late = questions.add_subquestions(
        session,
        t.team.manager,
        parent_id=t.root,
        items=[
            SubQuestion("Late and open", assignee_id=t.team.ic, due_date=today - timedelta(3)),
            SubQuestion("Late but answered", due_date=today - timedelta(3)),
            SubQuestion("Due later", due_date=today + timedelta(3)),
        ],
    )
    root_row = session.get(Question, t.root)
    assert root_row is not None
    root_row.due_date = today - timedelta(days=1)  # the general question's own: not listed
    session.commit()
    answered = session.get(Question, late[1].id)
    assert answered is not None
    set_status(
        session,
        t.team.manager,
        question_id=late[1].id,
        version=answered.version,
        status=QuestionStatus.ANSWERED,
    )
    age(session)  # the week itself brings nothing new
    change = only(the_week(session, t.team.manager))
    assert change.overdue == (
        OverdueQuestion(late[0].id, "Late and open", today - timedelta(3), "Ines"),
    )
    assert change.coverage_before == change.coverage_after
    assert change.new_version is None


def test_a_quiet_week_says_nothing(session: Session) -> None:
    t = tree(session)
    answer_sub(session, t, 0)
    age(session)
    assert the_week(session, t.team.manager) is None


def test_only_owned_or_followed_questions_and_only_managers_and_viewers(
    session: Session,
) -> None:
    t = tree(session)
    answer_sub(session, t, 0)
    assert the_week(session, t.team.other_manager) is None  # neither owns nor follows
    assert the_week(session, t.team.viewer) is None
    follow(session, t.team.viewer, question_id=t.subs[2])  # a sub-question brings its root
    assert only(the_week(session, t.team.viewer)).root_id == t.root
    follow(session, t.team.ic, question_id=t.root)
    assert the_week(session, t.team.ic) is None  # an IC is told by their own notifications
    follow(session, t.team.other_manager, question_id=t.root)
    follow(session, t.team.other_manager, question_id=t.subs[0])
    assert only(the_week(session, t.team.other_manager)).root_id == t.root


def test_an_inactive_reader_gets_nothing(session: Session) -> None:
    t = tree(session)
    answer_sub(session, t, 0)
    follow(session, t.team.viewer, question_id=t.root)
    viewer = session.get(Person, t.team.viewer)
    assert viewer is not None
    viewer.active = False
    session.commit()
    assert the_week(session, t.team.viewer) is None


def test_several_roots_in_title_order_and_queries_fixed(session: Session) -> None:
    t = tree(session)
    second = root(session, t.team, "Should we replace the pricing heuristic?")
    third = root(session, t.team, "A quiet one")
    age(session)
    answer_sub(session, t, 0)
    data = AnswerInput("Yes.", A.WORKING_HYPOTHESIS, C.MEDIUM)
    answers.save_answer(session, t.team.manager, question_id=second, based_on=None, data=data)
    statements: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        digest = the_week(session, t.team.manager)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert digest is not None
    assert [c.root_id for c in digest.roots] == [second, t.root]
    assert third not in {c.root_id for c in digest.roots}
    assert len(statements) <= 8


def test_follows_and_roots_do_not_add_queries(session: Session) -> None:
    t = tree(session)
    engine = session.get_bind()

    def measured() -> int:
        statements: list[object] = []

        def count(*args: object) -> None:
            statements.append(args)

        event.listen(engine, "before_cursor_execute", count)
        try:
            the_week(session, t.team.manager)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    answer_sub(session, t, 0)
    few = measured()
    for n in range(6):
        extra = root(session, t.team, f"General question {n}")
        questions.add_subquestions(
            session, t.team.manager, parent_id=extra, items=[SubQuestion("Leaf")]
        )
    assert measured() == few


# --------------------------------------------------------------------------- the message


def change(title: str, *, paragraph: str = "Short.", summary: str = "A finding") -> RootChange:
    return RootChange(
        root_id=7,
        title=title,
        answer_before=AnswerAt(A.WORKING_HYPOTHESIS, C.LOW),
        answer_after=AnswerAt(A.ANSWERED, C.HIGH),
        new_version=3,
        paragraph=paragraph,
        coverage_before=Coverage(1, 4),
        coverage_after=Coverage(3, 4),
        accepted=(AcceptedFinding(11, 8, summary),),
        overdue=(OverdueQuestion(9, title, date(2026, 11, 20), title),),
    )


def digest_of(*changes: RootChange) -> BelieveDigest:
    end = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    return BelieveDigest(person_id=1, start=end - WEEK, end=end, roots=list(changes))


def test_the_message_tells_the_week() -> None:
    message = believe_message(
        digest_of(change("Why did retention drop?")),
        public_url="https://team.example/",
        time_zone="America/New_York",
    )
    assert message.subject == "What we now believe — week of Mon 30 Nov 2026"
    url = "https://team.example/answers?root=7"
    assert message.link == url
    for body in (message.text, message.html, str(message.blocks)):
        assert "Why did retention drop?" in body
        assert "working hypothesis, low confidence → answered, high confidence" in body
        assert "1 of 4 sub-questions answered (25%) → 3 of 4 sub-questions answered (75%)" in body
        assert "Findings accepted this week (1)" in body
        assert "Sub-questions overdue (1)" in body
        assert url in body
    assert "Short." in message.text
    assert message.blocks[0]["type"] == "header"


def test_the_message_links_to_answers_when_several() -> None:
    two = digest_of(change("One"), replace(change("Two"), root_id=8))
    message = believe_message(two, public_url="https://team.example", time_zone="Nowhere/Odd")
    assert message.link == "https://team.example/answers"
    assert "https://team.example/answers?root=8" in message.text
    assert "(Nowhere/Odd)" in message.text  # an unknown zone reads as UTC, not a crash


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs |= {v or "" for k, v in attrs if k == "href"}
        assert {k for k, _ in attrs} <= {"href", "style"}

    def handle_data(self, data: str) -> None:
        self.text.append(data)


OUR_LINK = re.compile(r"<https://team\.example/answers\?root=7\|Open the answer>")


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_hostile_text_stays_text(payload: Payload) -> None:
    text = payload.text
    digest = digest_of(change(text, paragraph=text, summary=text))
    message = believe_message(digest, public_url="https://team.example/", time_zone="UTC")
    parser = Tags()
    parser.feed(message.html)
    assert parser.tags <= {"h2", "h3", "p", "a", "div", "blockquote"}
    assert parser.hrefs == {"https://team.example/answers?root=7"}
    assert one_line(text) in "".join(parser.text)  # the reader sees the title as typed
    assert "\n" not in message.subject and "\r" not in message.subject
    for block in message.blocks[2:]:
        mrkdwn = OUR_LINK.sub("", block["text"]["text"])
        assert "<" not in mrkdwn and ">" not in mrkdwn  # no link, mention or <!channel>


def test_a_long_week_fits_slack_and_lists_the_first_few() -> None:
    late = tuple(OverdueQuestion(i, f"Late {i}", date(2026, 11, 1), None) for i in range(8))
    many = [replace(change(f"Question {n:02}"), root_id=n, overdue=late) for n in range(60)]
    message = believe_message(digest_of(*many), public_url="https://t.example", time_zone="UTC")
    assert len(message.blocks) <= 50  # Slack refuses a message of more blocks
    assert "and 15 more general questions" in message.blocks[-1]["elements"][0]["text"]
    assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")
    assert "Question 59" in message.text  # the email has them all
    assert "Sub-questions overdue (8):" in message.text
    assert "Late 4 (due 1 Nov 2026)" in message.text
    assert "Late 5" not in message.text
    assert "and 3 more" in message.text
