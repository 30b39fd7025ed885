"""Intake: check a new complaint, look the citizen up in DTKS, and allocate its ticket."""

import re
from datetime import datetime
from typing import Any

from engine.domain import access
from engine.domain.actor import Actor
from engine.domain.tickets import ticket_number, tracking_code
from engine.domain.vocabulary import (
    CASE_DEFAULTS, JENIS_KELUHAN, JENIS_SEKOLAH, KANAL, KATEGORI, STARTING_LEVEL,
)
from engine.errors import Forbidden, InvalidInput
from engine.people import catalogue
from engine.i18n import N_
from engine.registry import dtks
from engine.store import statements
from engine.store.models import db

_DIGITS = {"nik": 16, "no_kk": 16}
# what the intake form calls each field: messages name the label, never the variable
LABELS = {
    "kanal": N_("Kanal"), "jenis_keluhan": N_("Jenis keluhan"), "program": N_("Program"), "kategori": N_("Kategori"),
    "jenis_sekolah": N_("Jenis sekolah"), "uraian": N_("Uraian keluhan"), "wilayah": N_("Desa/kelurahan pelapor"),
    "rahasia": N_("Rahasiakan identitas pelapor"), "aparat_desa": N_("Pengaduan tentang aparat desa"),
    "nomor_antrian": N_("Nomor antrian"), "nik": N_("NIK"), "no_kk": N_("No. KK"), "nama": N_("Nama"),
    "telepon": N_("Telepon"), "alamat": N_("Alamat"), "jenis_kelamin": N_("Jenis kelamin"),
    "disabilitas": N_("Penyandang disabilitas"), "penerima_manfaat": N_("Penerima manfaat program"),
}
_PELAPOR_TEXT = {"nama": 200, "telepon": 30, "alamat": 300}


def prepare(actor: Actor, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Return the start data for the process, or raise InvalidInput (the ticket: new_ticket)."""
    errors: dict[str, Any] = {}
    data: dict[str, Any] = dict(CASE_DEFAULTS)
    _choice(payload, "kanal", KANAL, errors, data, required=True)
    _choice(payload, "jenis_keluhan", JENIS_KELUHAN, errors, data, required=True)
    program_error = catalogue.intake_error(payload.get("program"))
    if program_error:
        errors["program"] = program_error
    else:
        data["program"] = payload["program"]
        data.update(catalogue.variables_for(data["program"]))
    _choice(payload, "kategori", KATEGORI, errors, data)
    _choice(payload, "jenis_sekolah", JENIS_SEKOLAH, errors, data)
    uraian = payload.get("uraian")
    if not isinstance(uraian, str) or len(uraian.strip()) < 5:
        errors["uraian"] = N_("{kolom} wajib diisi (minimal 5 karakter)", kolom=LABELS["uraian"])
    elif len(uraian) > 4000:
        errors["uraian"] = N_("{kolom} maksimal {n} karakter", kolom=LABELS["uraian"], n=4000)
    else:
        data["uraian"] = uraian.strip()
    rahasia = payload.get("rahasia", True)
    if not isinstance(rahasia, bool):
        errors["rahasia"] = N_("{kolom} harus ya atau tidak", kolom=LABELS["rahasia"])
    data["rahasia"] = rahasia if isinstance(rahasia, bool) else True
    aparat = payload.get("aparat_desa", False)
    if not isinstance(aparat, bool):
        errors["aparat_desa"] = N_("{kolom} harus ya atau tidak", kolom=LABELS["aparat_desa"])
    data["aparat_desa"] = aparat is True
    data["pelapor"] = _pelapor(payload.get("pelapor"), errors)
    wilayah: Any = payload.get("wilayah")  # a str once checked below
    if wilayah in (None, ""):
        errors["wilayah"] = N_("{kolom} wajib dipilih", kolom=LABELS["wilayah"])
    elif not isinstance(wilayah, str) or not re.fullmatch(r"\d{10}", wilayah):
        errors["wilayah"] = N_("{kolom} harus kode desa/kelurahan BPS 10 angka", kolom=LABELS["wilayah"])
    elif statements.REGION_CODE.execute({"_code": wilayah}).first() is None:
        errors["wilayah"] = N_("{kolom}: kode desa/kelurahan tidak dikenal", kolom=LABELS["wilayah"])
    if "program" not in errors and "wilayah" not in errors and not catalogue.offered_in(data["program"], wilayah):
        errors["program"] = N_("program '{kode}' tidak berlaku di wilayah ini", kode=data["program"])
    if "nomor_antrian" in payload:
        if not isinstance(payload["nomor_antrian"], str) or len(payload["nomor_antrian"]) > 20:
            errors["nomor_antrian"] = N_("{kolom} tidak valid", kolom=LABELS["nomor_antrian"])
        else:
            data["nomor_antrian"] = payload["nomor_antrian"]
    unknown = set(payload) - {"kanal", "jenis_keluhan", "program", "kategori", "jenis_sekolah", "uraian",
                              "rahasia", "pelapor", "wilayah", "nomor_antrian", "pokok_masalah",
                              "aparat_desa"}
    for key in sorted(unknown):
        errors[key] = N_("kolom tidak dikenal")
    if isinstance(payload.get("pokok_masalah"), str):
        data["pokok_masalah"] = payload["pokok_masalah"]
    if errors:
        raise InvalidInput(N_("Data pengaduan tidak valid"), errors=errors)
    if not access.may_intake(actor, wilayah):
        raise Forbidden(N_("Anda tidak berwenang mencatat pengaduan untuk wilayah ini"), wilayah=wilayah)
    data["wilayah"] = wilayah
    data["tingkat"] = STARTING_LEVEL[data["kanal"]]
    # The same area rule as the officer's own registry search: another district's household
    # gives neither its KK nor its programs to this case.
    status = dtks.within_area(actor, dtks.lookup(nik=data["pelapor"].get("nik"), no_kk=data["pelapor"].get("no_kk")))
    data["terdaftar_dtks"] = status["terdaftar"]
    data["program_dtks"] = status["program"]
    if status["no_kk"] and not data["pelapor"].get("no_kk"):
        data["pelapor"]["no_kk"] = status["no_kk"]
    return data


def new_ticket(wilayah: str, now: datetime) -> dict[str, str]:
    """{'ticket', 'tracking_code'} for a complaint registered now (inside the write transaction)."""
    ticket = ticket_number(wilayah[:4], now.year, _next_number(wilayah[:4], now.year))
    return {"ticket": ticket, "tracking_code": tracking_code()}


def _choice(payload, name, allowed, errors, data, required=False):
    value = payload.get(name)
    if value is None or value == "":
        if required:
            errors[name] = N_("{kolom} wajib diisi", kolom=LABELS.get(name, name))
        return
    if value not in allowed:
        errors[name] = N_("{kolom} harus salah satu dari: {pilihan}", kolom=LABELS.get(name, name),
                          pilihan=", ".join(allowed))
        return
    data[name] = value


def _pelapor(raw, errors):
    if not isinstance(raw, dict):
        errors["pelapor"] = N_("Data pelapor wajib diisi")
        return {}
    pelapor = {}
    for key, length in _DIGITS.items():
        value = raw.get(key)
        if value in (None, ""):
            pelapor[key] = None
        elif not isinstance(value, str) or not re.fullmatch(rf"\d{{{length}}}", value):
            errors[f"pelapor.{key}"] = N_("{kolom} harus {n} angka", kolom=LABELS[key], n=length)
        else:
            pelapor[key] = value
    for key, length in _PELAPOR_TEXT.items():
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > length):
            errors[f"pelapor.{key}"] = N_("{kolom} harus teks paling banyak {n} karakter", kolom=LABELS[key], n=length)
        else:
            pelapor[key] = (value or "").strip()
    if not pelapor.get("nama"):
        errors["pelapor.nama"] = N_("{kolom} wajib diisi", kolom=N_("Nama pelapor"))
    jk = raw.get("jenis_kelamin")
    if jk not in (None, "", "L", "P"):
        errors["pelapor.jenis_kelamin"] = N_("{kolom} harus Laki-laki atau Perempuan", kolom=LABELS["jenis_kelamin"])
    pelapor["jenis_kelamin"] = jk or None
    for key in ("disabilitas", "penerima_manfaat"):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            errors[f"pelapor.{key}"] = N_("{kolom} harus ya atau tidak", kolom=LABELS[key])
        pelapor[key] = bool(value) if isinstance(value, bool) else False
    unknown = set(raw) - set(_DIGITS) - set(_PELAPOR_TEXT) - {"jenis_kelamin", "disabilitas", "penerima_manfaat"}
    for key in sorted(unknown):
        errors[f"pelapor.{key}"] = N_("kolom tidak dikenal")
    return pelapor


def _next_number(kabupaten, year):
    """Next ticket sequence for a district and year, inside the caller's transaction.

    The counter row is created on first use with ON CONFLICT DO NOTHING, so two first
    intakes of a year racing each other both end up incrementing the same row.
    """
    key = {"_kabupaten": kabupaten, "_year": year}
    result = statements.NEXT_TICKET_NUMBER.execute(key).scalar()
    if result is not None:
        return result
    connection = db.session.connection()
    connection.execute(statements.open_ticket_counter(connection.dialect.name), key)
    return statements.NEXT_TICKET_NUMBER.execute(key).scalar_one()
