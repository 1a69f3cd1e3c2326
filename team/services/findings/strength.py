"""When a finding counts as reviewed, in SQL: accepted, and a review of it approved (the
rule of ``EvidenceStrength.REVIEWED``). One definition for every read that asks: the
citations of an answer, the evidence roll-up and the memo."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Exists, exists
from sqlmodel import col

from team.models import Finding, ReviewRequest
from team.vocabulary import FindingStatus, ReviewStatus


def has_approved_review(finding_id: Any) -> Exists:
    """A review of the finding ``finding_id`` (a column or value) was approved (found by
    the index on review_request (finding_id, status))."""
    return exists().where(
        col(ReviewRequest.finding_id) == finding_id,
        col(ReviewRequest.status) == ReviewStatus.APPROVED,
    )


def is_reviewed() -> ColumnElement[bool]:
    """The finding of the query is reviewed: accepted, and a review of it approved."""
    approved = has_approved_review(col(Finding.id)).correlate(Finding)
    return (col(Finding.status) == FindingStatus.ACCEPTED) & approved
