"""Case lists for download: the actor's scope, the case columns, never the complainant's identity.

Only indexed case columns are exported; the case variables (which hold `pelapor` and the free
text `uraian`, where people often write names) are not, whatever `rahasia` says. A cell that would
start a formula in a spreadsheet program gets a leading apostrophe: the step name and the
destination come from diagrams, and diagrams are untrusted.
"""

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.domain import access
from engine.domain.cells import neutralised
from engine.domain.labels import VALUES, value_label
from engine.domain.timezones import local_text
from engine.domain.actor import Actor
from engine.errors import Forbidden
from engine.cases.queries import case_scope
from engine.i18n import N_
from engine.store.models import Case, db

# the header of each column, in the reader's language (labels, never codes)
HEADERS = {
    "ticket": N_("Tiket"), "status": N_("Status"), "tahap": N_("Tahap"), "wilayah": N_("Kode wilayah"),
    "kanal": N_("Kanal"), "jenis_keluhan": N_("Jenis keluhan"), "program": N_("Program"), "kategori": N_("Kategori"),
    "sektor": N_("Sektor"), "tujuan_rujukan": N_("Tujuan rujukan"), "saluran_rujukan": N_("Saluran rujukan"),
    "hasil_akhir": N_("Hasil akhir"), "created_at": N_("Diterima"), "updated_at": N_("Diperbarui"),
    "closed_at": N_("Ditutup"),
}
# columns holding a diagram text (a task's name) or a status: shown through the catalogue
TRANSLATED = ("status", "tahap")
COLUMNS = ("ticket", "status", "tahap", "wilayah", "kanal", "jenis_keluhan", "program", "kategori", "sektor",
           "tujuan_rujukan", "saluran_rujukan", "hasil_akhir", "created_at", "updated_at", "closed_at")


def _cell(column: str, value: Any, wilayah: str, default_offset: int, translate: Callable[[Any], str]) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_text(value, wilayah, default_offset)
    if column in TRANSLATED:
        return neutralised(translate(value))
    if column != "program" or value in VALUES["program"]:
        label = value_label(column, value)
        value = translate(label) if label is not value else value
    return neutralised(value)


def cases_csv(actor: Actor, default_offset: int = 7, translate: Callable[[Any], str] = str) -> str:
    """CSV text of every case the actor may see, oldest first; times in each case's district zone
    with its label (`default_offset`: hours ahead of UTC for a case without an area)."""
    if not access.allowed(actor, access.EXPORT):
        raise Forbidden(N_("Anda tidak berwenang mengunduh data kasus"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([translate(HEADERS[c]) for c in COLUMNS])
    query = select(*[getattr(Case, c) for c in COLUMNS]).where(case_scope(actor)).order_by(Case.created_at, Case.id)
    for row in db.session.execute(query):
        writer.writerow([_cell(c, v, row.wilayah, default_offset, translate) for c, v in zip(COLUMNS, row)])
    return out.getvalue()
