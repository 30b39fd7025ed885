"""Check that the stored record of every case agrees with itself (after load or fault runs).

For each case: its serialized state is deserialized and its ready human tasks and armed
timers are compared with the task index (status `siap`) and the timer index (`menunggu`);
its status with the workflow's; its event chain is verified and must end at the case row's
`event_count` and `last_event_hash`, whose `revision` moves with every event. Across cases:
a task is completed by at most one event, every task marked done has its completing event,
and every completion a client saw acknowledged is in the log. Reads only; reports, never
repairs.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select

from engine.domain.statuses import CaseStatus, TaskStatus, TimerStatus
from engine.processes import versions
from engine.audit import checkpoint, columns
from engine.audit.verify import check_chain
from engine.cases.commands import RUNNER
from engine.store.models import Case, Event, HumanTask, Timer, db

BATCH = 200


@dataclass
class Report:
    """What the check found: how much it looked at and every violation, one line each."""

    cases: int = 0
    events: int = 0
    completions: int = 0
    acknowledged: int = 0
    violations: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def add(self, case_id: int, problem: str) -> None:
        self.violations.append(f"case {case_id}: {problem}")

    def summary(self) -> str:
        return (f"{self.cases} cases, {self.events} events, {self.completions} completions, "
                f"{self.acknowledged} acknowledged completions checked: {len(self.violations)} violations")


def check_all(acknowledged: Collection[Any] = (), case_ids: Iterable[int] | None = None,
              anchor: checkpoint.Anchor | None = None) -> "Report":
    """Check every case (or those in `case_ids`); `acknowledged` is task ids a client saw completed (HTTP 200).

    With `anchor` (the folded signed checkpoints), each case's chain must also extend its
    anchored head, and (checking every case) no anchored case may be missing.
    """
    report = Report()
    query = select(Case.id).order_by(Case.id)
    if case_ids is not None:
        query = query.where(Case.id.in_(list(case_ids)))
    ids = list(db.session.scalars(query))
    for start in range(0, len(ids), BATCH):
        for case_id in ids[start:start + BATCH]:
            check_case(case_id, report, anchor)
        db.session.expunge_all()
    if anchor is not None:
        for problem in anchor.problems:
            report.violations.append(f"titik jangkar #{problem['checkpoint']}: {problem['problem']}")
        if case_ids is None:
            for missing in checkpoint.missing_cases(anchor, ids):
                report.add(missing["case_id"], f"tiket {missing['ticket']}, event 1: {missing['anchor'][0]['problem']}")
    _check_completions(report, acknowledged, ids if case_ids is not None else None)
    db.session.rollback()
    return report


def check_case(case_id: int, report: "Report", anchor: checkpoint.Anchor | None = None) -> None:
    """Add the problems of one case to `report`."""
    case = db.session.get(Case, case_id)
    assert case is not None, case_id  # the ids come from the cases table
    report.cases += 1
    events = list(db.session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)))
    report.events += len(events)
    for problem in check_chain(case, events):
        report.add(case_id, f"event {problem['event']}: {problem['problem']}")
    for problem in columns.fixed_at_intake(case, events):
        report.add(case_id, f"tiket {case.ticket}, event {problem['event']}: {problem['problem']}")
    for problem in checkpoint.compare(anchor, case, events) if anchor is not None else ():
        report.add(case_id, f"tiket {case.ticket}, event {problem['event']}: {problem['problem']}")
    if case.revision != case.event_count:
        report.add(case_id, f"revision {case.revision} but {case.event_count} events recorded")
    bundle = versions.bundle_for(case.diagram_version_id)
    try:
        workflow = RUNNER.load(bundle, case.state, cast(datetime, case.updated_at))
    except Exception as exc:  # a state that does not load is itself the finding
        report.add(case_id, f"stored state does not load: {exc!r}")
        return
    ready = {t.id: t.element_id for t in RUNNER.ready_tasks(bundle, workflow)}
    indexed = dict(db.session.execute(select(HumanTask.id, HumanTask.element_id).where(
        HumanTask.case_id == case_id, HumanTask.status == TaskStatus.SIAP)).all())
    _compare(report, case_id, "open task", ready, indexed)
    armed = {t.task_id: t.due for t in RUNNER.waiting_timers(workflow)}
    waiting = dict(db.session.execute(select(Timer.id, Timer.due_at).where(
        Timer.case_id == case_id, Timer.status == TimerStatus.MENUNGGU)).all())
    _compare(report, case_id, "waiting timer", armed, waiting)
    status = CaseStatus.SELESAI if workflow.completed else CaseStatus.TERBUKA
    if case.status != status:
        report.add(case_id, f"status {case.status} but the workflow is {status}")


def _compare(report, case_id, what, in_state, in_index):
    for key in sorted(set(in_state) - set(in_index)):
        report.add(case_id, f"{what} {key} ({in_state[key]}) is in the state but not in the index")
    for key in sorted(set(in_index) - set(in_state)):
        report.add(case_id, f"{what} {key} ({in_index[key]}) is in the index but not in the state")
    for key in sorted(set(in_state) & set(in_index)):
        if in_state[key] != in_index[key]:
            report.add(case_id, f"{what} {key}: state says {in_state[key]}, index says {in_index[key]}")


def _check_completions(report, acknowledged, case_ids):
    """Each task completed once, index and log agree, and every acknowledged completion is logged."""
    logged = select(Event.task_id, Event.case_id, func.count()).where(Event.type == "tugas_selesai")
    done = select(HumanTask.id, HumanTask.case_id).where(HumanTask.status == TaskStatus.SELESAI)
    if case_ids is not None:
        logged, done = logged.where(Event.case_id.in_(case_ids)), done.where(HumanTask.case_id.in_(case_ids))
    completions = {}
    for task_id, case_id, count in db.session.execute(logged.group_by(Event.task_id, Event.case_id)):
        completions[task_id] = case_id
        report.completions += count
        if count != 1:
            report.add(case_id, f"task {task_id} completed {count} times in the event log")
    marked = dict(db.session.execute(done).all())
    for task_id in sorted(set(marked) - set(completions)):
        report.add(marked[task_id], f"task {task_id} is marked done but no event completed it")
    for task_id in sorted(set(completions) - set(marked)):
        report.add(completions[task_id], f"task {task_id} was completed in the log but is not marked done")
    for task_id in acknowledged:
        report.acknowledged += 1
        if task_id not in completions:
            report.add("?", f"completion of task {task_id} was acknowledged to a client but is not in the event log")
