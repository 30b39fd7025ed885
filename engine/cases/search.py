"""Finding a case at the front office: a returning complainant by ticket number, NIK / No. KK or name,
inside the officer's area and confidentiality rules (the same scope as every case list).

NIK, No. KK and name are found through `case_search_keys`, written at intake: a SHA-256 digest of the
16 digits, and of each word of the name and each of its starts of three letters or more (so "euis koma"
finds Euis Komalasari). A search is an exact, indexed lookup of those digests, never a scan of the case
variables; the table holds no NIK or name in the clear. A case whose identity the officer may not see
(access.may_see_identity) never matches by identity: only its ticket number finds it.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import undefer

from engine.cases.queries import case_scope, mask_identity
from engine.domain import access
from engine.domain.actor import Actor
from engine.errors import Forbidden, InvalidInput
from engine.i18n import N_
from engine.store.models import Case, CaseSearchKey, db

LIMIT = 50
_CANDIDATES = 500  # cases read for a NIK or name before the area and confidentiality checks
_TICKET = re.compile(r"\d{4}-\d{2}-\d{1,8}")
_WORD = re.compile(r"\w+")
_SHORTEST_START = 3
_MOST_WORDS = 5


def digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8")).hexdigest()


def _words(name: str) -> list[str]:
    return _WORD.findall((name or "").casefold())


def identity_keys(pelapor: Mapping[str, Any]) -> set[str]:
    """The digests a complainant is found by: NIK, No. KK, each name word and its starts of 3+ letters."""
    keys = {digest("nomor", str(pelapor[name]).strip()) for name in ("nik", "no_kk") if pelapor.get(name)}
    for word in _words(pelapor.get("nama") or ""):
        keys |= {digest("nama", word[:n]) for n in range(min(_SHORTEST_START, len(word)), len(word) + 1)}
    return keys


def remember(case_id: int, pelapor: Mapping[str, Any]) -> None:
    """Write a new case's search keys (in the intake's transaction)."""
    keys = identity_keys(pelapor or {})
    if keys:
        db.session.execute(insert(CaseSearchKey), [{"kunci": key, "case_id": case_id} for key in sorted(keys)])


def find(actor: Actor, text: str) -> dict[str, Any]:
    """{'by': 'tiket'|'nik'|'nama', 'cases': [...]} newest first, at most LIMIT.

    A ticket number (or its start) searches tickets; 16 digits a NIK or family-card number;
    anything else (3 letters or more) the complainant's name, every word of it. The identity shown
    follows access.may_see_identity, and cases hidden from the officer are never read.
    """
    if not access.allowed(actor, access.INTAKE):
        raise Forbidden(N_("Pencarian kasus untuk petugas meja depan dan fasilitator"))
    text = " ".join((text or "").split())
    if re.fullmatch(r"\d{16}", text):
        by, rows = "nik", _by_keys(actor, [digest("nomor", text)])
    elif _TICKET.fullmatch(text) or re.fullmatch(r"\d{4}-\d{2}-?", text):
        by = "tiket"
        rows = list(db.session.scalars(select(Case).options(undefer(Case.data))
                                        .where(case_scope(actor), Case.ticket.startswith(text))
                                        .order_by(Case.created_at.desc(), Case.id.desc()).limit(LIMIT)))
    elif len(text) >= 3 and not text.isdigit():
        by, rows = "nama", _by_keys(actor, [digest("nama", word) for word in _words(text)[:_MOST_WORDS]])
    else:
        raise InvalidInput(N_("Pencarian tidak valid"), errors={"q": N_(
            "Isi nomor tiket (mis. 3203-26-00001), NIK atau No. KK 16 angka, atau nama pelapor minimal 3 huruf")})
    return {"by": by, "cases": [_row(actor, case) for case in rows]}


def key_lookup(keys: list[str]) -> Select[int]:
    """SQL: the ids of the cases holding every one of `keys` (read from the primary-key index)."""
    return (select(CaseSearchKey.case_id).where(CaseSearchKey.kunci.in_(keys))
            .group_by(CaseSearchKey.case_id).having(func.count() == len(keys)))


def _by_keys(actor: Actor, keys: Iterable[str]) -> list[Case]:
    """Cases in scope that hold every one of `keys` (an indexed lookup), whose identity the officer may see."""
    keys = sorted(set(keys))
    if not keys:
        return []
    query = (select(Case).options(undefer(Case.data))
             .where(case_scope(actor), Case.id.in_(key_lookup(keys)))
             .order_by(Case.created_at.desc(), Case.id.desc()).limit(_CANDIDATES))
    return [case for case in db.session.scalars(query) if access.may_see_identity(actor, case)][:LIMIT]


def _row(actor, case):
    pelapor = json.loads(case.data or "{}").get("pelapor") or {}
    if not access.may_see_identity(actor, case):
        pelapor = mask_identity(pelapor)
    return {"id": case.id, "ticket": case.ticket, "created_at": case.created_at, "wilayah": case.wilayah,
            "status": case.status, "tahap": case.tahap, "program": case.program,
            "jenis_keluhan": case.jenis_keluhan, "nama": pelapor.get("nama"), "nik": pelapor.get("nik")}
