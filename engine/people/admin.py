"""Administration: officers with roles and areas, hand-over on deactivation, programs, the FAQ.

Every function takes the acting administrator; an administrator manages only officers whose
area lies inside their own (a district administrator cannot touch a nationwide account).
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select

from engine import state
from engine.domain import access, roles
from engine.domain.actor import Actor
from engine.domain.vocabulary import SEKTOR, TINGKAT_PROGRAM as PROGRAM_LEVELS
from engine.domain.statuses import TaskStatus
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.people import auth, catalogue
from engine.cases import commands
from engine.processes import versions
from engine.store.database import write_transaction
from engine.store.models import Faq, HumanTask, Program, User, db
from engine.i18n import N_

_AREA = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{10})?$")
_INSTANSI = re.compile(r"^[A-Z0-9_]{2,40}$")


def _require_admin(actor):
    if not access.allowed(actor, access.ADMIN):
        raise Forbidden(N_("Hanya administrator yang boleh mengelola data ini"))


def manages(actor: Actor, wilayah: str | None) -> bool:
    """True when an officer with this area code lies inside the administrator's area."""
    own, other = actor.wilayah or "", wilayah or ""
    return other.startswith(own) and len(other) >= len(own)


def list_users(actor: Actor) -> list[dict[str, Any]]:
    """Officers the administrator manages, with how many open tasks each holds."""
    _require_admin(actor)
    users = [u for u in db.session.scalars(select(User).order_by(User.active.desc(), User.role, User.username))
             if manages(actor, u.wilayah)]
    held: dict[int | None, int] = {}
    for task in db.session.scalars(select(HumanTask).where(HumanTask.status == TaskStatus.SIAP,
                                                          HumanTask.assignee_id.isnot(None))):
        held[task.assignee_id] = held.get(task.assignee_id, 0) + 1
    return [{"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "wilayah": u.wilayah,
             "sektor": u.sektor, "instansi": u.instansi, "email": u.email, "active": u.active,
             "open_tasks": held.get(u.id, 0)} for u in users]


def get_user(actor: Actor, user_id: int) -> User:
    _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None or not manages(actor, user.wilayah):
        raise NotFound(N_("Pengguna tidak ditemukan"), user_id=user_id)
    return user


def _clean(actor, fields):
    """Check an officer's role and placement; return the cleaned values or raise InvalidInput."""
    values = {k: (fields.get(k) or "").strip() for k in ("full_name", "role", "wilayah", "sektor", "instansi", "email")}
    errors = {}
    if not values["full_name"]:
        errors["full_name"] = N_("nama lengkap wajib diisi")
    if values["role"] not in roles.ALL_ROLES:
        errors["role"] = N_("pilih salah satu peran")
    if not _AREA.match(values["wilayah"]):
        errors["wilayah"] = N_("kode wilayah BPS: 2, 4, 6 atau 10 angka (kosong = nasional)")
    elif not manages(actor, values["wilayah"]):
        errors["wilayah"] = N_("wilayah harus berada di dalam wilayah Anda")
    if values["sektor"] and (values["role"] != roles.BACK_OFFICE or values["sektor"] not in SEKTOR):
        errors["sektor"] = "sektor hanya untuk back office: " + ", ".join(SEKTOR)
    if values["role"] == roles.PENGELOLA_PROGRAM and not _INSTANSI.match(values["instansi"]):
        errors["instansi"] = N_("pengelola program wajib punya kode instansi (mis. KEMENSOS_JSK)")
    if values["instansi"] and values["role"] != roles.PENGELOLA_PROGRAM:
        errors["instansi"] = N_("instansi hanya untuk pengelola program")
    if errors:
        raise InvalidInput(N_("Data pengguna tidak valid"), errors=errors)
    return {k: (v or None) if k in ("sektor", "instansi", "email") else v for k, v in values.items()}


def create_user(actor: Actor, fields: Mapping[str, Any], now: datetime) -> int:
    _require_admin(actor)
    values = _clean(actor, fields)
    return auth.create_user((fields.get("username") or "").strip(), fields.get("password") or "", now=now, **values)


def update_user(actor: Actor, user_id: int, fields: Mapping[str, Any], now: datetime) -> int:
    """Change an officer's name, role, area, sector, agency or email (and password when given)."""
    values = _clean(actor, fields)
    with write_transaction():
        user = get_user(actor, user_id)
        for key, value in values.items():
            setattr(user, key, value)
        if fields.get("password"):
            auth.set_password(user, fields["password"])  # also ends the officer's sessions
            auth.revoke_user_tokens(db.session, user.id, now)
    return user_id


def deactivate(actor: Actor, user_id: int, replacement_id: int | None, now: datetime) -> int:
    """Deactivate an officer, revoke their tokens and hand their claimed open tasks to a replacement.

    One transaction: the replacement must be an active officer allowed to act on every one of
    those tasks, else nothing changes. Each hand-over is an event in its case's chain.
    """
    with write_transaction() as session:
        user = get_user(actor, user_id)
        if user.id == actor.id:
            raise InvalidInput(N_("Anda tidak dapat menonaktifkan akun sendiri"), errors={"user": N_("akun sendiri")})
        moved = 0
        held = session.scalar(select(HumanTask.id).where(HumanTask.assignee_id == user.id,
                                                         HumanTask.status == TaskStatus.SIAP).limit(1))
        if held is not None:
            replacement = db.session.get(User, replacement_id) if replacement_id else None
            if replacement is None or not replacement.active or replacement.id == user.id:
                raise InvalidInput(N_("Pilih petugas pengganti yang aktif"),
                                   errors={"pengganti": N_("petugas ini masih memegang tugas terbuka")})
            moved = commands.reassign_claimed_tasks(user.id, Actor.of(replacement), actor, now)
        user.active = False
        auth.end_sessions(user)
        auth.revoke_user_tokens(session, user.id, now)
    return moved


def reactivate(actor: Actor, user_id: int) -> None:
    with write_transaction():
        get_user(actor, user_id).active = True


def list_programs(actor: Actor) -> list[Program]:
    """The programs that apply in the administrator's area: national ones and those of the area."""
    _require_admin(actor)
    area = actor.wilayah or ""
    return list(db.session.scalars(select(Program).where(catalogue.inside(area)).order_by(Program.code)))


def _managed_program(actor, session, code):
    program = session.get(Program, code)
    if program is None:
        raise NotFound(N_("Program tidak ditemukan"), program=code)
    if not manages(actor, program.wilayah):
        raise Forbidden(N_("Program {kode} berlaku di luar wilayah Anda; hanya administrator wilayah itu yang "
                           "dapat mengubahnya", kode=code), program=code)
    return program


def update_program(actor: Actor, code: str, fields: Mapping[str, Any]) -> None:
    """Change a program's name, agency, SOP process, sector, texts or whether it is offered."""
    _require_admin(actor)
    values = _program_values(fields, {})
    with write_transaction() as session:
        program = _managed_program(actor, session, code)
        _refuse_offering_without_sop(values)
        for key, value in values.items():
            setattr(program, key, value)


def add_program(actor: Actor, fields: Mapping[str, Any]) -> str:
    """Add a program to the catalogue; its SOP process must be published before complaints reach it."""
    _require_admin(actor)
    code = (fields.get("code") or "").strip().upper()
    errors = {} if catalogue.CODE.match(code) else {"code": N_("kode program: huruf besar, angka, - atau _, mis. BSU")}
    values = _program_values(fields, errors)
    with write_transaction() as session:
        if session.get(Program, code) is not None:
            raise InvalidInput(N_("Data program tidak valid"), errors={"code": N_("program {kode} sudah ada", kode=code)})
        _refuse_offering_without_sop(values)
        urutan = (session.scalar(select(func.max(Program.urutan))) or 0) + 1
        session.add(Program(code=code, urutan=urutan, wilayah=actor.wilayah or "", **values))
    return code


def _refuse_offering_without_sop(values):
    """An active program must be routable now: its SOP process must be in the published diagrams, else
    complaints about it would be taken in and then fail at their referral."""
    if not values["active"]:
        return
    bundle = versions.bundle_for(versions.latest_version_id(state.current().settings.main_process))
    if values["proses_sop"] not in {bundle.process_id, *bundle.subprocess_specs}:
        raise InvalidInput(N_("Data program tidak valid"), errors={"active": N_(
            "proses SOP '{proses}' belum ada di diagram yang terbit; terbitkan dulu diagram SOP-nya, "
            "lalu aktifkan program ini", proses=values["proses_sop"])})


def _program_values(fields, errors):
    name, agency = (fields.get("name") or "").strip(), (fields.get("agency") or "").strip()
    level = (fields.get("level") or "").strip() or "nasional"
    if not name:
        errors["name"] = N_("nama program wajib diisi")
    if not _INSTANSI.match(agency):
        errors["agency"] = N_("kode instansi tujuan rujukan, mis. KEMENSOS_JSK")
    if level not in PROGRAM_LEVELS:
        errors["level"] = N_("tingkat program harus salah satu dari: {pilihan}", pilihan=", ".join(PROGRAM_LEVELS))
    proses_sop, sektor = catalogue.check_fields(fields, errors)
    if errors:
        raise InvalidInput(N_("Data program tidak valid"), errors=errors)
    return {"name": name, "agency": agency, "level": level, "proses_sop": proses_sop, "sektor": sektor,
            "description": (fields.get("description") or "").strip(),
            "criteria": (fields.get("criteria") or "").strip(), "active": bool(fields.get("active"))}


def list_faq(actor: Actor, only_active: bool = False) -> list[Faq]:
    """The FAQ: for reading (`only_active`), the active entries that apply in the reader's area (national
    ones and those of the areas containing it); else, for the administrator, the entries they keep."""
    if not (access.allowed(actor, access.FAQ) or access.allowed(actor, access.ADMIN)):
        raise Forbidden(N_("Anda tidak berwenang membaca FAQ"))
    area = actor.wilayah or ""
    query = select(Faq).order_by(Faq.urutan, Faq.id)
    if only_active:
        query = query.where(Faq.aktif.is_(True), literal(area).startswith(Faq.wilayah, autoescape=False))
    else:
        _require_admin(actor)
        query = query.where(Faq.wilayah.startswith(area, autoescape=True))
    return list(db.session.scalars(query))


def save_faq(actor: Actor, faq_id: int | None, fields: Mapping[str, Any], now: datetime) -> int:
    """Add (faq_id None) or change one FAQ entry; returns its id."""
    _require_admin(actor)
    question, answer = (fields.get("pertanyaan") or "").strip(), (fields.get("jawaban") or "").strip()
    errors = {}
    if not question or len(question) > 300:
        errors["pertanyaan"] = N_("pertanyaan wajib diisi (maksimal 300 karakter)")
    if not answer:
        errors["jawaban"] = N_("jawaban wajib diisi")
    try:
        order = int(fields.get("urutan") or 0)
    except ValueError:
        errors["urutan"] = N_("urutan harus angka")
    if errors:
        raise InvalidInput(N_("Data FAQ tidak valid"), errors=errors)
    with write_transaction() as session:
        entry = session.get(Faq, faq_id) if faq_id else Faq(wilayah=actor.wilayah or "")
        if entry is None or not manages(actor, entry.wilayah):
            raise NotFound(N_("FAQ tidak ditemukan"), faq_id=faq_id)
        entry.pertanyaan, entry.jawaban, entry.urutan = question, answer, order
        program = (fields.get("program") or "").strip() or None
        if program is not None and program not in catalogue.codes(active_only=False, within=entry.wilayah):
            raise InvalidInput(N_("Data FAQ tidak valid"), errors={"program": N_(
                "Program '{kode}' tidak ada di katalog atau tidak berlaku di wilayah entri ini", kode=program)})
        entry.program = program
        entry.aktif = bool(fields.get("aktif"))
        entry.updated_at, entry.updated_by = now, actor.username
        session.add(entry)
        session.flush()
        return entry.id
