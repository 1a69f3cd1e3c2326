"""The sentence each kind of notification says, in one place: the inbox, every email,
chat message and webhook read it from here (no streamlit: services and the worker use
it too). ``actor`` is who did it (empty: the app itself, for due dates); ``title`` is the
thing's title as written; neither is escaped here: each form escapes its own."""

from __future__ import annotations

from team.vocabulary import NotificationKind

K = NotificationKind

_WITH_ACTOR = {
    K.ASSIGNED: "{actor} assigned you “{title}”",
    K.UNASSIGNED: "{actor} assigned “{title}” to someone else",
    K.REVIEW_REQUESTED: "{actor} asked you to review “{title}”",
    K.REVIEW_RESPONDED: "{actor} started reviewing your request on “{title}”",
    K.CHANGES_REQUESTED: "{actor} asked for changes on “{title}”",
    K.REVIEW_APPROVED: "{actor} approved your review request on “{title}”",
    K.MUST_FIX: "{actor} left a must-fix note on “{title}”",
    K.NOTE: "{actor} wrote a note on “{title}”",
    K.FINDING_ACCEPTED: "{actor} accepted your finding “{title}”",
    K.FINDING_SENT_BACK: "{actor} sent back your finding “{title}”",
    K.ACTION_ITEM: "{actor} gave you an action item: “{title}”",
    K.DUE_SOON: "“{title}” is due soon",
    K.OVERDUE: "“{title}” is overdue",
    K.ANSWER_CHANGED: "{actor} changed the answer to “{title}”",
}

# Headings of a digest's groups, in the order a digest lists them.
GROUPS = {
    K.OVERDUE: "Overdue",
    K.DUE_SOON: "Due soon",
    K.ASSIGNED: "Assigned to you",
    K.REVIEW_REQUESTED: "Reviews asked of you",
    K.MUST_FIX: "Must-fix notes",
    K.CHANGES_REQUESTED: "Changes requested",
    K.REVIEW_APPROVED: "Approved",
    K.REVIEW_RESPONDED: "Reviews started",
    K.FINDING_SENT_BACK: "Findings sent back",
    K.FINDING_ACCEPTED: "Findings accepted",
    K.ACTION_ITEM: "Action items",
    K.NOTE: "Notes",
    K.ANSWER_CHANGED: "Answers you follow",
    K.UNASSIGNED: "Assigned away",
}


def sentence(kind: NotificationKind | str, actor: str, title: str) -> str:
    """What the notification says, e.g. ``Ana Lima assigned you “Why did retention
    drop?”``; without an actor, "Someone" stands in (a deleted or unknown person)."""
    template = _WITH_ACTOR[NotificationKind(kind)]
    return template.format(actor=actor.strip() or "Someone", title=title)


def group_heading(kind: NotificationKind | str) -> str:
    return GROUPS[NotificationKind(kind)]
