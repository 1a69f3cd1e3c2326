"""Every place a notification or a message links to is a page of the app."""

from __future__ import annotations

from team.services.notify import links, messages
from team.ui.navigation import all_page_names


def test_the_pages_messages_link_to_exist() -> None:
    pages = set(all_page_names())
    assert messages.SETTINGS_PAGE in pages
    stored = [
        links.question_link(1, 2, finding=3),
        links.link("reviews", review=4),
        links.link("answers", root=1, node=2),
        links.link("one_on_ones", report=5, manager=6),
    ]
    assert {links.split(s)[0] for s in stored} <= pages
