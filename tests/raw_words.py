"""The raw names of the vocabularies (``data_decision``, ``in_progress``, ``ic``...): what
a person must never read on a page, in a chart or in a file they download, where the
value's label (``data-cleaning decision``, ``in progress``, ``IC``) belongs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from team.vocabulary import Vocabulary

SNIPPET = 40  # characters shown either side of a raw name found


def _vocabularies(base: type[Vocabulary] = Vocabulary) -> Iterable[type[Vocabulary]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _vocabularies(sub)


# Values that read differently from their labels but are plain words a sentence holds
# ("weekly demand", "unassigned", "by email", "off"): the notification vocabularies'
# (Cadence, Channel, NotificationKind.UNASSIGNED).
WORDS = frozenset(
    {"daily", "weekly", "immediate", "off", "email", "slack", "webhook", "unassigned"}
)
# Every value of every vocabulary that reads differently from its label; a value that is
# its own label ("open", "manager") may well stand in a sentence.
RAW_NAMES = tuple(
    sorted(
        {m.value for v in _vocabularies() for m in v if m.value != m.label} - WORDS,
        key=lambda name: (-len(name), name),  # the longest first, so none hides another
    )
)
# Labels for values that differ from theirs only by case ("ic" reads "IC") must match in
# that case; any other raw name ("in_progress", "IN_PROGRESS") is raw in any case. A name
# is found on its own, not inside a word ("ic" in "pricing"), but it may sit in a longer
# identifier ("status_in_progress").
_CASED = {
    m.value
    for v in _vocabularies()
    for m in v
    if m.value.lower() == m.label.lower() and m.value not in WORDS
}
_FOUND = re.compile(
    "|".join(
        rf"(?<![A-Za-z0-9])(?{'' if name in _CASED else 'i'}:{re.escape(name)})(?![A-Za-z0-9])"
        for name in RAW_NAMES
    )
)


def raw_names_in(text: str) -> list[tuple[str, str]]:
    """Each raw name in ``text``, with the text around it (on one line)."""
    found = []
    for match in _FOUND.finditer(text):
        start, end = max(0, match.start() - SNIPPET), match.end() + SNIPPET
        around = " ".join(text[start:end].split())
        found.append((match.group(0), f"…{around}…"))
    return found
