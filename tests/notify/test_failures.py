"""A refusing SMTP server, a webhook answering 500 or not at all: each message is tried
again (retry_seconds: 0 here), then marked failed with the reason, while the messages
to the endpoints that work go through; a dead endpoint costs one try per run."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from team.models import Delivery
from team.vocabulary import Channel, DeliveryStatus
from tests.notify.conftest import run_worker, write_config
from tests.notify.receivers import HttpReceiver, SmtpServer
from tests.notify.scenario import every_kind


def _by_channel(session: Session) -> dict[Channel, list[Delivery]]:
    session.expire_all()
    rows = list(session.scalars(select(Delivery)))
    return {c: [d for d in rows if d.channel == c] for c in Channel}


def test_a_refusing_smtp_server_and_a_failing_webhook_are_retried_then_failed(
    engine: Engine, session: Session, tmp_path: Path, smtp: SmtpServer, receiver: HttpReceiver
) -> None:
    every_kind(session)
    smtp.handler.refuse = "550 5.7.1 Relaying denied"
    config = write_config(tmp_path, engine, smtp=smtp, hook=receiver.url(), max_attempts=2)
    first = run_worker(config)
    assert first.returncode == 0, first.stderr
    assert (
        "retrying" in first.stderr
        and "SMTP server refused: 550 5.7.1 Relaying denied" in first.stderr
    )
    sent = _by_channel(session)
    assert {d.status for d in sent[Channel.WEBHOOK]} == {DeliveryStatus.SENT}  # unaffected
    assert {d.status for d in sent[Channel.EMAIL]} == {DeliveryStatus.PENDING}
    hooks = len(receiver.hits)
    assert hooks == len(sent[Channel.WEBHOOK])

    receiver.state.status = 500  # now the webhook breaks too; new messages come
    smtp.handler.refuse = ""
    every_kind_more(session)
    second = run_worker(config)
    assert second.returncode == 0, second.stderr
    after = _by_channel(session)
    failed_hooks = [d for d in after[Channel.WEBHOOK] if d.status != DeliveryStatus.SENT]
    assert failed_hooks and all(d.last_error == "webhook answered HTTP 500." for d in failed_hooks)
    assert receiver.state.tries == hooks + 1  # one try at the broken webhook this run
    assert {d.status for d in after[Channel.EMAIL]} == {DeliveryStatus.SENT}  # server is back
    receiver.state.status = 500
    third = run_worker(config)
    assert third.returncode == 0
    last = _by_channel(session)
    failed = [d for d in last[Channel.WEBHOOK] if d.status == DeliveryStatus.FAILED]
    assert len(failed) == len(failed_hooks)  # second try was the last (max_attempts: 2)
    assert all(d.attempts == 2 and "HTTP 500" in d.last_error for d in failed)
    assert f"failed {len(failed)}" in third.stderr


def every_kind_more(session: Session) -> None:
    """Another batch of notifications: a note on a question of Ines's by Maya."""
    from team.models import Question
    from team.services.notes.writes import add_note

    question = session.scalars(
        select(Question).where(col(Question.assignee_id).is_not(None))
    ).first()
    assert question is not None and question.id is not None
    add_note(session, question.owner_id, target="question", target_id=question.id, body="More?")


def test_a_hanging_webhook_costs_one_timeout_per_run(
    engine: Engine, session: Session, tmp_path: Path, smtp: SmtpServer, receiver: HttpReceiver
) -> None:
    every_kind(session)
    receiver.state.hang = 3
    config = write_config(
        tmp_path, engine, smtp=smtp, hook=receiver.url(), timeout_seconds=1, max_attempts=1
    )
    done = run_worker(config)
    assert done.returncode == 0, done.stderr
    assert receiver.state.tries == 1  # not one per message
    rows = _by_channel(session)
    assert {d.status for d in rows[Channel.WEBHOOK]} == {DeliveryStatus.FAILED}
    assert {d.last_error for d in rows[Channel.WEBHOOK]} == {"webhook did not answer within 1 s."}
    assert {d.status for d in rows[Channel.EMAIL]} == {DeliveryStatus.SENT}
    assert len(smtp.mails) == len(rows[Channel.EMAIL])
