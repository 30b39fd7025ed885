"""Timer event definitions that read time from the script engine's clock, not the wall clock.

SpiffWorkflow's timers call `datetime.now()` themselves; these subclasses take `now` from
the workflow's `SandboxedScriptEngine`, so the engine (and tests, and operators firing
timers "as of" an instant) decide what time it is.
"""

import re
from datetime import datetime, timedelta, timezone
from typing import Any, overload

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

# What Camunda Modeler writes into a timer: a bare ISO-8601 duration, date-time or cycle.
_ISO_LITERAL = re.compile(
    r"^\s*("
    r"R\d*/[^\s'\"]+"                                   # repeating interval R3/PT1H, R/2026-01-01T00:00/P1D
    r"|P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?"   # duration P5D, PT4H
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?"        # date-time
    r")\s*$",
    re.IGNORECASE,
)


@overload
def quote_iso_literal(expression: str) -> str: ...
@overload
def quote_iso_literal(expression: None) -> None: ...
def quote_iso_literal(expression: str | None) -> str | None:
    """Return a Python string literal for a bare ISO-8601 timer value; anything else unchanged."""
    if expression is None:
        return None
    if _ISO_LITERAL.match(expression):
        return repr(expression.strip())
    return expression


def clock_now(my_task: Any) -> datetime:
    """The engine's current instant for this task's workflow (UTC)."""
    now = getattr(my_task.workflow.script_engine, "now", None)
    return now if now is not None else datetime.now(timezone.utc)


def _fire_once_due(my_task, expression, due_text):
    """Arm a one-off timer the first time it is seen (`due_text(value, now)`: its due instant as ISO
    text, kept in the task) and fire it once the engine clock reaches that instant."""
    event_value = my_task._get_internal_data("event_value")
    now = clock_now(my_task)
    if event_value is None:
        event_value = due_text(my_task.workflow.script_engine.evaluate(my_task, expression), now)
        my_task._set_internal_data(event_value=event_value)
    if TimerEventDefinition.get_datetime(event_value) <= now:
        my_task._set_internal_data(event_fired=True)
    return my_task._get_internal_data("event_fired", False)


def _date_due(value, _now):
    return TimerEventDefinition.get_datetime(value).isoformat()


def _duration_due(value, now):
    if isinstance(value, datetime):
        due = value
    else:
        due = now + TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(value), now)
    return due.astimezone(timezone.utc).isoformat()


class ClockedTimeDateEventDefinition(TimeDateEventDefinition):
    """A timer at a fixed date-time, compared with the engine clock."""

    def has_fired(self, my_task: Any) -> bool:
        return _fire_once_due(my_task, self.expression, _date_due)


class ClockedDurationTimerEventDefinition(DurationTimerEventDefinition):
    """A timer a duration after it was armed, armed and compared with the engine clock."""

    def has_fired(self, my_task: Any) -> bool:
        return _fire_once_due(my_task, self.expression, _duration_due)


class ClockedCycleTimerEventDefinition(CycleTimerEventDefinition):
    """A repeating timer whose cycles are counted against the engine clock."""

    def cycle_complete(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        now = clock_now(my_task)
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = _parse_cycle(expression, now)
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def _parse_cycle(expression, now):
    components = expression.upper().replace("--", "/").strip("R").split("/")
    cycles = int(components[0]) if components[0] else -1
    if len(components) == 2:
        parsed = TimerEventDefinition.parse_iso_duration(components[1])
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, now)
        return cycles, now + duration, duration
    return TimerEventDefinition.parse_iso_recurring_interval(expression)


CLOCKED = {
    TimeDateEventDefinition: ClockedTimeDateEventDefinition,
    DurationTimerEventDefinition: ClockedDurationTimerEventDefinition,
    CycleTimerEventDefinition: ClockedCycleTimerEventDefinition,
}
