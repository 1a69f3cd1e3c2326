"""The rules of answers: who writes them, how they cite their evidence, and which of their
claims are unsupported.

A save never overwrites: it adds the next version. Citations are markers in the text,
``[F12]`` for finding 12 and ``[Q34]`` for the current answer of child question 34, plus
any chosen in the editor; a finding can be cited only from inside the node's branch and
only while it is citable (FindingStatus.is_citable), an answer only from a direct child.
A paragraph with no marker is flagged as unsupported.

Who: managers write answers; an IC may draft the answer of a question assigned to them
(questions.rules.works_on); viewers read.
"""

from __future__ import annotations

import re

MARKER = re.compile(r"\[(F|Q)(\d+)\]")


def markers(body: str) -> tuple[set[int], set[int]]:
    """(finding ids, child question ids) named by markers in the text."""
    found: dict[str, set[int]] = {"F": set(), "Q": set()}
    for kind, number in MARKER.findall(body):
        found[kind].add(int(number))
    return found["F"], found["Q"]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def unsupported_paragraphs(body: str) -> list[str]:
    """Paragraphs that make a claim without citing anything (headings are not claims)."""
    return [p for p in claims(body) if not MARKER.search(p)]


def claims(body: str) -> list[str]:
    """The paragraphs that make a claim (headings are not claims)."""
    return [p for p in paragraphs(body) if not p.lstrip().startswith("#")]


def claims_on_reviewed(body: str, reviewed: set[int]) -> tuple[int, int]:
    """(claims citing at least one finding of ``reviewed``, claims): how much of an
    answer rests on reviewed evidence ("2 of 3 claims")."""
    made = claims(body)
    return sum(1 for claim in made if markers(claim)[0] & reviewed), len(made)


def on_reviewed(body: str, reviewed: set[int]) -> str:
    """ "2 of 3 claims rest on reviewed evidence" for ``body`` ("" without a claim)."""
    rests, made = claims_on_reviewed(body, reviewed)
    if not made:
        return ""
    verb = "rests" if rests == 1 or made == 1 else "rest"
    return f"{rests} of {made} claim{'s' if made != 1 else ''} {verb} on reviewed evidence"
