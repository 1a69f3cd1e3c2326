"""config.yaml ``review_checklists``: what a reviewer checks, by the kind of review.

Each kind (code, analysis, data_cleaning) lists its items, each a short text and whether
it is required (``required`` defaults to true; a bare string is a required item). A
required item must be ticked or marked not applicable (with a reason) before the review
can be approved. A kind left out keeps its built-in list below; ``[]`` means no
checklist for that kind. The list is copied into the review when it is requested, so
changing it here never rewrites a past review.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from team.vocabulary import ReviewKind

ITEM_TEXT_MAX = 300
ITEMS_MAX = 30


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    required: bool = True

    @model_validator(mode="before")
    @classmethod
    def _bare_text(cls, value: object) -> object:
        """``- Tests pass`` is ``- {text: Tests pass, required: true}``."""
        if isinstance(value, str):
            return {"text": value}
        if not isinstance(value, dict) or "text" not in value:
            raise ValueError("an item such as {text: Tests pass, required: true}")
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _short_text(cls, value: object) -> str:
        text = " ".join(str(value).split()) if isinstance(value, str | int | float) else ""
        if not 1 <= len(text) <= ITEM_TEXT_MAX:
            raise ValueError(f"an item text of 1 to {ITEM_TEXT_MAX} characters")
        return text


Items = tuple[ChecklistItem, ...]


def _items(*texts: tuple[str, bool]) -> Items:
    return tuple(ChecklistItem(text=text, required=required) for text, required in texts)


DEFAULT_CODE = _items(
    ("Tests cover the change and pass", True),
    ("The code is readable: clear names, no dead code", True),
    ("No secrets, credentials or personal data in the code or its output", True),
    ("It runs from a clean checkout with the documented steps", True),
    ("Queries and joins are checked against the data (row counts, keys)", False),
    ("It is fast enough at the real data's size", False),
)
DEFAULT_ANALYSIS = _items(
    ("The question is stated and the analysis answers it", True),
    ("The comparison is fair (cohorts, baselines, selection)", True),
    ("Uncertainty is shown (intervals, sample sizes)", True),
    ("Seasonality and trends are handled", False),
    ("It can be reproduced from the linked notebook or query", True),
    ("Data-cleaning decisions are logged and reviewed", False),
)
DEFAULT_DATA_CLEANING = _items(
    ("What was removed or changed, and why, is stated", True),
    ("How many rows it touched is given (before and after)", True),
    ("The effect on the results is shown (with and without the step)", True),
    ("It is logged as a finding of kind data decision", True),
    ("The rule is in code, not applied by hand", False),
    ("The owner of the data source agrees or has been told", False),
)


class ReviewChecklists(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Items = Field(default=DEFAULT_CODE, max_length=ITEMS_MAX)
    analysis: Items = Field(default=DEFAULT_ANALYSIS, max_length=ITEMS_MAX)
    data_cleaning: Items = Field(default=DEFAULT_DATA_CLEANING, max_length=ITEMS_MAX)

    @field_validator("code", "analysis", "data_cleaning", mode="before")
    @classmethod
    def _a_list(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            raise ValueError("a list of items (write [] for no checklist)")
        return value

    @field_validator("code", "analysis", "data_cleaning")
    @classmethod
    def _distinct(cls, value: Items) -> Items:
        seen: set[str] = set()
        for item in value:
            if item.text.casefold() in seen:
                raise ValueError(f"distinct item texts, but “{item.text}” is listed twice")
            seen.add(item.text.casefold())
        return value

    def for_kind(self, kind: ReviewKind) -> Items:
        """The items of a review of ``kind``, in order."""
        items: Items = getattr(self, ReviewKind(kind).value)
        return items
