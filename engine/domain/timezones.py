"""The district's local time: Indonesia's three zones (WIB, WITA, WIT) chosen by the province.

A BPS area code starts with its province's two digits, so the zone of any case, task or officer
follows from its `wilayah`. An instant without an area (a national officer's page) is shown in the
installation's configured zone (`sla.utc_offset_jam`). Pure: nothing here reads the clock.
"""

from datetime import datetime, timedelta, timezone

ZONE_LABELS = {7: "WIB", 8: "WITA", 9: "WIT"}

# Permendagri / Keppres 41/1987: WITA covers Bali, Nusa Tenggara, South, East and North Kalimantan
# and Sulawesi; WIT covers Maluku and Papua; every other province is WIB.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def offset_hours(wilayah: str | None, default: int = 7) -> int:
    """Hours ahead of UTC in the area's province (`default` when there is no area)."""
    province = (wilayah or "")[:2]
    if len(province) < 2 or not province.isdigit():
        return default
    if province in _WITA:
        return 8
    if province in _WIT:
        return 9
    return 7


def zone(wilayah: str | None, default: int = 7) -> timezone:
    return timezone(timedelta(hours=offset_hours(wilayah, default)))


def as_instant(value: datetime | str) -> datetime:
    """A stored instant as an aware UTC datetime (SQLite gives naive UTC; events keep ISO text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def local_text(value: datetime | str | None, wilayah: str | None, default: int = 7,
               pattern: str = "%d-%m-%Y %H:%M") -> str:
    """'31-03-2026 10:00 WIB': the instant in the area's zone with the zone's label; '-' for none."""
    if value is None or value == "":
        return "-"
    hours = offset_hours(wilayah, default)
    local = as_instant(value).astimezone(timezone(timedelta(hours=hours)))
    return f"{local:{pattern}} {ZONE_LABELS.get(hours, f'UTC{hours:+d}')}"
