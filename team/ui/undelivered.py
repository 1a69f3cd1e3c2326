"""Messages that could not be delivered, each with the reason of its last try and a
"Send again" button: one's own on My settings, everyone's on Admin (managers)."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.paging import PAGE_SIZE, Window
from team.services.notify import settings
from team.services.notify.settings import DeliveryView
from team.ui import reads
from team.ui.actions import attempt, bind
from team.ui.labels import ago
from team.ui.paging import pager, requested_page
from team.ui.text import plain
from team.vocabulary import DeliveryKind

REASON_CHARS = 400
KINDS = {
    DeliveryKind.SINGLE: "notification",
    DeliveryKind.DIGEST: "digest",
    DeliveryKind.BELIEVE: "“what we now believe” digest",
}


def _row(person: PersonView, item: DeliveryView, *, key: str, everyone: bool) -> None:
    with st.container(border=True, key=f"{key}_{item.id}"):
        whose = f" to **{plain(item.person)}**" if everyone else ""
        tries = "1 try" if item.attempts == 1 else f"{item.attempts} tries"
        st.markdown(
            f"{item.channel.label} {KINDS[item.kind]}{whose} · due {ago(item.due_at)} · "
            f"given up after {tries}"
        )
        reason = item.last_error or "no reason was recorded"
        if len(reason) > REASON_CHARS:
            reason = reason[:REASON_CHARS] + "…"
        st.caption(f"Reason: {plain(reason)}")
        if st.button("Send again", key=f"{key}_retry_{item.id}", icon=":material/send:"):
            attempt(
                bind(settings.retry_delivery, person.id, delivery_id=item.id),
                "It will be sent again at the worker's next round.",
                key=f"{key}_{item.id}",
            )


def undelivered(person: PersonView, *, everyone: bool = False, key: str) -> None:
    """The failed messages (the person's own, or ``everyone``'s), newest first."""
    window = Window(requested_page(key), PAGE_SIZE)
    failed = reads.fresh(settings.failed_deliveries, person.id, window=window, everyone=everyone)
    if not failed.total:
        st.caption("None: every message so far reached its place or is on its way.")
        return
    pager(failed, key, noun="messages, newest first")
    for item in failed.items:
        _row(person, item, key=key, everyone=everyone)
