"""Start cases, complete and claim tasks, fire timers: each one transaction over all tables.

A change updates the case row (compare-and-set on `revision`), the human-task index, the
timer index and appends one hash-chained event, or none of them. The indexes always mirror
the stored state, so what to insert or close is computed in memory by comparing the
workflow before and after the change; no index row is read on the write path.
Deserialized workflows are kept in a small per-process cache keyed by (case, revision): a
revision mismatch simply misses the cache, and a failed change never puts its workflow back.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import bindparam, insert, select, update

from engine.bpmn.functions import clock_functions
from engine.bpmn.runner import Runner
from engine.domain.sla import SlaPolicy
from engine.domain.workdays import calendar_from
from engine.domain import access
from engine.domain.vocabulary import INDEXED_PELAPOR, INDEXED_VARIABLES, TASK_OUTCOME_VARIABLES
from engine.errors import Conflict, Forbidden, NotFound
from engine.services import diagrams, intake, notify, outbox, rollups
from engine.services.eventlog import instant, next_event, outcome, variable_texts
from engine.store.database import write_transaction
from engine.store.models import Case, Event, HumanTask, OutboxMessage, Timer, User, db

RUNNER = Runner()
CASES, TASKS, TIMERS, EVENTS = Case.__table__, HumanTask.__table__, Timer.__table__, Event.__table__
_CACHE_SIZE = 256
_workflows = OrderedDict()
_cache_lock = threading.Lock()
_CASE_COLUMNS = (CASES.c.id, CASES.c.revision, CASES.c.event_count, CASES.c.last_event_hash,
                 CASES.c.diagram_version_id, CASES.c.wilayah, CASES.c.aparat_desa)

# The write path runs these prepared statements with parameters, so SQLAlchemy compiles each once.
_STATE_COLUMNS = (*INDEXED_VARIABLES, *INDEXED_PELAPOR, "state", "data", "revision", "event_count", "last_event_hash", "updated_at",
                  "status", "closed_at", "tahap")
_SAVE_CASE = (update(CASES).where(CASES.c.id == bindparam("_id"), CASES.c.revision == bindparam("_revision"))
              .values({name: bindparam(name) for name in _STATE_COLUMNS}))
_BUMP_CASE = (update(CASES).where(CASES.c.id == bindparam("_id"), CASES.c.revision == bindparam("_revision"))
              .values({name: bindparam(name) for name in ("revision", "event_count", "last_event_hash", "updated_at")}))
_READ_STATE = select(CASES.c.state).where(CASES.c.id == bindparam("_id"))
# the task, its case's reference and the case's dashboard columns as they are (rollups move their facts)
_READ_TASK = (select(TASKS, *[c.label(f"c_{c.name}") for c in _CASE_COLUMNS],
                     *[CASES.c[name].label(f"r_{name}") for name in rollups.CASE_COLUMNS])
              .join(CASES, CASES.c.id == TASKS.c.case_id).where(TASKS.c.id == bindparam("_id")))
_ADD_EVENT = insert(EVENTS)
_ADD_TASKS = insert(TASKS)
_ADD_TIMERS = insert(TIMERS)
_ADD_OUTBOX = insert(OutboxMessage.__table__)
_FINISH_TASK = (update(TASKS).where(TASKS.c.id == bindparam("_id"))
                .values(status="selesai", completed_at=bindparam("at"), completed_by=bindparam("by"),
                        hasil=bindparam("hasil")))
_CANCEL_TASK = update(TASKS).where(TASKS.c.id == bindparam("_id")).values(status="dibatalkan",
                                                                          completed_at=bindparam("at"))
_FIRE_TIMER = update(TIMERS).where(TIMERS.c.id == bindparam("_id")).values(status="terpicu",
                                                                           fired_at=bindparam("at"))
_CANCEL_TIMER = update(TIMERS).where(TIMERS.c.id == bindparam("_id")).values(status="dibatalkan")


def _run(statement, params):
    return db.session.connection().execute(statement, params)


@dataclass(frozen=True)
class Change:
    """What a change left behind: the case, its new revision and its open human tasks."""

    case_id: int
    revision: int
    ready: tuple  # ((task id, element id), ...)
    completed: bool


@dataclass(frozen=True)
class _Snapshot:
    ready: dict
    timers: dict
    variables: dict  # {name: canonical JSON}, to record which variables a change set


def _snapshot(bundle, workflow, variables=None):
    return _Snapshot({t.id: t for t in RUNNER.ready_tasks(bundle, workflow)},
                     {t.task_id: t for t in RUNNER.waiting_timers(workflow)},
                     variable_texts(RUNNER.case_data(workflow) if variables is None else variables))


_SLA = {"calendar": calendar_from({}), "policy": SlaPolicy.from_config({})}


def configure(settings):
    """Give the runner this installation's working-day calendar and SLA limits (config.yaml)."""
    _SLA["calendar"], _SLA["policy"] = calendar_from(settings.sla), SlaPolicy.from_config(settings.sla)
    RUNNER.clock_functions = clock_functions(_SLA["calendar"], _SLA["policy"])
    rollups.configure(settings)
    forget_cached_workflows()


def _task_due(info, now):
    """A task's due time: its diagram's boundary timer, else the SLA policy's limit for it."""
    return info.due or _SLA["policy"].task_due(info.element_id, now, _SLA["calendar"])


def _take_workflow(case, bundle, now):
    """The case's workflow at its stored revision, and the snapshot of its open tasks and timers."""
    with _cache_lock:
        cached = _workflows.pop((case.id, case.revision), None)
    if cached is None:
        state = _run(_READ_STATE, {"_id": case.id}).scalar_one()
        workflow = RUNNER.load(bundle, state, now)
        return workflow, _snapshot(bundle, workflow)
    workflow, snapshot = cached
    RUNNER.set_clock(workflow, now)
    return workflow, snapshot


def _keep_workflow(change, workflow, snapshot):
    with _cache_lock:
        _workflows[(change.case_id, change.revision)] = (workflow, snapshot)
        while len(_workflows) > _CACHE_SIZE:
            _workflows.popitem(last=False)


def forget_cached_workflows():
    with _cache_lock:
        _workflows.clear()


def start_case(actor, payload, now, settings):
    """Register a complaint and run its process to the first human task.

    The complaint is checked, looked up in DTKS and run to its first wait before the write
    transaction; the transaction allocates the ticket and writes.
    """
    version_id = diagrams.latest_version_id(settings.main_process)
    bundle = diagrams.bundle_for(version_id)
    data = intake.prepare(actor, payload, now)
    workflow = RUNNER.start(bundle, data, now)
    with write_transaction() as session:
        meta = intake.new_ticket(data["wilayah"], now)
        row = dict(
            ticket=meta["ticket"], tracking_code=meta["tracking_code"], diagram_version_id=version_id,
            wilayah=data["wilayah"], kanal=data["kanal"], jenis_keluhan=data["jenis_keluhan"],
            rahasia=data["rahasia"], aparat_desa=data.get("aparat_desa", False), status="terbuka", tahap="",
            state="", data="", revision=0, event_count=0, last_event_hash="", created_by=actor.id, created_at=now,
            updated_at=now,
        )
        case_id = session.execute(insert(CASES).values(row)).inserted_primary_key[0]
        row["id"] = case_id
        case = _CaseRef(case_id, 0, 0, "", version_id, data["wilayah"],
                        {name: row.get(name) for name in rollups.CASE_COLUMNS})
        change, after = _persist(case, bundle, workflow, _Snapshot({}, {}, {}), now, actor, "kasus_dibuat", data=data)
    _keep_workflow(change, workflow, after)
    return change


_ATTEMPTS = 4


def complete_task(actor, task_id, submitted, now):
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
        bundle = diagrams.bundle_for(case.diagram_version_id)
        workflow, before = _take_workflow(case, bundle, now)
        values = RUNNER.complete(bundle, workflow, task.id, submitted, now)
        pending = _prepare(case, bundle, workflow, before, now, actor, "tugas_selesai", task=task, data=values)
        try:
            with write_transaction():
                change = _write(pending)
        except _Stale:
            if attempt == _ATTEMPTS - 1:
                raise Conflict("Kasus sedang diubah oleh petugas lain; muat ulang dan coba lagi",
                               case_id=case.id) from None
            continue
        _keep_workflow(change, workflow, pending.after)
        return change


def _fresh_read():
    """End the session's read transaction, so what is read next includes the latest commits."""
    db.session.rollback()


def claim_task(actor, task_id, now, release=False):
    """Claim a task for the actor (or release the actor's claim); recorded in the event log."""
    with write_transaction() as session:
        task, case = _task_for_update(actor, task_id)
        if release and task.assignee_id != actor.id:
            raise Conflict("Tugas ini tidak sedang Anda kerjakan", task_id=task.id)
        session.execute(update(TASKS).where(TASKS.c.id == task.id).values(
            assignee_id=None if release else actor.id, claimed_at=None if release else now))
        event = next_event(case.id, case.event_count + 1, case.last_event_hash,
                           type="tugas_dilepas" if release else "tugas_diklaim", at=now, actor=actor.username,
                           diagram_version_id=case.diagram_version_id, task_id=task.id, element_id=task.element_id)
        _compare_and_set(_BUMP_CASE, case, revision=case.revision + 1, event_count=event["seq"],
                         last_event_hash=event["hash"], updated_at=now)
        _run(_ADD_EVENT, event)
    with _cache_lock:
        cached = _workflows.pop((case.id, case.revision), None)
        if cached is not None:
            _workflows[(case.id, case.revision + 1)] = cached
    return case.id


def fire_due_timers(case_id, now, actor, skip_locked=False):
    """Fire the timers of one case that are due at `now`; return how many fired.

    With `skip_locked`, a case another scheduler is working on (row locked, PostgreSQL) is
    skipped rather than waited for; the compare-and-set on the case row is what makes a
    second firing impossible either way.
    """
    with write_transaction() as session:
        query = select(*_CASE_COLUMNS, *[CASES.c[name].label(f"r_{name}") for name in rollups.CASE_COLUMNS]
                       ).where(CASES.c.id == case_id)
        if skip_locked and session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = session.execute(query).one_or_none()
        if row is None:
            if skip_locked:
                return 0
            raise NotFound("Kasus tidak ditemukan", case_id=case_id)
        case = _CaseRef(row.id, row.revision, row.event_count, row.last_event_hash, row.diagram_version_id,
                        row.wilayah, {name: row._mapping[f"r_{name}"] for name in rollups.CASE_COLUMNS})
        bundle = diagrams.bundle_for(case.diagram_version_id)
        workflow, before = _take_workflow(case, bundle, now)
        fired = RUNNER.fire_due_timers(workflow, now)
        if not fired:
            _keep_workflow(Change(case.id, case.revision, (), False), workflow, before)
            return 0
        ticket = _run(select(CASES.c.ticket).where(CASES.c.id == case.id), {}).scalar_one()
        variables = RUNNER.case_data(workflow)
        opened = [SimpleNamespace(**row) for row in _task_rows(
            case, variables, [t for t in RUNNER.ready_tasks(bundle, workflow) if t.id not in before.ready], now)]
        notices = notify.deadline_messages(ticket, fired, opened, _local_time)
        change, after = _persist(case, bundle, workflow, before, now, actor, "timer_terpicu",
                                 data={"timer": [t.element_id for t in fired]}, fired={t.task_id for t in fired},
                                 notices=notices)
    _keep_workflow(change, workflow, after)
    return len(fired)


def _task_for_update(actor, task_id):
    row = _run(_READ_TASK, {"_id": str(task_id)}).one_or_none()
    if row is None:
        raise NotFound("Tugas tidak ditemukan", task_id=str(task_id))
    if not access.may_act_on_task(actor, row) or access.shielded(actor, row.c_aparat_desa):
        raise Forbidden("Anda tidak berwenang atas tugas ini", task_id=str(task_id))
    if row.status != "siap":
        raise Conflict("Tugas ini sudah diselesaikan oleh petugas lain atau tidak berlaku lagi", task_id=row.id)
    if row.assignee_id is not None and row.assignee_id != actor.id:
        holder = db.session.get(User, row.assignee_id)
        raise Conflict(f"Tugas ini sedang dikerjakan oleh {holder.full_name if holder else 'petugas lain'}",
                       task_id=row.id)
    case = _CaseRef(row.c_id, row.c_revision, row.c_event_count, row.c_last_event_hash,
                    row.c_diagram_version_id, row.c_wilayah,
                    {name: row._mapping[f"r_{name}"] for name in rollups.CASE_COLUMNS})
    return row, case


@dataclass(frozen=True)
class _CaseRef:
    id: int
    revision: int
    event_count: int
    last_event_hash: str
    diagram_version_id: int
    wilayah: str
    dashboard: dict = None  # rollups.CASE_COLUMNS as the row holds them, when just read


class _Stale(Conflict):
    """The case row is no longer at the revision a change was prepared on."""


def _compare_and_set(statement, case, **values):
    result = _run(statement, {"_id": case.id, "_revision": case.revision, **values})
    if result.rowcount != 1:
        raise _Stale("Kasus diubah oleh petugas lain pada saat yang sama; muat ulang dan coba lagi",
                     case_id=case.id)


@dataclass
class _Pending:
    """A change worked out from the rows as read, ready to be written (see _write)."""

    case: _CaseRef
    after: _Snapshot
    variables: dict
    values: dict
    changes: dict
    event: dict
    messages: list
    now: object
    actor: object
    task: object
    data: dict
    completed: bool


def _persist(case, bundle, workflow, before, now, actor, event_type, task=None, data=None, fired=(), notices=()):
    """Write the workflow's new state, its index changes and one event; return (Change, snapshot)."""
    pending = _prepare(case, bundle, workflow, before, now, actor, event_type, task, data, fired, notices)
    return _write(pending), pending.after


def _prepare(case, bundle, workflow, before, now, actor, event_type, task=None, data=None, fired=(), notices=()):
    """The case row's new values, index changes and event of a change (no database access)."""
    variables = RUNNER.case_data(workflow)
    thrown = RUNNER.take_messages(workflow)
    messages = thrown + list(notices)
    after = _snapshot(bundle, workflow, variables)
    completed = workflow.completed
    changes = index_changes(before, after, now, task.id if task else None, fired)
    event = next_event(
        case.id, case.event_count + 1, case.last_event_hash, type=event_type, at=now, actor=actor.username,
        diagram_version_id=case.diagram_version_id, task_id=task.id if task else None,
        element_id=task.element_id if task else None, data=data,
        outcome=outcome(before.variables, after.variables, "selesai" if completed else "terbuka", changes,
                        [name for name, _payload in thrown]),
    )
    values = {name: variables.get(name) for name in INDEXED_VARIABLES}
    values.update({name: (variables.get("pelapor") or {}).get(name) for name in INDEXED_PELAPOR})
    values.update(
        state=RUNNER.dump(workflow), data=json.dumps(variables, ensure_ascii=False, default=str),
        revision=case.revision + 1, event_count=event["seq"], last_event_hash=event["hash"], updated_at=now,
        status="selesai" if completed else "terbuka", closed_at=now if completed else None,
        tahap="Selesai" if completed else ", ".join(t.name for t in after.ready.values()),
    )
    return _Pending(case, after, variables, values, changes, event, messages, now, actor, task, data, completed)


def _write(pending):
    """Write a prepared change in the caller's transaction, first checking (compare-and-set) that the
    case is still at the revision it was prepared on; return the Change."""
    p = pending
    case, values = p.case, p.values
    dashboard = rollups.case_change(case.id, values, case.dashboard)  # the row as it was: before the update
    _compare_and_set(_SAVE_CASE, case, **values)
    dashboard_tasks = _write_task_changes(case, p.variables, p.after, p.changes, p.now, p.actor, p.data, p.task)
    rollups.apply(dashboard, dashboard_tasks)
    _write_timer_changes(case, p.after, p.changes, p.now)
    if p.messages:
        _run(_ADD_OUTBOX, [outbox.message_row(case.id, p.event["seq"], i, name, payload, p.variables, p.now)
                           for i, (name, payload) in enumerate(p.messages)])
    _run(_ADD_EVENT, p.event)
    ready = tuple((t.id, t.element_id) for t in p.after.ready.values())
    return Change(case.id, values["revision"], ready, p.completed)


def index_changes(before, after, now, completed_task_id, fired):
    """Tasks and timers a change opened and closed: [id, element id, due ISO] / [id, new status]."""
    closed = [task_id for task_id in before.ready if task_id not in after.ready]
    disarmed = [timer_id for timer_id in before.timers if timer_id not in after.timers]
    return {
        "tasks_opened": [[info.id, info.element_id, instant(_task_due(info, now))]
                         for task_id, info in after.ready.items() if task_id not in before.ready],
        "tasks_closed": [[task_id, "selesai" if task_id == completed_task_id else "dibatalkan"] for task_id in closed],
        "timers_armed": [[t.task_id, t.element_id, instant(t.due)]
                         for timer_id, t in after.timers.items() if timer_id not in before.timers],
        "timers_closed": [[timer_id, "terpicu" if timer_id in fired else "dibatalkan"] for timer_id in disarmed],
    }


def _write_task_changes(case, variables, after, changes, now, actor, submitted=None, task=None):
    """Update the task index; return the change the dashboards' summary rows need."""
    known = {}  # task rows as written now, for the dashboards' summary rows
    done = [task_id for task_id, how in changes["tasks_closed"] if how == "selesai"]
    if done:
        finished = {"_id": done[0], "at": now, "by": actor.id, "hasil": _outcome(submitted)}
        _run(_FINISH_TASK, finished)
        if task is not None and task.id == done[0]:
            known[task.id] = {**{name: task._mapping[name] for name in rollups.TASK_COLUMNS},
                              "status": "selesai", "completed_at": now, "hasil": finished["hasil"]}
    cancelled = [{"_id": task_id, "at": now} for task_id, how in changes["tasks_closed"] if how != "selesai"]
    if cancelled:
        _run(_CANCEL_TASK, cancelled)
    added = [after.ready[task_id] for task_id, _element, _due in changes["tasks_opened"]]
    if added:
        rows = _task_rows(case, variables, added, now)
        _run(_ADD_TASKS, rows)
        known.update({row["id"]: dict(row, hasil=None) for row in rows})
    return rollups.task_changes([task_id for task_id, _how in changes["tasks_closed"]], [info.id for info in added],
                                known)


def _outcome(submitted):
    """The decision a task was completed with (its first outcome variable), for reports."""
    values = submitted or {}
    return next((str(values[name]) for name in TASK_OUTCOME_VARIABLES if values.get(name) is not None), None)


def _task_rows(case, variables, infos, now):
    """Human-task index rows for tasks that just opened."""
    return [dict(
        id=info.id, case_id=case.id, element_id=info.element_id, name=info.name, role=info.role,
        wilayah=case.wilayah, sektor=variables.get("sektor"),
        instansi=variables.get("tujuan_rujukan") if info.role == "pengelola_program" else None,
        tingkat=variables.get("tingkat"), status="siap", created_at=now, due_at=_task_due(info, now),
        assignee_id=None, claimed_at=None, completed_at=None, completed_by=None,
    ) for info in infos]


def _local_time(instant):
    """An instant as the district reads it, e.g. '2026-03-31 10:00 (UTC+07:00)'."""
    local = instant.astimezone(_SLA["calendar"].tz)
    return f"{local:%Y-%m-%d %H:%M} ({local:%Z})"


def _write_timer_changes(case, after, changes, now):
    fired_now = [{"_id": timer_id, "at": now} for timer_id, how in changes["timers_closed"] if how == "terpicu"]
    if fired_now:
        _run(_FIRE_TIMER, fired_now)
    cancelled = [{"_id": timer_id} for timer_id, how in changes["timers_closed"] if how != "terpicu"]
    if cancelled:
        _run(_CANCEL_TIMER, cancelled)
    added = [after.timers[timer_id] for timer_id, _element, _due in changes["timers_armed"]]
    if added:
        _run(_ADD_TIMERS, [dict(
            id=t.task_id, case_id=case.id, element_id=t.element_id, name=t.name, due_at=t.due,
            status="menunggu", fired_at=None) for t in added])


def reassign_claimed_tasks(from_user_id, to_actor, by_actor, now):
    """Hand every open task claimed by one officer to another, each recorded in its case's chain.

    Runs inside the caller's write transaction (the admin's deactivation); the replacement must
    be allowed to act on every task, else Conflict names the first one and nothing changes.
    Returns the number of tasks handed over.
    """
    rows = _run(select(TASKS, *[c.label(f"c_{c.name}") for c in _CASE_COLUMNS])
                .join(CASES, CASES.c.id == TASKS.c.case_id)
                .where(TASKS.c.assignee_id == from_user_id, TASKS.c.status == "siap")
                .order_by(TASKS.c.case_id, TASKS.c.created_at), {}).all()
    bumped = {}
    for row in rows:
        if not access.may_act_on_task(to_actor, row) or access.shielded(to_actor, row.c_aparat_desa):
            raise Conflict(f"Pengganti tidak berwenang atas tugas \"{row.name}\" (tiket kasus {row.case_id})",
                           task_id=row.id)
        case = bumped.get(row.c_id) or _CaseRef(row.c_id, row.c_revision, row.c_event_count,
                                                row.c_last_event_hash, row.c_diagram_version_id, row.c_wilayah)
        _run(update(TASKS).where(TASKS.c.id == row.id).values(assignee_id=to_actor.id, claimed_at=now), {})
        event = next_event(case.id, case.event_count + 1, case.last_event_hash, type="tugas_dialihkan", at=now,
                           actor=by_actor.username, diagram_version_id=case.diagram_version_id, task_id=row.id,
                           element_id=row.element_id, data={"dari": from_user_id, "kepada": to_actor.username})
        _compare_and_set(_BUMP_CASE, case, revision=case.revision + 1, event_count=event["seq"],
                         last_event_hash=event["hash"], updated_at=now)
        _run(_ADD_EVENT, event)
        bumped[case.id] = _CaseRef(case.id, case.revision + 1, event["seq"], event["hash"],
                                   case.diagram_version_id, case.wilayah)
    with _cache_lock:  # revisions moved on: drop cached workflows of these cases (reloaded on next use)
        for key in [k for k in _workflows if k[0] in bumped]:
            _workflows.pop(key)
    return len(rows)
