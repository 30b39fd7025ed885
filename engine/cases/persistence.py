"""How a case's workflow is kept and a change to it written: the per-process workflow cache, the
snapshot of open tasks and timers, and one change as case row, index rows and event.

A change updates the case row (compare-and-set on `revision`), the human-task index, the
timer index, the dashboards' summary rows and appends one hash-chained event, or none of them.
The indexes always mirror the stored state, so what to insert or close is computed in memory by
comparing the workflow before and after the change (`prepare`, no database access); `write`
then writes it. Deserialized workflows are kept in a small per-app cache (engine/state.py) keyed by
(case, revision): a revision mismatch simply misses the cache, and a failed change never puts
its workflow back. The use cases that make changes are in engine/cases/commands.py; the statements
they run are named in engine/store/statements.py.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, cast

from werkzeug.local import LocalProxy

from engine import state
from engine.bpmn.parser import ProcessBundle
from engine.bpmn.runner import BpmnWorkflow, ReadyTask, Runner
from engine.domain.actor import Actor
from engine.domain.timezones import local_text
from engine.domain.vocabulary import INDEXED_PELAPOR, INDEXED_VARIABLES, TASK_OUTCOME_VARIABLES
from engine.domain.statuses import CaseStatus, TaskStatus, TimerStatus
from engine.errors import Conflict
from engine.cases import outbox
from engine.reports import rollups
from engine.audit.eventlog import instant, next_event, outcome, variable_texts
from engine.store import statements
from engine.store.database import write_transaction
from engine.store.direct import RowMissing, pipeline
from engine.store.statements import run
from engine.i18n import N_

# The current app's runner (engine/state.py): it knows that installation's working days and SLA limits.
RUNNER = cast(Runner, LocalProxy(lambda: state.current().runner))


@dataclass(frozen=True)
class Change:
    """What a change left behind: the case, its new revision and its open human tasks."""

    case_id: int
    revision: int
    ready: tuple  # ((task id, element id), ...)
    completed: bool
    repeated: bool = False  # an intake with a key already used: the case registered the first time


@dataclass(frozen=True)
class Snapshot:
    ready: dict
    timers: dict
    variables: dict  # {name: canonical JSON}, to record which variables a change set


def snapshot(bundle: ProcessBundle, workflow: BpmnWorkflow, variables: dict[str, Any] | None = None) -> "Snapshot":
    return Snapshot({t.id: t for t in RUNNER.ready_tasks(bundle, workflow)},
                     {t.task_id: t for t in RUNNER.waiting_timers(workflow)},
                     variable_texts(RUNNER.case_data(workflow) if variables is None else variables))


def task_due(info: ReadyTask, now: datetime) -> datetime | None:
    """A task's due time: its diagram's boundary timer, else the SLA policy's limit for it."""
    if info.due:
        return info.due
    current = state.current()
    return current.policy.task_due(info.element_id, now, current.calendar)


def take_workflow(case: "CaseRef", bundle: ProcessBundle, now: datetime) -> tuple[BpmnWorkflow, Snapshot]:
    """The case's workflow at its stored revision, and the snapshot of its open tasks and timers."""
    cached = state.current().workflows.pop((case.id, case.revision))
    if cached is None:
        stored = run(statements.CASE_STATE, {"_id": case.id}).scalar_one()
        workflow = RUNNER.load(bundle, stored, now)
        return workflow, snapshot(bundle, workflow)
    workflow, kept = cached
    RUNNER.set_clock(workflow, now)
    return workflow, kept


def keep_workflow(change: Change, workflow: BpmnWorkflow, kept: Snapshot) -> None:
    """Cache a workflow at the revision a change left its case (with its snapshot)."""
    state.current().workflows.put((change.case_id, change.revision), (workflow, kept))


def forget_cached_workflows(case_ids: Iterable[int] | None = None) -> None:
    """Drop the cached workflows (of these cases only, when given): they are reloaded on next use."""
    dropped = None if case_ids is None else set(case_ids)
    state.current().workflows.forget(None if dropped is None else lambda key: key[0] not in dropped)


def carry_cached_workflow(case: "CaseRef") -> None:
    """A change that leaves the workflow as it was (a claim) moves its cache entry to the next revision."""
    workflows = state.current().workflows
    cached = workflows.pop((case.id, case.revision))
    if cached is not None:
        workflows.put((case.id, case.revision + 1), cached)


@dataclass(frozen=True)
class CaseRef:
    id: int
    revision: int
    event_count: int
    last_event_hash: str
    diagram_version_id: int
    wilayah: str
    dashboard: dict | None = None  # rollups.CASE_COLUMNS as the row holds them, when just read


def case_ref(row: Any, prefix: str = "") -> CaseRef:
    """The CaseRef of a row read with statements.CASE_COLUMNS (labelled `prefix` + name) and, if there,
    statements.DASHBOARD_COLUMNS."""
    values = row._mapping
    dashboard = ({name: values[f"r_{name}"] for name in rollups.CASE_COLUMNS}
                 if f"r_{rollups.CASE_COLUMNS[0]}" in values else None)
    return CaseRef(**{name: values[prefix + name] for name in
                      ("id", "revision", "event_count", "last_event_hash", "diagram_version_id", "wilayah")},
                   dashboard=dashboard)


def record_event(case: CaseRef, now: datetime, actor_name: str, type: str, task_id: str | None = None,
                 element_id: str | None = None, data: dict[str, Any] | None = None) -> CaseRef:
    """Append an event that changes no workflow state (a claim, a hand-over) and move the case to its
    next revision (compare-and-set); return the case's new reference."""
    event = next_event(case.id, case.event_count + 1, case.last_event_hash, type=type, at=now, actor=actor_name,
                       diagram_version_id=case.diagram_version_id, task_id=task_id, element_id=element_id, data=data)
    compare_and_set(statements.BUMP_CASE, case, revision=case.revision + 1, event_count=event["seq"],
                    last_event_hash=event["hash"], updated_at=now)
    run(statements.ADD_EVENT, event)
    return CaseRef(case.id, case.revision + 1, event["seq"], event["hash"], case.diagram_version_id, case.wilayah)


class Stale(Conflict):
    """The case row is no longer at the revision a change was prepared on."""


def compare_and_set(statement: Any, case: CaseRef, **values: Any) -> None:
    """Run a CheckedUpdate of the case row at the revision read; Stale if it is no longer there (inside
    a pipeline: at the pipeline's end, see stale_if_moved)."""
    with stale_if_moved(case):
        run(statement, {"_id": case.id, "_revision": case.revision, **values})


@contextmanager
def stale_if_moved(case: CaseRef) -> Iterator[None]:
    try:
        yield
    except RowMissing:
        raise Stale(N_("Kasus diubah oleh petugas lain pada saat yang sama; muat ulang dan coba lagi"),
                    case_id=case.id) from None


@dataclass
class Pending:
    """A change worked out from the rows as read, ready to be written (see write)."""

    case: CaseRef
    after: Snapshot
    variables: dict
    values: dict
    changes: dict
    event: dict
    messages: list
    now: datetime
    actor: Actor
    task: object
    data: dict | None
    completed: bool


def persist(case: CaseRef, bundle: ProcessBundle, workflow: BpmnWorkflow, before: Snapshot, now: datetime, actor: Actor,
            event_type: str, task: Any = None, data: dict[str, Any] | None = None, fired: Iterable[str] = (),
            notices: Iterable[tuple[str, Any]] = ()) -> tuple[Change, Snapshot]:
    """Write the workflow's new state, its index changes and one event; return (Change, snapshot)."""
    pending = prepare(case, bundle, workflow, before, now, actor, event_type, task, data, fired, notices)
    return write(pending), pending.after


def prepare(case: CaseRef, bundle: ProcessBundle, workflow: BpmnWorkflow, before: Snapshot, now: datetime, actor: Actor,
            event_type: str, task: Any = None, data: dict[str, Any] | None = None, fired: Iterable[str] = (),
            notices: Iterable[tuple[str, Any]] = ()) -> Pending:
    """The case row's new values, index changes and event of a change (no database access)."""
    variables = RUNNER.case_data(workflow)
    thrown = RUNNER.take_messages(workflow)
    messages = thrown + list(notices)
    after = snapshot(bundle, workflow, variables)
    completed = workflow.completed
    changes = index_changes(before, after, now, task.id if task else None, fired)
    event = next_event(
        case.id, case.event_count + 1, case.last_event_hash, type=event_type, at=now, actor=actor.username,
        diagram_version_id=case.diagram_version_id, task_id=task.id if task else None,
        element_id=task.element_id if task else None, data=data,
        outcome=outcome(before.variables, after.variables, CaseStatus.SELESAI if completed else CaseStatus.TERBUKA, changes,
                        [name for name, _payload in thrown]),
    )
    values = {name: variables.get(name) for name in INDEXED_VARIABLES}
    values.update({name: (variables.get("pelapor") or {}).get(name) for name in INDEXED_PELAPOR})
    values.update(
        state=RUNNER.dump(workflow), data=json.dumps(variables, ensure_ascii=False, default=str),
        revision=case.revision + 1, event_count=event["seq"], last_event_hash=event["hash"], updated_at=now,
        status=CaseStatus.SELESAI if completed else CaseStatus.TERBUKA, closed_at=now if completed else None,
        tahap="Selesai" if completed else ", ".join(t.name for t in after.ready.values()),
    )
    return Pending(case, after, variables, values, changes, event, messages, now, actor, task, data, completed)


def commit(pending: Pending, workflow: BpmnWorkflow, last_attempt: bool) -> Change | None:
    """Write a prepared change in its own transaction and keep the advanced workflow for the next
    request. None when another writer changed the case first and the caller may read it again and
    retry; on the last attempt that is a Conflict the officer sees."""
    try:
        with write_transaction():
            change = write(pending, commit=True)
    except Stale:
        if last_attempt:
            raise Conflict(N_("Kasus sedang diubah oleh petugas lain; muat ulang dan coba lagi"),
                           case_id=pending.case.id) from None
        return None
    keep_workflow(change, workflow, pending.after)
    return change


def write(pending: Pending, commit: bool = False) -> Change:
    """Write a prepared change in the caller's transaction, first checking (compare-and-set) that the
    case is still at the revision it was prepared on; return the Change.

    What the writes need from the database (rows the dashboards' summary rows are moved from) is
    read first; then the statements go out together, on PostgreSQL in one round trip (with `commit`
    and nothing else in the transaction, the COMMIT too)."""
    p = pending
    case, values = p.case, p.values
    dashboard = rollups.case_change(case.id, values, case.dashboard)  # the row as it was: before the update
    tasks = _task_changes(case, p.variables, p.after, p.changes, p.now, p.actor, p.data, p.task)
    with stale_if_moved(case), pipeline(commit=commit):
        run(statements.SAVE_CASE, {"_id": case.id, "_revision": case.revision, **values})
        tasks.write()
        rollups.apply(dashboard, tasks.dashboard)
        _write_timer_changes(case, p.after, p.changes, p.now)
        if p.messages:
            run(statements.ADD_OUTBOX, [outbox.message_row(case.id, p.event["seq"], i, name, payload, p.variables, p.now)
                                        for i, (name, payload) in enumerate(p.messages)])
        run(statements.ADD_EVENT, p.event)
    ready = tuple((t.id, t.element_id) for t in p.after.ready.values())
    return Change(case.id, values["revision"], ready, p.completed)


def index_changes(before: Snapshot, after: Snapshot, now: datetime, completed_task_id: str | None,
                  fired: Iterable[str]) -> dict[str, list[list[Any]]]:
    """Tasks and timers a change opened and closed: [id, element id, due ISO] / [id, new status]."""
    closed = [task_id for task_id in before.ready if task_id not in after.ready]
    disarmed = [timer_id for timer_id in before.timers if timer_id not in after.timers]
    return {
        "tasks_opened": [[info.id, info.element_id, instant(task_due(info, now))]
                         for task_id, info in after.ready.items() if task_id not in before.ready],
        "tasks_closed": [[task_id, TaskStatus.SELESAI if task_id == completed_task_id else TaskStatus.DIBATALKAN] for task_id in closed],
        "timers_armed": [[t.task_id, t.element_id, instant(t.due)]
                         for timer_id, t in after.timers.items() if timer_id not in before.timers],
        "timers_closed": [[timer_id, TimerStatus.TERPICU if timer_id in fired else TimerStatus.DIBATALKAN] for timer_id in disarmed],
    }


@dataclass
class _TaskChanges:
    """A change's task index statements (parameters) and the dashboards' change they make."""

    finished: list
    cancelled: list
    added: list
    dashboard: dict

    def write(self) -> None:
        if self.finished:
            run(statements.FINISH_TASK, self.finished[0])
        if self.cancelled:
            run(statements.CANCEL_TASK, self.cancelled)
        if self.added:
            run(statements.ADD_TASKS, self.added)


def _task_changes(case, variables, after, changes, now, actor, submitted=None, task=None):
    """The task index's changes and the dashboards' change they make, from the rows as they are now
    (the closed tasks' rows not in hand are read) and as the statements will leave them."""
    known = {}  # task rows as the statements leave them, for the dashboards' summary rows
    done = [task_id for task_id, how in changes["tasks_closed"] if how == TaskStatus.SELESAI]
    finished = [{"_id": done[0], "at": now, "by": actor.id, "hasil": _outcome(submitted)}] if done else []
    cancelled = [{"_id": task_id, "at": now} for task_id, how in changes["tasks_closed"] if how != TaskStatus.SELESAI]
    closed = {task_id: {"status": TaskStatus.DIBATALKAN, "completed_at": now} for task_id, how in changes["tasks_closed"]
              if how != TaskStatus.SELESAI}
    if finished:
        closed[done[0]] = {"status": TaskStatus.SELESAI, "completed_at": now, "hasil": finished[0]["hasil"]}
        if task is not None and task.id == done[0]:
            row = task._mapping
            known[task.id] = {**{name: row[name] for name in rollups.TASK_COLUMNS}, **closed[task.id]}
    unread = [task_id for task_id in closed if task_id not in known]
    for row in rollups.task_rows(unread):
        known[row["id"]] = {**row, **closed[row["id"]]}
    added = task_rows(case, variables, [after.ready[task_id] for task_id, _element, _due in changes["tasks_opened"]], now)
    known.update({row["id"]: dict(row, hasil=None) for row in added})
    dashboard = rollups.task_changes(list(closed), [row["id"] for row in added], known)
    return _TaskChanges(finished, cancelled, added, dashboard)


def _outcome(submitted):
    """The decision a task was completed with (its first outcome variable), for reports."""
    values = submitted or {}
    return next((str(values[name]) for name in TASK_OUTCOME_VARIABLES if values.get(name) is not None), None)


def task_rows(case: CaseRef, variables: dict[str, Any], infos: Iterable[ReadyTask], now: datetime) -> list[dict[str, Any]]:
    """Human-task index rows for tasks that just opened."""
    return [dict(
        id=info.id, case_id=case.id, element_id=info.element_id, name=info.name, role=info.role,
        wilayah=case.wilayah, sektor=variables.get("sektor"),
        instansi=variables.get("tujuan_rujukan") if info.role == "pengelola_program" else None,
        tingkat=variables.get("tingkat"), status=TaskStatus.SIAP, created_at=now, due_at=task_due(info, now),
        assignee_id=None, claimed_at=None, completed_at=None, completed_by=None,
    ) for info in infos]


def local_time_in(wilayah: str | None) -> Callable[[datetime], str]:
    """Formats instants in the zone of the area's province, labelled: '31-03-2026 10:00 WITA'."""
    default = int(state.current().calendar.tz.utcoffset(None).total_seconds() // 3600)
    return lambda instant: local_text(instant, wilayah, default)


def local_time(instant: datetime) -> str:
    """An instant as the district reads it, e.g. '2026-03-31 10:00 (UTC+07:00)'."""
    local = instant.astimezone(state.current().calendar.tz)
    return f"{local:%Y-%m-%d %H:%M} ({local:%Z})"


def _write_timer_changes(case, after, changes, now):
    fired_now = [{"_id": timer_id, "at": now} for timer_id, how in changes["timers_closed"] if how == "terpicu"]
    if fired_now:
        run(statements.FIRE_TIMER, fired_now)
    cancelled = [{"_id": timer_id} for timer_id, how in changes["timers_closed"] if how != "terpicu"]
    if cancelled:
        run(statements.CANCEL_TIMER, cancelled)
    added = [after.timers[timer_id] for timer_id, _element, _due in changes["timers_armed"]]
    if added:
        run(statements.ADD_TIMERS, [dict(
            id=t.task_id, case_id=case.id, element_id=t.element_id, name=t.name, due_at=t.due,
            status=TimerStatus.MENUNGGU, fired_at=None) for t in added])
