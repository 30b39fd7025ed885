"""Fixtures shared by the notification and escalation tests."""

from tests.cases.test_notifications import mailbox  # noqa: F401 (the local SMTP server)
