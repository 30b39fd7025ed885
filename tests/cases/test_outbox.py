"""Referrals leave through the outbox: retried with backoff, delivered once, never lost."""

import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine.cases import outbox
from engine.store.models import db
from tests.conftest import sql
from tests.journeys import approve_pkh_referral, intake

SLRT = str(Path(sys.executable).with_name("slrt"))
ROOT = Path(__file__).resolve().parents[2]


class Agency:
    """A local HTTP endpoint standing in for SIKS-NG / LAPOR!: fails a given number of times first."""

    def __init__(self, failures=0, port=0, delay=0.0):
        self.failures = failures
        self.delay = delay  # seconds each answer takes (a slow agency keeps two schedulers' attempts overlapping)
        self.requests = []
        self.accepted = {}
        agency = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                agency.requests.append(key)
                time.sleep(agency.delay)
                if agency.failures > 0:
                    agency.failures -= 1
                    self.send_response(503)
                else:
                    agency.accepted.setdefault(key, body)
                    self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/rujukan"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def agency():
    server = Agency()
    yield server
    server.stop()


def _pending_referral(api, clock):
    """A PKH complaint whose referral the manager approved: the SOP diagram threw it into the outbox."""
    case = intake(api, uraian="Bantuan belum diterima.")
    case = approve_pkh_referral(api, case)
    assert [(m["kind"], m["status"]) for m in case["rujukan"]] == [("rujukan", "menunggu")]
    return case


def _settings(app, url):
    return replace(app.config["SLRT_SETTINGS"], outbox_endpoints={"langsung": url}, outbox_timeout_seconds=2)


def test_referral_failing_twice_is_delivered_exactly_once_on_the_third_try(api, app, clock, agency):
    case = _pending_referral(api, clock)
    settings = _settings(app, agency.url)
    agency.failures = 2
    assert outbox.deliver_due(clock(), settings) == (0, 1)
    assert outbox.deliver_due(clock(), settings) == (0, 0)  # not due again before its backoff
    assert outbox.deliver_due(clock.advance(seconds=outbox.backoff(1)), settings) == (0, 1)
    assert outbox.deliver_due(clock.advance(seconds=outbox.backoff(2)), settings) == (1, 0)
    assert outbox.deliver_due(clock.advance(hours=2), settings) == (0, 0)
    assert len(agency.requests) == 3 and len(set(agency.requests)) == 1  # one key for every attempt
    assert len(agency.accepted) == 1
    (body,) = agency.accepted.values()
    assert body["tiket"] == case["ticket"] and body["tujuan"] == "KEMENSOS_JSK"
    assert body["isi"]["uraian"] == "Bantuan belum diterima." and body["isi"]["program"] == "PKH"
    for identity in ("Siti", "081234567890", "Babakan", case["data"]["pelapor"]["nik"]):
        assert identity not in json.dumps(body)  # the complainant stays confidential
    shown = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()["rujukan"]
    assert [(m["status"], m["attempts"]) for m in shown] == [("terkirim", 3)]


def test_with_the_endpoint_down_the_referral_stays_pending_and_goes_out_when_it_is_back(api, app, clock):
    case = _pending_referral(api, clock)
    down = Agency()
    port = down.port
    down.stop()  # nothing listens on this port now
    settings = _settings(app, f"http://127.0.0.1:{port}/rujukan")
    for _ in range(4):
        outbox.deliver_due(clock.advance(hours=1), settings)
    shown = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()["rujukan"]
    assert shown[0]["status"] == "menunggu" and shown[0]["attempts"] == 4
    assert "tidak terhubung" in shown[0]["last_error"]
    back = Agency(port=port)
    try:
        assert outbox.deliver_due(clock.advance(hours=1), settings) == (1, 0)
        assert len(back.accepted) == 1
    finally:
        back.stop()
    assert sql("SELECT status FROM outbox WHERE case_id = :id", id=case["id"]) == [("terkirim",)]


def test_a_channel_without_an_endpoint_keeps_the_referral_pending_with_a_clear_reason(api, app, clock):
    case = _pending_referral(api, clock)
    settings = replace(app.config["SLRT_SETTINGS"], outbox_endpoints={})
    assert outbox.deliver_due(clock(), settings) == (0, 1)
    (row,) = sql("SELECT status, last_error FROM outbox WHERE case_id = :id", id=case["id"])
    assert row[0] == "menunggu" and "belum ada endpoint" in row[1]


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(30) == 3600
    assert timedelta(seconds=outbox.backoff(7)) <= timedelta(hours=1)


def test_two_scheduler_processes_racing_deliver_each_referral_exactly_once(api, app, backend, clock):
    """Two `slrt deliver-outbox` processes (what two schedulers run) start together on the same due referrals:
    the agency receives each referral once, and each is marked delivered once."""
    cases = [_pending_referral(api, clock) for _ in range(10)]
    db.session.remove()
    agency = Agency(delay=0.2)
    env = dict(os.environ, SLRT_DATABASE_URL=backend[0], SLRT_OUTBOX_ENDPOINTS=json.dumps({"langsung": agency.url}))
    try:
        racers = [subprocess.Popen([SLRT, "deliver-outbox", "--as-of", clock().isoformat()], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [racer.communicate(timeout=120) for racer in racers]
    finally:
        agency.stop()
    assert all(racer.returncode == 0 for racer in racers), outputs
    delivered = [int(re.search(r"(\d+) rujukan terkirim", out).group(1)) for out, _err in outputs]
    assert sum(delivered) == 10, outputs
    assert len(agency.requests) == 10 and len(set(agency.requests)) == 10  # no referral posted twice
    assert sql("SELECT case_id, count(*), min(attempts), max(attempts) FROM outbox WHERE status = 'terkirim' "
               "GROUP BY case_id ORDER BY case_id") == [(case["id"], 1, 1, 1) for case in cases]
