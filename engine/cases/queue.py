"""Queue numbers at a district secretariat: take a number, call the next one (per local day)."""

import re
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import func, select

from engine.domain import roles
from engine.domain.actor import Actor
from engine.domain.statuses import QueueStatus
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.store.database import write_transaction
from engine.store.models import QueueTicket, db
from engine.i18n import N_

WIB = timezone(timedelta(hours=7))  # the secretariat's day; districts in WITA/WIT can configure later


def _day(now):
    return now.astimezone(WIB).date().isoformat()


def _district(actor):
    if actor.role != roles.FRONT_OFFICE or len(actor.wilayah or "") < 4:
        raise Forbidden(N_("Antrian dikelola oleh front office sekretariat kabupaten/kota"))
    return actor.wilayah[:4]


def take_number(actor: Actor, now: datetime) -> str:
    """Give the next walk-in a number for today; returns its code, e.g. A-017."""
    district = _district(actor)
    with write_transaction() as session:
        last = session.scalar(select(func.max(QueueTicket.nomor)).where(
            QueueTicket.kabupaten == district, QueueTicket.tanggal == _day(now)))
        ticket = QueueTicket(kabupaten=district, tanggal=_day(now), nomor=(last or 0) + 1, status=QueueStatus.MENUNGGU,
                             created_at=now)
        session.add(ticket)
        session.flush()
        return ticket.kode


def call_next(actor: Actor, now: datetime) -> str:
    """Call the longest-waiting number of today; NotFound when nobody waits."""
    district = _district(actor)
    with write_transaction() as session:
        ticket = session.scalar(select(QueueTicket).where(
            QueueTicket.kabupaten == district, QueueTicket.tanggal == _day(now), QueueTicket.status == QueueStatus.MENUNGGU)
            .order_by(QueueTicket.nomor).limit(1))
        if ticket is None:
            raise NotFound(N_("Tidak ada nomor antrian yang menunggu"))
        ticket.status, ticket.called_at, ticket.called_by = QueueStatus.DIPANGGIL, now, actor.id
        return ticket.kode


def board(actor: Actor, now: datetime) -> dict[str, Any]:
    """Today's queue for the actor's district: {'dipanggil': the number being served, 'menunggu': [codes],
    'berikutnya': the number the intake form offers (the one being served, else the first waiting)}."""
    district = _district(actor)
    rows = list(db.session.scalars(select(QueueTicket).where(
        QueueTicket.kabupaten == district, QueueTicket.tanggal == _day(now)).order_by(QueueTicket.nomor)))
    called = [t for t in rows if t.status == QueueStatus.DIPANGGIL]
    waiting = [t.kode for t in rows if t.status == QueueStatus.MENUNGGU]
    last = max(called, key=lambda t: cast(datetime, t.called_at)) if called else None
    serving = last.kode if last else None
    return {"dipanggil": serving, "menunggu": waiting, "berikutnya": serving or (waiting[0] if waiting else None),
            "dilayani": sum(1 for t in rows if t.status == QueueStatus.DILAYANI)}


def consume(kabupaten: str, kode: str | None, case_id: int, now: datetime) -> None:
    """Mark today's queue number `kode` as used by this case (inside the case's write transaction).

    InvalidInput when another case already used it; a number that is not one of today's queue
    numbers (written by hand, or given through the API) is only recorded on the case.
    """
    found = re.fullmatch(r"\s*[Aa]-?(\d{1,6})\s*", kode or "")
    if found is None:
        return
    ticket = db.session.scalar(select(QueueTicket).where(
        QueueTicket.kabupaten == kabupaten, QueueTicket.tanggal == _day(now), QueueTicket.nomor == int(found[1]))
        .with_for_update())
    if ticket is None:
        return
    if ticket.status == QueueStatus.DILAYANI:
        raise InvalidInput(N_("Data pengaduan tidak valid"), errors={"nomor_antrian": N_(
            "Nomor antrian {nomor} sudah dipakai untuk pengaduan lain; pakai nomor yang sedang dilayani",
            nomor=ticket.kode)})
    ticket.status, ticket.case_id = QueueStatus.DILAYANI, case_id
    ticket.called_at = ticket.called_at or now
    db.session.flush()
