"""When a task's deadline passes, its officers and the manager above them get an email."""

import email
import email.policy
import socket
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller

from engine.domain.actor import SYSTEM
from engine.cases import commands
from engine.cases import outbox
from tests.journeys import approve_pkh_referral, intake


class Mailbox:
    """A local SMTP server that keeps every message it receives as (recipients, decoded text)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = f"Subject: {message['Subject']}\n\n{message.get_content()}"
        self.messages.append((envelope.rcpt_tos, text))
        return "250 OK"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def test_a_late_referral_answer_emails_the_agency_and_the_district_manager(api, app, clock, mailbox):
    clock.now = datetime(2026, 3, 17, 3, 0, tzinfo=timezone.utc)
    case = intake(api)
    case = approve_pkh_referral(api, case)
    reminder = datetime(2026, 3, 30, 3, 0, tzinfo=timezone.utc)
    deadline = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)
    assert commands.fire_due_timers(case["id"], reminder, SYSTEM) == 1
    assert commands.fire_due_timers(case["id"], deadline, SYSTEM) == 1
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    notices = [m for m in view["rujukan"] if m["kind"] == "pemberitahuan"]
    assert [(m["saluran"], m["status"]) for m in notices] == [("email", "menunggu")] * 2

    settings = replace(app.config["SLRT_SETTINGS"], smtp={"host": "127.0.0.1", "port": mailbox.port,
                                                           "pengirim": "slrt@dinsos.example"})
    outbox.deliver_due(deadline, settings)  # the referral itself has no endpoint here and waits
    assert len(mailbox.messages) == 2
    (to, content), = [m for m in mailbox.messages if "telah mencapai batas" in m[1]]
    assert sorted(to) == ["manajer.cianjur@slrt-demo.example", "pp.kemensos@slrt-demo.example"]
    (reminded, _), = [m for m in mailbox.messages if "Pengingat" in m[1]]
    assert reminded == ["pp.kemensos@slrt-demo.example"]  # the reminder, a day before, to the agency only
    assert case["ticket"] in content and "Tanggapi rujukan" in content
    assert "081234567890" not in content and "Siti" not in content  # no identity in the email


def test_without_an_smtp_server_the_notification_waits_and_says_why(api, app, clock):
    clock.now = datetime(2026, 3, 17, 3, 0, tzinfo=timezone.utc)
    case = intake(api)
    case = approve_pkh_referral(api, case)
    deadline = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)
    commands.fire_due_timers(case["id"], deadline, SYSTEM)  # the reminder and the limit at once
    outbox.deliver_due(deadline, replace(app.config["SLRT_SETTINGS"], smtp={}))
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    notices = [m for m in view["rujukan"] if m["kind"] == "pemberitahuan"]
    assert len(notices) == 2
    assert all(n["status"] == "menunggu" and "SMTP" in n["last_error"] for n in notices)
