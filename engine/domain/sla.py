"""Service-level limits per task, from configuration: working days or hours, and a reminder.

The defaults follow the national complaint channel (SP4N-LAPOR!): forward within 3 working
days, the agency answers within 5, a case closes 10 working days after the answer when the
complainant says nothing, and complaints answered on the spot are acknowledged the same day.
"""

from dataclasses import dataclass
from collections.abc import Mapping
from datetime import datetime, timedelta
from fnmatch import fnmatch
from typing import Any

from engine.domain.workdays import WorkCalendar
from engine.errors import InvalidInput
from engine.i18n import N_

DEFAULT_LIMITS = {
    "penerusan": {"hari_kerja": 3, "pengingat_hari_kerja": 2},
    "tanggapan_rujukan": {"hari_kerja": 5, "pengingat_hari_kerja": 4},
    "penutupan": {"hari_kerja": 10},
    "pengakuan": {"jam": 8},
}


@dataclass(frozen=True)
class Limit:
    working_days: int | None = None
    hours: float | None = None
    reminder_working_days: int | None = None

    def due(self, start: datetime, calendar: WorkCalendar) -> datetime:
        if self.working_days is not None:
            return calendar.add_working_days(start, self.working_days)
        assert self.hours is not None  # from_config sets exactly one of the two
        return start + timedelta(hours=self.hours)

    def reminder(self, start: datetime, calendar: WorkCalendar) -> datetime | None:
        if self.reminder_working_days is None:
            return None
        return calendar.add_working_days(start, self.reminder_working_days)


# Which limit a human task gets when its diagram sets no boundary timer: element-id patterns
# (fnmatch), first match wins.
DEFAULT_TASKS = {"*_Tanggapi": "tanggapan_rujukan", "Task_HasilVerifikasi": "tanggapan_rujukan",
                 "Task_TerimaSaran": "tanggapan_rujukan", "*": "penerusan"}


@dataclass(frozen=True)
class SlaPolicy:
    limits: dict
    tasks: tuple = ()

    def task_due(self, element_id: str, start: datetime, calendar: WorkCalendar) -> datetime | None:
        """When a task opened at `start` falls due under the policy (None if no pattern fits)."""
        for pattern, key in self.tasks:
            if fnmatch(element_id, pattern):
                return self.limit(key).due(start, calendar)
        return None

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> "SlaPolicy":
        """Defaults overlaid by `sla.batas` from config.yaml; a malformed entry is refused by name."""
        raw = {**DEFAULT_LIMITS, **((section or {}).get("batas") or {})}
        limits = {}
        for key, spec in raw.items():
            days, hours = spec.get("hari_kerja"), spec.get("jam")
            if (days is None) == (hours is None):
                raise InvalidInput(N_("Konfigurasi SLA tidak valid"),
                                   errors={f"sla.batas.{key}": N_("isi tepat satu dari hari_kerja atau jam")})
            limits[key] = Limit(int(days) if days is not None else None, float(hours) if hours is not None else None,
                                spec.get("pengingat_hari_kerja"))
        tasks = tuple(((section or {}).get("tugas") or DEFAULT_TASKS).items())
        unknown = sorted({key for _pattern, key in tasks if key not in limits})
        if unknown:
            raise InvalidInput(N_("Konfigurasi SLA tidak valid"),
                               errors={"sla.tugas": N_("batas tidak dikenal: {batas}", batas=", ".join(unknown))})
        return cls(limits, tasks)

    def limit(self, key: str) -> Limit:
        if key not in self.limits:
            raise KeyError(f"tidak ada batas SLA bernama '{key}'")
        return self.limits[key]
