"""Who is using the app. Local mode: the user picks who they are from the active people;
the server must be bound to loopback (anyone who reaches it can claim anyone)."""

from __future__ import annotations

import streamlit as st

from team.config import ConfigError, check_bind_address
from team.models import PersonPublic, Role
from team.ui import navigation, resources, state
from team.ui.text import plain

ROLE_LABELS = {Role.MANAGER: "manager", Role.IC: "IC", Role.VIEWER: "viewer"}


def _label(person: PersonPublic) -> str:
    return f"{person.name} · {ROLE_LABELS[Role(person.role)]}"


def _check_address() -> None:
    try:
        check_bind_address(resources.settings(), st.get_option("server.address"))
    except ConfigError as exc:
        st.error(str(exc), icon="🔒")
        st.stop()


def current_person() -> PersonPublic | None:
    """The chosen person if they are still active, else None."""
    chosen = state.person_id()
    if chosen is None:
        return None
    return next((p for p in resources.all_people() if p.id == chosen and p.active), None)


def gate() -> PersonPublic:
    """Return the person using the app, or show the picker and stop the run."""
    _check_address()
    active = [p for p in resources.all_people() if p.active]
    person = current_person()
    with st.sidebar:
        picked = _picker(active, person, key="who_sidebar")
    if picked is not None and (person is None or picked.id != person.id):
        st.session_state[state.PERSON_ID] = picked.id
        state.forget_versions()
        st.rerun()
    if person is None:
        # Register every page (hidden) without running one, so a deep link such as
        # /questions?root=3 still leads there once the person is chosen.
        st.navigation(navigation.all_pages(), position="hidden")
        _welcome(active)
        st.stop()
    return person


def _picker(
    active: list[PersonPublic], person: PersonPublic | None, key: str
) -> PersonPublic | None:
    options = [p.id for p in active]
    labels = {p.id: _label(p) for p in active}
    index = options.index(person.id) if person is not None and person.id in options else None
    chosen = st.selectbox(
        "Who are you?",
        options,
        index=index,
        format_func=lambda pid: labels[pid],
        placeholder="Pick your name",
        key=key,
    )
    return next((p for p in active if p.id == chosen), None)


def _welcome(active: list[PersonPublic]) -> None:
    st.title("Who are you?")
    if not active:
        st.info(
            "Nobody is on the team yet. Load the demo team with `team demo`, or import "
            "your team's export with `team import FILE.json`, then reload this page."
        )
        return
    st.write(
        "This app runs in local mode: pick your name in the sidebar to see the team's "
        "questions as you would. Your role decides what you can change."
    )
    for role in (Role.MANAGER, Role.IC, Role.VIEWER):
        names = ", ".join(plain(p.name) for p in active if p.role == role)
        if names:
            st.markdown(f"**{ROLE_LABELS[role].capitalize()}s:** {names}")


def attention_count(person: PersonPublic) -> int:
    """How many things wait on ``person`` (shown in the navigation)."""
    if person.role == Role.VIEWER:
        return 0
    return resources.attention(person.id).count
