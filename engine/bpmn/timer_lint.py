"""Whether a BPMN timer's value would run: an ISO-8601 duration, date or cycle, or an expression the
sandbox allows that evaluates to one (engine/bpmn/lint.py reports it against the timer's element)."""

import re
from collections.abc import Iterable
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.bpmn import expressions
from engine.bpmn.functions import CLOCK_FUNCTION_NAMES
from engine.bpmn.sandbox import SandboxEnvironment
from engine.bpmn.timers import _parse_cycle, quote_iso_literal
from engine.errors import ExpressionRejected
from engine.i18n import N_

JUEL = re.compile(r"[$#]\{")  # a Camunda (JUEL) expression, which this engine does not run
_EVAL_NOW = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)


def timer_problem(kind: str, text: str | None, functions: Iterable[str] = CLOCK_FUNCTION_NAMES) -> str | None:
    """Why a timer value would not run (Indonesian), or None when it works."""
    if not text:
        return N_("timer tanpa ekspresi waktu (nilainya kosong)")
    if JUEL.search(text):
        return N_("ekspresi timer JUEL '{nilai}' tidak didukung", nilai=text)
    source = quote_iso_literal(text)
    try:
        expressions.check(source, "eval", frozenset(functions))
    except ExpressionRejected as exc:
        return N_("nilai timer '{nilai}' tidak dapat dibaca: bukan durasi/tanggal ISO-8601 (mis. P3D, PT4H, "
                  "2026-12-31T09:00:00+07:00) dan bukan ekspresi yang diizinkan ({sebab})", nilai=text, sebab=exc.message)
    from engine.bpmn.runner import default_clock_functions

    bound = {name: (lambda f: lambda *args: f(_EVAL_NOW, *args))(f) for name, f in default_clock_functions().items()}
    try:
        value = SandboxEnvironment(bound).evaluate(source, {})
    except NameError as exc:
        name = str(exc).split("'")[1] if "'" in str(exc) else str(exc)
        if re.match(r"^[PR]\d|^P?T\d", name, re.IGNORECASE):
            return N_("nilai timer '{nilai}' bukan durasi ISO-8601 yang valid (contoh: P3D, PT4H, P1DT12H)", nilai=text)
        return None  # depends on case data; checked when it runs
    except Exception as exc:
        return N_("nilai timer '{nilai}' tidak dapat dihitung: {sebab}", nilai=text, sebab=str(exc))
    try:
        if kind == "timeDuration" and not isinstance(value, datetime):
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeDate":
            TimerEventDefinition.get_datetime(value) if not isinstance(value, datetime) else value
        elif kind == "timeCycle":
            _parse_cycle(value, _EVAL_NOW)
    except Exception:
        names = {"timeDuration": N_("durasi"), "timeDate": N_("tanggal"), "timeCycle": N_("siklus")}
        return N_("nilai timer '{nilai}' bukan {jenis} ISO-8601 yang valid", nilai=text, jenis=names[kind])
    return None
