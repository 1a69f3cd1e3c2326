"""AppTest: the Search page over the demo team (and small factory teams for hostile text):
hits with their words highlighted and a link to the thing itself, facets that count,
narrow and keep the other kinds' counts, newest first, the length limit as a sentence,
the hostile corpus as a search, hostile Markdown in a snippet shown as text, what a
viewer may never see, the sidebar's box, and "have we asked this before?"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from team import colours
from team.services.findings import writes as findings
from team.services.findings.writes import SUMMARY_MAX, FindingInput
from team.services.search.kinds import Kind
from team.services.search.terms import MAX_QUERY, parse
from team.vocabulary import Role
from tests.e2e.payloads import PAYLOADS, Payload, markdown_corpus, normalise
from tests.factories import Team, make_team, root
from tests.markdown_checks import shown, unsafe
from tests.ui.conftest import assert_no_exception
from tests.ui.conftest import first_of as _first
from tests.ui.test_text import STREAMLIT_TEXT

# A highlighted word as team/ui/text.py::highlighted writes it (the hit colour's badge).
HIGHLIGHT = re.compile(rf":{colours.HIT.badge}-background\[\*\*([^\W_]+)\*\*\]")
COUNTED = re.compile(r"^.+ \((\d[\d,]*)\)$")  # a facet option: "Finding (6)"
PRIVATE = (Kind.REVIEW, Kind.ONE_ON_ONE, Kind.TRACK, Kind.ACTION_ITEM)


# --------------------------------------------------------------------------- reading


def _hits(at: AppTest) -> list[Block]:
    """The result cards, top to bottom."""
    return [n for n in at.main if isinstance(n, Block) and (n.key or "").startswith("hit_")]


def _card(at: AppTest, kind: Kind, ident: int) -> Block:
    """The result card of ``kind`` number ``ident``."""
    card = at.get_by_key(f"hit_{kind.value}_{ident}")
    assert isinstance(card, Block)
    return card


def _kind_of(card: Block) -> str:
    """The kind in a card's key (``hit_<kind>_<id>``; a kind may hold underscores)."""
    assert card.key is not None
    return card.key.removeprefix("hit_").rsplit("_", 1)[0]


def _snippet(card: Block) -> str:
    """The card's snippet: its last Markdown (the first is the kind's badge)."""
    texts = [m.value for m in card.markdown]
    assert len(texts) == 2, texts
    return str(texts[-1])


def _link(card: Block) -> tuple[str, str, str]:
    """(label, page, query string) of the card's link."""
    [link] = card.get("page_link")
    return link.proto.label, link.proto.page, link.proto.query_string


def _date(card: Block) -> date:
    [caption] = card.caption
    return datetime.strptime(str(caption.value).rsplit(" · ", 1)[-1], "%d %b %Y").date()


def _matches(at: AppTest) -> int:
    said = [c.value for c in at.caption if re.fullmatch(r"[\d,]+ match(es)?", c.value)]
    assert len(said) == 1, [c.value for c in at.caption]
    return int(said[0].split()[0].replace(",", ""))


def _kind_options(at: AppTest) -> dict[str, int]:
    """The Kind facet: option label (count cut off) -> count."""
    out = {}
    for option in at.multiselect(key="search_f_kind").options:
        found = COUNTED.match(option)
        assert found, option
        out[option.rsplit(" (", 1)[0]] = int(found[1].replace(",", ""))
    return out


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def _defused(markdown: str) -> None:
    """``markdown`` (a snippet) cannot render as an image, HTML or an unsafe link, and
    holds no Streamlit directive but the highlights."""
    assert unsafe(markdown) == [], markdown
    # A highlight is an element of its own: the text on either side of it is a text
    # node of its own, where Streamlit looks for directives, icons and arrows (escaped
    # or not: see tests/ui/test_text.py).
    for text in HIGHLIGHT.split(markdown)[::2]:
        assert not STREAMLIT_TEXT.search(text.replace("\\", "")), (text, markdown)


# --------------------------------------------------------------------------- the demo


def test_a_manager_finds_churn_highlighted_with_a_link_to_each_hit(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "search", q="churn")
    assert_no_exception(at)
    assert at.text_input(key="search_q").value == "churn"
    cards = _hits(at)
    assert len(cards) >= 5 and _matches(at) == len(cards)  # one page holds them all
    highlighted = [w.lower() for c in cards for w in HIGHLIGHT.findall(_snippet(c))]
    assert set(highlighted) == {"churn"}
    kinds = {_kind_of(c) for c in cards}
    assert {Kind.FINDING, Kind.QUESTION, Kind.ANSWER, Kind.REVIEW} <= kinds
    for card in cards:
        _defused(_snippet(card))
        label, page, query = _link(card)
        kind, ident = _kind_of(card), (card.key or "").rsplit("_", 1)[-1]
        assert label, card.key
        if kind == Kind.FINDING:
            # A finding's own words hold the search: its highlight is in the snippet.
            assert HIGHLIGHT.search(_snippet(card)), _snippet(card)
            assert page.endswith("questions") and f"finding={ident}" in query.split("&")
            assert "root=" in query and "node=" in query
        elif kind == Kind.REVIEW:
            assert page.endswith("reviews") and query == f"review={ident}"
        elif kind == Kind.ANSWER:
            assert page.endswith("answers") and "version=" in query
        elif kind == Kind.QUESTION:
            assert page.endswith("questions") and f"node={ident}" in query.split("&")


def test_facets_count_and_a_kind_narrows_the_hits_but_keeps_the_other_kinds_counts(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "search", q="churn")
    total = _matches(at)
    for facet in ("kind", "project", "person", "technique", "finding_kind", "status"):
        options = at.multiselect(key=f"search_f_{facet}").options
        assert options and all(COUNTED.match(o) for o in options), (facet, options)
    kinds = _kind_options(at)
    assert sum(kinds.values()) == total
    assert kinds["Finding"] < total
    assert [e.label for e in at.expander] == ["Filters"]

    at.multiselect(key="search_f_kind").select(Kind.FINDING.value).run()
    assert_no_exception(at)
    cards = _hits(at)
    assert {_kind_of(c) for c in cards} == {Kind.FINDING.value}
    assert _matches(at) == len(cards) == kinds["Finding"]
    assert _kind_options(at) == kinds  # the other kinds still say how many they have
    statuses = at.multiselect(key="search_f_status").options
    assert statuses and all(" finding (" in s for s in statuses), statuses  # narrowed
    assert [e.label for e in at.expander] == ["Filters (1 on)"]


def test_newest_first_orders_the_hits_by_date(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager = _first(demo_engine, Role.MANAGER)
    at = open_app(manager, "search", q="churn")
    best = [c.key for c in _hits(at)]
    at.segmented_control(key="search_sort").set_value("date").run()
    assert_no_exception(at)
    cards = _hits(at)
    dates = [_date(c) for c in cards]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 2
    assert sorted(c.key or "" for c in cards) == sorted(k or "" for k in best)
    assert [c.key for c in cards] != best  # the order did change

    # The same order from a shared address, and the kind from it too.
    shared = open_app(manager, "search", q="churn", sort="date")
    assert [c.key for c in _hits(shared)] == [c.key for c in cards]
    findings_only = open_app(manager, "search", q="churn", sort="date", kind="finding")
    assert [c.key for c in _hits(findings_only)] == [
        c.key for c in cards if _kind_of(c) == Kind.FINDING
    ]


def test_a_search_over_the_limit_says_the_limit(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    text = "churn " * 40
    assert len(text.strip()) > MAX_QUERY
    at = open_app(_first(demo_engine, Role.MANAGER), "search", q=text)
    assert_no_exception(at)
    assert any(f"at most {MAX_QUERY} characters" in e.value for e in at.error)
    assert not _hits(at)


def test_a_viewer_never_sees_review_requests_or_one_on_ones(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    # Words in the demo's review requests, one-on-one notes, tracks and action items.
    words = "churn OR onboarding OR career OR rollout"
    manager = open_app(_first(demo_engine, Role.MANAGER), "search", q=words)
    private = {Kind(k).label.capitalize() for k in PRIVATE}
    assert private <= set(_kind_options(manager))  # the words do find them

    viewer = _first(demo_engine, Role.VIEWER)
    at = open_app(viewer, "search", q=words)
    assert_no_exception(at)
    assert _hits(at) and not private & set(_kind_options(at))
    assert not {_kind_of(c) for c in _hits(at)} & {k.value for k in PRIVATE}
    # Asked for by the address, they are not there either.
    wanted = ",".join(k.value for k in PRIVATE)
    at = open_app(viewer, "search", q=words, kind=wanted)
    assert_no_exception(at)
    assert not _hits(at)
    assert any(i.startswith("No matches") for i in _infos(at)), _infos(at)


def test_the_sidebar_box_opens_search_with_the_words(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "overview")
    assert [t.value for t in at.title] != ["Search"]
    at.text_input(key="nav_search").input("  churn   annual ").run()
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Search"]
    assert at.query_params["q"] == "churn annual"
    assert at.text_input(key="search_q").value == "churn annual"
    assert at.text_input(key="nav_search").value == ""  # empty again on the page it opened
    assert _hits(at)


def test_a_new_question_waits_once_on_the_questions_asked_before(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "questions")
    assert_no_exception(at)
    title = "Did the July price change make churn worse?"
    at.text_input(key="new_q_title").input(title)
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert_no_exception(at)
    box = at.get_by_key("similar_new_question")
    links = [p.proto for p in box.get("page_link")]
    assert 1 <= len(links) <= 5
    assert links[0].label == "Did the July price change cause the churn?"
    assert all(p.page.endswith("questions") and "node=" in p.query_string for p in links)
    assert not at.success  # nothing saved yet, the title kept
    assert at.text_input(key="new_q_title").value == title

    # The same words again: saved.
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert_no_exception(at)
    assert any(title in s.value for s in at.success), [s.value for s in at.success]
    with pytest.raises(KeyError):
        at.get_by_key("similar_new_question")


def test_a_new_question_like_no_other_is_saved_at_once(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "questions")
    at.text_input(key="new_q_title").input("Should the office buy standing desks?")
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert_no_exception(at)
    with pytest.raises(KeyError):
        at.get_by_key("similar_new_question")
    assert any("standing desks" in s.value for s in at.success)


def test_a_new_finding_waits_once_on_the_findings_logged_before(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "questions")
    [summary] = [t for t in at.text_input if (t.key or "").startswith("lf_summary_")]
    key = (summary.key or "").removeprefix("lf_summary_")
    summary.input("Starter monthly plans drove the churn rise")
    at.button(key=f"FormSubmitter:log_finding_{key}-Log finding").click().run()
    assert_no_exception(at)
    box = at.get_by_key(f"similar_finding_{key}")
    labels = [p.proto.label for p in box.get("page_link")]
    assert any(label.startswith("Q3 churn rise is concentrated") for label in labels), labels
    assert all("finding=" in p.proto.query_string for p in box.get("page_link"))
    assert not at.success


# --------------------------------------------------------------------------- hostile text


def _team(engine: Engine) -> Team:
    with Session(engine) as session:
        return make_team(session)


def _finding(engine: Engine, team: Team, summary: str, body: str) -> int:
    with Session(engine) as session:
        question = root(session, team)
        made = findings.log_finding(
            session, team.manager, question_id=question, data=FindingInput(summary, body=body)
        )
        return int(made.id)


def _typed_line(p: Payload) -> str:
    """What is pasted in the box for ``p`` (tests/e2e/hostile.py::typed_line): as typed,
    unless it spans lines."""
    return p.text if not re.search(r"[\r\n]", p.text) else p.line


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_every_hostile_line_as_a_search_renders_hits_or_a_sentence(
    app_engine: Engine, open_app: Callable[..., AppTest], payload: Payload
) -> None:
    team = _team(app_engine)
    # The payload is the finding's summary (its link's label, the words found marked)
    # and, with the rest of the corpus, its body (the snippet).
    summary = payload.line[:SUMMARY_MAX]
    corpus = _finding(app_engine, team, summary, markdown_corpus())
    text = _typed_line(payload)
    at = open_app(team.manager, "search", q=text)
    assert_no_exception(at)
    cards = _hits(at)
    for card in cards:
        _defused(_snippet(card))
        _defused(_link(card)[0])
    said = _infos(at) + [e.value for e in at.error]
    if len(" ".join(text.split())) > MAX_QUERY:
        assert any(f"at most {MAX_QUERY} characters" in s for s in said), said
    elif parse(" ".join(text.split())).empty:
        assert any(s.startswith("Nothing to look for") for s in said), said
    else:  # the finding that holds the corpus holds the payload's words
        card = _card(at, Kind.FINDING, corpus)
        label = _link(card)[0]
        assert HIGHLIGHT.search(label), label
        seen = shown(HIGHLIGHT.sub(r"\1", label))
        assert seen.replace(" ", "") == normalise(summary).replace(" ", ""), label


# Under the snippet's 30 words, so the snippet is the whole body.
BODY = (
    "<img src=x onerror=alert(1)> [link](javascript:alert(1)) **bold** :red[x] "
    ":blue[churn] churn] [churn](javascript:alert(2)) `code` <script>x</script>"
)


@pytest.mark.parametrize("word", ["churn", "link", "img", "alert", "bold", "red", "script"])
def test_hostile_markdown_around_a_highlighted_word_shows_as_text(
    app_engine: Engine, open_app: Callable[..., AppTest], word: str
) -> None:
    team = _team(app_engine)
    fid = _finding(app_engine, team, "Hostile body", BODY)
    at = open_app(team.manager, "search", q=word)
    assert_no_exception(at)
    card = _card(at, Kind.FINDING, fid)
    markdown = _snippet(card)
    assert word in {w.lower() for w in HIGHLIGHT.findall(markdown)}, markdown
    _defused(markdown)
    # What a reader sees is a run of the body, every character of it as typed.
    seen = shown(HIGHLIGHT.sub(r"\1", markdown)).removeprefix("… ").removesuffix(" …")
    assert seen and seen in normalise(BODY), markdown


def test_the_words_around_a_highlight_keep_their_spaces(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    fid = _finding(app_engine, team, "Spaced", "the churn deltas")
    at = open_app(team.manager, "search", q="churn")
    markdown = _snippet(_card(at, Kind.FINDING, fid))
    assert shown(HIGHLIGHT.sub(r"\1", markdown)) == "the churn deltas", markdown


def test_a_snippet_shows_words_after_the_word_found(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    body = " ".join(f"w{i}" for i in range(100)).replace("w50", "churn")
    fid = _finding(app_engine, team, "Long", body)
    at = open_app(team.manager, "search", q="churn")
    shown_text = shown(HIGHLIGHT.sub(r"\1", _snippet(_card(at, Kind.FINDING, fid))))
    after = shown_text.split("churn", 1)[-1].split()
    assert after[:3] == ["w51", "w52", "w53"], shown_text
