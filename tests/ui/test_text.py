"""User text on screen: plain fields show literally; Markdown is formatting only."""

from __future__ import annotations

import pytest

from team.ui.text import dot_label, plain, safe_markdown


@pytest.mark.parametrize(
    "text",
    [
        "**bold** _it_ `code`",
        "[click](javascript:alert(1))",
        "![x](https://evil.example/p.png)",
        "# heading",
        "<script>alert(1)</script>",
        "a | b | c",
        ":red[colour] $x^2$",
    ],
)
def test_plain_escapes_every_markdown_construct(text: str) -> None:
    escaped = plain(text)
    # Every special character is preceded by a backslash, so nothing formats.
    for i, ch in enumerate(escaped):
        if ch in "*_`[]()!#<>|:$":
            assert escaped[i - 1] == "\\", (text, escaped)


def test_plain_is_one_line_without_control_characters() -> None:
    assert plain("a\nb\x00\x07c\td") == "a bc d"


def test_images_become_links() -> None:
    out = safe_markdown("see ![chart](https://evil.example/pixel.png)")
    assert "![" not in out
    assert "[image: chart](https://evil.example/pixel.png)" in out


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html;base64,PHN2Zz4=", "vbscript:x", "file:///etc"]
)
def test_unsafe_links_become_text(url: str) -> None:
    out = safe_markdown(f"[click me]({url})")
    assert "](" not in out
    assert out.startswith("click me (")


def test_safe_links_and_formatting_stay() -> None:
    text = "**Result**: see [the PR](https://github.com/example-org/x/pull/1)\n\n- a\n- b"
    assert safe_markdown(text) == text


def test_html_is_shown_as_text() -> None:
    out = safe_markdown('<img src=x onerror="alert(1)"><b>hi</b>')
    assert "<" not in out
    assert ">" not in out
    assert "&lt;img" in out


def test_dot_labels_cannot_break_out_of_the_string() -> None:
    label = dot_label('evil" ]; x [label="pwned')
    assert label.startswith('"')
    assert label.endswith('"')
    inner = label[1:-1]
    assert '"' not in inner.replace('\\"', "")


def test_reference_style_images_do_not_load() -> None:
    out = safe_markdown("![pixel][p]\n\n[p]: https://evil.example/p.png")
    assert "![" not in out.replace("\\![", "")
