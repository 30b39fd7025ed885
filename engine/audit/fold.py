"""Fold: rebuild a case from the outcomes its events recorded, without running the diagram.

Every workflow event records its outcome (variables set and unset, tasks and timers opened and
closed, status, messages) inside its hashed content, and the chain heads are anchored in the
signed checkpoints. Applying those outcomes in order gives what the case's stored columns and
its task, timer and outbox rows must be, at the cost of reading JSON: this is what `slrt audit
--all` compares for every case (with `Replay`'s own comparisons and messages). What the fold does
not check is that each recorded outcome is what the diagram gives for its event, nor the stored
serialized workflow: `Replay` (one case, `slrt audit CASE`, or `slrt audit --all --ulang`) does.

A case the fold cannot rebuild (an event written before outcomes existed, a move to another
diagram version) raises `NeedsReplay`; the caller replays it instead.
"""

import json
from typing import Any

from engine.domain.statuses import CaseStatus, TaskStatus
from engine.cases import persistence
from engine.audit.eventlog import canonical
from engine.audit.replay import MIGRATION, Replay, _Diverged, problem


class NeedsReplay(Exception):
    """The case's events cannot be folded: replay it on its diagram."""


class _Progress:
    """Stands for the workflow: only whether it has ended is read."""

    def __init__(self) -> None:
        self.completed = False


class Fold(Replay):
    """`Replay` with each workflow step taken from the event's recorded outcome."""

    def __init__(self, bundle: Any, record: Any) -> None:
        super().__init__(bundle, record, frames=False)

    def _step(self, event: Any) -> None:
        if event.type == MIGRATION:
            raise NeedsReplay(event.seq)
        super()._step(event)

    def _workflow_step(self, event: Any, data: dict) -> None:
        if not event.outcome:
            raise NeedsReplay(event.seq)
        recorded = json.loads(event.outcome)
        if event.type == "kasus_dibuat":
            self.workflow = _Progress()
        elif event.type == "tugas_selesai":
            self._open_task(event)["completed_by"] = event.actor
        before = self.snapshot
        variables = dict(before.variables)
        for name, value in recorded.get("set", {}).items():
            variables[name] = canonical(value)
        for name in recorded.get("unset", []):
            variables.pop(name, None)
        ready, timers = dict(before.ready), dict(before.timers)
        for task_id, _how in recorded.get("tasks_closed", []):
            ready.pop(task_id, None)
        for task_id, element, _due in recorded.get("tasks_opened", []):
            info = self.bundle.user_tasks.get(element)
            if info is None:
                raise _Diverged([problem(event.seq, f"tugas {element} tidak ada di diagram", element)])
            ready[task_id] = info
        for timer_id, _how in recorded.get("timers_closed", []):
            timers.pop(timer_id, None)
        for timer_id, element, _due in recorded.get("timers_armed", []):
            timers[timer_id] = element
        self.snapshot = persistence.Snapshot(ready, timers, variables)
        status = recorded.get("status")
        self.workflow.completed = status == CaseStatus.SELESAI
        if self.workflow.completed and self.closed[0] is None:
            self.closed = (event.at, event.seq)
        rebuilt = {"status": status, "set": recorded.get("set", {}), "unset": recorded.get("unset", []),
                   **{kind: [list(item) for item in recorded.get(kind, [])]
                      for kind in ("tasks_opened", "tasks_closed", "timers_armed", "timers_closed")},
                   "messages": list(recorded.get("messages", []))}
        self._bind(event, rebuilt, recorded)
        self._apply(event, rebuilt)

    def _open_task(self, event: Any) -> dict:
        task = self.tasks.get(event.task_id)
        if task is None or task["status"] != TaskStatus.SIAP or task["element_id"] != event.element_id:
            raise _Diverged([problem(event.seq, f"tugas {event.element_id} tidak siap saat diputar ulang",
                                     event.element_id)])
        return task

    def _bind_unreferenced(self) -> None:
        """Every task and timer was bound by the outcome that opened it."""

    def _compare_state(self, last_seq: int) -> list:
        """The serialized workflow is compared by the replay only."""
        return []

    def _compare_stored(self, last_seq: int) -> None:
        # the diagram's order of parallel open tasks is not in the outcomes: take the stored order when
        # the stored stage names the same tasks
        names = [info.name for info in self.snapshot.ready.values()]
        stored = str(self.record.case.tahap or "").split(", ")
        if sorted(names) == sorted(stored) and names != stored:
            position = {name: index for index, name in enumerate(stored)}
            ready = dict(sorted(self.snapshot.ready.items(), key=lambda item: position[item[1].name]))
            self.snapshot = persistence.Snapshot(ready, self.snapshot.timers, self.snapshot.variables)
        super()._compare_stored(last_seq)

