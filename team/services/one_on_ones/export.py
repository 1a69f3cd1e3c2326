"""The action items of a pair's one-on-ones as CSV: open and done, oldest meeting first,
for either of the pair's two people (as the page shows them). Readable headers, words
rather than codes, ISO dates, and no cell a spreadsheet would run as a formula
(core/exports.py). Two queries, whatever the number of items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlmodel import Session

from team.services.core import exports
from team.services.core.sql_time import aware
from team.services.one_on_ones.reads import ActionItemView, pair_actions

HEADER = ("Meeting date", "Action item", "Owner", "Due", "Status", "Done on")
DONE, OVERDUE, OPEN = "Done", "Overdue", "Open"


def status(item: ActionItemView, today: date) -> str:
    if item.done:
        return DONE
    return OVERDUE if item.overdue(today) else OPEN


def _rows(items: list[ActionItemView], today: date) -> Iterator[list[object]]:
    for item in items:
        done_at = aware(item.done_at)
        yield [
            item.raised_on,
            item.description,
            item.owner,
            item.due_date,
            status(item, today),
            done_at.date() if done_at and item.done else None,  # the UTC day
        ]


def action_items_csv(
    session: Session,
    actor_id: int,
    *,
    manager_id: int,
    report_id: int,
    today: date | None = None,
) -> str:
    """Every action item of the pair's one-on-ones, by the day of the meeting that raised
    it; only the manager and the report of the pair may export them."""
    items = pair_actions(session, actor_id, manager_id=manager_id, report_id=report_id)
    return exports.to_csv(HEADER, _rows(items, today or date.today()))
