"""An evidence link says what it is, from its URL alone: the label a chip shows for the
link shapes people paste (pull and merge requests, commits, issues, notebooks, dashboards,
queries, documents), whatever the case of the host, "www.", a trailing slash, a query or
a fragment; and text that is no web address is a "link" with the text, never an error."""

from __future__ import annotations

import pytest

from team.services.findings.artifacts import ArtifactKind, describe
from tests.e2e.payloads import EVIL, PAYLOADS, Payload

K = ArtifactKind

LABELS = [
    # GitHub
    ("https://github.com/acme/churn/pull/418", "PR #418 · acme/churn"),
    ("https://github.com/acme/churn/pull/418/", "PR #418 · acme/churn"),
    ("https://github.com/acme/churn/pull/418/files", "PR #418 · acme/churn"),
    ("https://github.com/acme/churn/pull/418/files?diff=split", "PR #418 · acme/churn"),
    ("https://github.com/acme/churn/pull/418#discussion_r1", "PR #418 · acme/churn"),
    ("https://github.com/acme/churn/pull/418/commits/1a2b3c4d5e", "PR #418 · acme/churn"),
    ("HTTPS://WWW.GITHUB.COM/Acme/Churn/PULL/418", "PR #418 · Acme/Churn"),
    ("http://www.github.com/acme/churn/pull/418", "PR #418 · acme/churn"),
    ("https://github.com/acme/churn/commit/1a2b3c4d5e6f7a8b9c0d", "commit 1a2b3c4 · acme/churn"),
    (
        "https://github.com/acme/churn/commit/1A2B3C4D5E6F?diff=unified",
        "commit 1a2b3c4 · acme/churn",
    ),
    ("https://github.com/acme/churn/commits/1a2b3c4d", "commit 1a2b3c4 · acme/churn"),
    ("https://github.com/acme/churn/issues/7", "issue #7 · acme/churn"),
    ("https://github.com/acme/churn/issues/7#issuecomment-99", "issue #7 · acme/churn"),
    ("https://github.com/acme/churn/discussions/12", "discussion #12 · acme/churn"),
    (
        "https://github.com/acme/churn/blob/main/notebooks/retention_q3.ipynb",
        "notebook · retention_q3.ipynb",
    ),
    ("https://github.com/acme/churn/blob/main/sql/churn_by_plan.sql", "query · churn_by_plan.sql"),
    ("https://github.com/acme/churn/blob/main/src/model.py#L10-L20", "file · model.py"),
    ("https://github.com/acme/churn", "repo · acme/churn"),
    ("https://github.com/acme/churn.git", "repo · acme/churn"),
    ("https://github.com/acme/churn/pulls", "repo · acme/churn"),
    ("https://github.com/orgs/acme", "link · github.com"),
    ("https://github.com/", "link · github.com"),
    (
        "https://raw.githubusercontent.com/acme/churn/main/nb/cohorts.ipynb",
        "notebook · cohorts.ipynb",
    ),
    ("https://gist.github.com/alice/0123456789abcdef", "gist 0123456 · alice"),
    ("https://acme.github.io/churn/report.html", "link · acme.github.io"),
    ("https://github.acme.com/data/churn/pull/5", "PR #5 · data/churn"),
    # GitLab, hosted and self-hosted (recognised by the "/-/" form), and the older paths
    ("https://gitlab.com/group/sub/repo/-/merge_requests/12", "MR !12 · group/sub/repo"),
    ("https://gitlab.com/group/sub/repo/-/merge_requests/12/diffs", "MR !12 · group/sub/repo"),
    ("https://gitlab.com/group/repo/-/merge_requests/12#note_55", "MR !12 · group/repo"),
    ("https://code.acme.io/data/churn/-/merge_requests/3/", "MR !3 · data/churn"),
    ("https://code.acme.io/data/churn/-/commit/abcdef1234567890", "commit abcdef1 · data/churn"),
    ("https://gitlab.com/group/repo/-/issues/9", "issue #9 · group/repo"),
    ("https://gitlab.com/group/repo/-/work_items/9", "issue #9 · group/repo"),
    ("https://gitlab.com/group/repo/merge_requests/4", "MR !4 · group/repo"),
    ("https://GitLab.acme.com/a/b/c/issues/2", "issue #2 · a/b/c"),
    ("https://gitlab.com/group/repo/-/blob/main/nb/q3.ipynb", "notebook · q3.ipynb"),
    ("https://gitlab.com/group/repo", "repo · group/repo"),
    # Other forges
    ("https://bitbucket.org/ws/repo/pull-requests/5/overview", "PR #5 · ws/repo"),
    ("https://bitbucket.org/ws/repo/commits/abcdef123456", "commit abcdef1 · ws/repo"),
    ("https://codeberg.org/o/r/pulls/3", "PR #3 · o/r"),
    ("https://git.example.org/o/r/pull/3", "PR #3 · o/r"),
    # Notebooks
    (
        "https://nbviewer.org/github/acme/churn/blob/main/nb/retention_q3.ipynb",
        "notebook · retention_q3.ipynb",
    ),
    ("https://nbviewer.jupyter.org/url/example.com/a%20b.ipynb", "notebook · a b.ipynb"),
    ("https://colab.research.google.com/drive/1AbCdEfGhIjKlMnOpQrStUv", "Colab · Drive 1AbCdEfGh…"),
    ("https://colab.research.google.com/drive/1AbC#scrollTo=x", "Colab · Drive 1AbC"),
    (
        "https://colab.research.google.com/github/acme/churn/blob/main/nb/retention_q3.ipynb",
        "Colab · retention_q3.ipynb",
    ),
    (
        "https://colab.research.google.com/gist/alice/0123456789abcdef/x.ipynb",
        "Colab · gist 0123456",
    ),
    ("https://colab.research.google.com/notebooks/intro.ipynb", "Colab · intro.ipynb"),
    ("https://colab.research.google.com/", "Colab"),
    ("http://localhost:8888/lab/tree/work/retention_q3.ipynb", "notebook · retention_q3.ipynb"),
    ("https://files.example.com/retention_q3.IPYNB?raw=1", "notebook · retention_q3.IPYNB"),
    ("https://www.kaggle.com/code/alice/churn-eda", "Kaggle · churn-eda"),
    ("https://observablehq.com/@acme/churn-explorer", "Observable · @acme/churn-explorer"),
    ("https://app.hex.tech/acme/hex/abc/churn/", "notebook · Hex"),
    ("https://deepnote.com/workspace/acme/project/x", "notebook · Deepnote"),
    ("https://acme.cloud.databricks.com/?o=1#notebook/456/command/7", "notebook · Databricks"),
    ("https://adb-1.azuredatabricks.net/editor/notebooks/123", "notebook · Databricks"),
    ("https://jupyterhub.acme.io/user/alice/lab", "notebook · Jupyter"),
    # Dashboards and charts
    ("https://acme.cloud.looker.com/dashboards/12", "dashboard · Looker"),
    ("https://lookerstudio.google.com/reporting/abc/page/p1", "dashboard · Looker Studio"),
    ("https://public.tableau.com/app/profile/a/viz/Churn/Sheet1", "dashboard · Tableau Public"),
    ("https://tableau.acme.com/#/views/Churn/Overview", "dashboard · Tableau"),
    ("https://app.powerbi.com/groups/me/reports/abc/ReportSection", "dashboard · Power BI"),
    ("https://app.mode.com/acme/reports/abc", "dashboard · Mode"),
    ("https://metabase.acme.io/dashboard/12-churn", "dashboard · Metabase"),
    ("https://acme.grafana.net/d/uid/churn?orgId=1", "dashboard · Grafana"),
    ("https://superset.acme.io/superset/dashboard/3/", "dashboard · Superset"),
    ("https://adb-1.azuredatabricks.net/sql/dashboards/abc", "dashboard · Databricks"),
    ("https://churn.streamlit.app/", "app · Streamlit"),
    ("https://redash.acme.io/dashboard/churn", "dashboard · Redash"),
    ("https://analytics.amplitude.com/acme/chart/abc", "chart · Amplitude"),
    ("https://mixpanel.com/project/1/view/2/app/boards#id=3", "dashboard · Mixpanel"),
    ("https://mixpanel.com/project/1/view/2/app/insights", "chart · Mixpanel"),
    ("https://dashboards.example.com/retention/plan-churn", "dashboard · dashboards.example.com"),
    # Queries
    ("https://console.cloud.google.com/bigquery?sq=1:abc&project=p", "query · BigQuery"),
    ("https://acme.looker.com/explore/model/view?qid=1", "query · Looker"),
    ("https://metabase.acme.io/question/34-churn", "query · Metabase"),
    ("https://acme.redash.io/queries/12/source", "query · Redash"),
    ("https://superset.acme.io/sqllab/", "query · Superset"),
    ("https://adb-1.azuredatabricks.net/sql/editor/abc", "query · Databricks"),
    ("https://eu-west-1.console.aws.amazon.com/athena/home#/query-editor", "query · Athena"),
    ("https://app.snowflake.com/acme/x/#/worksheets", "query · Snowflake"),
    ("https://example.com/q/churn.sql", "query · churn.sql"),
    # Documents
    ("https://docs.google.com/spreadsheets/d/abc/edit#gid=0", "spreadsheet · Google Sheets"),
    ("https://docs.google.com/document/d/abc/edit", "doc · Google Docs"),
    ("https://docs.google.com/presentation/d/abc/edit", "slides · Google Slides"),
    ("https://drive.google.com/file/d/abc/view?usp=sharing", "file · Google Drive"),
    ("https://drive.google.com/drive/folders/abc", "folder · Google Drive"),
    ("https://www.kaggle.com/datasets/alice/churn", "dataset · Kaggle"),
    # Anything else
    ("https://example.com/some/page", "link · example.com"),
    ("https://Example.COM:8443/x", "link · example.com"),
    ("not a url at all", "link · not a url at all"),
    ("", "link · (empty)"),
    ("github.com/acme/churn/pull/418", "link · github.com/acme/churn/pull/418"),
    ("javascript:alert(1)", "link · javascript:alert(1)"),
    ("ftp://files.example.com/a.ipynb", "link · ftp://files.example.com/a.ipynb"),
    ("http://[::1", "link · http://[::1"),
    ("https://", "link · https://"),
]


@pytest.mark.parametrize(("url", "label"), LABELS)
def test_a_link_is_labelled_with_what_it_is(url: str, label: str) -> None:
    assert describe(url).label == label


@pytest.mark.parametrize(
    ("url", "kind", "repo", "number"),
    [
        ("https://github.com/acme/churn/pull/418/files", K.PULL_REQUEST, "acme/churn", 418),
        ("https://gitlab.com/g/s/r/-/merge_requests/12/diffs", K.MERGE_REQUEST, "g/s/r", 12),
        ("https://github.com/acme/churn/issues/7", K.ISSUE, "acme/churn", 7),
        ("https://github.com/acme/churn/commit/1a2b3c4d5e", K.COMMIT, "acme/churn", None),
        (
            "https://nbviewer.org/github/acme/churn/blob/main/x.ipynb",
            K.NOTEBOOK,
            "acme/churn",
            None,
        ),
        ("https://app.powerbi.com/groups/me/reports/abc", K.DASHBOARD, None, None),
        ("https://console.cloud.google.com/bigquery?sq=1", K.QUERY, None, None),
        ("https://example.com/x", K.LINK, None, None),
    ],
)
def test_a_link_knows_its_kind_repository_and_number(
    url: str, kind: ArtifactKind, repo: str | None, number: int | None
) -> None:
    artifact = describe(url)
    assert (artifact.kind, artifact.repo, artifact.number) == (kind, repo, number)
    assert artifact.url == url
    assert artifact.is_web


def test_a_commit_keeps_its_full_hash() -> None:
    assert describe("https://github.com/a/b/commit/1a2b3c4d5e6f").ref == "1a2b3c4d5e6f"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "not a url", " https://github.com/a/b/pull/1", "https://a b/c"]
)
def test_only_a_web_address_is_one(url: str) -> None:
    assert not describe(url).is_web


def test_a_long_name_is_cut_with_an_ellipsis() -> None:
    name = "a" * 200 + ".ipynb"
    label = describe(f"https://example.com/{name}").label
    assert label.startswith("notebook · aaa") and label.endswith("…")
    assert len(label) < 70


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_hostile_text_and_hostile_links_never_raise(payload: Payload) -> None:
    text = payload.text
    for url in (text, f"{EVIL}/{text}", f"https://github.com/{text}/pull/1", f"{text}.ipynb"):
        artifact = describe(url)
        assert artifact.label and "\n" not in artifact.label
        assert artifact.url == url
