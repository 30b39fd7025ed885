"""Start cases, complete and claim tasks, fire timers: each one transaction over all tables.

A change updates the case row (compare-and-set on `revision`), the human-task index, the
timer index and appends one hash-chained event, or none of them. Deserialized workflows are
kept in a small per-process cache keyed by (case, revision), so a busy case is not parsed
from JSON on every step; a revision mismatch simply misses the cache.
"""

import json
import threading
from collections import OrderedDict

from sqlalchemy import select, update

from engine.bpmn.runner import Runner
from engine.domain import access
from engine.errors import Conflict, Forbidden, NotFound
from engine.services import diagrams, intake
from engine.services.eventlog import next_event
from engine.store.database import write_transaction
from engine.store.models import Case, HumanTask, Timer, User, db
from engine.domain.vocabulary import INDEXED_VARIABLES

RUNNER = Runner()
_CACHE_SIZE = 256
_workflows = OrderedDict()
_cache_lock = threading.Lock()


def _take_workflow(case, bundle, now):
    with _cache_lock:
        workflow = _workflows.pop((case.id, case.revision), None)
    if workflow is None:
        return RUNNER.load(bundle, case.state, now)
    RUNNER.set_clock(workflow, now)
    return workflow


def _keep_workflow(case_id, revision, workflow):
    with _cache_lock:
        _workflows[(case_id, revision)] = workflow
        while len(_workflows) > _CACHE_SIZE:
            _workflows.popitem(last=False)


def forget_cached_workflows():
    with _cache_lock:
        _workflows.clear()


def start_case(actor, payload, now, settings):
    """Register a complaint and run its process to the first human task; return the case id."""
    with write_transaction() as session:
        version = diagrams.latest_version(settings.main_process)
        bundle = diagrams.bundle_for(version.id)
        data, meta = intake.prepare(actor, payload, now)
        workflow = RUNNER.start(bundle, data, now)
        case = Case(
            ticket=meta["ticket"], tracking_code=meta["tracking_code"], diagram_version_id=version.id,
            wilayah=data["wilayah"], kanal=data["kanal"], jenis_keluhan=data["jenis_keluhan"],
            rahasia=data["rahasia"], state="", data="", revision=0, event_count=0, last_event_hash="",
            created_by=actor.id, created_at=now, updated_at=now,
        )
        session.add(case)
        session.flush()
        revision = _persist(case, bundle, workflow, now, actor, "kasus_dibuat", data=data)
        case_id = case.id
    _keep_workflow(case_id, revision, workflow)
    return case_id


def complete_task(actor, task_id, submitted, now):
    """Complete a human task with form data; return the case id."""
    with write_transaction():
        task = _task_for_update(actor, task_id)
        case = db.session.get(Case, task.case_id)
        bundle = diagrams.bundle_for(case.diagram_version_id)
        workflow = _take_workflow(case, bundle, now)
        values = RUNNER.complete(bundle, workflow, task_id, submitted, now)
        revision = _persist(case, bundle, workflow, now, actor, "tugas_selesai", task=task, data=values)
        case_id = case.id
    _keep_workflow(case_id, revision, workflow)
    return case_id


def claim_task(actor, task_id, now, release=False):
    """Claim a task for the actor (or release the actor's claim); recorded in the event log."""
    with write_transaction():
        task = _task_for_update(actor, task_id)
        if release:
            if task.assignee_id != actor.id:
                raise Conflict("Tugas ini tidak sedang Anda kerjakan", task_id=task_id)
            task.assignee_id, task.claimed_at = None, None
        else:
            task.assignee_id, task.claimed_at = actor.id, now
        case = db.session.get(Case, task.case_id)
        _append_only_event(case, now, actor, "tugas_dilepas" if release else "tugas_diklaim", task)
        return task.case_id


def fire_due_timers(case_id, now, actor):
    """Fire the timers of one case that are due at `now`; return how many fired."""
    with write_transaction():
        case = db.session.get(Case, case_id)
        if case is None:
            raise NotFound("Kasus tidak ditemukan", case_id=case_id)
        bundle = diagrams.bundle_for(case.diagram_version_id)
        workflow = _take_workflow(case, bundle, now)
        fired = RUNNER.fire_due_timers(workflow, now)
        if not fired:
            _keep_workflow(case.id, case.revision, workflow)
            return 0
        revision = _persist(case, bundle, workflow, now, actor, "timer_terpicu",
                            data={"timer": [t.element_id for t in fired]}, fired={t.task_id for t in fired})
    _keep_workflow(case_id, revision, workflow)
    return len(fired)


def _task_for_update(actor, task_id):
    task = db.session.get(HumanTask, str(task_id))
    if task is None:
        raise NotFound("Tugas tidak ditemukan", task_id=str(task_id))
    if not access.may_act_on_task(actor, task):
        raise Forbidden("Anda tidak berwenang atas tugas ini", task_id=str(task_id))
    if task.status != "siap":
        raise Conflict("Tugas ini sudah diselesaikan oleh petugas lain atau tidak berlaku lagi", task_id=task.id)
    if task.assignee_id is not None and task.assignee_id != actor.id:
        holder = db.session.get(User, task.assignee_id)
        raise Conflict(f"Tugas ini sedang dikerjakan oleh {holder.full_name if holder else 'petugas lain'}",
                       task_id=task.id)
    return task


def _persist(case, bundle, workflow, now, actor, event_type, task=None, data=None, fired=()):
    """Write the workflow's new state and indexes with compare-and-set; return the new revision."""
    variables = RUNNER.case_data(workflow)
    ready = RUNNER.ready_tasks(bundle, workflow)
    completed = workflow.completed
    event = next_event(
        case.id, case.event_count + 1, case.last_event_hash, type=event_type, at=now, actor=actor.username,
        diagram_version_id=case.diagram_version_id, task_id=task.id if task else None,
        element_id=task.element_id if task else None, data=data,
    )
    values = {name: variables.get(name) for name in INDEXED_VARIABLES}
    values.update(
        state=RUNNER.dump(workflow), data=json.dumps(variables, ensure_ascii=False, default=str),
        revision=case.revision + 1, event_count=event.seq, last_event_hash=event.hash, updated_at=now,
        status="selesai" if completed else "terbuka", closed_at=now if completed else None,
        tahap="Selesai" if completed else ", ".join(t.name for t in ready),
    )
    result = db.session.execute(
        update(Case).where(Case.id == case.id, Case.revision == case.revision).values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise Conflict("Kasus diubah oleh petugas lain pada saat yang sama; muat ulang dan coba lagi",
                       case_id=case.id)
    _sync_tasks(case, variables, ready, now, actor, task)
    _sync_timers(case, RUNNER.waiting_timers(workflow), now, fired)
    db.session.add(event)
    return values["revision"]


def _append_only_event(case, now, actor, event_type, task):
    event = next_event(
        case.id, case.event_count + 1, case.last_event_hash, type=event_type, at=now, actor=actor.username,
        diagram_version_id=case.diagram_version_id, task_id=task.id, element_id=task.element_id,
    )
    result = db.session.execute(
        update(Case).where(Case.id == case.id, Case.revision == case.revision).values(
            revision=case.revision + 1, event_count=event.seq, last_event_hash=event.hash, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise Conflict("Kasus diubah oleh petugas lain pada saat yang sama; muat ulang dan coba lagi",
                       case_id=case.id)
    db.session.add(event)
    with _cache_lock:
        cached = _workflows.pop((case.id, case.revision), None)
    if cached is not None:
        _keep_workflow(case.id, case.revision + 1, cached)


def _sync_tasks(case, variables, ready, now, actor, completed_task):
    open_rows = {
        row.id: row for row in db.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "siap"))
    }
    ready_ids = {t.id for t in ready}
    for task_id, row in open_rows.items():
        if task_id in ready_ids:
            continue
        row.completed_at = now
        if completed_task is not None and task_id == completed_task.id:
            row.status, row.completed_by = "selesai", actor.id
        else:
            row.status = "dibatalkan"
    for info in ready:
        if info.id in open_rows:
            continue
        db.session.add(HumanTask(
            id=info.id, case_id=case.id, element_id=info.element_id, name=info.name, role=info.role,
            wilayah=case.wilayah, sektor=variables.get("sektor"),
            instansi=variables.get("tujuan_rujukan") if info.role == "pengelola_program" else None,
            status="siap", created_at=now, due_at=info.due,
        ))


def _sync_timers(case, waiting, now, fired):
    open_rows = {
        row.id: row for row in db.session.scalars(
            select(Timer).where(Timer.case_id == case.id, Timer.status == "menunggu"))
    }
    waiting_ids = {t.task_id for t in waiting}
    for timer_id, row in open_rows.items():
        if timer_id in waiting_ids:
            continue
        row.status = "terpicu" if timer_id in fired else "dibatalkan"
        row.fired_at = now if timer_id in fired else None
    for timer in waiting:
        if timer.task_id not in open_rows:
            db.session.add(Timer(id=timer.task_id, case_id=case.id, element_id=timer.element_id,
                                 name=timer.name, due_at=timer.due, status="menunggu"))
