"""Edit a finding: its author fixes the summary, details, links, kind or confidence.
An accepted finding whose content changes is shared again for a fresh look, and every
answer citing it is flagged "evidence changed since this version" (the service does
both)."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.findings import writes as findings
from team.services.findings.reads import FindingView
from team.ui import state
from team.ui.actions import attempt, bind
from team.ui.finding_fields import FIELDS, finding_inputs, start_values
from team.vocabulary import FindingStatus


def may_edit(person: PersonView, finding: FindingView) -> bool:
    """The author, while the finding is not withdrawn (the service checks again)."""
    return person.id == finding.author_id and finding.status != FindingStatus.WITHDRAWN


def edit_finding_form(person: PersonView, finding: FindingView) -> None:
    """An "Edit" popover holding the finding's fields as they were when the person began.
    Keys carry that version: a save refused as stale keeps what they typed, and after a
    save or "Reload the latest version" the form opens on the finding as it now is."""
    version = state.base_version("finding", finding.id, finding.version)
    key = f"fe_{finding.id}_{version}"
    keys = {name: f"{key}_{name}" for name in FIELDS}
    state.start_widgets({keys[n]: v for n, v in start_values(finding).items()})
    with (
        st.popover("Edit", icon=":material/edit:", key=f"finding_edit_{finding.id}"),
        st.form(f"finding_edit_form_{key}", border=False),
    ):
        data = finding_inputs(keys)
        if finding.status == FindingStatus.ACCEPTED:
            st.caption("Changing an accepted finding shares it again for a fresh look.")
        saved = st.form_submit_button("Save the finding", type="primary")
    if saved:
        attempt(
            bind(
                findings.edit_finding, person.id, finding_id=finding.id, version=version, data=data
            ),
            "Finding saved.",
            key=f"finding_edit_{finding.id}_done",
        )
