"""Errors a user can cause. Each message is a sentence that says what to do; pages show
it as it is and the CLI prints it and exits non-zero."""

from __future__ import annotations


class TeamError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The input field the error is about, when there is one (shown next to it).
        self.field = field


class NotFound(TeamError):
    """The thing asked for does not exist (any more)."""


class PermissionDenied(TeamError):
    """The acting person may not do this."""


class InvalidInput(TeamError):
    """Input that cannot be saved as it is."""


class StaleEdit(TeamError):
    """Someone saved a newer version since this edit began; nothing was overwritten."""


class IllegalTransition(TeamError):
    """A status change the state machine does not allow from the current status."""
