"""Marshmallow schemas at the HTTP edge: request shapes (with Indonesian messages) and responses."""

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, validate

from engine.domain.statuses import VersionStatus
from engine.domain.vocabulary import JENIS_KELUHAN, JENIS_SEKOLAH, KANAL, KATEGORI
from engine.i18n import N_

MESSAGES = {
    "required": N_("wajib diisi"),
    "null": N_("tidak boleh kosong"),
    "invalid": N_("format tidak valid"),
    "unknown": N_("kolom tidak dikenal"),
}


def _msg(**extra):
    return {**MESSAGES, **extra}


def one_of(choices):
    return validate.OneOf(choices, error=N_("harus salah satu dari: {choices}"))


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": N_("kolom tidak dikenal"), "type": N_("harus berupa objek JSON")}


class PelaporSchema(StrictSchema):
    nik = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{16}$", error=N_("harus 16 angka")),
                        error_messages=_msg())
    no_kk = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{16}$", error=N_("harus 16 angka")),
                          error_messages=_msg())
    nama = fields.String(required=True, validate=validate.Length(1, 200, error=N_("1 sampai 200 karakter")),
                         error_messages=_msg())
    telepon = fields.String(allow_none=True, validate=validate.Length(max=30), error_messages=_msg())
    alamat = fields.String(allow_none=True, validate=validate.Length(max=300), error_messages=_msg())
    jenis_kelamin = fields.String(allow_none=True, validate=one_of(["L", "P"]), error_messages=_msg())
    disabilitas = fields.Boolean(load_default=False, error_messages=_msg(invalid=N_("harus true atau false")))
    penerima_manfaat = fields.Boolean(load_default=False, error_messages=_msg(invalid=N_("harus true atau false")))


class IntakeSchema(StrictSchema):
    kanal = fields.String(required=True, validate=one_of(KANAL), error_messages=_msg())
    wilayah = fields.String(required=True, validate=validate.Regexp(r"^\d{10}$", error=N_("harus kode desa 10 angka")),
                            error_messages=_msg())
    pelapor = fields.Nested(PelaporSchema, required=True, error_messages=_msg())
    rahasia = fields.Boolean(load_default=True, error_messages=_msg(invalid=N_("harus true atau false")))
    # the complaint is about a village official: officers placed in that village never see it
    aparat_desa = fields.Boolean(load_default=False, error_messages=_msg(invalid=N_("harus true atau false")))
    jenis_keluhan = fields.String(required=True, validate=one_of(JENIS_KELUHAN), error_messages=_msg())
    # a code of the program catalogue (checked against it at intake: the list is data, not schema)
    program = fields.String(required=True, validate=validate.Length(1, 20), error_messages=_msg())
    uraian = fields.String(required=True, validate=validate.Length(5, 4000, error=N_("5 sampai 4000 karakter")),
                           error_messages=_msg())
    kategori = fields.String(allow_none=True, validate=one_of(KATEGORI), error_messages=_msg())
    jenis_sekolah = fields.String(allow_none=True, validate=one_of(JENIS_SEKOLAH), error_messages=_msg())
    pokok_masalah = fields.String(allow_none=True, validate=validate.Length(max=60), error_messages=_msg())
    nomor_antrian = fields.String(validate=validate.Length(max=20), error_messages=_msg())


class CompleteSchema(StrictSchema):
    data = fields.Dict(keys=fields.String(), required=True, error_messages=_msg(invalid=N_("harus berupa objek")))


class MessageSchema(StrictSchema):
    nama = fields.String(required=True, error_messages=_msg())
    isi = fields.Dict(keys=fields.String(), load_default=dict, error_messages=_msg(invalid=N_("harus berupa objek")))


class TokenRequestSchema(StrictSchema):
    username = fields.String(required=True, error_messages=_msg())
    password = fields.String(required=True, error_messages=_msg())


class ErrorSchema(Schema):
    class Meta:
        unknown = INCLUDE  # errors carry their context (case, task_id, element_id, retry_after, ...)

    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.String())


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    role = fields.String()
    wilayah = fields.String()


class FormFieldSchema(Schema):
    id = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)
    required = fields.Boolean(required=True)
    readonly = fields.Boolean()
    options = fields.List(fields.Dict())
    default = fields.Raw(allow_none=True)
    min = fields.Integer(allow_none=True)
    max = fields.Integer(allow_none=True)
    minlength = fields.Integer(allow_none=True)
    maxlength = fields.Integer(allow_none=True)


class TaskSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    case_id = fields.Integer(required=True)
    ticket = fields.String()
    element_id = fields.String()
    name = fields.String()
    role = fields.String()
    wilayah = fields.String()
    sektor = fields.String(allow_none=True)
    instansi = fields.String(allow_none=True)
    tingkat = fields.String(allow_none=True)
    status = fields.String()
    assignee_id = fields.Integer(allow_none=True)
    claimed_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    due_soon = fields.Boolean()
    created_at = fields.DateTime()
    program = fields.String(allow_none=True)
    kategori = fields.String(allow_none=True)
    kanal = fields.String(allow_none=True)
    jenis_keluhan = fields.String(allow_none=True)


class CaseSummarySchema(Schema):
    id = fields.Integer(required=True)
    ticket = fields.String(required=True)
    status = fields.String()
    tahap = fields.String()
    wilayah = fields.String()
    kanal = fields.String()
    jenis_keluhan = fields.String()
    program = fields.String(allow_none=True)
    kategori = fields.String(allow_none=True)
    sektor = fields.String(allow_none=True)
    tujuan_rujukan = fields.String(allow_none=True)
    saluran_rujukan = fields.String(allow_none=True)
    hasil_akhir = fields.String(allow_none=True)
    rahasia = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    revision = fields.Integer()
    diagram_version_id = fields.Integer()


class TimerSchema(Schema):
    id = fields.String()
    element_id = fields.String()
    name = fields.String()
    due_at = fields.DateTime()
    status = fields.String()
    fired_at = fields.DateTime(allow_none=True)


class OutboxSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    tujuan = fields.String(allow_none=True)
    saluran = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class CaseDetailSchema(CaseSummarySchema):
    data = fields.Dict()
    tasks = fields.List(fields.Nested(TaskSchema))
    timers = fields.List(fields.Nested(TimerSchema))
    rujukan = fields.List(fields.Nested(OutboxSchema))
    tracking_code = fields.String()  # only in the answer to the intake that created the case


class TaskDetailSchema(TaskSchema):
    form = fields.List(fields.Nested(FormFieldSchema))
    case = fields.Nested(CaseSummarySchema)


class EventSchema(Schema):
    seq = fields.Integer()
    type = fields.String()
    at = fields.DateTime()
    actor = fields.String()
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    diagram_version_id = fields.Integer()
    data = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class PublicStageSchema(Schema):
    judul = fields.String()
    status = fields.String(metadata={"description": "selesai, sekarang or berikutnya"})
    pada = fields.DateTime(allow_none=True)
    perkiraan = fields.DateTime(allow_none=True, metadata={"description": "expected by (the SLA limit)"})


class PublicStatusSchema(Schema):
    ticket = fields.String()
    status = fields.String()
    tahap = fields.String()
    hasil = fields.String(allow_none=True)
    diterima_pada = fields.DateTime()
    diperbarui_pada = fields.DateTime()
    instansi = fields.String(metadata={"description": "who handles the complaint now, by name"})
    perkiraan_selesai = fields.DateTime(allow_none=True)
    tahapan = fields.List(fields.Nested(PublicStageSchema))


class DiagramVersionSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in VersionStatus]})
    cakupan = fields.String(metadata={"description": "wilayah berlakunya: kosong nasional, kode provinsi (2 angka) "
                                                     "atau kabupaten/kota (4 angka)"})
    content_hash = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()


class WorkflowUploadSchema(StrictSchema):
    process_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$",
                                                                      error=N_("id proses tidak valid")),
                               error_messages=_msg())
    files = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                        error_messages=_msg(invalid=N_("harus berupa objek nama berkas → isi XML")))
    cakupan = fields.String(load_default=None, validate=validate.Regexp(r"^(\d{2}|\d{4})?$", error=N_(
        "kosong (nasional), kode provinsi 2 angka atau kode kabupaten/kota 4 angka")), metadata={
        "description": "wilayah berlakunya versi; tanpa nilai: wilayah analis (dipotong ke kabupaten/kota)"})


class ReplayProblemSchema(Schema):
    event = fields.Integer(metadata={"description": "nomor urut peristiwa tempat masalah muncul"})
    task = fields.String(allow_none=True, metadata={"description": "id elemen tugas/timer yang bersangkutan"})
    problem = fields.String()
    expected = fields.String(allow_none=True, metadata={"description": "menurut catatan (log atau data tersimpan)"})
    found = fields.String(allow_none=True, metadata={"description": "yang ditemukan"})


class ReplayTaskSchema(Schema):
    id = fields.String()
    element_id = fields.String()
    name = fields.String()
    due = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)


class ReplayTimerSchema(Schema):
    id = fields.String()
    element_id = fields.String()
    due = fields.String(allow_none=True)


class ReplayStateSchema(Schema):
    """The case as it stood right after event `seq`, rebuilt by the replay."""

    seq = fields.Integer()
    type = fields.String()
    at = fields.String()
    actor = fields.String()
    element_id = fields.String(allow_none=True)
    status = fields.String()
    variables = fields.Dict()
    changed = fields.Dict()
    removed = fields.List(fields.String())
    open_tasks = fields.List(fields.Nested(ReplayTaskSchema))
    timers = fields.List(fields.Nested(ReplayTimerSchema))
    done = fields.List(fields.String())


class ReplayReportSchema(Schema):
    case_id = fields.Integer()
    ticket = fields.String()
    events = fields.Integer()
    replayed = fields.Integer(metadata={"description": "peristiwa yang diputar ulang"})
    diagram_version_id = fields.Integer()
    ok = fields.Boolean()
    chain = fields.List(fields.Nested(ReplayProblemSchema))
    replay = fields.List(fields.Nested(ReplayProblemSchema))
    anchor = fields.List(fields.Nested(ReplayProblemSchema), metadata={
        "description": "perbedaan dengan titik jangkar terakhir (kepala rantai yang ditandatangani di luar basis data)"})
    first_divergence = fields.Nested(ReplayProblemSchema, allow_none=True)
    state = fields.Nested(ReplayStateSchema, allow_none=True,
                          metadata={"description": "keadaan kasus setelah peristiwa `sampai` (jika diminta)"})


class RegistryStatusSchema(Schema):
    terdaftar = fields.Boolean()
    no_kk = fields.String(allow_none=True)
    wilayah = fields.String(allow_none=True)
    program = fields.List(fields.String())
    anggota = fields.Integer()
    desil = fields.Integer(allow_none=True)
    nik_cocok = fields.Boolean()
    nama = fields.String(allow_none=True)
    alamat = fields.String(allow_none=True)
    jenis_kelamin = fields.String(allow_none=True)
    disabilitas = fields.Boolean(allow_none=True)
