"""Hostile text in titles and note bodies arrives as text: no header injected into an
email, HTML escaped in its HTML part, Slack's mrkdwn escaped (no mention, no link), the
webhook's JSON intact."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from tests.e2e.payloads import BY_NAME, markdown_corpus, nastiest
from tests.notify.conftest import run_worker, write_config
from tests.notify.receivers import HttpReceiver, SmtpServer
from tests.notify.scenario import every_kind

TITLE = '<img src=x onerror="alert(1)"> <!channel> <https://evil.example|click> & \u202eRTL'
BODY = (
    markdown_corpus(nastiest(300))
    + "\r\nBcc: evil@example.com\r\n\r\n"
    + BY_NAME["script_tag"].text
)


def test_hostile_titles_and_bodies_arrive_as_text(
    engine: Engine, session: Session, tmp_path: Path, smtp: SmtpServer, receiver: HttpReceiver
) -> None:
    every_kind(session, title=TITLE, body=BODY)
    config = write_config(
        tmp_path,
        engine,
        smtp=smtp,
        hook=receiver.url(),
        slack=True,
        defaults={"email": "immediate", "webhook": "immediate", "slack": "immediate"},
    )
    done = run_worker(config, slack_url=receiver.url("/slack"))
    assert done.returncode == 0, done.stderr
    assert "failed 0" in done.stderr
    assert smtp.mails
    for mail in smtp.mails:
        assert len(mail.rcpt) == 1 and "evil" not in mail.rcpt[0]
        assert "Bcc" not in mail.message  # header names match in any case
        assert "\n" not in mail.message["Subject"] and "\r" not in mail.message["Subject"]
        html = mail.part("html")
        for raw in ("<img src=x", "<script", "<!channel>", '<a href="https://evil'):
            assert raw not in html, raw
    titled = [m for m in smtp.mails if "onerror" in m.message["Subject"]]
    assert titled, "the title reaches subjects as text"
    assert any("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in m.part("html") for m in titled)
    assert any('<img src=x onerror="alert(1)">' in m.part("plain") for m in titled)
    noted = [m for m in smtp.mails if "&lt;script&gt;" in m.part("html")]
    assert noted, "the note's words reach the HTML part escaped"

    slack = [h for h in receiver.hits if h.path == "/slack"]
    hooks = [h for h in receiver.hits if h.path == "/hook"]
    assert slack and hooks and len(slack) == len(hooks) == len(smtp.mails)
    for hit in slack:
        body = hit.json
        texts = [body["text"]] + [
            b["text"]["text"] for b in body["blocks"] if b["type"] == "section"
        ]
        for text in texts:
            assert "<" not in text and ">" not in text.replace("\n>", "\n")
        assert any("&lt;!channel&gt;" in t for t in texts) or "&lt;script&gt;" in body["text"]
    titles = {item["title"] for h in hooks for item in h.json["items"]}
    assert any(TITLE.replace("\u202e", "") in t.replace("\u202e", "") for t in titles)
