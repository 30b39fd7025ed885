"""Functions diagrams may call; the engine provides them at run time, so their names pass the
sandbox when a diagram is loaded. Each is given the engine's clock as its first argument."""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.domain.sla import SlaPolicy
    from engine.domain.workdays import WorkCalendar

CLOCK_FUNCTION_NAMES = ("hari_kerja", "batas_sla", "pengingat_sla")


def clock_functions(calendar: "WorkCalendar", policy: "SlaPolicy") -> dict[str, Callable[..., str]]:
    """{name: f(now, *args)} for a working-day calendar and an SLA policy; results are ISO instants."""

    def hari_kerja(now, days):
        return calendar.add_working_days(now, int(days)).isoformat()

    def batas_sla(now, key):
        return policy.limit(key).due(now, calendar).isoformat()

    def pengingat_sla(now, key):
        limit = policy.limit(key)
        return (limit.reminder(now, calendar) or limit.due(now, calendar)).isoformat()

    return {"hari_kerja": hari_kerja, "batas_sla": batas_sla, "pengingat_sla": pengingat_sla}
