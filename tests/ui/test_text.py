"""User text on screen: plain fields show literally; Markdown is formatting only.

Besides the cases below, every payload of the hostile corpus goes through an
independent CommonMark renderer (markdown-it-py, with raw HTML switched on and link
checks switched off, i.e. more permissive than Streamlit's) to prove that nothing in
it becomes an image, an HTML element or a link to anything but http(s)/mailto, and
that what a reader should see of it is there."""

from __future__ import annotations

import re

import pytest

from team.ui.text import JOINER, dot_label, plain, safe_markdown, web_link
from tests.e2e.payloads import PAYLOADS, Payload, normalise
from tests.markdown_checks import MD, shown, tokens, unsafe


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_no_payload_renders_as_image_html_or_unsafe_link(payload: Payload) -> None:
    raw_findings = unsafe(payload.text)
    rendered = safe_markdown(payload.text)
    assert unsafe(rendered) == [], (payload.text, rendered)
    # The corpus is worth its name: most payloads are dangerous when not defused.
    assert raw_findings or payload.name not in ("img_onerror", "remote_image", "script_tag")


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_a_markdown_reader_sees_each_payload(payload: Payload) -> None:
    assert payload.markdown_shows in shown(safe_markdown(payload.text))


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_plain_shows_each_payload_exactly_on_one_line(payload: Payload) -> None:
    parsed = MD.parse(plain(payload.text))
    assert [t.type for t in parsed] == ["paragraph_open", "inline", "paragraph_close"]
    assert {child.type for child in parsed[1].children or []} == {"text"}
    assert shown(plain(payload.text)) == payload.line


def test_the_corpus_as_one_document_stays_defused() -> None:
    document = "\n\n".join(p.text for p in PAYLOADS)
    assert unsafe(safe_markdown(document)) == []


@pytest.mark.parametrize(
    "text",
    [
        "**bold** _it_ `code`",
        "[click](javascript:alert(1))",
        "![x](https://evil.example/p.png)",
        "# heading",
        "<script>alert(1)</script>",
        "a | b | c",
        ":red[colour] $x^2$ &amp;",
    ],
)
def test_plain_escapes_every_markdown_construct(text: str) -> None:
    escaped = plain(text)
    # Every special character is preceded by a backslash, so nothing formats.
    for i, ch in enumerate(escaped):
        if ch in "*_`[]()!#<>|:$&":
            assert escaped[i - 1] == "\\", (text, escaped)


def test_plain_is_one_line_without_control_characters() -> None:
    assert plain("a\nb\x00\x07c\td") == "a bc d"


def test_images_become_links() -> None:
    out = safe_markdown("see ![chart](https://evil.example/pixel.png)")
    assert "![" not in out
    assert f"!{JOINER}[chart](https://evil.example/pixel.png)" in out


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html;base64,PHN2Zz4=", "vbscript:x", "file:///etc"]
)
def test_unsafe_links_show_as_typed(url: str) -> None:
    out = safe_markdown(f"[click me]({url})")
    assert "](" not in out
    assert out.replace(JOINER, "") == f"[click me]({url})"


def test_safe_links_and_formatting_stay() -> None:
    text = (
        "**Result**: see [the PR](https://github.com/example-org/x/pull/1?a=1&b=2)\n\n"
        "- a < b & c\n- [mail](mailto:x@example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert safe_markdown(text) == text


def test_html_and_references_show_as_text() -> None:
    out = safe_markdown('<img src=x onerror="alert(1)"><b>hi</b> &lt;i&gt;')
    assert shown(out) == '<img src=x onerror="alert(1)"><b>hi</b> &lt;i&gt;'


def test_code_shows_exactly_as_typed() -> None:
    text = "`a<b && ![x](y)`\n\n```\n<img src=x>\n[l](javascript:z)\n```"
    assert shown(safe_markdown(text)) == normalise("a<b && ![x](y) <img src=x> [l](javascript:z)")


def test_dot_labels_cannot_break_out_of_the_string() -> None:
    label = dot_label('evil" ]; x [label="pwned')
    assert label.startswith('"')
    assert label.endswith('"')
    inner = label[1:-1]
    assert '"' not in inner.replace('\\"', "")


def test_a_long_title_is_cut_with_an_ellipsis_and_the_facts_line_survives() -> None:
    title = "Can we forecast weekly demand per region well enough to cut safety stock by 10%?"
    label = dot_label(title, "unassigned · in progress")
    lines = label[1:-1].split("\\n")
    assert len(lines) == 4 and lines[2].endswith("…")
    assert lines[3] == "unassigned · in progress"
    assert all(len(line) <= 28 for line in lines)


def test_reference_style_images_do_not_load() -> None:
    out = safe_markdown("![pixel][p]\n\n[p]: https://evil.example/p.png")
    assert not [t for t in tokens(out) if t.type == "image"]


def test_an_escaped_bang_does_not_turn_into_an_image() -> None:
    # The old defusing added a backslash before "![": after the user's own "\", the two
    # backslashes made an escaped backslash and the image loaded.
    out = safe_markdown("\\![pixel][p]\n\n[p]: https://evil.example/p.png")
    assert not [t for t in tokens(out) if t.type == "image"]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://evil.example/x)![p](https://evil.example/p.png)", "Artifact"),
        ("https://example.org/a?x=<b>&y=`code`", None),
        ("https://example.org/a\\)](javascript:alert(1))", None),
    ],
)
def test_a_web_link_cannot_end_early(url: str, label: str | None) -> None:
    found = tokens(web_link(url, label))
    links = [t for t in found if t.type == "link_open"]
    assert len(links) == 1
    assert not [t for t in found if t.type in ("image", "html_inline")]
    assert shown(web_link(url, label)) == (label or url)
    assert MD.normalizeLinkText(links[0].attrGet("href")) == url


def test_a_web_link_shows_its_address_whole() -> None:
    """No autolink starts inside a link's label, so the label is the address with nothing
    hidden in it: copying it copies the address."""
    url = "https://notebooks.example.org/churn.ipynb"
    [inline] = [t for t in tokens(web_link(url)) if t.type == "inline"]
    label = inline.children or []
    assert "".join(t.content for t in label if t.type == "text") == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/a", "https://a b"])
def test_a_web_link_to_anything_else_is_text(url: str) -> None:
    assert not [t for t in tokens(web_link(url)) if t.type == "link_open"]
    assert shown(web_link(url)) == normalise(url)


STREAMLIT_TEXT = re.compile(
    r"(?<!\S)(<->|->|<-|--|>=|<=|~=)(?!\S)|:material[/_]|:streamlit:|:[a-z][a-z0-9-]*\["
)


@pytest.mark.parametrize(
    "text",
    [
        "a -- b -> c <- d <-> e >= f <= g ~= h",
        ":material/warning: :material_home: :streamlit: :red[x]",
        "--",
        "-> start",
    ],
)
def test_plain_keeps_streamlit_from_rewriting_text(text: str) -> None:
    # Streamlit turns these into a dash, arrows, signs, icons and a logo in text it
    # renders, escaped or not; the word joiner keeps them as typed.
    out = plain(text)
    assert not STREAMLIT_TEXT.search(out.replace("\\", "")), out
    assert out.replace("\\", "").replace(JOINER, "") == text


def test_markdown_keeps_dashes_and_arrows_but_not_in_tables_or_underlines() -> None:
    text = "SQL comment -- here, x -> y, p <= 0.05\n\n| a | b |\n| -- | -- |\n\nTitle\n--"
    out = safe_markdown(text)
    assert not STREAMLIT_TEXT.search(out.split("\n\n")[0])
    assert out.split("\n\n")[1:] == text.split("\n\n")[1:]
    assert out.replace(JOINER, "") == text


def test_dollar_signs_show_as_typed_outside_code() -> None:
    assert safe_markdown("Costs $5M to $7M") == "Costs \\$5M to \\$7M"
    assert safe_markdown("see `x = $y` and $z") == "see `x = $y` and \\$z"
    fenced = "```\nprice = $5\n```\nthen $6"
    assert safe_markdown(fenced) == "```\nprice = $5\n```\nthen \\$6"


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        ("see https://evil.example/x.js", f"https\\:{JOINER}//"),
        ("see www.evil.example", f"www{JOINER}\\."),
        ("mail maya@evil.example", f"maya{JOINER}@"),
    ],
)
def test_plain_keeps_addresses_from_becoming_links(text: str, broken: str) -> None:
    assert broken in plain(text)  # Streamlit autolinks the address without the joiner
    assert shown(plain(text)) == text


def test_plain_closes_a_right_to_left_override_inside_the_text() -> None:
    assert plain("Proj \u202eabc") == "\u2068Proj \u202eabc\u2069"
    # A stray isolate end cannot close ours: one more isolate opens before the text.
    assert plain("\u2069\u202eabc") == "\u2068\u2068\u2069\u202eabc\u2069"
    assert plain("no controls") == "no controls"


def test_directives_in_markdown_stay_text_but_links_keep_their_scheme() -> None:
    out = safe_markdown("status:green :material/warning: [mail](mailto:a@b.example)")
    assert f"status:{JOINER}green" in out and f":{JOINER}material/warning:" in out
    assert "(mailto:a@b.example)" in out
