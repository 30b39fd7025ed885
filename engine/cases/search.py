"""Finding a case at the front office: a returning complainant by ticket number, NIK / No. KK or name,
inside the officer's area and confidentiality rules (the same scope as every case list)."""

import json
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from engine.cases.queries import case_scope, mask_identity
from engine.domain import access
from engine.domain.actor import Actor
from engine.errors import Forbidden, InvalidInput
from engine.i18n import N_
from engine.store.models import Case, db

LIMIT = 50
_CANDIDATES = 500  # rows read for a NIK or name before the exact check in Python
_TICKET = re.compile(r"\d{4}-\d{2}-\d{1,8}")


def find(actor: Actor, text: str) -> dict[str, Any]:
    """{'by': 'tiket'|'nik'|'nama', 'cases': [...]} newest first, at most LIMIT.

    A ticket number (or its start) searches tickets; 16 digits a NIK or family-card number;
    anything else (3 letters or more) the complainant's name. The identity shown follows
    access.may_see_identity, and cases hidden from the officer are never read.
    """
    if not access.allowed(actor, access.INTAKE):
        raise Forbidden(N_("Pencarian kasus untuk petugas meja depan dan fasilitator"))
    text = " ".join((text or "").split())
    if re.fullmatch(r"\d{16}", text):
        by, rows = "nik", _by_identity(actor, text, lambda p: text in (p.get("nik"), p.get("no_kk")))
    elif _TICKET.fullmatch(text) or re.fullmatch(r"\d{4}-\d{2}-?", text):
        by = "tiket"
        rows = list(db.session.scalars(select(Case).options(undefer(Case.data))
                                        .where(case_scope(actor), Case.ticket.startswith(text))
                                        .order_by(Case.created_at.desc(), Case.id.desc()).limit(LIMIT)))
    elif len(text) >= 3 and not text.isdigit():
        wanted = text.casefold()
        by, rows = "nama", _by_identity(actor, text, lambda p: wanted in (p.get("nama") or "").casefold())
    else:
        raise InvalidInput(N_("Pencarian tidak valid"), errors={"q": N_(
            "Isi nomor tiket (mis. 3203-26-00001), NIK atau No. KK 16 angka, atau nama pelapor minimal 3 huruf")})
    return {"by": by, "cases": [_row(actor, case) for case in rows]}


def _by_identity(actor, text, matches):
    """Cases in scope whose stored variables contain `text` (case-insensitive), checked exactly after reading."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (select(Case).options(undefer(Case.data))
             .where(case_scope(actor), func.lower(Case.data).like(pattern, escape="\\"))
             .order_by(Case.created_at.desc(), Case.id.desc()).limit(_CANDIDATES))
    found = []
    for case in db.session.scalars(query):
        if matches(json.loads(case.data or "{}").get("pelapor") or {}):
            found.append(case)
            if len(found) == LIMIT:
                break
    return found


def _row(actor, case):
    pelapor = json.loads(case.data or "{}").get("pelapor") or {}
    if not access.may_see_identity(actor, case):
        pelapor = mask_identity(pelapor)
    return {"id": case.id, "ticket": case.ticket, "created_at": case.created_at, "wilayah": case.wilayah,
            "status": case.status, "tahap": case.tahap, "program": case.program,
            "jenis_keluhan": case.jenis_keluhan, "nama": pelapor.get("nama"), "nik": pelapor.get("nik")}
