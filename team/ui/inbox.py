"""The inbox on "Needs my attention": a person's notifications, newest first, one page
at a time, unread ones marked, each a link to the thing, with "Mark read" and "Mark all
read"."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.paging import PAGE_SIZE, Paged, Window
from team.services.notify import inbox, links, words
from team.services.notify.inbox import NotificationView
from team.ui import reads, resources
from team.ui.actions import attempt, bind
from team.ui.labels import ago, badge
from team.ui.navigation import PageFor, page_names_for, pages_once
from team.ui.paging import pager, requested_page
from team.ui.text import plain
from team.vocabulary import NotificationKind, Role

KEY = "inbox"
UNREAD_ONLY = "inbox_unread_only"
SEEN = "seen"  # query parameter of an inbox link: the notification it was opened from
DETAIL_CHARS = 280  # a note's body or a reason, cut to a few lines


def sentence(kind: NotificationKind, actor: str | None, title: str) -> str:
    """The notification in one line of Markdown, as every email and chat message says
    it (notify.words), the person in bold, user text escaped."""
    who = f"**{plain(actor)}**" if actor and actor.strip() else ""
    return words.sentence(kind, who, plain(title))


def _read_page(person_id: int, unread_only: bool) -> Paged[NotificationView]:
    window = Window(requested_page(KEY), PAGE_SIZE)
    return reads.fresh(inbox.inbox_page, person_id, window=window, unread_only=unread_only)


def _newest_id(person_id: int, shown: Paged[NotificationView]) -> int | None:
    """The newest notification on hand as the page was read: "Mark all read" marks up
    to it, so one that arrives meanwhile stays unread."""
    if shown.window.page == 1 and shown.items:
        return max(n.id for n in shown.items)
    first = reads.fresh(inbox.inbox_page, person_id, window=Window(1, 1))
    return first.items[0].id if first.items else None


def _link(item: NotificationView, page_for: PageFor, allowed: set[str]) -> None:
    page, params = links.split(item.link)
    if page in allowed:
        params[SEEN] = str(item.id)  # opening it marks it read (take_seen)
        st.page_link(
            page_for(page), label="Open", icon=":material/open_in_new:", query_params=params
        )


def take_seen(person: PersonView) -> None:
    """A page opened from an inbox link (``?seen=ID``): that notification is read now,
    and the parameter leaves the address (a reload or a shared link marks nothing)."""
    wanted = st.query_params.get(SEEN)
    if wanted is None:
        return
    del st.query_params[SEEN]
    if wanted.isdigit():
        # mark_read touches only the person's own: someone else's id marks nothing.
        with resources.session() as session:
            inbox.mark_read(session, person.id, ids=[int(wanted)])


def _item(person: PersonView, item: NotificationView, page_for: PageFor, allowed: set[str]) -> None:
    with st.container(border=True, key=f"inbox_item_{item.id}"):
        new = "" if item.read else badge("New", "blue") + " "
        st.markdown(f"{new}{sentence(item.kind, item.actor, item.title)}")
        detail = (
            item.detail if len(item.detail) <= DETAIL_CHARS else item.detail[:DETAIL_CHARS] + "…"
        )
        caption = f"{ago(item.at)}" + (f" · {plain(detail)}" if detail else "")
        st.caption(caption)
        with st.container(
            horizontal=True, key=f"inbox_actions_{item.id}", vertical_alignment="center"
        ):
            _link(item, page_for, allowed)
            if not item.read and st.button(
                "Mark read", key=f"inbox_read_{item.id}", type="tertiary", icon=":material/done:"
            ):
                attempt(bind(inbox.mark_read, person.id, ids=[item.id]), "Marked read.", key=KEY)


def _mark_all(person: PersonView, shown: Paged[NotificationView], unread: int) -> None:
    """ "Mark all read" up to the newest notification the page showed when it was
    clicked (kept from the run that drew it): one that arrived since stays unread."""
    if not unread:
        return
    through_key = f"inbox_through_{person.id}"
    drawn_with = st.session_state.get(through_key)
    clicked = st.button("Mark all read", key="inbox_mark_all", icon=":material/done_all:")
    st.session_state[through_key] = _newest_id(person.id, shown)
    if clicked:
        through = drawn_with if drawn_with is not None else st.session_state[through_key]
        attempt(bind(inbox.mark_all_read, person.id, through=through), "All marked read.", key=KEY)


def since_last_visit(unread: int) -> str:
    if unread == 0:
        return "Nothing new since your last visit."
    return f"**{unread:,} new** since your last visit."


def draw(person: PersonView, shown: Paged[NotificationView], unread: int) -> None:
    """The inbox: what is new, "Unread only", one page of notifications, newest first."""
    st.markdown(since_last_visit(unread))
    with st.container(horizontal=True, key="inbox_tools", vertical_alignment="center"):
        st.toggle("Unread only", key=UNREAD_ONLY)
        _mark_all(person, shown, unread)
    if not shown.total:
        st.caption(
            "No unread notifications."
            if unread_only()
            else "No notifications yet. "
            "When someone assigns you a question, asks for your review or changes an "
            "answer you follow, it appears here."
        )
        return
    pager(shown, KEY, noun="notifications, newest first")
    page_for = pages_once()
    allowed = set(page_names_for(Role(person.role)))
    for item in shown.items:
        _item(person, item, page_for, allowed)


def unread_only() -> bool:
    return bool(st.session_state.get(UNREAD_ONLY))


def read(person: PersonView) -> Paged[NotificationView]:
    """The page of the inbox on show (read before the tabs, which it helps choose)."""
    return _read_page(person.id, unread_only())
