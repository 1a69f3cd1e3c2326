"""Daily and weekly digests gather what falls between two of the person's digest
hours in their own time zone, and go out when the period ends (the worker's clock set
with TEAM_NOW)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from team.models import Notification, PersonSetting
from team.vocabulary import Cadence, NotificationKind
from tests.factories import make_team
from tests.notify.conftest import run_worker, write_config
from tests.notify.receivers import HttpReceiver, SmtpServer


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _note(person: int, at: str, title: str) -> Notification:
    return Notification(
        person_id=person,
        kind=NotificationKind.ASSIGNED,
        at=utc(at),
        entity="question",
        entity_id=1,
        title=title,
        link="questions?root=1",
    )


def test_digests_split_at_the_persons_hour_in_their_time_zone(
    engine: Engine, session: Session, tmp_path: Path, smtp: SmtpServer, receiver: HttpReceiver
) -> None:
    t = make_team(session)
    session.add_all(
        [  # Ines: a daily email at 08:00 in Auckland (UTC+13 in December)
            PersonSetting(
                person_id=t.ic,
                time_zone="Pacific/Auckland",
                digest_hour=8,
                email=Cadence.DAILY,
                webhook=Cadence.OFF,
            ),
            # Ravi: a weekly webhook on Mondays at 09:00 in Los Angeles (UTC-8)
            PersonSetting(
                person_id=t.other_ic,
                time_zone="America/Los_Angeles",
                digest_hour=9,
                digest_weekday=0,
                email=Cadence.OFF,
                webhook=Cadence.WEEKLY,
            ),
            _note(t.ic, "2026-12-06 10:30", "Sunday 23:30"),
            _note(t.ic, "2026-12-06 11:30", "Monday 00:30"),
            _note(t.ic, "2026-12-06 18:59", "Monday 07:59"),
            _note(t.ic, "2026-12-06 19:00", "Monday 08:00"),
            _note(t.other_ic, "2026-12-07 07:30", "Sunday 23:30 LA"),
            _note(t.other_ic, "2026-12-07 16:59", "Monday 08:59 LA"),
            _note(t.other_ic, "2026-12-07 17:00", "Monday 09:00 LA"),
        ]
    )
    session.commit()
    config = write_config(
        tmp_path,
        engine,
        smtp=smtp,
        hook=receiver.url(),
        defaults={"email": "off", "webhook": "off"},
    )

    def run(now: str) -> None:
        done = run_worker(config, now=now)
        assert done.returncode == 0, done.stderr

    run("2026-12-06T18:59:59+00:00")  # 07:59 on Monday in Auckland: nothing is due
    assert smtp.mails == [] and receiver.hits == []
    run("2026-12-06T19:00:00+00:00")  # 08:00: Sunday's digest, across local midnight
    assert len(smtp.mails) == 1
    first = smtp.mails[0]
    assert first.rcpt == ["ines@example.com"]
    assert first.message["Subject"] == "Your daily digest: 3 notifications"
    text = first.part("plain")
    assert "Sun 6 Dec 08:00 to Mon 7 Dec 08:00 (Pacific/Auckland)" in text
    assert text.index("Monday 07:59") < text.index("Monday 00:30") < text.index("Sunday 23:30")
    assert "Monday 08:00" not in text
    run("2026-12-07T17:00:00+00:00")  # Monday 09:00 in Los Angeles: Ravi's week
    assert len(smtp.mails) == 1  # Ines's next digest waits for Tuesday 08:00
    assert len(receiver.hits) == 1
    week = receiver.hits[0].json
    assert week["person"]["email"] == "ravi@example.com"
    assert week["kind"] == "digest"
    assert sorted(i["title"] for i in week["items"]) == ["Monday 08:59 LA", "Sunday 23:30 LA"]
    assert "Mon 30 Nov 09:00 to Mon 7 Dec 09:00 (America/Los_Angeles)" in week["text"]
    run("2026-12-07T19:00:00+00:00")
    assert [m.part("plain").count("Monday 08:00") for m in smtp.mails] == [0, 1]
    run("2026-12-14T17:00:00+00:00")
    assert [[i["title"] for i in h.json["items"]] for h in receiver.hits][1] == ["Monday 09:00 LA"]
    assert len(smtp.mails) == 2 and len(receiver.hits) == 2
