"""Queue numbers at a district secretariat: take a number, call the next one (per local day)."""

from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import func, select

from engine.domain import roles
from engine.domain.actor import Actor
from engine.domain.statuses import QueueStatus
from engine.errors import Forbidden, NotFound
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
    """Today's queue for the actor's district: {'dipanggil': last called code, 'menunggu': [codes]}."""
    district = _district(actor)
    rows = list(db.session.scalars(select(QueueTicket).where(
        QueueTicket.kabupaten == district, QueueTicket.tanggal == _day(now)).order_by(QueueTicket.nomor)))
    called = [t for t in rows if t.status == QueueStatus.DIPANGGIL]
    last = max(called, key=lambda t: cast(datetime, t.called_at)) if called else None
    return {"dipanggil": last.kode if last else None, "menunggu": [t.kode for t in rows if t.status == QueueStatus.MENUNGGU]}
