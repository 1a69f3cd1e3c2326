"""Needs my attention: the inbox of notifications, then what waits on the current person,
in sections (viewers: the inbox only)."""

from __future__ import annotations

import streamlit as st

from team.models import utcnow
from team.services.admin.reads import PersonView
from team.services.inbox.attention import SECTION_SIZE, SECTIONS, AttentionPage
from team.services.notes.reads import NoteItem
from team.ui import auth, decision_forms, evidence_health, inbox, reads, resources, state
from team.ui.finding_cards import finding_cards
from team.ui.labels import ago, note_badge
from team.ui.navigation import PageFor, pages_once
from team.ui.paging import requested_page, window
from team.ui.review_widgets import review_row
from team.ui.text import plain, safe_markdown
from team.vocabulary import Role


def _note(item: NoteItem, page_for: PageFor) -> None:
    with st.container(border=True, key=f"attention_note_{item.id}"):
        # One element for the line and the body: a page of notes renders half as many.
        # The line is escaped text, so nothing in the body can reach into it.
        st.markdown(
            f"{note_badge(item.kind)} **{plain(item.author)}** on “{plain(item.on_title)}” · "
            f"{ago(item.created_at)}\n\n{safe_markdown(item.body)}"
        )
        if item.on == "review_request":
            st.page_link(
                page_for("reviews"),
                label="Open the review",
                query_params={"review": str(item.on_id)},
            )
        elif item.root_id is not None:
            node = item.on_id if item.on == "question" else None
            params = {"root": str(item.root_id)} | ({"node": str(node)} if node else {})
            st.page_link(page_for("questions"), label="Open the question", query_params=params)


# Each section: its tab, its heading (with the total) and what its items are called.
SECTION_LABELS = {
    "reviews_to_do": ("Reviews to do", "Reviews to do", "reviews"),
    "open_must_fix": ("Must-fix notes", "Must-fix notes still open on your work", "notes"),
    "new_notes": ("New notes", "New notes on your work", "notes"),
    "awaiting_acceptance": (
        "Awaiting acceptance",
        "Findings of your reports awaiting acceptance",
        "findings",
    ),
    "decisions_due": ("Decisions due", "Decisions due for revisit", "decisions"),
    "flagged_answers": ("Evidence changed", "Answers whose evidence changed", "answers"),
}


def _section(person: PersonView, name: str, items: AttentionPage) -> None:
    """One section: its heading with the total, its page picker and one page of items."""
    _tab, title, noun = SECTION_LABELS[name]
    paged = getattr(items, name)
    st.subheader(f"{title} ({paged.total:,})")
    window(paged.total, f"attention_{name}", size=SECTION_SIZE, noun=noun)
    page_for = pages_once()
    if name == "reviews_to_do":
        names = {p.id: p.name for p in reads.all_people()}
        now, sla = utcnow(), resources.settings().review_sla_hours
        for review in paged.items:
            review_row(review, names, now=now, sla_hours=sla, key="attention", page_for=page_for)
    elif name == "awaiting_acceptance":
        finding_cards(person, paged.items)
    elif name == "decisions_due":
        today = utcnow().date()
        for d in paged.items:
            decision_forms.decision_card(person, d, today, key="attention", page_for=page_for)
    elif name == "flagged_answers":
        st.caption(evidence_health.INBOX_EXPLAIN)
        for item in paged.items:
            evidence_health.inbox_item(item, page_for)
    else:
        for note in paged.items:
            _note(note, page_for)


INBOX = "Inbox"
NOTHING = "Nothing waits on you right now."


def _viewer(person: PersonView) -> None:
    """A viewer's page: the inbox only (they hear of the answers they follow)."""
    shown, unread = inbox.read(person), reads.unread_count(person.id)
    if unread == 0:
        st.success(NOTHING, icon=":material/celebration:")
    inbox.draw(person, shown, unread)


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Needs my attention")
    state.show_flash()
    if person.role == Role.VIEWER:
        _viewer(person)
        return
    pages = {name: requested_page(f"attention_{name}") for name in SECTIONS}
    totals = reads.waiting_on(person.id)
    items = reads.attention_page(person_id=person.id, pages=pages, totals=totals)
    shown, unread = inbox.read(person), reads.unread_count(person.id)
    if items.count == 0 and unread == 0:
        # Nothing new and no section waits; read notifications stay below for reference.
        st.success(NOTHING, icon=":material/celebration:")
        if not (shown.total or inbox.unread_only()):
            return
    waiting = [name for name in SECTIONS if getattr(items, name).total]
    st.caption(
        " · ".join(
            [f"{INBOX}: **{unread:,}** new"]
            + [f"{SECTION_LABELS[name][0]}: **{getattr(items, name).total:,}**" for name in waiting]
        )
    )
    # One tab a section, and only the tab on show is drawn (choosing another reruns the
    # page): a full inbox draws one page of one list, not four. The page opens on the
    # inbox when something is new there, else on the first section.
    labels = [INBOX] + [SECTION_LABELS[name][0] for name in waiting]
    first = INBOX if unread or not waiting else labels[1]
    tabs = st.tabs(labels, key="attention_tab", on_change="rerun", default=first)
    if tabs[0].open:
        with tabs[0]:
            inbox.draw(person, shown, unread)
    for name, tab in zip(waiting, tabs[1:], strict=True):
        if tab.open:
            with tab:
                _section(person, name, items)


if __name__ == "__main__":
    render()
