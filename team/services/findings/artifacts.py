"""What an evidence link is, read from its URL alone (no network): a pull or merge
request, a commit, an issue, a notebook, a dashboard, a query, a document, or else a link
to some host. :func:`describe` gives an :class:`Artifact` whose ``label`` says it in a few
words ("PR #418 · acme/churn", "notebook · retention_q3.ipynb", "dashboard · Looker").

Hosts are read lower-cased and without "www."; paths keep their case (a repository is
named as typed); trailing slashes, query strings and fragments do not change what a link
is. Text that is not a web address is a "link" labelled with the text itself. Labels are
plain text: whoever draws one escapes it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import SplitResult, unquote, urlsplit

from team.services.core.markdown import WEB_URL, link, literal

NAME_MAX = 48  # characters of a name or of text shown in a label, then an ellipsis
SEP = " · "


class ArtifactKind(StrEnum):
    PULL_REQUEST = "pull_request"
    MERGE_REQUEST = "merge_request"
    COMMIT = "commit"
    ISSUE = "issue"
    CODE = "code"  # a repository, a file or a folder in one
    NOTEBOOK = "notebook"
    DASHBOARD = "dashboard"
    QUERY = "query"
    DOCUMENT = "document"
    LINK = "link"


@dataclass(frozen=True)
class Artifact:
    kind: ArtifactKind
    label: str
    url: str  # as given
    host: str | None = None
    repo: str | None = None  # "acme/churn", "group/sub/repo"
    number: int | None = None  # of a pull/merge request or an issue
    ref: str | None = None  # a commit's full hash

    @property
    def is_web(self) -> bool:
        """An http(s) address with a host: the only kind drawn as a link."""
        return self.host is not None and bool(WEB_URL.match(self.url))


_HEX = re.compile(r"^[0-9a-fA-F]{7,64}$")
_NUMBER = re.compile(r"^\d{1,12}$")
K = ArtifactKind


def short(text: str, limit: int = NAME_MAX) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _a(
    kind: ArtifactKind,
    label: str,
    *,
    repo: str | None = None,
    number: int | None = None,
    ref: str | None = None,
) -> Artifact:
    return Artifact(kind, label, "", None, repo, number, ref)


def _label(*parts: str) -> str:
    return SEP.join(short(p) for p in parts if p)


def describe(url: str) -> Artifact:
    """What ``url`` links to, by its host and path. Never raises."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # e.g. a malformed IPv6 host
        parts, host = None, ""
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        return Artifact(K.LINK, _label("link", text or "(empty)"), url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    for reader in _READERS:
        found = reader(host, segments, parts)
        if found is not None:
            return replace(found, url=url, host=host)
    if host.split(".")[0] in ("dashboard", "dashboards"):  # a team's own BI server
        return Artifact(K.DASHBOARD, _label("dashboard", host), url, host)
    return Artifact(K.LINK, _label("link", host), url, host)


Found = Artifact  # as a reader finds it: without its url and host, which describe adds


def _has_label(host: str, *names: str) -> bool:
    """A host one of whose dot-separated labels is (or starts with "NAME-") one of
    ``names``: "github.acme.com", "metabase-prod.acme.io"."""
    return any(
        label == name or label.startswith(name + "-") for label in host.split(".") for name in names
    )


def _on(host: str, *domains: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


# ----------------------------------------------------------------- code hosts


def _number(text: str) -> int | None:
    return int(text) if _NUMBER.match(text) else None


def _code(repo: str, rest: list[str]) -> Found:
    """A repository's page from the part of its path after the repository: a pull (or
    merge) request, an issue, a commit, a notebook or file, or the repository itself."""
    what, arg = (rest[0].lower(), rest[1]) if len(rest) > 1 else ("", "")
    number = _number(arg)
    if what in ("pull", "pulls", "pull-requests") and number is not None:
        return _a(K.PULL_REQUEST, _label(f"PR #{number}", repo), repo=repo, number=number)
    if what == "merge_requests" and number is not None:
        return _a(K.MERGE_REQUEST, _label(f"MR !{number}", repo), repo=repo, number=number)
    if what in ("issues", "work_items") and number is not None:
        return _a(K.ISSUE, _label(f"issue #{number}", repo), repo=repo, number=number)
    if what == "discussions" and number is not None:
        return _a(K.ISSUE, _label(f"discussion #{number}", repo), repo=repo, number=number)
    if what in ("commit", "commits") and _HEX.match(arg):
        return _a(K.COMMIT, _label(f"commit {arg[:7].lower()}", repo), repo=repo, ref=arg)
    if what in ("blob", "raw", "tree", "src") and len(rest) > 2:
        return _file(rest[-1], repo)
    return _a(K.CODE, _label("repo", repo), repo=repo)


def _file(name: str, repo: str | None = None) -> Found:
    """A file by its name: a notebook, a query, or other code."""
    lower = name.lower()
    if lower.endswith(".ipynb"):
        return _a(K.NOTEBOOK, _label("notebook", name), repo=repo)
    if lower.endswith(".sql"):
        return _a(K.QUERY, _label("query", name), repo=repo)
    return _a(K.CODE, _label("file", name), repo=repo)


# GitHub pages whose first path segment is not an owner.
_NOT_OWNERS = {"orgs", "settings", "marketplace", "topics", "search", "notifications", "apps"}


def _github(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    """GitHub (and GitHub Enterprise, Gitea, Forgejo, Codeberg: the same path forms)."""
    if _on(host, "github.io"):  # a GitHub Pages site
        return None
    forge = _has_label(host, "github", "gitea", "forgejo", "codeberg")
    if host == "gist.github.com" and len(seg) >= 2:
        return _a(K.CODE, _label(f"gist {seg[1][:7]}", seg[0]), repo=seg[0])
    if host == "raw.githubusercontent.com" and len(seg) >= 3:
        return _file(seg[-1], "/".join(seg[:2]))
    # A pull request or a commit is recognisable on any host by its path alone.
    what = seg[2].lower() if len(seg) >= 4 else ""
    distinctive = (what in ("pull", "pulls") and _number(seg[3]) is not None) or (
        what == "commit" and bool(_HEX.match(seg[3]))
    )
    if len(seg) < 2 or not (forge or distinctive) or seg[0].lower() in _NOT_OWNERS:
        return None
    return _code(f"{seg[0]}/{seg[1].removesuffix('.git')}", seg[2:])


def _gitlab(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    """GitLab, on gitlab.com or self-hosted: a project's pages are under "/-/"; a
    GitLab host also takes the older paths without it."""
    if "-" in seg and seg.index("-") >= 2:
        at = seg.index("-")
        return _code("/".join(seg[:at]), seg[at + 1 :])
    if not _has_label(host, "gitlab") or _on(host, "gitlab.io"):
        return None
    for at, part in enumerate(seg):
        if at >= 2 and part in ("merge_requests", "issues", "commit", "blob", "tree"):
            return _code("/".join(seg[:at]), seg[at:])
    if len(seg) >= 2:
        return _a(K.CODE, _label("repo", "/".join(seg)), repo="/".join(seg))
    return None


def _bitbucket(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    if not _on(host, "bitbucket.org") or len(seg) < 2:
        return None
    return _code(f"{seg[0]}/{seg[1]}", seg[2:])


# ----------------------------------------------------------------- notebooks


def _colab(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    """Colab: a notebook in Drive (/drive/ID), on GitHub (/github/OWNER/REPO/blob/...),
    in a gist, or one of Colab's own."""
    if host != "colab.research.google.com":
        return None
    if len(seg) >= 2 and seg[0] == "drive":
        return _a(K.NOTEBOOK, _label("Colab", f"Drive {short(seg[1], 10)}"), ref=seg[1])
    if len(seg) >= 3 and seg[0] == "github":
        return _a(K.NOTEBOOK, _label("Colab", seg[-1]), repo=f"{seg[1]}/{seg[2]}")
    if len(seg) >= 2 and seg[0] == "gist":
        return _a(K.NOTEBOOK, _label("Colab", f"gist {seg[min(2, len(seg) - 1)][:7]}"))
    if seg and seg[-1].lower().endswith(".ipynb"):
        return _a(K.NOTEBOOK, _label("Colab", seg[-1]))
    return _a(K.NOTEBOOK, "Colab")


def _nbviewer(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    if host not in ("nbviewer.org", "nbviewer.jupyter.org"):
        return None
    repo = f"{seg[1]}/{seg[2]}" if len(seg) >= 3 and seg[0] == "github" else None
    if seg and seg[-1].lower().endswith(".ipynb"):
        return _a(K.NOTEBOOK, _label("notebook", seg[-1]), repo=repo)
    return _a(K.NOTEBOOK, _label("notebook", "nbviewer"))


def _named_notebooks(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    """Notebook hosts whose addresses carry a readable name."""
    if _on(host, "kaggle.com") and len(seg) >= 3 and seg[0] in ("code", "kernels"):
        return _a(K.NOTEBOOK, _label("Kaggle", seg[2]))
    if _on(host, "observablehq.com") and seg and seg[0].startswith("@"):
        return _a(K.NOTEBOOK, _label("Observable", "/".join(seg[:2])))
    return None


def _ipynb(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    """A notebook anywhere (a Jupyter server, a file host): a path ending in .ipynb."""
    if seg and seg[-1].lower().endswith(".ipynb"):
        return _a(K.NOTEBOOK, _label("notebook", seg[-1]))
    return None


def _sql(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    if seg and seg[-1].lower().endswith(".sql"):
        return _a(K.QUERY, _label("query", seg[-1]))
    return None


# ----------------------------------------------------------------- hosted tools


@dataclass(frozen=True)
class Tool:
    """A hosted tool: its name, where it lives, and what its links are (by a pattern
    searched in the lower-cased path, query and fragment; the first that matches)."""

    name: str
    domains: tuple[str, ...] = ()  # the host or a subdomain of it
    labels: tuple[str, ...] = ()  # self-hosted: a host label ("metabase.acme.io")
    prefix: str = ""  # the path must start with it
    noun: str = ""  # what its links are called, if not the kind's name
    kind: ArtifactKind = K.DASHBOARD
    paths: tuple[tuple[str, str, ArtifactKind], ...] = ()


def _query(pattern: str) -> tuple[str, str, ArtifactKind]:
    return pattern, "query", K.QUERY


Q = _query(r"/sql|/quer|/editor|/worksheet")
EXPLORE = _query(r"/explore")
TOOLS = (
    Tool("Looker Studio", ("lookerstudio.google.com", "datastudio.google.com")),
    Tool("Looker", ("looker.com",), ("looker",), paths=(EXPLORE,)),
    Tool("Tableau Public", ("public.tableau.com",)),
    Tool("Tableau", ("tableau.com",), ("tableau",)),
    Tool("Power BI", ("powerbi.com",)),
    Tool("Mode", ("mode.com", "modeanalytics.com")),
    Tool("Metabase", ("metabaseapp.com",), ("metabase",), paths=(_query(r"/question"),)),
    Tool("Grafana", ("grafana.net", "grafana.com"), ("grafana",), paths=(EXPLORE,)),
    Tool("Superset", ("preset.io",), ("superset",), paths=(_query(r"/sqllab"), EXPLORE)),
    Tool("Redash", ("redash.io",), ("redash",), paths=(Q,)),
    Tool("Hex", ("hex.tech",), kind=K.NOTEBOOK),
    Tool(
        "Databricks",
        ("databricks.com", "azuredatabricks.net"),
        paths=((r"notebook", "notebook", K.NOTEBOOK), (r"dashboard", "dashboard", K.DASHBOARD), Q),
        kind=K.NOTEBOOK,
    ),
    Tool("Deepnote", ("deepnote.com",), kind=K.NOTEBOOK),
    Tool("Observable", ("observablehq.com",), kind=K.NOTEBOOK),
    Tool(
        "Kaggle", ("kaggle.com",), paths=((r"^/datasets", "dataset", K.DOCUMENT),), kind=K.NOTEBOOK
    ),
    Tool("Jupyter", labels=("jupyter", "jupyterhub"), kind=K.NOTEBOOK),
    Tool("Streamlit", ("streamlit.app", "share.streamlit.io"), noun="app"),
    Tool("Sigma", ("sigmacomputing.com",)),
    Tool("QuickSight", ("quicksight.aws.amazon.com",)),
    Tool("Amplitude", ("amplitude.com",), paths=((r"/chart", "chart", K.DASHBOARD),)),
    Tool(
        "Mixpanel", ("mixpanel.com",), noun="chart", paths=((r"board", "dashboard", K.DASHBOARD),)
    ),
    Tool(
        "Google Sheets",
        ("docs.google.com",),
        prefix="/spreadsheets",
        noun="spreadsheet",
        kind=K.DOCUMENT,
    ),
    Tool(
        "Google Slides",
        ("docs.google.com",),
        prefix="/presentation",
        noun="slides",
        kind=K.DOCUMENT,
    ),
    Tool("Google Docs", ("docs.google.com",), prefix="/document", noun="doc", kind=K.DOCUMENT),
    Tool(
        "Google Drive",
        ("drive.google.com",),
        noun="file",
        paths=((r"/folders", "folder", K.DOCUMENT),),
        kind=K.DOCUMENT,
    ),
    Tool("BigQuery", ("console.cloud.google.com",), prefix="/bigquery", kind=K.QUERY),
    Tool("Athena", ("console.aws.amazon.com",), prefix="/athena", kind=K.QUERY),
    Tool(
        "Snowflake",
        ("app.snowflake.com", "snowflakecomputing.com"),
        kind=K.QUERY,
        paths=((r"dashboard", "dashboard", K.DASHBOARD),),
    ),
)


def _tool(host: str, seg: list[str], parts: SplitResult) -> Found | None:
    path = "/" + "/".join(seg).lower()
    where = f"{path}?{parts.query}#{parts.fragment}".lower()
    for tool in TOOLS:
        hosted = _on(host, *tool.domains) or _has_label(host, *tool.labels)
        if not hosted or not path.startswith(tool.prefix):
            continue
        for pattern, noun, kind in tool.paths:
            if re.search(pattern, where):
                return _a(kind, _label(noun, tool.name))
        return _a(tool.kind, _label(tool.noun or tool.kind.value, tool.name))
    return None


_READERS = (
    _colab,
    _nbviewer,
    _gitlab,
    _bitbucket,
    _github,
    _named_notebooks,
    _ipynb,
    _sql,
    _tool,
)


def labelled_link(url: str) -> str:
    """A link to ``url`` labelled with what it is ("PR #418 · acme/churn"), its
    destination the one :func:`link` makes (escaped so it cannot end early); text that is
    no web address shows as text."""
    artifact, made, typed = describe(url), link(url), literal(url)
    if not artifact.is_web or not made.startswith(f"[{typed}]("):
        return literal(artifact.label)
    return f"[{literal(artifact.label)}]{made[len(typed) + 2 :]}"
