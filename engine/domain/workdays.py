"""Indonesian working days: weekends, national holidays, joint leave days (cuti bersama) and
regional days off are not counted. Pure: every function takes the instant it counts from."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import holidays

WIB = timezone(timedelta(hours=7))


@lru_cache(maxsize=32)
def _national(year):
    """National holidays and joint leave days of one year, from the maintained `holidays` library."""
    days = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(days)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days count; `regional` adds a district's own days off (ISO dates)."""

    tz: timezone = WIB
    regional: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _national(day.year) and day.isoformat() not in self.regional

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The instant `days` working days after `start`, at the same local time of day.

        Counting begins the day after `start`, so a limit of 3 working days set on a Friday
        falls on Wednesday (or later, when holidays intervene).
        """
        if days < 0:
            raise ValueError("jumlah hari kerja tidak boleh negatif")
        local = start.astimezone(self.tz)
        day, counted = local.date(), 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, local.timetz()).astimezone(timezone.utc)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """How many working days lie after `start`'s day up to and including `end`'s day."""
        first, last = start.astimezone(self.tz).date(), end.astimezone(self.tz).date()
        return sum(1 for n in range(1, (last - first).days + 1) if self.is_working_day(first + timedelta(days=n)))


def calendar_from(settings_sla: Mapping[str, Any] | None) -> WorkCalendar:
    """A WorkCalendar from the `sla` section of the configuration."""
    offset = int((settings_sla or {}).get("utc_offset_jam", 7))
    regional = frozenset(str(d) for d in (settings_sla or {}).get("libur_daerah", []) or [])
    return WorkCalendar(timezone(timedelta(hours=offset)), regional)


def parse_day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
