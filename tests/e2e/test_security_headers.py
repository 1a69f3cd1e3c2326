"""The served app sends the browser security headers on every response (it cannot be
framed by another site, sniffed, or leak its addresses as a referrer), and its error
boxes offer no links to outside sites."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from team.ui import serve
from tests.e2e.conftest import Server

EXPECTED = {
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/questions", "/no-such-file.js"])
def test_every_response_carries_the_security_headers(server: Server, path: str) -> None:
    request = urllib.request.Request(server.base_url + path)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:  # a 404 carries them too
        headers = {k.lower(): v for k, v in error.headers.items()}
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (path, name, headers)


def test_error_boxes_link_nowhere_outside() -> None:
    flags = serve.command()
    assert flags[flags.index("--client.showErrorLinks") + 1] == "false"
