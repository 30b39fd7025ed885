"""Template filters that show instants the way the district reads them: its own zone, labelled.

One rule for every page: `{{ instant | waktu(case.wilayah) }}` shows the instant in the zone of
the case's province (WIB, WITA or WIT) with the zone's label. Without an area it uses the area of
the page (`g.zona_wilayah`, set by views that show one area, such as a report) or else the signed-in
officer's area, and for an officer without an area the configured zone (`sla.utc_offset_jam`).
"""

from flask import current_app, g

from web.i18n import gettext

from engine.domain.labels import VALUES, value_label, variable_label
from engine.domain.timezones import ZONE_LABELS, local_text, offset_hours


def default_offset() -> int:
    return int((current_app.config["SLRT_SETTINGS"].sla or {}).get("utc_offset_jam", 7))


def page_area() -> str:
    """The area whose zone the current page speaks in when an instant has none of its own."""
    area = g.get("zona_wilayah")
    if area:
        return area
    actor = g.get("actor")
    return getattr(actor, "wilayah", "") or ""


def waktu(instant, wilayah=None, seconds=False):
    """'31-03-2026 10:00 WIB' for a stored UTC instant (naive values from SQLite and ISO text are UTC)."""
    pattern = "%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M"
    return local_text(instant, wilayah or page_area(), default_offset(), pattern)


def tanggal(instant, wilayah=None):
    """'31-03-2026': the local date of an instant in the area's zone."""
    return local_text(instant, wilayah or page_area(), default_offset(), "%d-%m-%Y").rsplit(" ", 1)[0]


def label(code, variable):
    """The label of a vocabulary code in the page's language ('non_kepesertaan' → 'Non-kepesertaan');
    a program code by its catalogue name."""
    if code is None or code == "":
        return "-"
    if variable == "program" and code not in VALUES["program"]:
        return code
    return gettext(value_label(variable, code))


def zona(wilayah=None):
    """{'hours': 8, 'label': 'WITA'}: the area's zone, for scripts that format instants in the page."""
    hours = offset_hours(wilayah or page_area(), default_offset())
    return {"hours": hours, "label": ZONE_LABELS.get(hours, f"UTC{hours:+d}")}


def init_app(app):
    app.jinja_env.filters["waktu"] = waktu
    app.jinja_env.filters["tanggal"] = tanggal
    app.jinja_env.filters["zona"] = zona
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["nama_variabel"] = lambda name: gettext(variable_label(name))
