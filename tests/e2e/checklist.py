"""Working a review's checklist in the browser, as its reviewer does: tick boxes, and
"Not applicable" with a reason (team/ui/review_checklist.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from playwright.sync_api import expect

from team.config_checklists import ChecklistItem
from tests.e2e.conftest import click_to_run


def complete_checklist(
    page: Any,
    review_id: int,
    items: Sequence[ChecklistItem],
    *,
    waive: Mapping[int, str] | None = None,
) -> None:
    """Tick every required item of review ``review_id`` and mark the items of ``waive``
    (position -> reason) not applicable; optional items otherwise stay open."""
    for position, item in enumerate(items):
        row = page.locator(f".st-key-check_row_{review_id}_{position}")
        expect(row).to_contain_text(item.text)
        if waive and position in waive:
            row.get_by_role("button", name="Not applicable").click()
            form = page.get_by_test_id("stPopoverBody").filter(has_text="Why does it not apply?")
            form.get_by_label("Why does it not apply?").fill(waive[position])
            click_to_run(page, form.get_by_role("button", name="Mark not applicable"))
            expect(page.locator(f".st-key-check_row_{review_id}_{position}")).to_contain_text(
                f"not applicable: {waive[position]}"
            )
        elif item.required:
            click_to_run(page, row.get_by_test_id("stCheckbox").locator("label").first)
            expect(row.get_by_role("checkbox")).to_be_checked()
