"""The DTKS registry: look a citizen up by NIK or No. KK, and import households from CSV."""

import csv
import io
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.domain import access
from engine.errors import Forbidden, InvalidInput
from engine.i18n import N_
from engine.store.database import write_transaction
from engine.store.models import Household, HouseholdMember, Region, db
from engine.people import catalogue

_SIXTEEN_DIGITS = re.compile(r"^\d{16}$")
_IDENTITY = ("nama", "alamat", "jenis_kelamin", "disabilitas")  # filled in at intake, in the officer's area only
CSV_COLUMNS = ("no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan", "disabilitas",
               "wilayah", "alamat", "desil", "program")


def lookup(nik: str | None = None, no_kk: str | None = None) -> dict:
    """Registry status of a citizen: {'terdaftar', 'no_kk', 'wilayah', 'program', 'anggota'}."""
    household = None
    member = None
    if nik:
        member = db.session.get(HouseholdMember, nik)
        if member is not None:
            household = db.session.get(Household, member.no_kk)
    if household is None and no_kk:
        household = db.session.get(Household, no_kk)
    if household is None:
        return {"terdaftar": False, "no_kk": None, "wilayah": None, "program": [], "anggota": 0, "desil": None,
                "nik_cocok": False, **dict.fromkeys(_IDENTITY)}
    count = len(db.session.scalars(select(HouseholdMember.nik).where(HouseholdMember.no_kk == household.no_kk)).all())
    return {
        "terdaftar": True, "no_kk": household.no_kk, "wilayah": household.wilayah,
        "program": list(household.programs or []), "anggota": count, "desil": household.desil,
        "nik_cocok": member is not None, "alamat": household.alamat or None,
        "nama": member.nama if member else None, "jenis_kelamin": member.jenis_kelamin if member else None,
        "disabilitas": member.disabilitas if member else None,
    }


def lookup_for(actor: Any, nik: str | None = None, no_kk: str | None = None) -> dict:
    """Registry status for officers who register or handle complaints; a household outside
    the officer's area is reported only as registered, without its details. The citizen's name,
    address, sex and disability are given only to officers who register complaints (to fill the form)."""
    if not access.allowed(actor, access.REGISTRY):
        raise Forbidden(N_("Anda tidak berwenang memeriksa DTKS"))
    errors = {}
    for name, value in (("nik", nik), ("no_kk", no_kk)):
        if value and not _SIXTEEN_DIGITS.match(value):
            errors[name] = N_("harus 16 angka")
    if not nik and not no_kk:
        errors["nik"] = N_("isi NIK atau No. KK")
    if errors:
        raise InvalidInput(N_("Permintaan pencarian tidak valid"), errors=errors)
    status = within_area(actor, lookup(nik=nik, no_kk=no_kk))
    if not access.allowed(actor, access.INTAKE):
        status.update(dict.fromkeys(_IDENTITY))  # the identity only fills in an intake form
    return status


def within_area(actor: Any, status: dict) -> dict:
    """The registry status as the officer may see it: a household outside the officer's area is
    reported only as registered, without its KK, area, programs, members or decile."""
    if status["terdaftar"] and not access.in_area(actor, status["wilayah"]):
        status.update(no_kk=None, wilayah=None, program=[], anggota=0, desil=None, **dict.fromkeys(_IDENTITY))
    return status


def import_csv(text: str, now: datetime) -> tuple[int, int]:
    """Upsert households and members from CSV text; all rows or none. Returns (households, members)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(N_("Kolom CSV tidak lengkap"), errors={"kolom": N_("tidak ada: {kolom}", kolom=", ".join(missing))})
    rows, errors = [], {}
    villages = set(db.session.scalars(select(Region.code).where(Region.level == "desa")))
    for row in reader:
        line = reader.line_num
        problem = _row_problem(row, villages)
        if problem:
            errors[f"baris {line}"] = problem
            if len(errors) >= 50:
                break
        else:
            rows.append(row)
    if errors:
        raise InvalidInput(N_("Impor dibatalkan: ada baris yang tidak valid, tidak ada data yang disimpan"),
                           errors=errors)
    households, members = {}, 0
    with write_transaction() as session:
        for row in rows:
            kk = row["no_kk"].strip()
            if kk not in households:
                household = session.get(Household, kk) or Household(no_kk=kk)
                household.wilayah = row["wilayah"].strip()
                household.alamat = row["alamat"].strip()
                household.desil = int(row["desil"]) if row["desil"].strip() else None
                household.programs = [p.strip() for p in row["program"].split(";") if p.strip()]
                household.updated_at = now
                session.add(household)
                households[kk] = household
            session.flush()
            member = session.get(HouseholdMember, row["nik"].strip()) or HouseholdMember(nik=row["nik"].strip())
            member.no_kk = kk
            member.nama = row["nama"].strip()
            member.jenis_kelamin = row["jenis_kelamin"].strip().upper()
            member.tanggal_lahir = row["tanggal_lahir"].strip() or None
            member.hubungan = row["hubungan"].strip()
            member.disabilitas = row["disabilitas"].strip().lower() in ("1", "true", "ya")
            session.add(member)
            members += 1
    return len(households), members


def _row_problem(row, villages):
    if not _SIXTEEN_DIGITS.match((row.get("no_kk") or "").strip()):
        return N_("no_kk harus 16 angka")
    if not _SIXTEEN_DIGITS.match((row.get("nik") or "").strip()):
        return N_("nik harus 16 angka")
    if not (row.get("nama") or "").strip():
        return N_("nama wajib diisi")
    if (row.get("jenis_kelamin") or "").strip().upper() not in ("L", "P"):
        return N_("jenis_kelamin harus L atau P")
    if (row.get("wilayah") or "").strip() not in villages:
        return "wilayah bukan kode desa/kelurahan yang dikenal"
    desil = (row.get("desil") or "").strip()
    if desil and (not desil.isdigit() or not 1 <= int(desil) <= 10):
        return N_("desil harus 1 sampai 10")
    known = catalogue.codes(active_only=False)
    unknown = [p for p in (row.get("program") or "").split(";") if p.strip() and p.strip() not in known]
    if unknown:
        return N_("program tidak dikenal: {program}", program=", ".join(unknown))
    return None
