"""Case lists for download: the actor's scope, the case columns, never the complainant's identity.

Only indexed case columns are exported; the case variables (which hold `pelapor` and the free
text `uraian`, where people often write names) are not, whatever `rahasia` says. A cell that would
start a formula in a spreadsheet program gets a leading apostrophe: the step name and the
destination come from diagrams, and diagrams are untrusted.
"""

import csv
import io
from datetime import datetime

from sqlalchemy import select

from engine.domain import access
from engine.domain.cells import neutralised
from engine.domain.timezones import local_text
from engine.domain.actor import Actor
from engine.errors import Forbidden
from engine.cases.queries import case_scope
from engine.i18n import N_
from engine.store.models import Case, db

COLUMNS = ("ticket", "status", "tahap", "wilayah", "kanal", "jenis_keluhan", "program", "kategori", "sektor",
           "tujuan_rujukan", "saluran_rujukan", "hasil_akhir", "created_at", "updated_at", "closed_at")


def cases_csv(actor: Actor, default_offset: int = 7) -> str:
    """CSV text of every case the actor may see, oldest first; times in each case's district zone
    with its label (`default_offset`: hours ahead of UTC for a case without an area)."""
    if not access.allowed(actor, access.EXPORT):
        raise Forbidden(N_("Anda tidak berwenang mengunduh data kasus"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    query = select(*[getattr(Case, c) for c in COLUMNS]).where(case_scope(actor)).order_by(Case.created_at, Case.id)
    for row in db.session.execute(query):
        wilayah = row.wilayah
        writer.writerow(["" if v is None else (local_text(v, wilayah, default_offset) if isinstance(v, datetime)
                                               else neutralised(v)) for v in row])
    return out.getvalue()
