"""Tables: diagram versions, cases and their indexes, the event log, people, regions, registry."""

from datetime import datetime, timezone
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.domain.statuses import CaseStatus, OutboxStatus, QueueStatus, TaskStatus, TimerStatus, VersionStatus


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the engine works in aware UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Region(db.Model):
    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(12))  # provinsi, kabupaten, kecamatan, desa
    parent_code: Mapped[str | None] = mapped_column(String(10), ForeignKey("regions.code"), index=True)


class Program(db.Model):
    __tablename__ = "programs"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))  # nasional, daerah, nonpemerintah
    description: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    proses_sop: Mapped[str | None] = mapped_column(String(100))  # the SOP process its referrals run
    sektor: Mapped[str | None] = mapped_column(String(20))  # default back-office sector
    urutan: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # display order
    wilayah: Mapped[str] = mapped_column(String(10), default="", server_default="", index=True)  # "" national


class Household(db.Model):
    """A DTKS household, keyed by its family-card number."""

    __tablename__ = "dtks_households"
    no_kk: Mapped[str] = mapped_column(String(16), primary_key=True)
    wilayah: Mapped[str] = mapped_column(String(10), index=True)
    alamat: Mapped[str] = mapped_column(String(300), default="")
    desil: Mapped[int | None] = mapped_column(Integer)
    programs: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[object] = mapped_column(UtcDateTime)


class HouseholdMember(db.Model):
    __tablename__ = "dtks_members"
    nik: Mapped[str] = mapped_column(String(16), primary_key=True)
    no_kk: Mapped[str] = mapped_column(String(16), ForeignKey("dtks_households.no_kk"), index=True)
    nama: Mapped[str] = mapped_column(String(200))
    jenis_kelamin: Mapped[str] = mapped_column(String(1))
    tanggal_lahir: Mapped[str | None] = mapped_column(String(10))
    disabilitas: Mapped[bool] = mapped_column(Boolean, default=False)
    hubungan: Mapped[str] = mapped_column(String(30), default="")


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30), index=True)
    wilayah: Mapped[str] = mapped_column(String(10), default="")  # BPS code prefix; "" = nationwide
    sektor: Mapped[str | None] = mapped_column(String(20))
    instansi: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    # copied into the session at sign-in; raised on sign-out, password change and deactivation
    sesi_generasi: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    expires_at: Mapped[object] = mapped_column(UtcDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UtcDateTime)


class DiagramVersion(db.Model):
    """An immutable published set of BPMN/DMN files for one process; the spec is kept here once."""

    __tablename__ = "diagram_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=VersionStatus.PUBLISHED)
    # where it applies: "" national, a province (2 digits) or district (4 digits) code; a case starts on
    # the most specific published version for its area
    cakupan: Mapped[str] = mapped_column(String(10), default="", server_default="", index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    sources: Mapped[dict] = mapped_column(JSON)
    spec_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[object] = mapped_column(UtcDateTime)


class ModelerDraft(db.Model):
    """An analyst's unpublished edits of a process in the modeler (one per analyst and process)."""

    __tablename__ = "modeler_drafts"
    __table_args__ = (UniqueConstraint("username", "process_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    process_id: Mapped[str] = mapped_column(String(100))
    base_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"))
    files: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[object] = mapped_column(UtcDateTime)


class DiagramChange(db.Model):
    """Who did what to a diagram version, when: uploaded, published, retired, rolled back, cases migrated."""

    __tablename__ = "diagram_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    diagram_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # diunggah, diterbitkan, dipensiunkan, dipulihkan, migrasi
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[object] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class TicketCounter(db.Model):
    __tablename__ = "ticket_counters"
    kabupaten: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class CaseSearchKey(db.Model):
    """What the front office may find a case by (engine/cases/search.py): a digest of the complainant's NIK,
    family-card number and each word of the name (and its starts), never the values themselves."""

    __tablename__ = "case_search_keys"
    kunci: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)


class Case(db.Model):
    __tablename__ = "cases"
    # covers every dashboard query on cases (an area's rows are read from the index alone)
    __table_args__ = (Index("ix_cases_dashboard", "wilayah", "status", "kanal", "jenis_keluhan", "kategori",
                            "program", "terdaftar_dtks", "hasil_akhir", "hasil_verifikasi", "tanggapan_rujukan",
                            "created_at", "closed_at", "jenis_kelamin", "disabilitas"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket: Mapped[str] = mapped_column(String(30), unique=True)
    tracking_code: Mapped[str] = mapped_column(String(12))
    diagram_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"), index=True)
    wilayah: Mapped[str] = mapped_column(String(10), index=True)
    kanal: Mapped[str] = mapped_column(String(20))
    jenis_keluhan: Mapped[str] = mapped_column(String(20))
    program: Mapped[str | None] = mapped_column(String(20))
    kategori: Mapped[str | None] = mapped_column(String(20))
    sektor: Mapped[str | None] = mapped_column(String(20))
    tujuan_rujukan: Mapped[str | None] = mapped_column(String(40), index=True)
    saluran_rujukan: Mapped[str | None] = mapped_column(String(20))
    hasil_akhir: Mapped[str | None] = mapped_column(String(40))
    rahasia: Mapped[bool] = mapped_column(Boolean, default=True)
    aparat_desa: Mapped[bool] = mapped_column(Boolean, default=False)  # about a village official: hidden from the village
    status: Mapped[str] = mapped_column(String(12), default=CaseStatus.TERBUKA, index=True)
    tahap: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(Text, deferred=True)
    data: Mapped[str] = mapped_column(Text, deferred=True)  # the case variables as JSON, for display
    revision: Mapped[int] = mapped_column(Integer, default=1)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[object] = mapped_column(UtcDateTime)
    closed_at: Mapped[object | None] = mapped_column(UtcDateTime)
    # for dashboards: the complainant's profile and the registry and verification outcomes
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    disabilitas: Mapped[bool | None] = mapped_column(Boolean)
    terdaftar_dtks: Mapped[bool | None] = mapped_column(Boolean)
    hasil_verifikasi: Mapped[str | None] = mapped_column(String(20))
    tanggapan_rujukan: Mapped[str | None] = mapped_column(String(20))


class HumanTask(db.Model):
    """The inbox index: one row per human task a case has had, with who may act on it."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_inbox", "status", "role", "wilayah"),
        Index("ix_human_tasks_assignee_status", "assignee_id", "status"),  # an officer's claimed open tasks
        Index("ix_human_tasks_open", "status", "wilayah", "name", "due_at"),  # open tasks per stage, from the index
        Index("ix_human_tasks_case", "case_id", "status"),
        # cover the dashboards' pass over an area's tasks and the referral answer times
        Index("ix_human_tasks_dashboard", "wilayah", "name", "status", "completed_at", "due_at"),
        Index("ix_human_tasks_role_area", "role", "status", "wilayah", "element_id", "instansi", "hasil", "created_at",
              "completed_at", "due_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    wilayah: Mapped[str] = mapped_column(String(10))
    sektor: Mapped[str | None] = mapped_column(String(20))
    instansi: Mapped[str | None] = mapped_column(String(40))
    tingkat: Mapped[str | None] = mapped_column(String(12))  # desa, kabupaten, provinsi: level handling it
    status: Mapped[str] = mapped_column(String(12), default=TaskStatus.SIAP)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[object | None] = mapped_column(UtcDateTime)
    due_at: Mapped[object | None] = mapped_column(UtcDateTime)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    completed_at: Mapped[object | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hasil: Mapped[str | None] = mapped_column(String(30))  # the decision it was completed with


class Timer(db.Model):
    """The timer index: every armed timer with its due instant."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "status", "due_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[object] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12), default=TimerStatus.MENUNGGU)
    fired_at: Mapped[object | None] = mapped_column(UtcDateTime)


class Event(db.Model):
    """The append-only event log, hash-chained per case."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(30))
    at: Mapped[object] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    diagram_version_id: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text)
    # what the change left behind (variables set, tasks/timers opened and closed), hashed with the event
    outcome: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class QueueTicket(db.Model):
    """A walk-in's queue number at a district secretariat, for one day."""

    __tablename__ = "antrian"
    __table_args__ = (UniqueConstraint("kabupaten", "tanggal", "nomor"), Index("ix_antrian_day", "kabupaten", "tanggal", "status"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kabupaten: Mapped[str] = mapped_column(String(4))
    tanggal: Mapped[str] = mapped_column(String(10))  # local date, ISO
    nomor: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=QueueStatus.MENUNGGU)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    called_at: Mapped[object | None] = mapped_column(UtcDateTime)
    called_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", name="fk_antrian_case_id"))  # used by

    @property
    def kode(self) -> str:
        return f"A-{self.nomor:03d}"


class IntakeKey(db.Model):
    """A key that may register one case only: an API Idempotency-Key or an intake page's one-time form token."""

    __tablename__ = "intake_keys"
    __table_args__ = (UniqueConstraint("user_id", "kunci"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kunci: Mapped[str] = mapped_column(String(200))
    isi_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the request body it was first used with
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[object] = mapped_column(UtcDateTime)


class OutboxMessage(db.Model):
    """A referral or proposal to deliver to an external system, written with the change that sent it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # the BPMN message name: rujukan, usulan_pradaftar
    tujuan: Mapped[str | None] = mapped_column(String(40))
    saluran: Mapped[str | None] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.MENUNGGU)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[object] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    delivered_at: Mapped[object | None] = mapped_column(UtcDateTime)


class Faq(db.Model):
    """A question the front office is often asked, with the answer to give (kept by administrators)."""

    __tablename__ = "faq"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pertanyaan: Mapped[str] = mapped_column(String(300))
    jawaban: Mapped[str] = mapped_column(Text)
    program: Mapped[str | None] = mapped_column(String(20))
    urutan: Mapped[int] = mapped_column(Integer, default=0)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    wilayah: Mapped[str] = mapped_column(String(10), default="", server_default="", index=True)  # "" national
    updated_at: Mapped[object | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(80))


class AuditJournal(db.Model):
    """What the audit machinery did (engine/audit/journal.py): checkpoints written, identity shown unmasked;
    rows chained by hash and signed with the checkpoint key."""

    __tablename__ = "audit_journal"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[object] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
