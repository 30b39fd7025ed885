"""A message from outside for a case that waits for one (a message catch, an event-based gateway, a
message event subprocess): who may hand it in, what it may carry, and one event in the hash chain.

The payload lands in the case variable `pesan`; the event records the message's name and payload,
so a replay hands the same message to the rebuilt case.
"""

from datetime import datetime
from typing import Any

from engine.cases import persistence
from engine.cases.persistence import RUNNER, Change
from engine.cases.queries import find_case, may_view
from engine.domain import access, roles
from engine.domain.actor import Actor
from engine.errors import Forbidden, InvalidInput
from engine.i18n import N_
from engine.processes import versions
from engine.store import statements
from engine.store.models import db

EVENT = "pesan_diterima"
# The officers who receive what comes back from outside: agencies' answers, the data working group's.
SENDER_ROLES = frozenset({roles.BACK_OFFICE, roles.SUPERVISOR, roles.MANAJER, roles.PENGELOLA_PROGRAM})
MAX_NAME = 100
MAX_KEYS = 50
MAX_TEXT = 2000
_ATTEMPTS = 3


def check_payload(name: Any, payload: Any) -> tuple[str, dict[str, Any]]:
    """The message name and a flat payload of plain values; InvalidInput names what is wrong."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise _bad(N_("nama pesan harus teks 1 sampai {n} karakter", n=MAX_NAME), "nama")
    payload = {} if payload is None else payload
    if not isinstance(payload, dict) or len(payload) > MAX_KEYS:
        raise _bad(N_("isi pesan harus objek dengan paling banyak {n} kunci", n=MAX_KEYS), "isi")
    for key, value in payload.items():
        items = value if isinstance(value, list) else [value]
        if not key.isidentifier() or len(items) > MAX_KEYS or not all(_plain(v) for v in items):
            raise _bad(N_("isi pesan '{kunci}': kunci harus nama variabel dan nilainya teks (maks. {n} "
                                      "karakter), angka, benar/salah atau daftar nilai itu", kunci=key[:40], n=MAX_TEXT),
                                   field="isi")
    return name.strip(), payload


def _bad(message, field):
    return InvalidInput(message, errors={field: message})


def _plain(value):
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    return value is None or isinstance(value, (bool, int, float))


def deliver(actor: Actor, key: int | str, name: Any, payload: Any, now: datetime) -> Change:
    """Hand a message to a case and run it to its next wait; Conflict if it waits for no such message."""
    name, payload = check_payload(name, payload)
    for attempt in range(_ATTEMPTS):
        if attempt:
            db.session.rollback()  # read the latest commit again
        found = find_case(key)
        if actor.role not in SENDER_ROLES or not may_view(actor, found) or not access.in_area(actor, found.wilayah):
            raise Forbidden(N_("Anda tidak berwenang mengirim pesan ke kasus ini"), case=str(key))
        row = db.session.execute(statements.CASE_FOR_TIMERS, {"_id": found.id}).one()
        case = persistence.case_ref(row)
        bundle = versions.bundle_for(case.diagram_version_id)
        workflow, before = persistence.take_workflow(case, bundle, now)
        RUNNER.deliver_message(workflow, name, payload, now)
        pending = persistence.prepare(case, bundle, workflow, before, now, actor, EVENT,
                                      data={"nama": name, "isi": payload})
        change = persistence.commit(pending, workflow, last_attempt=attempt == _ATTEMPTS - 1)
        if change is not None:
            return change
    raise AssertionError("unreachable: the last attempt returns or raises")
