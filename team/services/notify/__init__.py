"""Notifications: written with the changes that concern people (outbox.py), read and
marked in the inbox (inbox.py), followed answers (follows.py), each person's settings
(settings.py), and the worker that sends them by email and webhooks (the rest)."""
