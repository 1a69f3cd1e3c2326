"""The shape of a demo file (``data/demo_team.yaml``) and reading it.

The models check the structure and the value of every field; references between records
(people, projects, question keys) are checked while loading, in team.demo.load.

Answer bodies name their evidence inline by key, ``[F:finding-key]`` and
``[Q:question-key]``; loading rewrites them to the product's markers ``[F<id>]`` and
``[Q<id>]`` (team.services.answers.rules) and cites each of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from team.config import DEFAULT_TECHNIQUES
from team.services.answers.rules import MARKER
from team.services.core.errors import InvalidInput
from team.vocabulary import (
    AnswerState,
    Confidence,
    FindingKind,
    FindingStatus,
    NoteKind,
    Priority,
    QuestionStatus,
    ReviewKind,
    ReviewStatus,
    Role,
)

_S = TypeVar("_S", QuestionStatus, FindingStatus, ReviewStatus)

INLINE = re.compile(r"\[(F|Q):([^\]\n]*)\]")
"""Evidence named inline by key: ``[F:finding-key]`` or ``[Q:question-key]``."""

# --------------------------------------------------------------------------- file shape


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSpec(_Spec):
    name: str
    email: str
    role: Role
    reports_to: str | None = None
    days_ago: float
    follows: tuple[str, ...] = ()  # keys of questions whose answer they follow


class ProjectSpec(_Spec):
    name: str
    description: str = ""
    created_by: str
    days_ago: float


class Step(_Spec, Generic[_S]):
    """A status change: ``by`` defaults to whoever usually makes that change."""

    days_ago: float
    status: _S
    by: str | None = None


class NoteSpec(_Spec):
    author: str
    kind: NoteKind = NoteKind.COMMENT
    body: str
    days_ago: float
    resolved_days_ago: float | None = None


class QuestionSpec(_Spec):
    key: str
    project: str | None = None
    title: str
    context: str = ""
    owner: str
    assignee: str | None = None
    technique: str | None = None
    priority: Priority = Priority.MEDIUM
    due: int | None = None
    days_ago: float
    history: list[Step[QuestionStatus]] = []
    notes: list[NoteSpec] = []
    children: list[QuestionSpec] = []

    @field_validator("technique")
    @classmethod
    def _known_technique(cls, value: str | None) -> str | None:
        if value is not None and value not in DEFAULT_TECHNIQUES:
            raise ValueError(f"the technique must be one of {', '.join(DEFAULT_TECHNIQUES)}")
        return value


class EditSpec(_Spec):
    """The finding's summary was edited after it was cited: ``was`` is the summary
    before (the finding's ``summary`` is the one after)."""

    days_ago: float
    was: str


class FindingSpec(_Spec):
    key: str
    question: str
    author: str
    summary: str
    body: str = ""
    links: list[str] = []
    kind: FindingKind
    confidence: Confidence
    days_ago: float
    status: FindingStatus = FindingStatus.SHARED
    history: list[Step[FindingStatus]] = []
    notes: list[NoteSpec] = []
    edited: EditSpec | None = None


class ReviewSpec(_Spec):
    key: str
    requester: str
    reviewer: str
    question: str
    finding: str | None = None
    artifact_url: str
    focus: str = ""
    requested_days_ago: float
    history: list[Step[ReviewStatus]] = []
    notes: list[NoteSpec] = []
    # The kind's built-in checklist is copied in. An approved review has every item
    # ticked but those ``waived`` (position -> reason); an open one only ``ticked``.
    kind: ReviewKind = ReviewKind.ANALYSIS
    ticked: list[int] = []
    waived: dict[int, str] = {}


class DecisionSpec(_Spec):
    """The decision an answer version informed; ``revisit_in_days`` counts from today
    (below zero: the revisit is due)."""

    what: str
    decided_by: str
    days_ago: int
    revisit_in_days: int | None = None
    revisit_condition: str = ""


class VersionSpec(_Spec):
    author: str
    days_ago: float
    state: AnswerState
    confidence: Confidence
    body: str
    cites_findings: list[str] = []
    cites_answers: list[str] = []
    notes: list[NoteSpec] = []
    decision: DecisionSpec | None = None

    @field_validator("body")
    @classmethod
    def _evidence_by_key(cls, body: str) -> str:
        """Ids are given while loading, so the file cannot name evidence by number."""
        if numbered := MARKER.search(body):
            raise ValueError(
                f"{numbered[0]} names evidence by number; name it by key instead, "
                "[F:finding-key] or [Q:question-key]"
            )
        return body

    def cited_keys(self) -> tuple[list[str], list[str]]:
        """(finding keys, child question keys) this version cites: those named inline,
        then cites_findings / cites_answers; each once."""
        findings, questions = inline_keys(self.body)
        return (
            list(dict.fromkeys([*findings, *self.cites_findings])),
            list(dict.fromkeys([*questions, *self.cites_answers])),
        )

    def body_with_ids(self, findings: Mapping[str, int], questions: Mapping[str, int]) -> str:
        """The body with ``[F:key]`` / ``[Q:key]`` rewritten to ``[F<id>]`` / ``[Q<id>]``
        (the maps hold every key cited_keys returned)."""
        ids = {"F": findings, "Q": questions}
        return INLINE.sub(lambda m: f"[{m[1]}{ids[m[1]][m[2].strip()]}]", self.body)


class AnswerSpec(_Spec):
    question: str
    versions: list[VersionSpec]


class ActionSpec(_Spec):
    owner: str
    description: str
    due: int | None = None
    done_days_ago: float | None = None


class OneOnOneSpec(_Spec):
    manager: str
    report: str
    days_ago: int
    notes: str = ""
    tracks: dict[str, str] = {}
    actions: list[ActionSpec] = []


class DemoSpec(_Spec):
    people: dict[str, PersonSpec]
    projects: dict[str, ProjectSpec]
    questions: list[QuestionSpec]
    findings: list[FindingSpec] = []
    reviews: list[ReviewSpec] = []
    answers: list[AnswerSpec] = []
    one_on_ones: list[OneOnOneSpec] = []


_SINGULAR = {"people": "person", "projects": "project", "questions": "question"}
_SINGULAR |= {"children": "question", "findings": "finding", "reviews": "review"}


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """Name the record a validation error is about: "question 'x' (field y)"."""
    name, tail, node = "the file", list[str](), raw
    for depth, part in enumerate(loc):
        above = loc[depth - 1] if depth else None
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        tail.append(str(part))
        if above in ("people", "projects"):
            name, tail = f"{_SINGULAR[str(above)]} '{part}'", []
        elif isinstance(node, dict) and isinstance(node.get("key"), str):
            name, tail = f"{_SINGULAR.get(str(above), 'record')} '{node['key']}'", []
        elif above == "answers" and isinstance(node, dict):
            name, tail = f"answer of '{node.get('question')}'", []
    return f"{name} ({'.'.join(tail)})" if tail else name


def inline_keys(body: str) -> tuple[list[str], list[str]]:
    """(finding keys, question keys) an answer body names inline, in order, once each."""
    found: dict[str, dict[str, None]] = {"F": {}, "Q": {}}
    for kind, key in INLINE.findall(body):
        found[kind][key.strip()] = None
    return list(found["F"]), list(found["Q"])


def read_demo(path: Path) -> DemoSpec:
    """Parse and check the shape of a demo file (references are checked while loading)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"Cannot read the demo file {path}: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path.name} is not valid YAML: {exc}") from None
    try:
        return DemoSpec.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _where(raw, tuple(error["loc"]))
        raise InvalidInput(f"{path.name}: {where}: {error['msg']}.") from None
