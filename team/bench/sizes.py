"""How big an organisation the benchmark generates.

``S`` is the demo team's size (what ``team demo`` loads); ``L`` is a large department
with two years of history. ``scaled`` shrinks or grows a size for tests, keeping a team
that still has every role and enough events for every row's creation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Size:
    name: str
    projects: int
    people: int
    general_questions: int
    sub_questions: int
    findings: int
    review_requests: int
    notes: int
    answer_versions: int
    one_on_ones: int
    events: int

    @property
    def questions(self) -> int:
        return self.general_questions + self.sub_questions


SIZES: dict[str, Size] = {
    "S": Size(
        name="S",
        projects=5,
        people=9,
        general_questions=6,
        sub_questions=35,
        findings=37,
        review_requests=10,
        notes=19,
        answer_versions=13,
        one_on_ones=9,
        events=322,
    ),
    "L": Size(
        name="L",
        projects=20,
        people=80,
        general_questions=2_000,
        sub_questions=20_000,
        findings=200_000,
        review_requests=30_000,
        notes=100_000,
        answer_versions=10_000,
        one_on_ones=1_000,
        events=500_000,
    ),
}

# A meeting has at most this many track notes and action items (see meetings.py).
MAX_TRACKS = 3
MAX_ACTIONS = 3
# A question writes at most this many events that the history charts need: its
# creation and up to two status changes (open -> in progress -> answered or blocked).
QUESTION_EVENTS = 3

# The smallest team that still has two managers, several ICs and a viewer.
_FLOORS = {"projects": 2, "people": 9, "general_questions": 3}


def required_events(size: Size) -> int:
    """Events every generated organisation of ``size`` needs at most: one per row
    created (meetings with their most track notes and action items), each question's
    status history, each deactivation and archiving. ``events`` must be at least this."""
    return (
        2 * size.people
        + 2 * size.projects
        + QUESTION_EVENTS * size.questions
        + size.findings
        + size.review_requests
        + size.notes
        + size.answer_versions
        + size.general_questions  # at most one decision each (decisions.py)
        + (1 + MAX_TRACKS + MAX_ACTIONS) * size.one_on_ones
    )


def scaled(size: Size, factor: float) -> Size:
    """``size`` with every count multiplied by ``factor`` (rounded), kept above a small
    working team, and with enough events for the rows it creates."""
    if factor <= 0:
        raise ValueError(f"The scale factor must be positive (got {factor}).")
    counts = {
        f.name: max(_FLOORS.get(f.name, 1), round(getattr(size, f.name) * factor))
        for f in fields(size)
        if f.name != "name"
    }
    result = replace(size, name=f"{size.name}x{factor:g}", **counts)
    return replace(result, events=max(result.events, required_events(result)))


def check_size(size: Size) -> None:
    """Raise ValueError, saying what to change, if ``size`` cannot be generated."""
    for f in fields(size):
        value = getattr(size, f.name)
        if f.name != "name" and (not isinstance(value, int) or value < 0):
            raise ValueError(f"Size {size.name}: {f.name} must be a whole number >= 0.")
    if size.projects < 1 or size.general_questions < 1:
        raise ValueError(f"Size {size.name}: give at least one project and general question.")
    if size.people < 3:
        raise ValueError(
            f"Size {size.name}: give at least 3 people (a manager, an IC and one more)."
        )
    needed = required_events(size)
    if size.events < needed:
        raise ValueError(
            f"Size {size.name}: {size.events:,} events cannot record the creation and "
            f"status history of its rows; give at least {needed:,}."
        )


__all__ = ["SIZES", "Size", "check_size", "required_events", "scaled"]
