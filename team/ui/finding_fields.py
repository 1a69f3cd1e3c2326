"""A finding's five fields as widgets (summary, details, links, kind, confidence), for
the form that logs one and the one that edits one. Widgets are drawn from session state
(``state.start_widgets``), never with ``value=``."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from team.services.findings import writes as findings
from team.services.findings.reads import FindingView
from team.vocabulary import Confidence, FindingKind

FIELDS = ("summary", "body", "links", "kind", "confidence")


def start_values(finding: FindingView | None = None) -> dict[str, object]:
    """What each field starts from: empty for a new finding, or ``finding`` as saved."""
    if finding is None:
        return {
            "summary": "",
            "body": "",
            "links": "",
            "kind": FindingKind.RESULT,
            "confidence": Confidence.MEDIUM,
        }
    return {
        "summary": finding.summary,
        "body": finding.body,
        "links": "\n".join(finding.links),
        "kind": finding.kind,
        "confidence": finding.confidence,
    }


def finding_inputs(keys: Mapping[str, str]) -> findings.FindingInput:
    """Draw the fields (``keys``: field -> widget key) and return what they hold."""
    summary = st.text_input("Summary: the finding in one line", key=keys["summary"])
    body = st.text_area("Details (Markdown)", key=keys["body"])
    links = st.text_area(
        "Evidence links, one per line (notebook, PR, dashboard, query)",
        key=keys["links"],
        height=80,
    )
    c1, c2 = st.columns(2)
    kind = c1.selectbox("Kind", list(FindingKind), format_func=lambda k: k.label, key=keys["kind"])
    confidence = c2.selectbox(
        "Confidence", list(Confidence), format_func=lambda c: c.label, key=keys["confidence"]
    )
    return findings.FindingInput(
        summary=summary,
        body=body,
        links=findings.parse_links(links),
        kind=kind or FindingKind.RESULT,
        confidence=confidence or Confidence.MEDIUM,
    )
