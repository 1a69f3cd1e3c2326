"""Evidence links as chips: a small badge with an icon for what the link is and its label
("PR #418 · acme/churn", "notebook · retention_q3.ipynb", "dashboard · Looker"), read
from the URL alone (services/findings/artifacts.py).

A chip is Markdown for ``st.markdown`` (or a button's label), made of user text, so:
the label is escaped as a plain field (``text.plain``: a "]" in a file name cannot close
the badge, a ":material/...:" or a link in it stays text); only an http(s) URL becomes a
link (the whole badge, ending in an "opens" icon), its destination escaped by
``text.web_link``; anything else is a badge of text."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from team.services.findings.artifacts import Artifact, ArtifactKind, describe
from team.ui.text import plain, web_link

K = ArtifactKind
# Material Symbols names (streamlit.material_icon_names), one per kind.
ICONS = {
    K.PULL_REQUEST: "merge",
    K.MERGE_REQUEST: "merge",
    K.COMMIT: "commit",
    K.ISSUE: "adjust",
    K.CODE: "code",
    K.NOTEBOOK: "menu_book",
    K.DASHBOARD: "dashboard",
    K.QUERY: "database",
    K.DOCUMENT: "description",
    K.LINK: "link",
}
# A chip is not a state, so it takes the quiet colour (team/colours.py keeps the others
# for states); its icon says what it is.
COLOUR = "gray"
OPENS = ":material/open_in_new:"  # a linked chip says it opens (a badge is not underlined)
_PROBE = "x"  # a label that web_link leaves as it is


def _destination(url: str) -> str | None:
    """The ``(<...>)`` part of the link ``web_link`` makes to ``url``, whose escaping
    keeps anything in the URL from ending the link early; None if it makes no link."""
    made, start = web_link(url, _PROBE), f"[{_PROBE}]("
    return made[len(start) - 1 :] if made.startswith(start) else None


def chip(url: str, *, linked: bool = True) -> str:
    """``url`` as a chip (Markdown), a link to it when it is an http(s) address and
    ``linked`` (a button's label takes no link: pass False there)."""
    artifact = describe(url)
    return chip_of(artifact, linked=linked)


def chip_of(artifact: Artifact, *, linked: bool = True) -> str:
    icon = f":material/{ICONS[artifact.kind]}:"
    destination = _destination(artifact.url) if linked and artifact.is_web else None
    if destination is not None:
        badge = f":{COLOUR}-badge[{icon} {plain(artifact.label, in_link=True)} {OPENS}]"
        return f"[{badge}]{destination}"
    return f":{COLOUR}-badge[{icon} {plain(artifact.label)}]"


def chips(urls: Iterable[str]) -> str:
    """Chips of ``urls`` on one line (Markdown), in their order."""
    return " ".join(chip(url) for url in urls)


def evidence_chips(urls: Iterable[str], *, lead: str = "Evidence:") -> None:
    """One line of chips after ``lead`` (nothing when there is no link)."""
    shown = chips(urls)
    if shown:
        st.markdown(f"{lead} {shown}" if lead else shown)
