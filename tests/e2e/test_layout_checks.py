"""The layout checks of test_layout.py, on small static pages: each finds the fault it is
for (text squeezed into a 16 px column, a page that scrolls sideways, a button off the
screen) and nothing on a clean page that has what a real page has (a short word in a
narrow box, text for screen readers, a wide table scrolling in its own box)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.walk import LAYOUT_CHECKS, MAX_CHARS, MIN_WIDTH

PHONE = {"width": 390, "height": 844}
CLEAN = """
<p>Questions</p>
<div style="display: flex; width: 360px">
  <div style="flex: 1"><p>How accurate is the current seasonal-naive forecast?</p></div>
  <div style="width: 30px"><span>Team</span></div>
</div>
<div style="position: absolute; width: 1px; height: 1px; overflow: hidden;
            clip: rect(0 0 0 0)">9 options available.</div>
<div style="width: 360px; overflow-x: auto">
  <table style="width: 900px"><tr><td>Assignee</td><td><button>Far right</button></td></tr>
  </table>
</div>
<span class="material-symbols-rounded" style="font-family: 'Material Symbols Rounded';
      display: inline-block; width: 20px; overflow: hidden">notifications</span>
"""
SQUEEZED = """
<div style="display: flex; width: 360px">
  <div style="flex: 1"><p>How accurate is the current seasonal-naive forecast?</p></div>
  <div data-testid="facts" style="width: 16px; overflow-wrap: anywhere">
    <p>assigned to Sofia · high confidence</p>
  </div>
</div>
"""
SIDEWAYS = """
<p>Questions</p>
<div data-testid="wide" style="width: 800px">A row wider than a phone</div>
"""
OFF_SCREEN = """
<p>Questions</p>
<button style="position: fixed; top: 40px; left: -150px; width: 120px">Assign</button>
"""


def _problems(page: Any, html: str) -> list[dict[str, str]]:
    page.set_viewport_size(PHONE)
    page.set_content(f'<!doctype html><html><body style="margin: 0">{html}</body></html>')
    found: list[dict[str, str]] = page.evaluate(
        LAYOUT_CHECKS, {"minWidth": MIN_WIDTH, "maxChars": MAX_CHARS}
    )
    return found


def test_a_clean_page_has_no_problem(page: Any) -> None:
    assert _problems(page, CLEAN) == []


@pytest.mark.parametrize(
    ("html", "check", "names"),
    [
        (SQUEEZED, "squeezed", ['"assigned to Sofia · high confidence"', "16x", "in facts"]),
        (SIDEWAYS, "sideways", ["800 px wide in a 390 px view", "in wide", "A row wider"]),
        (OFF_SCREEN, "off-screen", ['<button> "Assign" 120x', "x=-150..-30"]),
    ],
    ids=["squeezed", "sideways", "off-screen"],
)
def test_each_check_finds_its_fault(page: Any, html: str, check: str, names: list[str]) -> None:
    problems = _problems(page, html)
    assert [p["check"] for p in problems] == [check], problems
    for name in names:
        assert name in problems[0]["what"], problems[0]["what"]
