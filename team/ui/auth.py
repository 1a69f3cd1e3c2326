"""Who is using the app.

- local: the user picks who they are from the active people; the server must be bound
  to loopback (anyone who reaches it can claim anyone).
- oidc: people sign in with the company's identity provider (``st.login``); the email
  decides the person and so the role.
- proxy: a reverse proxy signs people in and passes the email in a header, which
  Streamlit exposes as ``st.user.email`` (``server.trustedUserHeaders``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from team.config import (
    AuthMode,
    ConfigError,
    Settings,
    check_auth_secrets,
    check_bind_address,
    check_server_options,
)
from team.services.admin.reads import PersonView
from team.ui import navigation, reads, resources, state
from team.ui.text import plain
from team.vocabulary import Role

_ROLE_GROUPS = {Role.MANAGER: "Managers", Role.IC: "ICs", Role.VIEWER: "Viewers"}


def _label(person: PersonView) -> str:
    return f"{person.name} · {Role(person.role).label}"


def _secrets() -> Mapping[str, Any] | None:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return None


def _check_server(settings: Settings) -> None:
    """Refuse to serve on an unsafe set-up, with the sentence that says what to fix."""
    try:
        check_bind_address(settings, st.get_option("server.address"))
        check_server_options(settings, st.get_option)
        check_auth_secrets(settings, _secrets())
    except ConfigError as exc:
        st.error(str(exc), icon=":material/lock:")
        st.stop()
    if settings.auth.mode != AuthMode.LOCAL:
        # Tracebacks go to the server log only; people see a generic message.
        st.set_option("client.showErrorDetails", "none")


def current_person() -> PersonView | None:
    """The person using the app if they are still active, else None."""
    chosen = state.person_id()
    if chosen is None:
        return None
    return next((p for p in reads.all_people() if p.id == chosen and p.active), None)


def gate() -> PersonView:
    """Return the person using the app, or show why not and stop the run."""
    settings = resources.settings()
    _check_server(settings)
    resources.begin_run()
    if settings.auth.mode == AuthMode.LOCAL:
        return _local_gate()
    return _signed_in_gate(settings)


# --------------------------------------------------------------------------- local mode


def _local_gate() -> PersonView:
    active = [p for p in reads.all_people() if p.active]
    person = current_person()
    with st.sidebar:
        picked = _picker(active, person, key="who_sidebar")
    if picked is not None and (person is None or picked.id != person.id):
        _become(picked.id)
        st.rerun()
    if person is None:
        # Register every page (hidden) without running one, so a deep link such as
        # /questions?root=3 still leads there once the person is chosen.
        st.navigation(navigation.all_pages(), position="hidden")
        _welcome(active)
        st.stop()
    return person


def _become(person_id: int) -> None:
    st.session_state[state.PERSON_ID] = person_id
    state.forget_versions()


def _picker(active: list[PersonView], person: PersonView | None, key: str) -> PersonView | None:
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


def _welcome(active: list[PersonView]) -> None:
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
    for role, group in _ROLE_GROUPS.items():
        names = ", ".join(plain(p.name) for p in active if p.role == role)
        if names:
            st.markdown(f"**{group}:** {names}")


# ------------------------------------------------------------------ oidc and proxy modes


def _signed_in_gate(settings: Settings) -> PersonView:
    email = _signed_in_email(settings)
    person = next((p for p in reads.all_people() if p.email.lower() == email.lower()), None)
    if person is None:
        st.session_state.pop(state.PERSON_ID, None)
        _refuse(
            "Not on this team",
            f"You are signed in as **{plain(email)}**, which is not on this team. Ask a "
            "manager to add this address on the Team page, then reload.",
            settings,
        )
    if not person.active:
        st.session_state.pop(state.PERSON_ID, None)
        _refuse(
            "Account deactivated",
            f"**{plain(person.name)}** ({plain(email)}) has been deactivated on this team, "
            "so this account can no longer use the app. Ask a manager if that is a mistake.",
            settings,
        )
    if state.person_id() != person.id:
        _become(person.id)
    with st.sidebar:
        st.caption(f"Signed in as **{plain(person.name)}** · {Role(person.role).label}")
        signing_out = _sign_out_clicked(settings)
    if signing_out:
        _sign_out()
    return person


def _signed_in_email(settings: Settings) -> str:
    if settings.auth.mode == AuthMode.OIDC and not st.user.is_logged_in:
        _sign_in_page()
    email = str(st.user.get("email") or "").strip()
    if not email:
        _no_email(settings)
    return email


def _no_email(settings: Settings) -> NoReturn:
    if settings.auth.mode == AuthMode.PROXY:
        _refuse(
            "Not signed in",
            f"This server expects your company's sign-in proxy to say who you are in the "
            f"`{settings.auth.header}` header, and none arrived. Open the app through "
            "the proxy's address.",
            settings,
        )
    _refuse(
        "No email address",
        "Your identity provider signed you in but did not share your email address, which "
        "decides who you are here. Ask your administrator to include the 'email' scope.",
        settings,
    )


def _sign_in_page() -> NoReturn:
    # Register every page (hidden) so a deep link still resolves after signing in.
    st.navigation(navigation.all_pages(), position="hidden")
    st.title("Sign in")
    st.write(
        "This is your team's question-to-answer dashboard. Sign in with your company "
        "account; your email decides who you are and what you can change."
    )
    if st.button("Sign in with your company account", key="sign_in", type="primary"):
        st.login()
    st.stop()


def _refuse(title: str, message: str, settings: Settings) -> NoReturn:
    st.title(title)
    st.markdown(message)
    if _sign_out_clicked(settings):
        _sign_out()
    st.stop()


def _sign_out_clicked(settings: Settings) -> bool:
    if settings.auth.mode != AuthMode.OIDC:
        return False  # in proxy mode, signing out is the proxy's business
    return st.button("Sign out", key="sign_out")


def _sign_out() -> NoReturn:
    """Forget the person, send the browser to Streamlit's logout (which ends the
    sign-in cookie and, where the provider offers it, its session), and show the
    sign-in page meanwhile. No rerun: a rerun started now could overtake the
    redirect, leaving the page signed out but the cookie alive (seen under load)."""
    st.session_state.pop(state.PERSON_ID, None)
    st.logout()
    _sign_in_page()
