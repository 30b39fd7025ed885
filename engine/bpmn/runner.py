"""Run cases on a ProcessBundle: start, list ready human tasks, complete, fire timers.

This is the only place that drives SpiffWorkflow at run time. Every call takes `now`; the
script engine is set again after every load because SpiffWorkflow does not serialize it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.forms import validate_submission, with_options
from engine.bpmn.functions import clock_functions
from engine.bpmn.parser import ProcessBundle
from engine.domain.sla import SlaPolicy
from engine.domain.workdays import WorkCalendar
from engine.bpmn.sandbox import SandboxedScriptEngine
from engine.bpmn.serializer import StateSerializer
from engine.errors import Conflict, NotFound, SlrtError, WorkflowFailure
from engine.i18n import N_


@dataclass(frozen=True)
class ReadyTask:
    """A human task waiting for an officer."""

    id: str
    element_id: str
    name: str
    lane: str
    role: str
    form: list
    due: datetime | None = None


@dataclass(frozen=True)
class WaitingTimer:
    """An armed timer and the instant it falls due."""

    task_id: str
    element_id: str
    name: str
    due: datetime
    attached_to: str | None = None  # the human task a boundary timer sits on
    notice: str | None = None  # who is told when it fires: "pengingat", "atasan" (camunda:property pemberitahuan)
    interrupting: bool = False


class Runner:
    """Drives workflows of any bundle; holds no per-case state."""

    def __init__(self, functions=None, clock_functions=None, option_sources=None, derive=None):
        self.functions = dict(functions or {})
        self.clock_functions = dict(clock_functions or default_clock_functions())
        self.serializer = StateSerializer()
        # option_sources() -> {source: options} for engine-sourced enum fields (forms.OPTION_SOURCES);
        # derive(values) -> the variables that follow from submitted values (e.g. a program's SOP)
        self.option_sources = option_sources or dict
        self.derive = derive

    def _engine(self, now):
        return SandboxedScriptEngine(self.functions, now=now, clock_functions=self.clock_functions)

    def start(self, bundle: ProcessBundle, data: dict[str, Any], now: datetime) -> BpmnWorkflow:
        """Create a workflow with `data` as the start data and run it to its first wait."""
        workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=self._engine(now))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        self._run_engine(workflow)
        return workflow

    def load(self, bundle: ProcessBundle, state: str, now: datetime) -> BpmnWorkflow:
        """Rebuild a workflow from its stored state."""
        workflow = self.serializer.loads(state, bundle)
        workflow.script_engine = self._engine(now)
        return workflow

    def dump(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as a JSON string (without its specs)."""
        return self.serializer.dumps(workflow)

    def set_clock(self, workflow: BpmnWorkflow, now: datetime) -> None:
        workflow.script_engine.now = now

    def ready_tasks(self, bundle: ProcessBundle, workflow: BpmnWorkflow) -> list[ReadyTask]:
        """Human tasks that are ready, in a stable order, each due when its first boundary timer is."""
        ready = []
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            info = bundle.user_tasks.get(task.task_spec.name)
            if info is None:
                continue
            ready.append(ReadyTask(str(task.id), info.bpmn_id, info.name, info.lane, info.role, info.form,
                                   _boundary_due(task)))
        return ready

    def complete(self, bundle: ProcessBundle, workflow: BpmnWorkflow, task_id: str, submitted: Any,
                 now: datetime, derive: Any = None, sources: Any = None) -> dict[str, Any]:
        """Validate `submitted` against the task's form, complete it and run on to the next wait.

        Returns the values that were merged into the task data: the submitted ones and what
        `derive` (else the runner's own) adds for them (replay passes what was recorded).
        `sources` (else the runner's own) gives the options of engine-sourced enum fields: an
        officer's completion passes those valid in the case's area.
        """
        task = self._find_task(workflow, task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict(N_("Tugas ini sudah tidak menunggu penyelesaian"), task_id=task_id)
        info = bundle.user_tasks.get(task.task_spec.name)
        fields = with_options(info.form, sources or self.option_sources) if info else []
        values = validate_submission(fields, submitted, task.data)
        derive = derive or self.derive
        if derive is not None:
            values.update(derive(values))
        self.set_clock(workflow, now)
        task.data.update(values)
        _diagram_step(task.run)
        self._run_engine(workflow)
        return values

    def waiting_timers(self, workflow: BpmnWorkflow) -> list[WaitingTimer]:
        """Every armed timer with its due instant (UTC)."""
        timers = []
        for task in workflow.event_manager.tasks.values():
            if not _definitions_of(task, TimerEventDefinition):  # a timer, or one of an event-based gateway's
                continue
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):
                value = value.get("next")
            if value is None:
                continue
            timers.append(WaitingTimer(
                str(task.id), task.task_spec.bpmn_id, task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                TimerEventDefinition.get_datetime(value), _attached_task(task), _notice(task.task_spec),
                bool(getattr(task.task_spec, "cancel_activity", False)),
            ))
        return sorted(timers, key=lambda t: (t.due, t.task_id))

    def fire_due_timers(self, workflow: BpmnWorkflow, now: datetime) -> list[WaitingTimer]:
        """Fire every timer due at `now` and run on; return the timers that fired."""
        due = [t for t in self.waiting_timers(workflow) if t.due <= now]
        if not due:
            return []
        self.set_clock(workflow, now)
        _diagram_step(workflow.refresh_timers)
        self._run_engine(workflow)
        return due

    def waiting_messages(self, workflow: BpmnWorkflow) -> list[str]:
        """Names of the messages the case is waiting for now (message catches, event-based gateways)."""
        return sorted({d.name for d in _message_catches(workflow) if d.name})

    def deliver_message(self, workflow: BpmnWorkflow, name: str, payload: dict[str, Any], now: datetime) -> None:
        """Hand a message from outside to the case and run on; its payload becomes the variable `pesan`.

        Conflict when the case is not waiting for a message of that name.
        """
        waiting = [d for d in _message_catches(workflow) if d.name == name]
        if not waiting:
            raise Conflict(N_("Kasus ini tidak sedang menunggu pesan '{pesan}'", pesan=name), pesan=name)
        self.set_clock(workflow, now)
        definition = waiting[0]
        event = BpmnEvent(definition, payload={"payload": dict(payload), "result_var": MESSAGE_VARIABLE})
        _diagram_step(lambda: workflow.catch(event))
        self._run_engine(workflow)

    def take_messages(self, workflow: BpmnWorkflow) -> list[tuple[str, Any]]:
        """Messages the diagram threw that nothing inside it caught: [(name, payload)], removed.

        Other events that leave the workflow (a terminate end's, an error no one caught) are no
        message to anyone and are dropped with them."""
        messages = []
        for event in workflow.get_events():
            if not isinstance(event.event_definition, MessageEventDefinition):
                continue
            payload = event.payload.get("payload") if isinstance(event.payload, dict) else event.payload
            messages.append((event.event_definition.name, payload))
        return messages

    def case_data(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The case's current variables: the last completed step, overlaid by what is ready.

        A finished case whose event subprocess ran ends on two branches (the main flow's end and the
        event subprocess's); which of them finished last is no rule, so the main flow's end is
        taken and what each event subprocess changed is laid over it."""
        if workflow.completed:
            ends = _finished_branches(workflow)
            if ends:
                return ends
        data = dict(workflow.last_task.data) if workflow.last_task is not None else {}
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            data.update(task.data)
        if not data:
            data = dict(workflow.task_tree.data)
        return data

    def completed_steps(self, workflow: BpmnWorkflow) -> list[str]:
        """BPMN ids of the flow nodes that have completed, in order."""
        done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if getattr(t.task_spec, "bpmn_id", None)]
        return [t.task_spec.bpmn_id for t in sorted(done, key=lambda t: t.last_state_change)]

    def _run_engine(self, workflow):
        _diagram_step(workflow.do_engine_steps)
        if _close_idle_event_subprocesses(workflow):
            _diagram_step(workflow.do_engine_steps)

    @staticmethod
    def _find_task(workflow, task_id):
        try:
            task = workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, TypeError, KeyError):
            task = None
        if task is None:
            raise NotFound(N_("Tugas tidak ditemukan"), task_id=task_id)
        return task


def _message_catches(workflow):
    """Message definitions the case would catch now: waiting catches, event-based gateways, and the
    start events of message event subprocesses while the case runs."""
    found = [d for t in workflow.event_manager.tasks.values() for d in _definitions_of(t, MessageEventDefinition)]
    if not workflow.completed:
        for name in workflow.spec.start.trigger_specs:
            spec = workflow.subprocess_specs.get(name)
            found.extend(ts.event_definition for ts in getattr(spec, "bpmn_start_events", [])
                         if isinstance(ts.event_definition, MessageEventDefinition))
    return found


def _finished_branches(workflow):
    """The data of a finished workflow: its main end's, with each event subprocess's changes laid over."""
    main, handlers = None, []
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        if task.workflow is not workflow:
            continue
        handler = next((a for a in [task, *_ancestors(task)] if _event_subprocess(workflow, a)), None)
        if handler is None:
            if task.task_spec is workflow.spec.end:
                main = task.data
        elif not any(c.state == TaskState.COMPLETED for c in task.children):  # where the handler's branch ended
            start = handler.parent.data if handler.parent is not None else {}
            handlers.append((task.last_state_change, {k: v for k, v in task.data.items()
                                                      if k not in start or start[k] != v}))
    if main is None:
        return None
    data = dict(main)
    for _when, changed in sorted(handlers, key=lambda item: item[0]):
        data.update(changed)
    return data


def _close_idle_event_subprocesses(workflow):
    """When the main flow has ended, cancel the event subprocesses still waiting for their trigger.

    An event subprocess lives while its process does; SpiffWorkflow keeps one waiting at its timer
    or message start (and its end join waits for it), so a case whose work was done would never
    close. One already triggered runs on: the case closes when it ends. True if any was cancelled."""
    if workflow.completed:
        return False
    idle = []
    for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        if task.workflow is not workflow or task.task_spec is workflow.spec.end or task.task_spec.name == "End":
            continue  # the process's end join and end, waiting for everything else
        if not (_event_subprocess(workflow, task) and _waits_for_trigger(workflow, task)):
            return False  # the main flow (or a triggered handler) is still at work
        idle.append(task)
    for task in idle:
        task.cancel()
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if task.workflow is workflow and task.task_spec is workflow.spec.end:
            task.task_spec._update(task)  # the end join looks again: nothing is left to wait for
    return bool(idle)


def _waits_for_trigger(workflow, task):
    """An event subprocess's task whose subprocess has done nothing but wait at its start event."""
    sub = workflow.subprocesses.get(task.id)
    if sub is None:
        return task.state in (TaskState.FUTURE, TaskState.LIKELY, TaskState.MAYBE, TaskState.WAITING)
    active = [t for t in sub.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING)]
    return all(t.state == TaskState.WAITING and t.task_spec in sub.spec.start.outputs for t in active)


def _event_subprocess(workflow, task):
    """An event subprocess's task: a subprocess the process's start opens beside its start events
    (SpiffWorkflow's Camunda parser gives it the call activity's class)."""
    return isinstance(task.task_spec, SubWorkflowTask) and task.parent is not None and \
        task.parent.task_spec is workflow.spec.start


def _ancestors(task):
    parent = task.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _definitions_of(task, kind):
    """The event definitions of `kind` a waiting task catches: its own, or those of an event-based gateway."""
    definition = task.task_spec.event_definition
    return [d for d in [definition, *getattr(definition, "event_definitions", [])] if isinstance(d, kind)]


def _attached_task(timer_task):
    """The id of the human task a boundary timer is attached to (its manual sibling), if any."""
    parent = timer_task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    for sibling in parent.children:
        if sibling is not timer_task and getattr(sibling.task_spec, "manual", False):
            return str(sibling.id)
    return None


def default_clock_functions() -> dict[str, Callable[..., str]]:
    """Working days in WIB with no regional days off, and the default SLA limits."""
    return clock_functions(WorkCalendar(), SlaPolicy.from_config({}))


REMINDER = "pengingat"
MESSAGE_VARIABLE = "pesan"  # where the payload of a message from outside lands in the case variables


def _notice(task_spec):
    return (getattr(task_spec, "extensions", None) or {}).get("pemberitahuan")


def _boundary_due(task):
    """The earliest armed timer among the boundary events attached to this task (its siblings).

    Reminders (`pemberitahuan` = "pengingat") come before the limit and are not the due time.
    """
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    dues = []
    for sibling in parent.children:
        if _notice(sibling.task_spec) == REMINDER:
            continue
        definition = getattr(sibling.task_spec, "event_definition", None)
        value = sibling.internal_data.get("event_value") if isinstance(definition, TimerEventDefinition) else None
        if isinstance(value, dict):
            value = value.get("next")
        if value:
            dues.append(TimerEventDefinition.get_datetime(value))
    return min(dues) if dues else None


def _diagram_step(action):
    """Run one step of the engine; what the diagram does wrong there surfaces as WorkflowFailure."""
    try:
        action()
    except SlrtError:
        raise
    except SpiffWorkflowException as exc:
        raise _failure(exc) from exc


def _failure(exc):
    cause = _slrt_cause(exc)
    task_spec = getattr(getattr(exc, "task", None), "task_spec", None)
    element = getattr(task_spec, "bpmn_id", None) or getattr(exc, "task_id", None)
    if isinstance(cause, SlrtError):
        if element and not cause.context.get("element_id"):
            cause.context["element_id"] = element  # e.g. which script ran past its budget
            cause.context["element_name"] = getattr(task_spec, "bpmn_name", None)
        return cause
    return WorkflowFailure(N_("Diagram gagal dijalankan: {sebab}", sebab=str(exc)), element_id=element)


def _slrt_cause(exc):
    """The product's own error somewhere under SpiffWorkflow's wrappers, else the first cause."""
    first = exc.__cause__ or getattr(exc, "exception", None)
    seen, current = set(), exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SlrtError):
            return current
        current = current.__cause__ or getattr(current, "exception", None) or current.__context__
    return first
