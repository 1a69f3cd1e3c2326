"""Every cached read of the app, declared once, one line each: a service read made a
cached read by :func:`resources.cached` (keyed by the database URL, the data version and
its own arguments; ``daily`` ones by the day too). Pages call these and hold no cache
code of their own. Two are declared beside what they build, so that only their pages
import pandas and Altair: progress_charts.chart_spec and team_tables.tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from team import db
from team.services.admin import audit
from team.services.admin import reads as admin
from team.services.admin.reads import PersonView, ProjectView
from team.services.answers import health_reads, memo
from team.services.answers import reads as answers
from team.services.answers.decision_reads import decisions_of, decisions_page
from team.services.findings import reads as findings
from team.services.inbox import attention, my_work
from team.services.notes import reads as notes
from team.services.notify import follows
from team.services.notify import inbox as notify_inbox
from team.services.one_on_ones import agenda
from team.services.one_on_ones import reads as one_on_ones
from team.services.progress import overdue, roots
from team.services.questions import pickers, portfolio, view
from team.services.reviews import reads as reviews
from team.services.search import reads as search_reads
from team.ui import resources
from team.ui.resources import TALK, cached, once_per_run

T = TypeVar("T")

# People and projects: read once per run too (a page asks for them many times).
people = cached(admin.list_people, max_entries=32, ignoring=TALK)
projects = cached(admin.list_projects, max_entries=32, ignoring=TALK)

# Overview
portfolio_page = cached(portfolio.page, ignoring=TALK)
portfolio_summary = cached(portfolio.summary, daily=True, ignoring=TALK)
overdue_count = cached(overdue.overdue_count, daily=True, ignoring=TALK)

# Questions and Answers
tree_view = cached(view.tree_view, ignoring=TALK)
root_choices = cached(pickers.root_choices, ignoring=TALK)
tree_choices = cached(pickers.tree_choices, ignoring=TALK)
findings_on_page = cached(findings.findings_on_page, ignoring=TALK)
page_of_finding = cached(findings.page_of_finding, ignoring=TALK)
answer_versions = cached(answers.versions, ignoring=TALK)
answer_flags = cached(health_reads.flags_of_question, ignoring=TALK)
latest_answers = cached(answers.latest_versions, ignoring=TALK)
citable_findings = cached(findings.citable_findings, ignoring=TALK)
answer_decisions = cached(decisions_of, ignoring=TALK)
decision_list = cached(decisions_page, ignoring=TALK)  # keyed by the day it is given

# My work, Needs my attention, Reviews, notes
my_questions = cached(my_work.my_questions_page, daily=True, ignoring=TALK)
open_assignments = cached(my_work.open_assignments, ignoring=TALK)
findings_on = cached(findings.findings_on, ignoring=TALK)
my_findings = cached(findings.findings_by_page, ignoring=TALK)
attention_counts = cached(attention.attention_counts, daily=True)
attention_page = cached(attention.attention_page, daily=True)
review_queue = cached(reviews.queue_page)
my_review_requests = cached(reviews.requested_by_page)
open_reviews = cached(reviews.open_reviews_page)
review = cached(reviews.get_review)
notes_on = cached(notes.notes_on, max_entries=128)
notes_on_many = cached(notes.notes_on_many)

# One-on-ones
pairs = cached(one_on_ones.pairs_for)
meetings = cached(one_on_ones.meetings)
agenda_of = cached(agenda.build, daily=True)

# Search, and "have we asked this before?"
search = cached(search_reads.search)
similar = cached(search_reads.similar)

# Progress, Team, Admin
progress_roots = cached(roots.root_choices, ignoring=TALK)
audit_entities = cached(audit.entities, max_entries=32)
audit_search = cached(audit.search)


def all_people() -> list[PersonView]:
    return once_per_run("people", people)


def all_projects() -> list[ProjectView]:
    return once_per_run("projects", projects)


def waiting_on(person_id: int) -> dict[str, int]:
    """How many things of each kind wait on this person: read once per run (the
    navigation and the Needs my attention page both ask)."""
    return once_per_run(f"attention:{person_id}", lambda: attention_counts(person_id=person_id))


def fresh(read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``read(session, *args, **kwargs)`` now, not cached. For what a write may change
    without writing an event (marking notifications read, following, one's settings,
    the worker's deliveries), so the data version, which the cache keys on, stays."""
    with resources.session() as s:
        return read(s, *args, **kwargs)


def unread_count(person_id: int) -> int:
    """How many of this person's notifications are unread (the count in the
    navigation): one COUNT over an index, read once per run and never cached, since
    marking read moves no data version."""
    return once_per_run(f"unread:{person_id}", lambda: fresh(notify_inbox.unread_count, person_id))


def is_following(person_id: int, question_id: int) -> bool:
    return fresh(follows.is_following, person_id, question_id)


def memo_builder(question_id: int) -> Callable[[], str]:
    """A function that builds the memo of ``question_id`` when called. The download
    button calls it only when someone clicks, on a thread of its own, so it holds the
    engine and calls nothing of Streamlit's."""
    engine = resources.engine()

    def build() -> str:
        with db.session_scope(engine) as s:
            return memo.memo(s, question_id=question_id)

    return build
