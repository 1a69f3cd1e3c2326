"""Every kind of notification reaches its person once, by email and by webhook, sent by
the worker running as `team notify` against a real SMTP server and HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from team.models import Delivery, Notification, Person
from team.services.notify.words import sentence
from team.vocabulary import DeliveryStatus, NotificationKind
from tests.notify.conftest import SECRET, run_worker, write_config
from tests.notify.receivers import HttpReceiver, SmtpServer
from tests.notify.scenario import every_kind


def test_every_kind_arrives_once_to_its_person(
    engine: Engine, session: Session, tmp_path: Path, smtp: SmtpServer, receiver: HttpReceiver
) -> None:
    every_kind(session)
    config = write_config(tmp_path, engine, smtp=smtp, hook=receiver.url())
    done = run_worker(config)
    assert done.returncode == 0, done.stderr
    assert "sent " in done.stderr and "failed 0" in done.stderr
    assert not re.search(r"-\d", done.stderr), done.stderr  # counts are counts

    rows = session.execute(
        select(col(Notification.id), col(Notification.kind), col(Person.email)).join(
            Person, col(Person.id) == col(Notification.person_id)
        )
    ).all()
    assert {NotificationKind(k) for _i, k, _e in rows} == set(NotificationKind)
    mails = {m.message["X-Team-Delivery"]: m for m in smtp.mails}
    hooks = {h.headers["Idempotency-Key"]: h for h in receiver.hits}
    assert len(mails) == len(smtp.mails) == len(rows)  # once each, no more
    assert len(hooks) == len(receiver.hits) == len(rows)
    for nid, kind, email in rows:
        mail = mails[f"n{nid}:email"]
        assert mail.rcpt == [email]
        assert email in mail.message["To"]
        hook = hooks[f"n{nid}:webhook"]
        assert hook.json["person"]["email"] == email
        assert hook.json["items"][0]["kind"] == kind
        said = hook.json["items"][0]["sentence"]
        assert said in mail.part("plain")
        assert mail.message["Subject"] == said
        expected = hmac.new(SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
        assert hook.headers["X-Team-Signature"] == f"sha256={expected}"
    assert "Maya assigned you “Why did retention drop?”" in {
        h.json["subject"] for h in receiver.hits
    }
    statuses = set(session.scalars(select(col(Delivery.status))))
    assert statuses == {DeliveryStatus.SENT}

    again = run_worker(config)  # a second run sends nothing again
    assert again.returncode == 0, again.stderr
    assert len(smtp.mails) == len(rows) and len(receiver.hits) == len(rows)


def test_sentence_names_the_actor_and_the_title() -> None:
    said = sentence(NotificationKind.ASSIGNED, "Ana Lima", "Why did retention drop?")
    assert said == "Ana Lima assigned you “Why did retention drop?”"
    assert sentence(NotificationKind.OVERDUE, "", "Call Bob") == "“Call Bob” is overdue"
