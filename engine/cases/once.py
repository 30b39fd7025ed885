"""Once-only intake: an API Idempotency-Key or an intake page's one-time form token registers one case.

The key is recorded with the case in the case's own write transaction; (officer, key) is unique, so of
two requests racing with one key only one case is written and the other answers with it.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.domain.actor import Actor
from engine.errors import Conflict, InvalidInput
from engine.i18n import N_
from engine.store.models import IntakeKey, db

MAX_KEY = 200


def check_key(key: str) -> str:
    """The key as given, or InvalidInput when it is empty or too long."""
    if not key.strip() or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidInput(N_("Idempotency-Key tidak valid"),
                           errors={"Idempotency-Key": N_("harus teks 1 sampai {n} karakter", n=MAX_KEY)})
    return key


def fingerprint(payload: Any) -> str:
    """sha256 of the request body, independent of key order."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def earlier_case(actor: Actor, key: str, digest: str | None) -> int | None:
    """The case this officer already registered with this key; Conflict when `digest` (the body) differs.

    A form token (digest None) answers with its case whatever the form holds now: the officer went Back
    and pressed Simpan again, and the complaint is already registered.
    """
    row = db.session.scalar(select(IntakeKey).where(IntakeKey.user_id == actor.id, IntakeKey.kunci == key))
    if row is None:
        return None
    if digest is not None and row.isi_hash != digest:
        raise Conflict(N_("Idempotency-Key ini sudah dipakai untuk pengaduan lain dengan isi berbeda; "
                          "gunakan kunci baru untuk pengaduan baru"), case_id=row.case_id)
    return row.case_id


def record(actor: Actor, key: str, digest: str | None, case_id: int, now: datetime) -> None:
    """Remember that this key registered this case (inside the case's write transaction)."""
    db.session.add(IntakeKey(user_id=actor.id, kunci=key, isi_hash=digest or "", case_id=case_id, created_at=now))
    db.session.flush()
