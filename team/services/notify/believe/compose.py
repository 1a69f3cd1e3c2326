"""The weekly "what we now believe" as a message: an email's text and HTML parts and a
Slack message, every piece of user text escaped for the form it goes into (message.py's
guards); the answer's words are shown as written, plain text, never rendered Markdown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from team.services.notify.believe.week import (
    AnswerAt,
    BelieveDigest,
    Coverage,
    OverdueQuestion,
    RootChange,
)
from team.services.notify.links import absolute, link
from team.services.notify.message import Message, html_text, one_line, slack_text

SHOWN = 5  # accepted findings and overdue sub-questions listed per general question
PARAGRAPH_SHOWN = 1000  # characters of the new answer's first paragraph in a message
SLACK_ROOTS = 45  # Slack takes 50 blocks: a header, the period, and this many sections
SLACK_SECTION = 3000  # characters Slack takes in a section
SLACK_QUOTE = 500  # characters of the paragraph in Slack, where a section holds it all


@dataclass(frozen=True)
class _Part:
    """One general question as the message tells it, user text already escaped: its
    title, lines above the new answer's paragraph, the paragraph, lines below, link."""

    title: str
    head: list[str]
    quote: str | None
    tail: list[str]
    url: str


def believe_message(digest: BelieveDigest, *, public_url: str, time_zone: str) -> Message:
    """The digest as an email (text and HTML) and a Slack message. Every piece of user
    text is escaped for the form it goes into; the answer is shown as written, plain
    text (its Markdown is not rendered)."""
    zone = _zone(time_zone)
    start, end = digest.start.astimezone(zone), digest.end.astimezone(zone)
    subject = one_line(f"What we now believe — week of {_day(start)}")
    period = f"What changed from {_day(start)} to {_day(end)} ({time_zone}) in the general "
    period += "questions you own or follow."
    urls = {c.root_id: absolute(public_url, link("answers", root=c.root_id)) for c in digest.roots}
    parts = [_part(c, urls[c.root_id], _as_is) for c in digest.roots]
    html_parts = [_part(c, urls[c.root_id], html_text) for c in digest.roots]
    slack_parts = [_part(c, urls[c.root_id], slack_text, SLACK_QUOTE) for c in digest.roots]
    only = next(iter(urls.values())) if len(urls) == 1 else absolute(public_url, link("answers"))
    return Message(
        subject=subject,
        text=_text(subject, period, parts),
        html=_html(subject, period, html_parts),
        link=only,
        blocks=_blocks(subject, period, slack_parts),
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def _answer(at: AnswerAt | None) -> str:
    return "no answer yet" if at is None else f"{at.state.label}, {at.confidence.label} confidence"


def _coverage_words(c: Coverage | None) -> str:
    if c is None:
        return "not asked yet"
    if not c.leaves:
        return "nothing in scope"
    return f"{c.answered} of {c.leaves} sub-questions answered ({round(100 * (c.share or 0))}%)"


def _as_is(text: str) -> str:
    return text


def _part(
    change: RootChange, url: str, esc: Callable[[str], str], quote_chars: int = PARAGRAPH_SHOWN
) -> _Part:
    head = [
        f"Answer: {_answer(change.answer_before)} → {_answer(change.answer_after)}"
        if change.answer_moved
        else f"Answer: {_answer(change.answer_after)} (unchanged)",
        f"Coverage: {_coverage_words(change.coverage_before)} → "
        f"{_coverage_words(change.coverage_after)}"
        if change.coverage_moved
        else f"Coverage: {_coverage_words(change.coverage_after)} (unchanged)",
    ]
    quote = None
    if change.new_version is not None:
        head.append(f"New answer, version {change.new_version}:")
        quote = esc(_cut(change.paragraph or "", quote_chars))
    tail = _listed(
        "Findings accepted this week", [esc(one_line(f.summary)) for f in change.accepted]
    )
    tail += _listed("Sub-questions overdue", [_late(q, esc) for q in change.overdue])
    return _Part(esc(one_line(change.title)), head, quote, tail, url)


def _late(q: OverdueQuestion, esc: Callable[[str], str]) -> str:
    who = f", assigned to {esc(one_line(q.assignee))}" if q.assignee else ""
    return f"{esc(one_line(q.title))} (due {q.due_date.day} {q.due_date:%b %Y}{who})"


def _listed(heading: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = [f"  - {item}" for item in items[:SHOWN]]
    more = [f"  - and {len(items) - SHOWN} more"] if len(items) > SHOWN else []
    return [f"{heading} ({len(items)}):", *shown, *more]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(subject: str, period: str, parts: list[_Part]) -> str:
    out = [subject, "", period]
    for p in parts:
        out += ["", p.title, *(f"  {line}" for line in p.head)]
        if p.quote is not None:
            out += [f"    | {line}" for line in p.quote.split("\n")]
        out += [*(f"  {line}" for line in p.tail), f"  Open the answer: {p.url}"]
    return "\n".join(out) + "\n"


def _html(subject: str, period: str, parts: list[_Part]) -> str:
    out = [f"<h2>{html_text(subject)}</h2>", f"<p>{html_text(period)}</p>"]
    for p in parts:
        href = html_text(p.url)
        out.append(f'<h3><a href="{href}">{p.title}</a></h3>')
        out.append(_lines_html(p.head))
        if p.quote is not None:
            out.append(f'<blockquote style="white-space:pre-wrap">{p.quote}</blockquote>')
        if p.tail:
            out.append(_lines_html(p.tail))
        out.append(f'<p><a href="{href}">Open the answer</a></p>')
    return "\n".join(out)


def _lines_html(lines: list[str]) -> str:
    return '<div style="white-space:pre-wrap">' + "\n".join(lines) + "</div>"


def _blocks(subject: str, period: str, parts: list[_Part]) -> list[dict[str, Any]]:
    def mrkdwn(text: str) -> dict[str, Any]:
        return {"type": "mrkdwn", "text": _cut(text, SLACK_SECTION)}

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(subject, 150)}},
        {"type": "context", "elements": [mrkdwn(slack_text(period))]},
    ]
    for p in parts[:SLACK_ROOTS]:
        quote = [] if p.quote is None else [f"&gt; {line}" for line in p.quote.split("\n")]
        body = "\n".join([f"*{p.title}*", *p.head, *quote, *p.tail])
        link_line = f"\n<{slack_text(p.url)}|Open the answer>"
        body = _cut(body, SLACK_SECTION - len(link_line)) + link_line
        blocks.append({"type": "section", "text": mrkdwn(body)})
    if len(parts) > SLACK_ROOTS:
        more = f"and {len(parts) - SLACK_ROOTS} more general questions: see the email or the app."
        blocks.append({"type": "context", "elements": [mrkdwn(more)]})
    return blocks
