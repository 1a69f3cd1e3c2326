"""The CSV buttons of the lists pages show: each one makes its file only when clicked
(downloads.csv_download), with every row of the list as the service gives it to the
person on the page, links opening the app at its public address (config.yaml's
app.public_url)."""

from __future__ import annotations

from sqlmodel import Session

from team.services.admin import audit
from team.services.admin.audit import AuditFilter
from team.services.admin.reads import PersonView
from team.services.findings.export import findings_csv
from team.services.inbox.export import my_work_csv
from team.services.questions.export import tree_csv
from team.services.reviews.export import ReviewList, reviews_csv
from team.ui import resources
from team.ui.downloads import csv_download

LABEL = "Download CSV"


def _public_url() -> str:
    return resources.settings().app.public_url


def tree_csv_button(person: PersonView, root_id: int) -> None:
    """Every question of the tree of ``root_id`` (not only the page shown)."""
    url = _public_url()

    def make(session: Session) -> str:
        return tree_csv(session, person.id, root_id=root_id, public_url=url)

    csv_download(
        "Download the tree as CSV",
        make,
        file_name=f"questions-{root_id}.csv",
        key=f"tree_csv_{root_id}",
    )


def findings_csv_button(person: PersonView, question_id: int) -> None:
    """Every finding on ``question_id`` and on the questions below it."""
    url = _public_url()

    def make(session: Session) -> str:
        return findings_csv(session, person.id, question_id=question_id, public_url=url)

    csv_download(
        "Download findings here and below as CSV",
        make,
        file_name=f"findings-{question_id}.csv",
        key=f"findings_csv_{question_id}",
    )


REVIEW_FILES: dict[ReviewList, str] = {
    "queue": "reviews-waiting-on-me.csv",
    "mine": "my-review-requests.csv",
    "open": "open-reviews.csv",
}


def reviews_csv_button(person: PersonView, which: ReviewList, *, search: str = "") -> None:
    """A list of the Reviews page (its tab ``which``, narrowed by ``search``)."""
    url = _public_url()

    def make(session: Session) -> str:
        return reviews_csv(session, person.id, which=which, search=search, public_url=url)

    csv_download(LABEL, make, file_name=REVIEW_FILES[which], key=f"reviews_csv_{which}")


def my_work_csv_button(person: PersonView) -> None:
    """The questions assigned to ``person``."""
    url, stale = _public_url(), resources.settings().stale_after_days

    def make(session: Session) -> str:
        return my_work_csv(session, person.id, stale_after_days=stale, public_url=url)

    csv_download(LABEL, make, file_name="my-work.csv", key="mywork_csv")


def audit_csv_button(person: PersonView, f: AuditFilter) -> None:
    """Every change matching the audit log's filters ``f``."""

    def make(session: Session) -> str:
        return audit.to_csv(session, person.id, f=f)

    csv_download(
        "Download CSV of all matching changes", make, file_name="audit-log.csv", key="audit_csv"
    )
