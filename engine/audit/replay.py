"""Replay: rebuild a case from its diagram version and its events alone, comparing as it goes.

Time comes from the events: the case starts, tasks complete and timers fire at each event's
instant. After every event the rebuilt case is compared with the outcome the event recorded
(variables set, tasks and timers opened and closed with their due times, status, messages);
the first event that differs stops the replay and is reported. When every event agrees, the
rebuilt case is compared with what is stored now: the case row, its serialized workflow and
its task, timer and outbox rows. Problems name the event number, the task, what the record
says (`expected`) and what the replay found (`found`).

The engine's task ids are random, so a rebuilt task is bound to the stored id its event
recorded (by element id, in order).
"""

import json
from dataclasses import dataclass, field
from typing import Any

from engine.bpmn.migrate import rebind
from engine.domain.vocabulary import INDEXED_VARIABLES, PROGRAM_VARIABLES
from engine.domain.statuses import CaseStatus, TaskStatus, TimerStatus
from engine.errors import SlrtError
from engine.cases import persistence
from engine.processes import versions
from engine.audit import columns
from engine.audit.eventlog import canonical, instant, outcome, variable_texts

RUNNER = persistence.RUNNER
WORKFLOW_EVENTS = ("kasus_dibuat", "tugas_selesai", "timer_terpicu", "pesan_diterima")
CLAIM_EVENTS = ("tugas_diklaim", "tugas_dilepas")
HANDOVER = "tugas_dialihkan"    # an administrator handed a claimed task to a replacement
MIGRATION = "kasus_dimigrasi"   # an analyst moved the case onto a newer diagram version
INCIDENT = "insiden_diagram"    # a diagram expression was stopped at its bound; the step did not happen


@dataclass
class Frame:
    """The case as it stood right after one event."""

    seq: int
    type: str
    at: object
    actor: str
    task_id: str | None
    element_id: str | None
    data: dict
    status: str
    variables: dict
    changed: dict
    removed: list
    open_tasks: list
    timers: list
    done: list


@dataclass
class Result:
    """A replay's frames (up to where it stopped) and the problems it found."""

    frames: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    replayed: int = 0  # events replayed without a divergence


def problem(seq: int | None, message: str, task: str | None = None, expected: Any = None,
            found: Any = None) -> dict[str, Any]:
    return {"event": seq, "task": task, "problem": message,
            "expected": None if expected is None else str(expected),
            "found": None if found is None else str(found)}


class _Diverged(Exception):
    pass


class Replay:
    """Rebuild one case event by event; `run()` returns a Result (with a Frame per event if `frames`)."""

    def __init__(self, bundle, record, upto=None, frames=True):
        self.bundle, self.record, self.upto, self.keep_frames = bundle, record, upto, frames
        self.workflow = None
        self.snapshot = persistence.Snapshot({}, {}, {})
        self.stored_id = {}   # engine id of a rebuilt task/timer -> the stored id it stands for
        self.tasks = {}       # stored id -> what the replay knows of that human task
        self.timers = {}      # stored id -> what the replay knows of that timer
        self.set_by = {}      # variable -> seq of the event that last set it
        self.messages = {}    # seq -> message names the diagram sent at that event
        self.closed = (None, None)  # (instant, seq) of the event that ended the workflow
        events = record.events
        self.wilayah = json.loads(events[0].data).get("wilayah") if events else None  # the task index's area
        self.result = Result()

    def run(self) -> "Result":
        events = [e for e in self.record.events if self.upto is None or e.seq <= self.upto]
        try:
            for event in events:
                self._step(event)
            if self.workflow is None:
                raise _Diverged([problem(0, "tidak ada peristiwa pembuatan kasus")])
            if self.upto is None or self.upto >= len(self.record.events):
                self._compare_stored(events[-1].seq)
        except _Diverged as stop:
            self.result.problems.extend(stop.args[0])
        return self.result

    # -- one event ---------------------------------------------------------------------------

    def _step(self, event):
        data = json.loads(event.data)
        if event.type == "kasus_dibuat" and self.workflow is not None:
            raise _Diverged([problem(event.seq, "kasus dibuat dua kali")])
        if event.type != "kasus_dibuat" and self.workflow is None:
            raise _Diverged([problem(event.seq, "peristiwa sebelum kasus dibuat")])
        if event.type in WORKFLOW_EVENTS:
            self._workflow_step(event, data)
        elif event.type in CLAIM_EVENTS or event.type == HANDOVER:
            task = self._open_task(event)
            task["assignee"] = (data.get("kepada") if event.type == HANDOVER
                                else event.actor if event.type == "tugas_diklaim" else None)
            task["assignee_seq"] = event.seq
        elif event.type == INCIDENT:
            pass
        elif event.type == MIGRATION:
            try:
                self.bundle = versions.bundle_for(event.diagram_version_id)
                self.workflow = rebind(RUNNER, self.workflow, self.bundle, event.at)
            except SlrtError as exc:
                raise _Diverged([problem(event.seq, f"gagal dipindahkan ke versi baru: {exc.message}")])
        else:
            raise _Diverged([problem(event.seq, f"jenis peristiwa tidak dikenal: {event.type}")])
        self.result.replayed += 1
        if self.keep_frames:
            self.result.frames.append(self._frame(event, data))

    def _workflow_step(self, event, data):
        before, completed, fired = self.snapshot, None, []
        try:
            if event.type == "kasus_dibuat":
                self.workflow = RUNNER.start(self.bundle, data, event.at)
            elif event.type == "tugas_selesai":
                task = self._open_task(event)
                completed = task["engine_id"]
                recorded = {k: data[k] for k in PROGRAM_VARIABLES if k in data}  # as the catalogue said then
                submitted = {k: v for k, v in data.items() if k not in recorded}
                values = RUNNER.complete(self.bundle, self.workflow, completed, submitted, event.at,
                                         derive=lambda _values: recorded)
                if canonical(values) != canonical(data):
                    raise _Diverged([problem(event.seq, "data formulir berbeda setelah diperiksa ulang",
                                             event.element_id, canonical(data), canonical(values))])
                task["completed_by"] = event.actor
            elif event.type == "pesan_diterima":  # a message from outside (engine/cases/messages.py)
                RUNNER.deliver_message(self.workflow, data["nama"], data["isi"], event.at)
            else:
                fired = RUNNER.fire_due_timers(self.workflow, event.at)
                found = [t.element_id for t in fired]
                if found != data.get("timer"):
                    raise _Diverged([problem(event.seq, "timer yang terpicu berbeda", None, data.get("timer"), found)])
        except SlrtError as exc:
            raise _Diverged([problem(event.seq, f"gagal diputar ulang: {exc.message}", event.element_id)])
        thrown = [name for name, _payload in RUNNER.take_messages(self.workflow)]
        variables = RUNNER.case_data(self.workflow)
        self.snapshot = persistence.snapshot(self.bundle, self.workflow, variables)
        changes = persistence.index_changes(before, self.snapshot, event.at, completed, {t.task_id for t in fired})
        status = CaseStatus.SELESAI if self.workflow.completed else CaseStatus.TERBUKA
        if status == CaseStatus.SELESAI and self.closed[0] is None:
            self.closed = (event.at, event.seq)
        rebuilt = outcome(before.variables, self.snapshot.variables, status, changes, thrown)
        recorded = json.loads(event.outcome) if event.outcome else None
        self._bind(event, rebuilt, recorded)
        self._apply(event, rebuilt)
        if recorded is not None:
            found = self._compare_outcome(event, rebuilt, recorded)
            if found:
                raise _Diverged(found)

    def _open_task(self, event):
        """The rebuilt open task an event acts on, by its stored id (bound by element id if unbound)."""
        task = self.tasks.get(event.task_id)
        if task is None:  # an event recorded before outcomes existed: bind by element id
            for engine_id, info in self.snapshot.ready.items():
                if self.stored_id.get(engine_id) == engine_id and info.element_id == event.element_id:
                    self.stored_id[engine_id] = event.task_id
                    task = self.tasks[event.task_id] = self.tasks.pop(engine_id)
                    break
        if task is None or task["status"] != TaskStatus.SIAP or task["element_id"] != event.element_id:
            raise _Diverged([problem(event.seq, f"tugas {event.element_id} tidak siap saat diputar ulang",
                                     event.element_id)])
        return task

    def _bind(self, event, rebuilt, recorded):
        """Give every task and timer this event opened the stored id the record names."""
        for kind, key in (("tasks_opened", "tasks"), ("timers_armed", "timers")):
            waiting = {}
            for stored, element, _due in (recorded or {}).get(kind, []):
                waiting.setdefault(element, []).append(stored)
            for engine_id, element, due in rebuilt[kind]:
                candidates = waiting.get(element)
                self.stored_id[engine_id] = candidates.pop(0) if candidates else engine_id
                ready = self.snapshot.ready.get(engine_id)
                entry = {"engine_id": engine_id, "element_id": element, "due": due, "opened_seq": event.seq,
                         "role": ready.role if ready else None, "wilayah": self.wilayah,
                         "opened_at": event.at, "status": TaskStatus.SIAP if key == "tasks" else TimerStatus.MENUNGGU,
                         "closed_seq": None, "closed_at": None, "completed_by": None, "assignee": None,
                         "assignee_seq": None}
                getattr(self, key)[self.stored_id[engine_id]] = entry

    def _apply(self, event, rebuilt):
        """Rewrite the rebuilt outcome in stored ids and record what each task and timer became."""
        for kind, key in (("tasks_opened", "tasks"), ("timers_armed", "timers")):
            rebuilt[kind] = sorted([self.stored_id[i], element, due] for i, element, due in rebuilt[kind])
        for kind, key in (("tasks_closed", "tasks"), ("timers_closed", "timers")):
            rebuilt[kind] = sorted([self.stored_id.get(i, i), how] for i, how in rebuilt[kind])
            for stored, how in rebuilt[kind]:
                entry = getattr(self, key).get(stored)
                if entry is not None:
                    entry.update(status=how, closed_seq=event.seq, closed_at=event.at)
        for name in rebuilt["set"]:
            self.set_by[name] = event.seq
        for name in rebuilt["unset"]:
            self.set_by[name] = event.seq
        self.messages[event.seq] = rebuilt["messages"]

    def _compare_outcome(self, event, rebuilt, recorded):
        seq, found = event.seq, []
        if recorded.get("status") != rebuilt["status"]:
            found.append(problem(seq, "status kasus berbeda", None, recorded.get("status"), rebuilt["status"]))
        rec_set, rec_unset = recorded.get("set", {}), recorded.get("unset", [])
        for name in sorted(set(rec_set) | set(rebuilt["set"]) | set(rec_unset) | set(rebuilt["unset"])):
            expected = "(dihapus)" if name in rec_unset else canonical(rec_set[name]) if name in rec_set else "(tetap)"
            got = ("(dihapus)" if name in rebuilt["unset"] else canonical(rebuilt["set"][name])
                   if name in rebuilt["set"] else "(tetap)")
            if expected != got:
                found.append(problem(seq, f"data '{name}' berbeda", None, expected, got))
        for kind, label in (("tasks_opened", "tugas dibuka"), ("tasks_closed", "tugas ditutup"),
                            ("timers_armed", "timer dipasang"), ("timers_closed", "timer ditutup")):
            expected, got = recorded.get(kind, []), rebuilt[kind]
            for item in [x for x in expected if x not in got] + [x for x in got if x not in expected]:
                element = item[1] if kind in ("tasks_opened", "timers_armed") else self._element(item[0])
                found.append(problem(seq, f"{label} berbeda", element, _listing(expected, element, kind),
                                     _listing(got, element, kind)))
                break
        if recorded.get("messages", []) != rebuilt["messages"]:
            found.append(problem(seq, "pesan keluar berbeda", None, recorded.get("messages"), rebuilt["messages"]))
        return found

    def _element(self, stored_id):
        entry = self.tasks.get(stored_id) or self.timers.get(stored_id)
        return entry["element_id"] if entry else None

    def _frame(self, event, data):
        last = self.result.frames[-1] if self.result.frames else None
        variables = json.loads(canonical(RUNNER.case_data(self.workflow)))
        changed = {k: v for k, v in variables.items() if last is None or canonical(last.variables.get(k)) != canonical(v)}
        removed = sorted(k for k in (last.variables if last else {}) if k not in variables)
        open_tasks = [{"id": stored, "element_id": t["element_id"],
                       "name": self.bundle.user_tasks[t["element_id"]].name
                       if t["element_id"] in self.bundle.user_tasks else t["element_id"],
                       "due": t["due"], "assignee": t["assignee"]}
                      for stored, t in self.tasks.items() if t["status"] == TaskStatus.SIAP]
        timers = [{"id": stored, "element_id": t["element_id"], "due": t["due"]}
                  for stored, t in self.timers.items() if t["status"] == TimerStatus.MENUNGGU]
        return Frame(event.seq, event.type, event.at, event.actor, event.task_id, event.element_id, data,
                     CaseStatus.SELESAI if self.workflow.completed else CaseStatus.TERBUKA, variables, changed, removed,
                     open_tasks, timers, RUNNER.completed_steps(self.workflow))

    # -- the stored case ---------------------------------------------------------------------

    def _bind_unreferenced(self):
        """Events recorded before outcomes existed name only the tasks they act on: bind the rest
        to stored rows of the same element opened at the same instant."""
        for known, rows, opened in ((self.tasks, self.record.tasks, "created_at"), (self.timers, self.record.timers, None)):
            free = [r for r in rows if r.id not in known]
            for engine_id in [i for i in list(known) if self.stored_id.get(i) == i]:
                entry = known[engine_id]
                match = next((r for r in free if r.element_id == entry["element_id"]
                              and (opened is None or getattr(r, opened) == entry["opened_at"])), None)
                if match is not None:
                    free.remove(match)
                    self.stored_id[engine_id] = match.id
                    known[match.id] = known.pop(engine_id)

    def _compare_stored(self, last_seq):
        self._bind_unreferenced()
        record, found = self.record, []
        variables = self.snapshot.variables
        stored = {name: canonical(value) for name, value in json.loads(record.case.data or "{}").items()}
        for name in sorted(set(stored) | set(variables)):
            if stored.get(name) != variables.get(name):
                found.append(problem(self.set_by.get(name, last_seq), f"data kasus '{name}' berbeda", None,
                                     _value(variables.get(name)), _value(stored.get(name))))
        for name in INDEXED_VARIABLES:
            if canonical(getattr(record.case, name)) != variables.get(name, "null"):
                found.append(problem(self.set_by.get(name, last_seq), f"kolom kasus '{name}' berbeda", None,
                                     _value(variables.get(name)), getattr(record.case, name)))
        status = CaseStatus.SELESAI if self.workflow.completed else CaseStatus.TERBUKA
        if record.case.status != status:
            found.append(problem(last_seq, "status kasus berbeda", None, status, record.case.status))
        found += columns.compare(record.case, record.events, variables, [t.name for t in self.snapshot.ready.values()],
                                 *self.closed)
        found += self._compare_state(last_seq)
        found += self._compare_rows(record.tasks, self.tasks, "tugas", _task_fields)
        found += self._compare_rows(record.timers, self.timers, "timer", _timer_fields)
        for seq, names in sorted(self.messages.items()):
            sent = sorted(m.kind for m in record.outbox.get(seq, []))
            if sent != sorted(names):
                found.append(problem(seq, "pesan di outbox berbeda", None, sorted(names), sent))
        self.result.problems.extend(found)

    def _compare_state(self, last_seq):
        """The stored serialized workflow must be the rebuilt one: same variables, tasks, timers."""
        try:
            stored = RUNNER.load(self.bundle, self.record.case.state, self.record.events[-1].at)
        except Exception as exc:  # noqa: BLE001 - a state that does not even load is a finding
            return [problem(last_seq, f"keadaan alur kerja tersimpan tidak dapat dibaca: {exc}")]
        found = []
        texts = variable_texts(RUNNER.case_data(stored))
        for name in sorted(set(texts) | set(self.snapshot.variables)):
            if texts.get(name) != self.snapshot.variables.get(name):
                found.append(problem(self.set_by.get(name, last_seq), f"data '{name}' di keadaan alur kerja berbeda",
                                     None, _value(self.snapshot.variables.get(name)), _value(texts.get(name))))
        rebuilt = sorted((self.stored_id.get(i, i), t.element_id) for i, t in self.snapshot.ready.items())
        kept = sorted((t.id, t.element_id) for t in RUNNER.ready_tasks(self.bundle, stored))
        if rebuilt != kept:
            found.append(problem(last_seq, "tugas terbuka di keadaan alur kerja berbeda", None, rebuilt, kept))
        rebuilt = sorted((self.stored_id.get(t.task_id, t.task_id), t.element_id, instant(t.due))
                         for t in self.snapshot.timers.values())
        kept = sorted((t.task_id, t.element_id, instant(t.due)) for t in RUNNER.waiting_timers(stored))
        if rebuilt != kept:
            found.append(problem(last_seq, "timer di keadaan alur kerja berbeda", None, rebuilt, kept))
        return found

    def _compare_rows(self, rows, known, label, fields_of):
        found = []
        for row in rows:
            entry = known.get(row.id)
            if entry is None:
                found.append(problem(self.record.events[-1].seq, f"baris {label} tanpa peristiwa asal", row.element_id,
                                     None, row.id))
                continue
            expected, stored = fields_of(entry, self.record.usernames), fields_of(row, self.record.usernames)
            for name in expected:
                if expected[name] != stored[name]:
                    seq = entry["assignee_seq"] if name == "assignee" else (
                        entry["closed_seq"] if name in ("status", "closed_at", "completed_by") and entry["closed_seq"]
                        else entry["opened_seq"])
                    found.append(problem(seq or entry["opened_seq"], f"{label} {name} berbeda", entry["element_id"],
                                         expected[name], stored[name]))
        missing = set(known) - {row.id for row in rows}
        for stored_id in sorted(missing):
            entry = known[stored_id]
            found.append(problem(entry["opened_seq"], f"baris {label} hilang", entry["element_id"], stored_id, None))
        return found


def _task_fields(item, usernames):
    if isinstance(item, dict):
        return {"element_id": item["element_id"], "status": item["status"], "due": item["due"],
                "opened_at": instant(item["opened_at"]), "closed_at": instant(item["closed_at"]),
                "completed_by": item["completed_by"], "assignee": item["assignee"] if item["status"] == TaskStatus.SIAP else None,
                "role": item["role"], "wilayah": item["wilayah"]}
    return {"element_id": item.element_id, "status": item.status, "due": instant(item.due_at),
            "opened_at": instant(item.created_at), "closed_at": instant(item.completed_at),
            "completed_by": usernames.get(item.completed_by), "assignee":
                usernames.get(item.assignee_id) if item.status == TaskStatus.SIAP else None,
            "role": item.role, "wilayah": item.wilayah}


def _timer_fields(item, _usernames):
    if isinstance(item, dict):
        return {"element_id": item["element_id"], "status": item["status"], "due": item["due"],
                "fired_at": instant(item["closed_at"]) if item["status"] == "terpicu" else None}
    return {"element_id": item.element_id, "status": item.status, "due": instant(item.due_at),
            "fired_at": instant(item.fired_at)}


def _value(text):
    return "(tidak ada)" if text is None else text


def _listing(items, element, kind):
    if kind in ("tasks_opened", "timers_armed"):
        return [f"{e} batas {due}" for _i, e, due in items if e == element] or "(tidak ada)"
    return [how for _i, how in items] or "(tidak ada)"
