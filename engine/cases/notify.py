"""Deadline notifications: when a task's timer fires, email whoever holds the task (or may take
it) and, as the diagram says, the manager above them. Emails go through the outbox (channel "email") in the same
transaction as the firing, and are delivered with retries like any referral.

Every recipient passes the same rules as viewing the case (``access.may_view_case``): a complaint
about a village official is never emailed to that village's officers, a program manager is told
only once the referral reached their agency."""

import smtplib
from collections.abc import Callable, Iterable, Sequence
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from engine.bpmn.runner import WaitingTimer
from engine.config import Settings
from engine.domain import access, roles
from engine.domain.actor import Actor
from engine.domain.statuses import TaskStatus
from engine.i18n import N_
from engine.store.models import Case, HumanTask, User, db


class Audience:
    """Who may read about one case: its access columns and the agencies its referral reached."""

    def __init__(self, case_id: int, opened: Sequence[Any] = ()):
        self.case = db.session.execute(select(Case.id, Case.wilayah, Case.aparat_desa, Case.tujuan_rujukan)
                                       .where(Case.id == case_id)).one()
        stored = db.session.scalars(select(HumanTask.instansi).where(HumanTask.case_id == case_id,
                                                                     HumanTask.role == roles.PENGELOLA_PROGRAM))
        self.referred_to = {*stored, *(row.instansi for row in opened if row.role == roles.PENGELOLA_PROGRAM)}

    def may_read(self, user: Any) -> bool:
        return access.may_view_case(Actor.of(user), self.case, self.referred_to)


def recipients(task: Any, audience: Audience, managers: bool = True) -> list[str]:
    """Email addresses: the assignee, else every officer who may act on the task; plus the managers above;
    of those, only who may view the case."""
    users = list(db.session.scalars(select(User).where(User.active.is_(True), User.email.isnot(None))))
    if task.assignee_id is not None:
        holders = [u for u in users if u.id == task.assignee_id]
    else:
        holders = [u for u in users if access.may_act_on_task(Actor.of(u), task)]
    above = [u for u in users if managers and u.role == roles.MANAJER and access.in_area(u, task.wilayah)
             and len(u.wilayah or "") >= 4]
    # the query kept only users with an address
    return sorted({u.email for u in holders + above if u.email is not None and audience.may_read(u)})


def deadline_messages(ticket: str, fired: Iterable[WaitingTimer], opened: Sequence[Any],
                      local_time: Callable[[Any], str]) -> list[tuple[str, dict[str, Any]]]:
    """Outbox payloads for timers that fired on human tasks: [(kind, payload)].

    What the diagram says decides who is told: a reminder (`pemberitahuan` "pengingat") goes to
    whoever holds the task; an interrupting timer has handed the task on, so the officers who
    may take the new tasks, the previous holders and the manager above are told; any other
    limit goes to the holders and the manager above. `opened` are the task rows (not yet
    stored) the firing opened; `local_time` formats an instant in the district's time zone.
    """
    messages: list[tuple[str, dict[str, Any]]] = []
    audience = None
    for timer in fired:
        task = db.session.get(HumanTask, timer.attached_to) if timer.attached_to else None
        if task is None or task.status != TaskStatus.SIAP:
            continue
        audience = audience or Audience(task.case_id, opened)
        holders = recipients(task, audience, managers=False)
        if timer.notice == "pengingat":
            to = holders
            subject = f"[SLRT] Pengingat: {task.name} — tiket {ticket}"
            body = (f"Tugas \"{task.name}\" pada pengaduan bertiket {ticket} jatuh tempo "
                    f"{local_time(task.due_at) if task.due_at else '-'}.\nMohon diselesaikan sebelum batas waktu: "
                    f"/tugas/{task.id}\n")
        elif timer.interrupting and opened:
            names = ", ".join(row.name for row in opened)
            to = sorted(set(holders).union(*(recipients(row, audience) for row in opened)))
            subject = f"[SLRT] Eskalasi: {task.name} — tiket {ticket}"
            body = (f"Tugas \"{task.name}\" pada pengaduan bertiket {ticket} melewati batas waktu "
                    f"({timer.name}, {local_time(timer.due)}) dan dialihkan menjadi: {names}.\n"
                    + "".join(f"Tugas baru: /tugas/{row.id}\n" for row in opened))
        else:
            to = recipients(task, audience)
            subject = f"[SLRT] Batas waktu tercapai: {task.name} — tiket {ticket}"
            body = (f"Tugas \"{task.name}\" pada pengaduan bertiket {ticket} telah mencapai batas waktu "
                    f"({timer.name}, {local_time(timer.due)}).\nMohon segera ditindaklanjuti: /tugas/{task.id}\n")
        if to:
            messages.append(("pemberitahuan", {"kepada": to, "perihal": subject, "isi": body,
                                               "saluran_rujukan": "email", "tujuan_rujukan": None}))
    return messages


NO_SMTP_SERVER = N_("belum ada server SMTP di konfigurasi")
SMTP_FAILED = N_("SMTP gagal: {sebab}")


def send_email(settings: Settings, message_id: str, payload: dict[str, Any]) -> str | None:
    """Send one notification over SMTP; None when sent, else why not."""
    smtp = settings.smtp or {}
    if not smtp.get("host"):
        return NO_SMTP_SERVER
    email = EmailMessage()
    email["From"] = smtp.get("pengirim", "slrt@localhost")
    email["To"] = ", ".join(payload["kepada"])
    email["Subject"] = payload["perihal"]
    email["Message-ID"] = f"<{message_id}@slrt>"
    email.set_content(payload["isi"])
    try:
        with smtplib.SMTP(smtp["host"], int(smtp.get("port", 25)), timeout=10) as server:
            server.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        return N_(SMTP_FAILED, sebab=str(exc))
    return None

