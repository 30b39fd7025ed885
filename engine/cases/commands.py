"""The use cases that change a case: start it, complete and claim its tasks, fire its timers, hand
its tasks over. Each is one transaction; how a change is worked out and written (case row, task
and timer indexes, summary rows, event) and the workflow cache are in engine/cases/persistence.py.
"""

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.exc import IntegrityError

from engine.config import Settings
from engine.domain import access
from engine.domain.actor import Actor
from engine.domain.statuses import CaseStatus, TaskStatus
from engine.errors import Conflict, ExpressionBudgetExceeded, Forbidden, NotFound
from engine.i18n import N_
from engine.people import catalogue
from engine.cases import persistence
from engine.processes import versions
from engine.cases import intake
from engine.cases import once
from engine.cases import queue
from engine.cases import search
from engine.cases import notify
from engine.reports import rollups
from engine.cases.persistence import (  # the runner, its set-up and the cache, used through here
    RUNNER, Change,
)
from engine.cases.persistence import forget_cached_workflows as forget_cached_workflows  # used as commands.…
from engine.store.database import write_transaction
from engine.store import statements
from engine.store.models import User, db

_ATTEMPTS = 4  # tries of a completion that finds its case changed by another officer in between


def start_case(actor: Actor, payload: dict[str, Any], now: datetime, settings: Settings, key: str | None = None,
               same_body: bool = True) -> Change:
    """Register a complaint and run its process to the first human task.

    The complaint is checked, looked up in DTKS and run to its first wait before the write
    transaction; the transaction allocates the ticket and writes. With a `key` (an API
    Idempotency-Key, or the intake page's one-time form token with `same_body` False) a key this
    officer already used answers with the case it registered (`repeated`) and writes nothing.
    """
    digest = once.fingerprint(payload) if same_body else None
    if key is not None:
        earlier = once.earlier_case(actor, once.check_key(key), digest)
        if earlier is not None:
            return Change(earlier, 0, (), False, repeated=True)
    data = intake.prepare(actor, payload, now)
    version_id = versions.latest_version_id(settings.main_process, data["wilayah"])  # the area's variant if any
    bundle = versions.bundle_for(version_id)
    workflow = RUNNER.start(bundle, data, now)
    try:
        with write_transaction():
            if key is not None and (earlier := once.earlier_case(actor, key, digest)) is not None:
                return Change(earlier, 0, (), False, repeated=True)
            change, after = _write_new_case(actor, data, bundle, version_id, workflow, now)
            if key is not None:
                once.record(actor, key, digest, change.case_id, now)
    except IntegrityError:
        earlier = once.earlier_case(actor, key, digest) if key is not None else None
        if earlier is None:
            raise
        return Change(earlier, 0, (), False, repeated=True)  # a request with the same key won the race
    persistence.keep_workflow(change, workflow, after)
    return change


def _write_new_case(actor, data, bundle, version_id, workflow, now):
    meta = intake.new_ticket(data["wilayah"], now)
    row = dict(
        ticket=meta["ticket"], tracking_code=meta["tracking_code"], diagram_version_id=version_id,
        wilayah=data["wilayah"], kanal=data["kanal"], jenis_keluhan=data["jenis_keluhan"],
        rahasia=data["rahasia"], aparat_desa=data.get("aparat_desa", False), status=CaseStatus.TERBUKA, tahap="",
        state="", data="", revision=0, event_count=0, last_event_hash="", created_by=actor.id, created_at=now,
        updated_at=now,
    )
    case_id = statements.ADD_CASE.execute(row).scalar_one()
    row["id"] = case_id
    search.remember(case_id, data.get("pelapor") or {})
    if data.get("nomor_antrian"):
        queue.consume(data["wilayah"][:4], data["nomor_antrian"], case_id, now)
    case = persistence.CaseRef(case_id, 0, 0, "", version_id, data["wilayah"],
                               {name: row.get(name) for name in rollups.CASE_COLUMNS})
    return persistence.persist(case, bundle, workflow, persistence.Snapshot({}, {}, {}), now, actor, "kasus_dibuat",
                               data=data)


def complete_task(actor: Actor, task_id: str, submitted: Any, now: datetime) -> Change:
    """Complete a human task with form data.

    The engine's work (check the task, validate the form, complete it, run to the next wait,
    serialize) is done on the rows as read, before the write transaction; the transaction then
    writes only if the case is still at the revision read (compare-and-set). So writers of other
    cases never wait for this one's engine work (SQLite has one writer at a time). A change to the
    same case in between (another officer's completion or claim) makes it start again from a fresh
    read, which then answers as that change left the task: done, claimed, or ready again.
    """
    for attempt in range(_ATTEMPTS):
        if attempt:
            _fresh_read()
        task, case = _task_for_update(actor, task_id)
        bundle = versions.bundle_for(case.diagram_version_id)
        workflow, before = persistence.take_workflow(case, bundle, now)
        try:
            values = RUNNER.complete(bundle, workflow, task.id, submitted, now, derive=catalogue.deriving_in(case.wilayah),
                                     sources=catalogue.sources_in(case.wilayah))
        except ExpressionBudgetExceeded as exc:
            try:
                with write_transaction():
                    record_incident(case, exc, now, actor, task.id)
            except persistence.Stale:
                pass  # the case moved on meanwhile; the officer still gets the error
            raise
        pending = persistence.prepare(case, bundle, workflow, before, now, actor, "tugas_selesai", task=task, data=values)
        change = persistence.commit(pending, workflow, last_attempt=attempt == _ATTEMPTS - 1)
        if change is not None:
            return change
    raise AssertionError("unreachable: the last attempt returns or raises")


def _fresh_read():
    """End the session's read transaction, so what is read next includes the latest commits."""
    db.session.rollback()


def claim_task(actor: Actor, task_id: str, now: datetime, release: bool = False) -> int:
    """Claim a task for the actor (or release the actor's claim); recorded in the event log."""
    with write_transaction():
        task, case = _task_for_update(actor, task_id)
        if release and task.assignee_id != actor.id:
            raise Conflict(N_("Tugas ini tidak sedang Anda kerjakan"), task_id=task.id)
        statements.SET_TASK_ASSIGNEE.execute({"_id": task.id, "assignee_id": None if release else actor.id,
                                              "claimed_at": None if release else now})
        persistence.record_event(case, now, actor.username, "tugas_dilepas" if release else "tugas_diklaim",
                           task_id=task.id, element_id=task.element_id)
    persistence.carry_cached_workflow(case)
    return case.id


def fire_due_timers(case_id: int, now: datetime, actor: Actor, skip_locked: bool = False) -> int:
    """Fire the timers of one case that are due at `now`; return how many fired.

    With `skip_locked`, a case another scheduler is working on (row locked, PostgreSQL) is
    skipped rather than waited for; the compare-and-set on the case row is what makes a
    second firing impossible either way.
    """
    with write_transaction() as session:
        query = statements.CASE_FOR_TIMERS
        if skip_locked and session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = session.execute(query, {"_id": case_id}).one_or_none()
        if row is None:
            if skip_locked:
                return 0
            raise NotFound(N_("Kasus tidak ditemukan"), case_id=case_id)
        case = persistence.case_ref(row)
        bundle = versions.bundle_for(case.diagram_version_id)
        workflow, before = persistence.take_workflow(case, bundle, now)
        try:
            fired = RUNNER.fire_due_timers(workflow, now)
        except ExpressionBudgetExceeded as exc:  # the timer stays due; the case shows why it does not move
            record_incident(case, exc, now, actor, None, once=True)
            return 0
        if not fired:
            persistence.keep_workflow(Change(case.id, case.revision, (), False), workflow, before)
            return 0
        variables = RUNNER.case_data(workflow)
        opened = [SimpleNamespace(**task_row) for task_row in persistence.task_rows(
            case, variables, [t for t in RUNNER.ready_tasks(bundle, workflow) if t.id not in before.ready], now)]
        notices = notify.deadline_messages(row.ticket, fired, opened, persistence.local_time_in(row.wilayah))
        change, after = persistence.persist(case, bundle, workflow, before, now, actor, "timer_terpicu",
                                      data={"timer": [t.element_id for t in fired]}, fired={t.task_id for t in fired},
                                      notices=notices)
    persistence.keep_workflow(change, workflow, after)
    return len(fired)


def record_incident(case: persistence.CaseRef, error: ExpressionBudgetExceeded, now: datetime, actor: Actor,
                    task_id: str | None, once: bool = False) -> None:
    """Put a diagram expression that was stopped on the case's record (`insiden_diagram`), inside the
    caller's write transaction. With `once`, not again while the case's last event is the same incident."""
    element = error.context.get("element_id")
    if once and case.event_count:
        last = statements.LAST_EVENT.execute({"_case": case.id, "_seq": case.event_count}).one_or_none()
        if last is not None and last.type == INCIDENT and last.element_id == element:
            return
    persistence.record_event(case, now, actor.username, INCIDENT, task_id=task_id, element_id=element,
                             data={"batas": error.context.get("limit"), "pesan": str(error.message),
                                   "nama": error.context.get("element_name")})


INCIDENT = "insiden_diagram"


def _task_for_update(actor, task_id):
    row = statements.run(statements.TASK_FOR_CHANGE, {"_id": str(task_id)}).one_or_none()
    if row is None:
        raise NotFound(N_("Tugas tidak ditemukan"), task_id=str(task_id))
    if not access.may_act_on_task(actor, row) or access.shielded(actor, row.c_aparat_desa):
        raise Forbidden(N_("Anda tidak berwenang atas tugas ini"), task_id=str(task_id))
    if row.status != TaskStatus.SIAP:
        raise Conflict(N_("Tugas ini sudah diselesaikan oleh petugas lain atau tidak berlaku lagi"), task_id=row.id)
    if row.assignee_id is not None and row.assignee_id != actor.id:
        holder = db.session.get(User, row.assignee_id)
        if holder is None:
            raise Conflict(N_("Tugas ini sedang dikerjakan oleh petugas lain"), task_id=row.id)
        raise Conflict(N_("Tugas ini sedang dikerjakan oleh {nama}", nama=holder.full_name), task_id=row.id)
    return row, persistence.case_ref(row, "c_")




def reassign_claimed_tasks(from_user_id: int, to_actor: Actor, by_actor: Actor, now: datetime) -> int:
    """Hand every open task claimed by one officer to another, each recorded in its case's chain.

    Runs inside the caller's write transaction (the admin's deactivation); the replacement must
    be allowed to act on every task, else Conflict names the first one and nothing changes.
    Returns the number of tasks handed over.
    """
    rows = statements.TASKS_CLAIMED_BY.execute({"_user": from_user_id}).all()
    bumped: dict[int, persistence.CaseRef] = {}
    for row in rows:
        if not access.may_act_on_task(to_actor, row) or access.shielded(to_actor, row.c_aparat_desa):
            raise Conflict(N_("Pengganti tidak berwenang atas tugas \"{tugas}\" (tiket kasus {tiket})", tugas=row.name,
                              tiket=row.case_id),
                           task_id=row.id)
        case = bumped.get(row.c_id) or persistence.case_ref(row, "c_")
        statements.SET_TASK_ASSIGNEE.execute({"_id": row.id, "assignee_id": to_actor.id, "claimed_at": now})
        bumped[case.id] = persistence.record_event(case, now, by_actor.username, "tugas_dialihkan", task_id=row.id,
                                             element_id=row.element_id,
                                             data={"dari": from_user_id, "kepada": to_actor.username})
    persistence.forget_cached_workflows(bumped)  # revisions moved on: reloaded on next use
    return len(rows)
