"""The kinds of thing a search finds: where each one's words are indexed, who wrote it,
when, which question it belongs to, and who may see it. Each kind becomes one branch of
the search's UNION, over its own index (migration 0004 builds them)."""

from __future__ import annotations

from dataclasses import dataclass

from team.vocabulary import (
    AnswerState,
    FindingStatus,
    NoteKind,
    QuestionStatus,
    ReviewStatus,
    Vocabulary,
)


class Kind(Vocabulary):
    QUESTION = "question"
    FINDING = "finding"
    ANSWER = "answer"
    NOTE = "note"
    REVIEW = "review_request"
    ONE_ON_ONE = "one_on_one"
    TRACK = "track_note"
    ACTION_ITEM = "action_item"

    @property
    def label(self) -> str:
        return {
            Kind.REVIEW: "review request",
            Kind.ONE_ON_ONE: "one-on-one notes",
            Kind.TRACK: "one-on-one track",
        }.get(self, super().label)


# Typed NULLs: PostgreSQL types a UNION's columns branch by branch, and an untyped NULL
# in an early branch would make a column text.
NO_ID = "CAST(NULL AS INTEGER)"
NO_TEXT = "CAST(NULL AS VARCHAR(40))"


@dataclass(frozen=True)
class Source:
    """Where a kind's rows and words are, as SQL over the alias ``x`` of its table."""

    kind: Kind
    table: str
    weights: tuple[float, ...]  # BM25 weight of each indexed column, in index order
    person: str  # who wrote it
    at: str  # when
    question: str = NO_ID  # the question it belongs to
    status: str = NO_TEXT  # its status (or a note's kind), as text
    finding_kind: str = NO_TEXT
    joins: str = ""
    pair: tuple[str, str] | None = None  # the one-on-one's two people, who alone see it
    viewers: str | None = None  # condition for a viewer to see it (None: never)
    current: str = ""  # condition for "current only" (answers: the latest version)
    title: str = "''"  # what a result is called
    text: str = "''"  # the text a snippet is cut from
    links: str = NO_TEXT  # a JSON list of links, searched and cut from too
    # what a result's link needs: the finding, the review request, the answer version
    finding_ref: str = NO_ID
    review_ref: str = NO_ID
    version_ref: str = NO_ID


ONE_ON_ONE = "JOIN one_on_one o ON o.id = x.one_on_one_id"
PAIR = ("o.manager_id", "o.report_id")
NOTE_TARGETS = (
    "LEFT JOIN finding nf ON nf.id = x.finding_id "
    "LEFT JOIN review_request nr ON nr.id = x.review_request_id "
    "LEFT JOIN answer na ON na.id = x.answer_id"
)

SOURCES: tuple[Source, ...] = (
    Source(
        Kind.QUESTION,
        "question",
        (4.0, 1.0),
        person="x.owner_id",
        at="x.created_at",
        question="x.id",
        status="x.status",
        viewers="1 = 1",
        title="x.title",
        text="x.context",
    ),
    Source(
        Kind.FINDING,
        "finding",
        (4.0, 1.0, 0.5),
        person="x.author_id",
        at="x.created_at",
        question="x.question_id",
        status="x.status",
        finding_kind="x.kind",
        viewers="1 = 1",
        title="x.summary",
        text="x.body",
        links="x.links",
        finding_ref="x.id",
    ),
    Source(
        Kind.ANSWER,
        "answer",
        (1.0,),
        person="x.author_id",
        at="x.created_at",
        question="x.question_id",
        status="x.state",
        viewers="1 = 1",
        current="x.number = (SELECT max(a2.number) FROM answer a2 "
        "WHERE a2.question_id = x.question_id)",
        text="x.body",
        version_ref="x.number",
    ),
    Source(
        Kind.NOTE,
        "note",
        (1.0,),
        person="x.author_id",
        at="x.created_at",
        question="COALESCE(x.question_id, nf.question_id, nr.question_id, na.question_id)",
        status="x.kind",
        joins=NOTE_TARGETS,
        viewers="x.review_request_id IS NULL",
        text="x.body",
        finding_ref="x.finding_id",
        review_ref="x.review_request_id",
        version_ref="na.number",
    ),
    Source(
        Kind.REVIEW,
        "review_request",
        (2.0, 0.5),
        person="x.requester_id",
        at="x.requested_at",
        question="x.question_id",
        status="x.status",
        title="x.artifact_url",
        text="x.focus",
        review_ref="x.id",
    ),
    Source(
        Kind.ONE_ON_ONE,
        "one_on_one",
        (1.0,),
        person="x.manager_id",
        at="x.created_at",
        pair=("x.manager_id", "x.report_id"),
        title="CAST(x.held_on AS VARCHAR(10))",
        text="x.notes",
    ),
    Source(
        Kind.TRACK,
        "track_note",
        (2.0, 1.0),
        person="x.author_id",
        at="x.created_at",
        joins=ONE_ON_ONE,
        pair=PAIR,
        title="x.track",
        text="x.body",
    ),
    Source(
        Kind.ACTION_ITEM,
        "action_item",
        (1.0,),
        person="x.owner_id",
        at="x.created_at",
        status="CASE WHEN x.done THEN 'done' ELSE 'open' END",
        joins=ONE_ON_ONE,
        pair=PAIR,
        title="x.description",
        text="''",
    ),
)


# The vocabulary of each kind's status (a note's is its kind); action items: open, done.
STATUSES: dict[Kind, type[Vocabulary]] = {
    Kind.QUESTION: QuestionStatus,
    Kind.FINDING: FindingStatus,
    Kind.ANSWER: AnswerState,
    Kind.NOTE: NoteKind,
    Kind.REVIEW: ReviewStatus,
}


def status_label(kind: Kind, value: str) -> str:
    """How people read ``value``, a status of a ``kind`` ("changes requested", "must fix
    note", "done action item")."""
    vocabulary = STATUSES.get(kind)
    word = vocabulary(value).label if vocabulary is not None else value
    noun = {Kind.NOTE: "note", Kind.ACTION_ITEM: "action item"}.get(kind, kind.label)
    return f"{word} {noun}"
