"""Citation markers as links: in an answer shown on the page, ``[F12]`` opens finding 12's
card on Questions and ``[Q34]`` the answer of sub-question 34, for the markers the
version really cites. The links are added to Markdown already made safe by
``text.safe_markdown``, outside code (a marker there is shown as typed) and outside link
destinations; each is a relative address the app builds from ids, so user text adds
nothing to it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from team.services.answers.reads import AnswerVersion
from team.services.core.markdown import LINK_DEST
from team.ui.actions import link_to
from team.ui.text import outside

# A marker not escaped by a backslash (an escaped "\[" is text, as the user or
# safe_markdown meant it).
MARKER = re.compile(r"(?<!\\)\[(F|Q)(\d+)\]")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


def citation_links(version: AnswerVersion, root_id: int) -> dict[str, str]:
    """{marker: Markdown link} for what ``version`` cites: each finding's card on
    Questions, each sub-question's answer on Answers (in the tree ``root_id``)."""
    links = {
        f"F{f.id}": link_to(
            "questions",
            f"[F{f.id}]",
            root=f.root_id,
            node=f.question_id if f.question_id != f.root_id else None,
            finding=f.id,
        )
        for f in version.cited_findings
    }
    for q in version.cited_questions:
        links[f"Q{q}"] = link_to("answers", f"[Q{q}]", root=root_id, node=q)
    return links


def linked(markdown: str, links: Mapping[str, str]) -> str:
    """``markdown`` (safe Markdown) with each marker named in ``links`` replaced by its
    link, outside fenced code, code spans and link destinations."""
    if not links or "[" not in markdown:
        return markdown

    def in_text(part: str) -> str:
        return MARKER.sub(lambda m: links.get(m[1] + m[2], m[0]), part)

    def in_line(line: str) -> str:
        return outside(line, _CODE_SPAN, lambda part: outside(part, LINK_DEST, in_text))

    out, fence = [], ""
    for line in markdown.split("\n"):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1).startswith(fence) and not line.strip(fence[0] + " "):
                fence = ""
        elif opened:
            fence = opened.group(1)
        else:
            line = in_line(line)
        out.append(line)
    return "\n".join(out)
