"""Read side: inboxes, case lists and case views from the indexed tables, scoped to the caller."""

import json
from datetime import datetime, timedelta
from typing import Any, Collection

from sqlalchemy import ColumnElement, and_, case as sql_case, func, or_, select

from engine.bpmn.forms import with_options
from engine.cases import outbox
from engine.cases.context import decision_context
from engine.domain import access, roles
from engine.domain.actor import Actor
from engine.domain.statuses import TaskStatus
from engine.errors import Forbidden, NotFound
from engine.people import catalogue
from engine.i18n import N_
from engine.processes import versions
from engine.store import statements
from engine.store.database import LARGEST_ID, row_id
from engine.store.direct import pipeline
from engine.store.models import Case, Event, HumanTask, User, db

DUE_SOON_HOURS = 24


def _area(column, actor):
    # a range, not LIKE: PostgreSQL answers LIKE 'prefix%' from an index only under the C collation
    return statements.in_area(column, actor.wilayah)


def task_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition: the open tasks this actor may act on, or that are claimed by them."""
    fits = and_(HumanTask.role == actor.role, _area(HumanTask.wilayah, actor))
    if actor.role == roles.BACK_OFFICE and actor.sektor:
        fits = and_(fits, HumanTask.sektor == actor.sektor)
    if actor.role == roles.PENGELOLA_PROGRAM:
        fits = and_(fits, HumanTask.instansi == (actor.instansi or ""))
    for level, digits in access.LEVEL_AREA_DIGITS.items():
        if actor.role == roles.MANAJER and len(actor.wilayah or "") > digits:
            fits = and_(fits, or_(HumanTask.tingkat.is_(None), HumanTask.tingkat != level))
    return or_(fits, HumanTask.assignee_id == actor.id) if actor.id is not None else fits


def _referred(instansi):
    """SQL condition: the case's referral reached this agency (it has had a program-manager task for it)."""
    return select(HumanTask.id).where(HumanTask.case_id == Case.id, HumanTask.role == roles.PENGELOLA_PROGRAM,
                                      HumanTask.instansi == instansi).exists()


def may_view(actor: Actor, case: Any) -> bool:
    """access.may_view_case with the agencies the case was referred to read from the task index."""
    referred: Collection[Any] = ()
    if actor.role == roles.PENGELOLA_PROGRAM and actor.instansi:
        referred = set(db.session.scalars(select(HumanTask.instansi).where(
            HumanTask.case_id == case.id, HumanTask.role == roles.PENGELOLA_PROGRAM)))
    return access.may_view_case(actor, case, referred)


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition: the cases this actor may see (the twin of may_view)."""
    if access.shielded(actor, True):
        return and_(Case.aparat_desa.is_(False), _case_scope(actor))
    return _case_scope(actor)


def _case_scope(actor):
    if actor.role == roles.PENGELOLA_PROGRAM:
        return and_(Case.tujuan_rujukan == (actor.instansi or ""), _referred(actor.instansi or ""),
                    _area(Case.wilayah, actor))
    if actor.role in access.AREA_CASE_ROLES:
        return _area(Case.wilayah, actor)
    return Case.id.is_(None)


def _inbox_scope(actor, program=None, kategori=None, kanal=None, wilayah=None, tiket=None):
    """Conditions for the open tasks in an actor's inbox, with the chosen filters (`tiket`: part of a ticket)."""
    conditions = [HumanTask.status == TaskStatus.SIAP, task_scope(actor)]
    if access.shielded(actor, True):
        conditions.append(Case.aparat_desa.is_(False))
    for column, value in ((Case.program, program), (Case.kategori, kategori), (Case.kanal, kanal)):
        if value:
            conditions.append(column == value)
    if wilayah:
        conditions.append(statements.in_area(HumanTask.wilayah, wilayah))
    if tiket:
        conditions.append(Case.ticket.contains(tiket.strip().upper(), autoescape=True))
    return conditions


def inbox(actor: Actor, now: datetime, program: str | None = None, kategori: str | None = None,
          kanal: str | None = None, wilayah: str | None = None, limit: int = 200, offset: int = 0,
          tiket: str | None = None) -> list[dict[str, Any]]:
    """Open tasks for the actor: overdue first, then due soonest, then oldest."""
    query = (
        select(HumanTask, Case.ticket, Case.program, Case.kategori, Case.kanal, Case.jenis_keluhan)
        .join(Case, Case.id == HumanTask.case_id)
        .where(*_inbox_scope(actor, program, kategori, kanal, wilayah, tiket))
    )
    overdue_first = sql_case((and_(HumanTask.due_at.isnot(None), HumanTask.due_at <= now), 0), else_=1)
    no_due_last = sql_case((HumanTask.due_at.is_(None), 1), else_=0)
    query = (query.order_by(overdue_first, no_due_last, HumanTask.due_at, HumanTask.created_at, HumanTask.id)
             .limit(limit).offset(max(0, offset)))
    return [_task_summary(row, ticket, program_, kategori_, kanal_, jenis, now)
            for row, ticket, program_, kategori_, kanal_, jenis in db.session.execute(query)]


def inbox_counts(actor: Actor, now: datetime, **filters: Any) -> dict[str, int]:
    """How many open tasks the actor has in each state (all of them, not only those listed)."""
    soon = now + timedelta(hours=DUE_SOON_HOURS)

    def count_if(condition):
        return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(func.count(), count_if(HumanTask.due_at <= now),
               count_if(and_(HumanTask.due_at > now, HumanTask.due_at <= soon)),
               count_if(HumanTask.assignee_id == actor.id),
               count_if(and_(HumanTask.assignee_id.isnot(None), HumanTask.assignee_id != actor.id)))
        .select_from(HumanTask).join(Case, Case.id == HumanTask.case_id).where(*_inbox_scope(actor, **filters))
    ).one()
    return dict(zip(("semua", "terlambat", "segera", "diklaim_saya", "diklaim_lain"), (int(v) for v in row)))


def _task_summary(row, ticket, program, kategori, kanal, jenis, now):
    overdue = row.due_at is not None and row.due_at <= now
    due_soon = (row.due_at is not None and not overdue
                and (row.due_at - now).total_seconds() <= DUE_SOON_HOURS * 3600)
    return {
        "id": row.id, "case_id": row.case_id, "ticket": ticket, "element_id": row.element_id,
        "name": row.name, "role": row.role, "wilayah": row.wilayah, "sektor": row.sektor,
        "instansi": row.instansi, "tingkat": row.tingkat, "status": row.status, "assignee_id": row.assignee_id,
        "claimed_at": row.claimed_at, "due_at": row.due_at, "overdue": overdue, "due_soon": due_soon,
        "created_at": row.created_at, "program": program, "kategori": kategori, "kanal": kanal,
        "jenis_keluhan": jenis,
    }


def list_cases(actor: Actor, status: str | None = None, limit: int = 100, offset: int = 0,
               q: str | None = None) -> list[dict[str, Any]]:
    """Cases the actor may see, newest first; `q` searches ticket numbers (never outside the scope)."""
    query = select(Case).where(case_scope(actor))
    if status:
        query = query.where(Case.status == status)
    if q:
        query = query.where(Case.ticket.contains(q.strip().upper(), autoescape=True))
    query = query.order_by(Case.created_at.desc(), Case.id.desc()).limit(max(0, min(limit, 500))).offset(max(0, offset))
    return [_case_summary(c) for c in db.session.scalars(query)]


def _case_summary(case):
    return {
        "id": case.id, "ticket": case.ticket, "status": case.status, "tahap": case.tahap,
        "wilayah": case.wilayah, "kanal": case.kanal, "jenis_keluhan": case.jenis_keluhan,
        "program": case.program, "kategori": case.kategori, "sektor": case.sektor,
        "tujuan_rujukan": case.tujuan_rujukan, "saluran_rujukan": case.saluran_rujukan,
        "hasil_akhir": case.hasil_akhir, "rahasia": case.rahasia, "created_at": case.created_at,
        "updated_at": case.updated_at, "closed_at": case.closed_at, "revision": case.revision,
        "diagram_version_id": case.diagram_version_id,
    }


def find_case(key: int | str) -> Any:
    """A case's row (every column but the serialized workflow) by numeric id or ticket number
    (NotFound otherwise)."""
    row = None
    try:
        number = key if isinstance(key, int) else row_id(key)  # '²' or a 20-digit number: no row, not an error
    except ValueError:
        number = None
    if number is not None and 0 <= number <= LARGEST_ID:
        row = statements.CASE_BY_ID.execute({"_key": number}).one_or_none()
    if row is None and isinstance(key, str):
        row = statements.CASE_BY_TICKET.execute({"_key": key}).one_or_none()
    if row is None:
        raise NotFound(N_("Kasus tidak ditemukan"), case=str(key))
    return row


def case_view(actor: Actor, key: int | str, now: datetime, case: Any = None, parts: Any = None) -> dict[str, Any]:
    """One case as the actor may see it: summary, variables (identity masked), tasks, timers.
    `case`: its row when the caller has just read it; `parts`: its (tasks, messages, timers) results too."""
    case = case if case is not None else find_case(key)
    if not may_view(actor, case):
        raise Forbidden(N_("Anda tidak berwenang melihat kasus ini"), case=str(key))
    if parts is None:
        with pipeline():
            parts = _case_parts(case.id)
    tasks, messages, timers = parts
    view = _case_summary(case)
    variables = json.loads(case.data or "{}")
    if not access.may_see_identity(actor, case):
        variables["pelapor"] = mask_identity(variables.get("pelapor") or {})
    view["data"] = variables
    view["tasks"] = [_task_summary(t, case.ticket, case.program, case.kategori, case.kanal,
                                   case.jenis_keluhan, now)
                     for t in tasks]
    view["rujukan"] = [{**m._mapping, "last_error": outbox.delivery_error(m.last_error)} for m in messages]
    view["timers"] = [t._mapping for t in timers]
    return view


def _case_parts(case_id: int) -> tuple[Any, Any, Any]:
    """A case's task, outbox and timer rows (results: read them after the caller's pipeline ends)."""
    return (statements.CASE_TASKS.execute({"_id": case_id}), statements.CASE_MESSAGES.execute({"_id": case_id}),
            statements.CASE_TIMERS.execute({"_id": case_id}))


def case_after_action(actor: Actor, case_id: int, now: datetime) -> dict[str, Any]:
    """The case as the actor may see it after acting on it; only its summary when the action
    moved the case out of their sight (a program manager's "not our mandate", say). Its row, tasks,
    messages and timers are read together (one round trip on PostgreSQL)."""
    with pipeline():
        found = statements.CASE_BY_ID.execute({"_key": case_id})
        parts = _case_parts(case_id)
    case = found.one_or_none()
    if case is None:
        raise NotFound(N_("Kasus tidak ditemukan"), case=str(case_id))
    if may_view(actor, case):
        return case_view(actor, case_id, now, case=case, parts=parts)
    return {**_case_summary(case), "data": {}, "tasks": [], "timers": [], "rujukan": []}


def mask_identity(pelapor: dict[str, Any]) -> dict[str, Any]:
    """The complainant's record with NIK, KK, name, phone and address hidden."""
    masked = dict(pelapor)
    for key in ("nik", "no_kk", "telepon"):
        if masked.get(key):
            masked[key] = "*" * (len(masked[key]) - 4) + masked[key][-4:] if key != "telepon" else "********"
    if masked.get("nama"):
        masked["nama"] = masked["nama"][0] + "***"
    if masked.get("alamat"):
        masked["alamat"] = "(dirahasiakan)"
    return masked


def task_view(actor: Actor, task_id: str, now: datetime) -> dict[str, Any]:
    """One task with its form fields and the case it belongs to."""
    task = db.session.get(HumanTask, str(task_id))
    if task is None:
        raise NotFound(N_("Tugas tidak ditemukan"), task_id=str(task_id))
    case = db.session.get_one(Case, task.case_id)  # the task's case always exists
    if access.shielded(actor, case.aparat_desa) or not (
            access.may_act_on_task(actor, task) or task.assignee_id == actor.id or may_view(actor, case)):
        raise Forbidden(N_("Anda tidak berwenang atas tugas ini"), task_id=str(task_id))
    view = _task_summary(task, case.ticket, case.program, case.kategori, case.kanal, case.jenis_keluhan, now)
    info = versions.bundle_for(case.diagram_version_id).user_tasks.get(task.element_id)
    fields = with_options(info.form, catalogue.sources_in(case.wilayah, active_only=True)) if info else []
    view["form"] = [f.to_dict() for f in fields]
    view["case"] = _case_summary(case)
    return view


def events(actor: Actor, key: int | str) -> list[dict[str, Any]]:
    case = find_case(key)
    if not may_view(actor, case):
        raise Forbidden(N_("Anda tidak berwenang melihat kasus ini"), case=str(key))
    rows = db.session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.seq))
    out = []
    for e in rows:
        data = json.loads(e.data)
        if e.type == "kasus_dibuat" and not access.may_see_identity(actor, case):
            data["pelapor"] = mask_identity(data.get("pelapor") or {})
        out.append({"seq": e.seq, "type": e.type, "at": e.at, "actor": e.actor, "task_id": e.task_id,
                    "element_id": e.element_id, "diagram_version_id": e.diagram_version_id,
                    "data": data, "prev_hash": e.prev_hash, "hash": e.hash})
    return out


EVENT_LABELS = {
    "kasus_dibuat": N_("Pengaduan dicatat"),
    "tugas_selesai": N_("Tugas diselesaikan"),
    "tugas_diklaim": N_("Tugas diambil"),
    "tugas_dilepas": N_("Tugas dilepas"),
    "tugas_dialihkan": N_("Tugas dialihkan ke petugas pengganti"),
    "timer_terpicu": N_("Batas waktu tercapai"),
    "kasus_dimigrasi": N_("Dipindahkan ke versi diagram yang lebih baru"),
    "insiden_diagram": N_("Insiden diagram: langkah dihentikan"),
    "pesan_diterima": N_("Pesan dari luar diterima"),
}
INCIDENT_CAUSES = {
    "langkah": N_("melebihi batas langkah"),
    "ukuran": N_("membangun nilai terlalu besar"),
    "waktu": N_("melebihi batas waktu"),
}
# the same, naming the task: "Tugas diselesaikan: Telaah dan analisis keluhan"
EVENT_TASK_LABELS = {
    "kasus_dibuat": N_("Pengaduan dicatat: {tugas}"),
    "tugas_selesai": N_("Tugas diselesaikan: {tugas}"),
    "tugas_diklaim": N_("Tugas diambil: {tugas}"),
    "tugas_dilepas": N_("Tugas dilepas: {tugas}"),
    "tugas_dialihkan": N_("Tugas dialihkan ke petugas pengganti: {tugas}"),
    "timer_terpicu": N_("Batas waktu tercapai: {tugas}"),
}


def timeline(actor: Actor, key: int | str) -> list[dict[str, Any]]:
    """What happened to a case, in order: when, who (name and role), what."""
    rows = events(actor, key)
    names = {u.username: (u.full_name, u.role) for u in db.session.scalars(
        select(User).where(User.username.in_({e["actor"] for e in rows})))}
    task_names = {t.id: t.name for t in db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == find_case(key).id))}
    out = []
    for e in rows:
        full_name, role = names.get(e["actor"], (e["actor"], None))
        what = EVENT_LABELS.get(e["type"], e["type"])
        task_name, with_task = task_names.get(e["task_id"]), EVENT_TASK_LABELS.get(e["type"])
        if task_name and with_task:  # the task's name is a diagram text, translated as well
            what = N_(with_task, tugas=N_(task_name))
        incident = e["type"] == "insiden_diagram"
        if incident:
            cause = INCIDENT_CAUSES.get(e["data"].get("batas") or "", N_("ekspresi gagal"))
            element = e["element_id"] or "?"
            if e["data"].get("nama"):
                element = f"“{e['data']['nama']}” ({element})"
            what = N_("Insiden diagram: langkah {elemen} dihentikan karena ekspresinya {sebab}; data kasus tidak "
                      "berubah — hubungi analis diagram", elemen=element, sebab=cause)
        if e["type"] == "pesan_diterima":
            what = N_("Pesan dari luar diterima: {pesan}", pesan=e["data"].get("nama") or "?")
        out.append({"seq": e["seq"], "at": e["at"], "actor": full_name, "role": role, "what": what,
                    "incident": incident, "data": e["data"] if e["type"] == "tugas_selesai" else {}})
    return out


def task_page(actor: Actor, task_id: str, now: datetime) -> dict[str, Any]:
    """Everything the task page shows: the task and its form, and the case as the actor may see it."""
    task = task_view(actor, task_id, now)
    case = find_case(task["case_id"])
    context = case_view(actor, case.id, now, case=case) if may_view(actor, case) else None
    history = timeline(actor, case.id) if context else []
    holder = db.session.get(User, task["assignee_id"]) if task["assignee_id"] else None
    decisions = decision_context(case) if context else None
    row = db.session.get_one(HumanTask, task["id"])
    return {"task": task, "case": context, "history": history, "decisions": decisions,
            "holder": holder.full_name if holder else None, "may_act": access.may_act_on_task(actor, row),
            "role_label": roles.ROLE_LABELS.get(row.role, row.role)}


def inbox_page(actor: Actor, now: datetime, page: int = 1, per_page: int = 25, **filters: Any) -> dict[str, Any]:
    """One page of the inbox with counts per state (of every page) and where the page stands."""
    counts = inbox_counts(actor, now, **filters)
    pages = max(1, -(-counts["semua"] // per_page))
    page = min(max(1, page), pages)
    tasks = inbox(actor, now, limit=per_page, offset=(page - 1) * per_page, **filters)
    holders = {u.id: u.full_name for u in db.session.scalars(
        select(User).where(User.id.in_({t["assignee_id"] for t in tasks if t["assignee_id"]})))}
    for t in tasks:
        t["holder"] = holders.get(t["assignee_id"])
    return {"tasks": tasks, "counts": counts, "page": page, "pages": pages}
