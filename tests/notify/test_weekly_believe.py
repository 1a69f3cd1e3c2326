"""The weekly "what we now believe" goes out through the worker: at the person's
weekly hour, once, to the managers and viewers who own or follow a general question
whose answer moved this week, and to nobody else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from team.models import utcnow
from team.services.answers.writes import AnswerInput, save_answer
from team.services.notify.follows import follow
from team.vocabulary import AnswerState, Confidence
from tests.factories import make_team, root
from tests.notify.conftest import run_worker, write_config
from tests.notify.receivers import HttpReceiver


def next_monday_eight(after: datetime) -> datetime:
    """The deployment's default weekly moment (Monday, 08:00 UTC) after ``after``."""
    day = after.astimezone(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return day if day > after else day + timedelta(days=7)


def test_the_week_goes_to_owners_and_followers_once_at_their_hour(
    engine: Engine, session: Session, tmp_path: Path, receiver: HttpReceiver
) -> None:
    t = make_team(session)
    question = root(session, t, "Why did retention drop in Q3?")
    follow(session, t.viewer, question_id=question)
    follow(session, t.ic, question_id=question)  # an IC follows too: no weekly digest
    save_answer(
        session,
        t.manager,
        question_id=question,
        based_on=None,
        data=AnswerInput(
            "Onboarding <b>emails</b> stopped in July.\n\nMore below.",
            state=AnswerState.ANSWERED,
            confidence=Confidence.HIGH,
        ),
    )
    config = write_config(tmp_path, engine, hook=receiver.url(), defaults={"webhook": "weekly"})
    monday = next_monday_eight(utcnow())

    def believes() -> dict[str, int]:
        seen: dict[str, int] = {}
        for hit in receiver.hits:
            body = hit.json
            if body["kind"] == "believe":
                email = body["person"]["email"]
                seen[email] = seen.get(email, 0) + 1
        return seen

    early = run_worker(config, now=(monday - timedelta(minutes=1)).isoformat())
    assert early.returncode == 0, early.stderr
    assert believes() == {}  # not before the hour
    for _ in range(2):  # the second run sends nothing again
        done = run_worker(config, now=(monday + timedelta(minutes=1)).isoformat())
        assert done.returncode == 0, done.stderr
    assert believes() == {"maya@example.com": 1, "vera@example.com": 1}
    vera = next(
        h.json
        for h in receiver.hits
        if h.json["person"]["email"] == "vera@example.com" and h.json["kind"] == "believe"
    )
    assert vera["subject"].startswith("What we now believe")
    assert "Why did retention drop in Q3?" in vera["text"]
    assert "Onboarding <b>emails</b> stopped in July." in vera["text"]  # text, as typed
    assert "answered" in vera["text"]
