"""Template filters that show instants the way the district reads them (its own time zone)."""

from datetime import timezone

ZONE_NAMES = {7: "WIB", 8: "WITA", 9: "WIT"}


def init_app(app):
    calendar = _calendar(app)

    def waktu(instant, with_zone=True):
        """'31-03-2026 10:00 WIB' for a stored UTC instant (naive values from SQLite are UTC)."""
        if instant is None:
            return "-"
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=timezone.utc)
        local = instant.astimezone(calendar.tz)
        hours = int(local.utcoffset().total_seconds() // 3600)
        zone = ZONE_NAMES.get(hours, f"UTC{hours:+d}")
        return f"{local:%d-%m-%Y %H:%M}" + (f" {zone}" if with_zone else "")

    app.jinja_env.filters["waktu"] = waktu


def _calendar(app):
    from engine.domain.workdays import calendar_from

    return calendar_from(app.config["SLRT_SETTINGS"].sla)
