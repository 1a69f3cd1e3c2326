"""What is wrong with a file to import, by line or row: every problem found is listed at
once (not the first only), each with what to fix, and nothing is written while any
remains."""

from __future__ import annotations

from dataclasses import dataclass

from team.services.core.errors import InvalidInput

SHOWN = 200  # problems a refusal lists; the count says how many more there are


@dataclass(frozen=True)
class Problem:
    """One problem: ``where`` is the line (outline) or row (CSV, the header being row 1,
    as a spreadsheet numbers it) it is on; 0 for the file as a whole."""

    where: int
    text: str

    def said(self, noun: str) -> str:
        return f"{noun.capitalize()} {self.where}: {self.text}" if self.where else self.text


class ImportRefused(InvalidInput):
    """The file cannot be imported as it is; ``problems`` lists why, by line or row."""

    def __init__(self, problems: list[Problem], *, noun: str) -> None:
        count = len(problems)
        first = problems[0].said(noun) if problems else ""
        summary = first if count == 1 else f"{count:,} problems, the first: {first}"
        super().__init__(f"{summary} Nothing was imported; fix the file and try again.")
        self.problems = sorted(problems, key=lambda p: p.where)
        self.noun = noun

    def lines(self, limit: int = SHOWN) -> list[str]:
        """The problems as sentences, at most ``limit`` (and how many more)."""
        shown = [p.said(self.noun) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(f"… and {len(self.problems) - limit:,} more.")
        return shown
