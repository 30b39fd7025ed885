"""The outbox: referrals written with the change that sent them, delivered over HTTP with retries.

Each message keeps one idempotency key for all its attempts, so a receiver that saw an attempt
whose answer was lost can recognise the retry. Failed attempts back off exponentially up to an
hour and are never dropped: an unreachable endpoint leaves the message pending, visible on the case.
"""

import json
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.cases import identity_out
from engine.config import Settings
from engine.domain.statuses import OutboxStatus
from engine.i18n import N_, recognise
from engine.store import statements
from engine.store.database import write_transaction
from engine.store.models import Case, OutboxMessage, db

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600


def message_row(case_id: int, seq: int, index: int, kind: str, payload: Any, variables: dict[str, Any],
                now: datetime) -> dict[str, Any]:
    """Column values of a new outbox message thrown by a case's diagram."""
    body = payload if isinstance(payload, dict) else {"isi": payload}
    return dict(
        case_id=case_id, kind=kind, tujuan=body.get("tujuan_rujukan", variables.get("tujuan_rujukan")),
        saluran=body.get("saluran_rujukan", variables.get("saluran_rujukan")),
        payload=json.dumps(body, ensure_ascii=False, default=str),
        idempotency_key=f"slrt-{case_id}-{seq}-{index}-{uuid.uuid4().hex[:12]}", status=OutboxStatus.MENUNGGU,
        attempts=0, next_attempt_at=now, last_error=None, created_at=now, delivered_at=None,
    )


def backoff(attempts: int) -> int:
    """Seconds to wait after the given number of failed attempts."""
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)


def deliver_due(now: datetime, settings: Settings, limit: int = 50) -> tuple[int, int]:
    """Try every pending message that is due; return (delivered, failed) counts."""
    delivered = failed = 0
    for message_id in _due_ids(now, limit):
        if _deliver_one(message_id, now, settings):
            delivered += 1
        else:
            failed += 1
    return delivered, failed


def _due_ids(now, limit):
    ids = list(db.session.scalars(statements.DUE_MESSAGE_IDS, {"_now": now, "_limit": limit}))
    db.session.rollback()
    return ids


def _deliver_one(message_id, now, settings):
    """Lease one message, post it outside any transaction, then record the outcome."""
    leased = _lease(message_id, now, settings)
    if leased is None:
        return False
    if leased["saluran"] == "email":
        from engine.cases.notify import send_email

        error = send_email(settings, leased["key"], leased["payload"])
    else:
        error = _post(leased, settings)
    with write_transaction() as session:
        message = session.get(OutboxMessage, message_id)
        if error is None:
            message.status, message.delivered_at, message.last_error = OutboxStatus.TERKIRIM, now, None
            return True
        message.last_error = error[:500]
        message.next_attempt_at = now + timedelta(seconds=backoff(message.attempts))
        return False


def _lease(message_id, now, settings):
    """Take the message for one attempt (other workers skip it until the lease runs out)."""
    with write_transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.MENUNGGU,
                                            OutboxMessage.next_attempt_at <= now)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message = session.scalar(query)
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=settings.outbox_timeout_seconds + 30)
        ticket, rahasia, data = session.execute(select(Case.ticket, Case.rahasia, Case.data)
                                                .where(Case.id == message.case_id)).one()
        payload = _without_identity(json.loads(message.payload), message.saluran, rahasia, data, settings)
        return {"kind": message.kind, "ticket": ticket, "tujuan": message.tujuan, "saluran": message.saluran,
                "payload": payload, "key": message.idempotency_key}


def _without_identity(payload, saluran, rahasia, data, settings):
    """The payload with the complainant's identity withheld unless the channel may carry it."""
    pelapor = (json.loads(data) if data else {}).get("pelapor")
    allowed = identity_out.allowed_fields(saluran, bool(rahasia), settings.identitas_saluran)
    redacted, _withheld = identity_out.redact(payload, pelapor if isinstance(pelapor, dict) else None, allowed)
    return redacted


# Why a delivery failed: stored in `last_error` as the plain Indonesian sentence, translated when shown.
NO_ENDPOINT = N_("belum ada endpoint untuk saluran '{saluran}'")
NOT_CONNECTED = N_("tidak terhubung: {sebab}")


def delivery_error(text: str | None) -> str | None:
    """The stored `last_error` as a Message the reader's language can be given to (plain text if unknown)."""
    from engine.cases.notify import NO_SMTP_SERVER, SMTP_FAILED

    return recognise(text, (NO_ENDPOINT, NOT_CONNECTED, NO_SMTP_SERVER, SMTP_FAILED))


def _post(message, settings):
    """POST the message; None on a 2xx answer, else the reason it failed."""
    url = (settings.outbox_endpoints or {}).get(message["saluran"])
    if not url:
        return N_(NO_ENDPOINT, saluran=message["saluran"])
    body = json.dumps({"jenis": message["kind"], "tiket": message["ticket"], "tujuan": message["tujuan"],
                       "saluran": message["saluran"], "isi": message["payload"]}, ensure_ascii=False)
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message["key"]})
    try:
        with urllib.request.urlopen(request, timeout=settings.outbox_timeout_seconds) as response:
            if 200 <= response.status < 300:
                return None
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return N_(NOT_CONNECTED, sebab=str(getattr(exc, "reason", exc)))
