"""The messages the worker sends: one notification on its own, or a digest of a day's
or a week's, as a subject line, a plain-text body, an HTML body and Slack blocks.

User text (titles, note words, names) is never trusted: the subject goes through
``one_line`` (no CR/LF can start a header), the HTML through ``html_text``, Slack's
mrkdwn through ``slack_text``. Markdown is not rendered: a note's words are shown as
the text they are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from team.services.notify.message import Message, html_text, one_line, slack_text
from team.services.notify.periods import Period, aware
from team.services.notify.words import GROUPS, sentence
from team.vocabulary import Cadence, NotificationKind

SLACK_SECTION_CHARS = 2900  # Slack refuses a section text over 3000 characters
SETTINGS_PAGE = "settings"  # the url path of My settings (team/ui/navigation.py)


@dataclass(frozen=True)
class Item:
    """One notification as a message shows it."""

    kind: NotificationKind
    at: datetime
    actor: str
    title: str
    detail: str
    link: str  # absolute

    @property
    def sentence(self) -> str:
        return sentence(self.kind, self.actor, one_line(self.title, 300))

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "sentence": self.sentence,
            "title": self.title,
            "detail": self.detail,
            "link": self.link,
            "at": aware(self.at).isoformat(),
            "actor": self.actor,
        }


def _footer(public_url: str) -> tuple[str, str]:
    where = f"{public_url}/{SETTINGS_PAGE}"
    text = f"You get this from {public_url}. Choose how often on My settings: {where}"
    page = f'<a href="{html_text(where)}">My settings</a>'
    return text, f'<p style="color:#666;font-size:12px">Choose how often on {page}.</p>'


def _button(link: str, label: str = "Open in the app") -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": label}, "url": link}
        ],
    }


def _section(mrkdwn: str) -> dict[str, Any]:
    if len(mrkdwn) > SLACK_SECTION_CHARS:
        mrkdwn = mrkdwn[: SLACK_SECTION_CHARS - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def single_message(item: Item, *, public_url: str) -> Message:
    """One notification sent on its own."""
    said = item.sentence
    foot_text, foot_html = _footer(public_url)
    detail_text = f"\n\n{item.detail}" if item.detail else ""
    detail_html = (
        f'<blockquote style="white-space:pre-wrap">{html_text(item.detail)}</blockquote>'
        if item.detail
        else ""
    )
    mrkdwn = slack_text(said) + (
        f"\n>{slack_text(one_line(item.detail, 2000))}" if item.detail else ""
    )
    return Message(
        subject=one_line(said),
        text=f"{said}{detail_text}\n\nOpen it: {item.link}\n\n-- \n{foot_text}\n",
        html=(
            f"<p>{html_text(said)}</p>{detail_html}"
            f'<p><a href="{html_text(item.link)}">Open in the app</a></p>{foot_html}'
        ),
        link=item.link,
        blocks=[_section(mrkdwn), _button(item.link)],
    )


def _grouped(items: Iterable[Item]) -> list[tuple[str, list[Item]]]:
    groups: dict[NotificationKind, list[Item]] = defaultdict(list)
    for item in items:
        groups[item.kind].append(item)
    return [
        (heading, sorted(groups[kind], key=lambda i: aware(i.at), reverse=True))
        for kind, heading in GROUPS.items()
        if groups.get(kind)
    ]


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = aware(moment).astimezone(zone)
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def period_words(period: Period, zone_name: str) -> str:
    zone = ZoneInfo(zone_name)
    return f"{_when(period.start, zone)} to {_when(period.end, zone)} ({zone_name})"


def digest_message(
    items: list[Item], *, cadence: Cadence, period: Period, zone: str, public_url: str
) -> Message:
    """The notifications of a day or a week, grouped by kind, newest first in each."""
    what = "daily" if cadence == Cadence.DAILY else "weekly"
    count = f"{len(items)} notification{'s' if len(items) != 1 else ''}"
    span = period_words(period, zone)
    tz = ZoneInfo(zone)
    text = [f"Your {what} digest: {count}, {span}.", ""]
    html = [f"<p>Your {what} digest: {html_text(count)}, {html_text(span)}.</p>"]
    blocks = [_section(f"*Your {what} digest*: {count}, {slack_text(span)}")]
    for heading, members in _grouped(items):
        text.append(f"{heading} ({len(members)})")
        html.append(f"<h3>{html_text(heading)} ({len(members)})</h3><ul>")
        lines = [f"*{heading}* ({len(members)})"]
        for item in members:
            at = _when(item.at, tz)
            text.append(f"- {item.sentence} ({at})")
            if item.detail:
                text.append(f"  {one_line(item.detail, 2000)}")
            text.append(f"  {item.link}")
            detail = f"<br><i>{html_text(item.detail)}</i>" if item.detail else ""
            html.append(
                f'<li><a href="{html_text(item.link)}">{html_text(item.sentence)}</a> '
                f"({html_text(at)}){detail}</li>"
            )
            lines.append(f"• <{item.link}|{slack_text(item.sentence)}> ({at})")
        text.append("")
        html.append("</ul>")
        blocks.append(_section("\n".join(lines)))
    foot_text, foot_html = _footer(public_url)
    text += [f"Open the app: {public_url}", "", "-- ", foot_text, ""]
    html += [f'<p><a href="{html_text(public_url)}">Open the app</a></p>', foot_html]
    blocks.append(_button(public_url))
    return Message(
        subject=one_line(f"Your {what} digest: {count}"),
        text="\n".join(text),
        html="\n".join(html),
        link=public_url,
        blocks=blocks[:50],
    )
