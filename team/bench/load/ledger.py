"""Every write the generator believes accepted, counted against the database: a
finding or note the app confirmed is there exactly once (not lost, not duplicated), a
refused one is not there at all, and the status moves confirmed match the status
changes recorded for the simulated people."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from team.bench.load.visitor import Tally
from team.models import Event, Finding, Note

_TOKEN = re.compile(r"[a-z0-9]+-\d+-(?:finding|note)\d+")


@dataclass(frozen=True)
class Check:
    accepted: int  # writes the app confirmed
    refused: int  # writes the app refused (a stale edit, say)
    lost: int  # confirmed, yet not in the database
    duplicated: int  # confirmed once, in the database more than once
    unconfirmed: int  # in the database, yet refused or never confirmed

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.unconfirmed)


def first_event(engine: Engine) -> int:
    """The newest event's id: status changes after it belong to the level."""
    with Session(engine) as session:
        return int(session.scalar(select(func.max(Event.id))) or 0)


def _stored(session: Session, run_token: str) -> Counter[str]:
    """How many times each token of this run is in a finding's summary or a note."""
    pattern = f"%{run_token}-%"
    texts = list(session.exec(select(Finding.summary).where(col(Finding.summary).like(pattern))))
    texts += list(session.exec(select(Note.body).where(col(Note.body).like(pattern))))
    return Counter(token for text in texts for token in _TOKEN.findall(text))


def _status_changes(session: Session, after: int, people: set[int]) -> Counter[str]:
    """The status changes the simulated people made after event ``after``, as
    "question:status"."""
    query = select(Event.entity_id, Event.new_value).where(
        col(Event.id) > after,
        Event.entity == "question",
        Event.field == "status",
        col(Event.actor_id).in_(people),
    )
    return Counter(f"{qid}:{status}" for qid, status in session.exec(query))


def check(engine: Engine, tally: Tally, *, run_token: str, after: int, people: set[int]) -> Check:
    accepted = [t for kind in ("finding", "note") for t in tally.accepted.get(kind, [])]
    refused = {t for kind in ("finding", "note") for t in tally.refused.get(kind, [])}
    with Session(engine) as session:
        stored = _stored(session, run_token)
        changes = _status_changes(session, after, people)
    moves = Counter(tally.accepted.get("status", []))
    lost = sum(1 for t in accepted if not stored[t]) + sum((moves - changes).values())
    duplicated = sum(1 for t in accepted if stored[t] > 1)
    confirmed = set(accepted)
    unconfirmed = sum(1 for t in stored if t in refused or t not in confirmed)
    unconfirmed += sum((changes - moves).values())
    return Check(
        accepted=len(accepted) + moves.total(),
        refused=len(refused) + len(tally.refused.get("status", [])),
        lost=lost,
        duplicated=duplicated,
        unconfirmed=unconfirmed,
    )
