"""Every page as a person sees it: for each role (manager, IC, viewer) and width (a
desktop's 1440 px, a phone's 390 px), every page and each of its tabs is opened in a real
browser over the demo team and fails when

- text is squeezed: an element holding more than a few characters of its own text is
  narrower than 40 px and that text does not fit in it (it runs down the page a few
  letters a line, or past the element's edge); a short word that fits ("Team") is fine;
- the page scrolls sideways (a wide grid scrolling inside its own box is fine);
- a control (button, input, link, tab...) is drawn past the viewport's edge, outside any
  box that scrolls sideways on its own.

A screenshot of every page, role and width (and of each tab) is kept in
test-artifacts/layout/ whether the test passes or not, for a person to look at. Search
is looked at with words that find something and its Filters open (walk.ARRIVALS), so
its hits and facets are on screen, not only its empty box.
The checks themselves are tested on a static page in test_layout_checks.py."""

from __future__ import annotations

import pytest

from team.vocabulary import Role
from tests.e2e.walk import STOPS, WIDTHS, Walk


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize(("page", "role"), STOPS, ids=[f"{p}-{r.value}" for p, r in STOPS])
def test_page_layout(walk: Walk, page: str, role: Role, width: int) -> None:
    visit = walk.visit(page, role, width)
    problems = visit.problems()
    shots = "\n".join(f"  {view.screenshot}" for view in visit.views)
    assert not problems, (
        f"{len(problems)} layout problem(s) on {visit.name}:\n"
        + "\n".join(f"- {problem}" for problem in problems)
        + f"\nScreenshots:\n{shots}"
    )
