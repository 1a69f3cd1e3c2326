"""Admin (managers): the audit log with filters and CSV export, how to back up, and the
configuration in force (never a secret)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from team import db
from team.config import AuthMode, Settings
from team.services.admin import audit
from team.services.admin.audit import AuditFilter
from team.services.admin.reads import PersonView
from team.ui import auth, reads, resources
from team.ui.text import plain


def _filters(people: list[PersonView], entities: list[str]) -> AuditFilter:
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
        "Entity", entities, index=None, placeholder="Everything", key="audit_entity"
    )
    today = date.today()
    chosen = c3.date_input("Between", value=(today - timedelta(days=30), today), key="audit_dates")
    since, until = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (None, None)
    return AuditFilter(actor_id=actor, entity=entity, since=since, until=until)


def _audit(person: PersonView) -> None:
    st.subheader("Audit log")
    f = _filters(reads.all_people(), reads.audit_entities(person.id))
    frame, total = reads.audit_search(person.id, f=f)
    if total == 0:
        st.info("No change matches these filters; widen the dates or clear the filters.")
        return
    shown = len(frame)
    st.caption(
        f"{total:,} changes match" + (f"; the newest {shown} are shown." if shown < total else ".")
    )
    st.dataframe(frame, hide_index=True, key="audit_table")
    if st.button("Prepare CSV of all matching changes", key="audit_csv_prepare"):
        with resources.session() as s:
            st.session_state["audit_csv"] = audit.to_csv(s, person.id, f=f)
    if "audit_csv" in st.session_state:
        st.download_button(
            "Download CSV",
            data=st.session_state["audit_csv"],
            file_name="audit-log.csv",
            mime="text/csv",
            key="audit_csv_download",
        )


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
    _audit(person)
    _backups()
    _configuration()


if __name__ == "__main__":
    render()
