"""Admin (managers): the audit log with filters and CSV export, messages that could not
be delivered, how to back up, and the configuration in force (never a secret)."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from team import db
from team.config import AuthMode, Settings
from team.services.admin.audit import AuditFilter
from team.services.admin.audit_words import kind_label, zone_of
from team.services.admin.reads import PersonView
from team.ui import auth, reads, resources, state
from team.ui.list_exports import audit_csv_button
from team.ui.text import plain
from team.ui.undelivered import undelivered


def _zone() -> str | None:
    """The viewer's time zone as their browser names it (None when it did not say)."""
    return st.context.timezone


def _filters(people: list[PersonView], entities: list[str], zone: str | None) -> AuditFilter:
    names = {p.id: p.name for p in people}
    c1, c2, c3 = st.columns([2, 2, 3])
    actor = c1.selectbox(
        "Person",
        list(names),
        index=None,
        format_func=names.__getitem__,
        placeholder="Anyone",
        key="audit_person",
    )
    entity = c2.selectbox(
        "Kind of thing",
        entities,
        index=None,
        format_func=kind_label,
        placeholder="Everything",
        key="audit_entity",
    )
    today = datetime.now(zone_of(zone)[0]).date()
    chosen = c3.date_input("Between", value=(today - timedelta(days=30), today), key="audit_dates")
    since, until = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (None, None)
    return AuditFilter(actor_id=actor, entity=entity, since=since, until=until, zone=zone)


def _audit(person: PersonView) -> None:
    st.subheader("Audit log")
    zone = _zone()
    f = _filters(reads.all_people(), reads.audit_entities(person.id), zone)
    frame, total = reads.audit_search(person.id, f=f)
    if total == 0:
        st.info("No change matches these filters; widen the dates or clear the filters.")
        return
    shown = len(frame)
    where = zone_of(zone)[1]
    said = "your browser's zone" if where == zone else "your browser did not say its zone"
    st.caption(
        f"{total:,} changes match"
        + (f"; the newest {shown} are shown" if shown < total else "")
        + f". Times are in {where} ({said})."
    )
    st.dataframe(
        frame,
        hide_index=True,
        key="audit_table",
        column_config={
            "Id": st.column_config.NumberColumn(format="%d"),
            "Title": st.column_config.TextColumn(width="medium"),
        },
    )
    audit_csv_button(person, f)


def _backups() -> None:
    st.subheader("Backups")
    st.markdown(
        "Back up from the server with `team export FILE.json`: it writes everything, "
        "one-on-one notes included, straight to a file, and `team import FILE.json` "
        "restores it into an empty database. The browser offers no full export on "
        "purpose: at a large organisation's size it would be built in the app server's "
        "memory, and it would hand every pair's one-on-one notes to any manager."
    )


def _sign_in(settings: Settings) -> str:
    """How people sign in, naming no secret (client and cookie secrets stay unshown)."""
    auth = settings.auth
    if auth.mode == AuthMode.PROXY:
        addresses = ", ".join(auth.proxy_addresses) or "loopback only"
        return f"`proxy`, identity from the `{auth.header}` header (binds to {addresses})"
    if auth.mode == AuthMode.OIDC:
        return "`oidc`, through the identity provider in .streamlit/secrets.toml"
    return "`local`, pick who you are (this machine only)"


def _configuration() -> None:
    st.subheader("Configuration")
    settings = resources.settings()
    url = db.shown(settings.database_url)
    st.markdown(
        f"- Database: `{url}`\n"
        f"- Sign-in: {_sign_in(settings)}\n"
        f"- Stale after: {settings.stale_after_days} days without new evidence\n"
        f"- Review SLA: {settings.review_sla_hours} hours to a first response\n"
        f"- Techniques: {', '.join(plain(t) for t in settings.techniques)}"
    )
    st.caption("Change these in config.yaml (or TEAM_CONFIG / TEAM_DATABASE_URL) and restart.")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Admin")
    state.show_flash()
    _audit(person)
    st.subheader("Messages that could not be delivered")
    st.caption(
        "Everyone's email, Slack and webhook messages the worker gave up on, with the "
        "reason of its last try. Fix the cause (config.yaml, the endpoint), then send again."
    )
    undelivered(person, everyone=True, key="undelivered_all")
    _backups()
    _configuration()


if __name__ == "__main__":
    render()
