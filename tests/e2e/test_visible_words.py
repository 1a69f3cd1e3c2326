"""No raw vocabulary name on any page: every page, as a manager, an IC and a viewer see it
at 1440 px (the walk of test_layout.py, shared), with each of its tabs opened in turn,
shows the label of each value (“in progress”, “data-cleaning decision”, “IC”), never
the name it is stored under (``in_progress``, ``data_decision``, ``ic``). The words
looked at are the page's text, the cells of its grids, the text of its diagrams and
charts (when drawn as SVG), and every file its download buttons give (a CSV's header and
rows, a memo). The data behind every chart, table and diagram, rows out of sight
included, is checked in tests/ui/test_raw_names_in_page_data.py."""

from __future__ import annotations

import pytest

from team.vocabulary import Role
from tests.e2e.walk import DESKTOP, STOPS, Visit, Walk
from tests.raw_words import raw_names_in

EXAMPLES = 3  # snippets shown per raw name and place


def _found(visit: Visit) -> dict[tuple[str, str], list[str]]:
    """(where, raw name) -> the text around each time it stands there."""
    found: dict[tuple[str, str], list[str]] = {}
    for view in visit.views:
        sources = {view.where: view.text}
        sources |= {f"file {name} downloaded {view.where}": t for name, t in view.downloads.items()}
        for where, text in sources.items():
            for name, around in raw_names_in(text):
                found.setdefault((where, name), []).append(around)
    return found


@pytest.mark.parametrize(("page", "role"), STOPS, ids=[f"{p}-{r.value}" for p, r in STOPS])
def test_no_raw_name_on_screen(walk: Walk, page: str, role: Role) -> None:
    visit = walk.visit(page, role, DESKTOP)
    found = _found(visit)
    lines = []
    for (where, name), arounds in found.items():
        distinct = list(dict.fromkeys(arounds))
        more = f" (and {len(distinct) - EXAMPLES} more)" if len(distinct) > EXAMPLES else ""
        shown = "; ".join(f"“{a}”" for a in distinct[:EXAMPLES])
        times = f"{len(arounds)} time" + ("s" if len(arounds) > 1 else "")
        lines.append(f"- {name} ({times}), {where}: {shown}{more}")
    assert not found, f"Raw names on {visit.name}:\n" + "\n".join(lines)
