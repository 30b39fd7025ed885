"""Schemas of the workflow-management endpoints: findings, history, diff, migration, dry run."""

from marshmallow import Schema, fields

from web.api.schemas import DiagramVersionSchema, WorkflowUploadSchema, _msg


class FindingSchema(Schema):
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    file = fields.String(allow_none=True)
    severity = fields.String(metadata={"enum": ["error", "warning", "info"]})
    message = fields.String()


class DiagramChangeSchema(Schema):
    action = fields.String(metadata={"description": "diunggah, diterbitkan, dipensiunkan, migrasi"})
    actor = fields.String()
    at = fields.DateTime()
    note = fields.String()


class WorkflowVersionSchema(DiagramVersionSchema):
    """A stored version as analysts manage it: with who published it, its files, open cases and history."""

    published_by = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    files = fields.List(fields.String())
    open_cases = fields.Integer()
    changes = fields.List(fields.Nested(DiagramChangeSchema))


class WorkflowDetailSchema(WorkflowVersionSchema):
    sources = fields.Dict(keys=fields.String(), values=fields.String())


class ValidationRequestSchema(WorkflowUploadSchema):
    pass


class ValidationSchema(Schema):
    ok = fields.Boolean()
    findings = fields.List(fields.Nested(FindingSchema))


class DiffElementSchema(Schema):
    element_id = fields.String()
    type = fields.String()
    name = fields.String()
    file = fields.String()


class DiffChangeSchema(Schema):
    bagian = fields.String(metadata={"description": "bagian elemen: @atribut, teks, anak/teks"})
    lama = fields.String(allow_none=True)
    baru = fields.String(allow_none=True)


class ChangedElementSchema(DiffElementSchema):
    perubahan = fields.List(fields.Nested(DiffChangeSchema))


class DiffSchema(Schema):
    dari = fields.Integer()
    ke = fields.Integer()
    dari_versi = fields.Integer()
    ke_versi = fields.Integer()
    ditambah = fields.List(fields.Nested(DiffElementSchema))
    dihapus = fields.List(fields.Nested(DiffElementSchema))
    diubah = fields.List(fields.Nested(ChangedElementSchema))
    berkas_ditambah = fields.List(fields.String())
    berkas_dihapus = fields.List(fields.String())


class MigratedCaseSchema(Schema):
    case_id = fields.Integer()
    ticket = fields.String()
    dari_versi = fields.Integer()
    ke_versi = fields.Integer()
    alasan = fields.List(fields.String())


class MigrationReportSchema(Schema):
    ke = fields.Integer()
    ke_versi = fields.Integer()
    dipindahkan = fields.List(fields.Nested(MigratedCaseSchema))
    tidak_dipindahkan = fields.List(fields.Nested(MigratedCaseSchema))


class ScenarioOutcomeSchema(Schema):
    peran = fields.List(fields.String())
    selesai = fields.Boolean()
    tujuan_rujukan = fields.String(allow_none=True)
    saluran_rujukan = fields.String(allow_none=True)
    hasil_akhir = fields.String(allow_none=True)
    pesan_keluar = fields.List(fields.List(fields.String(allow_none=True)))
    gagal = fields.String(allow_none=True)


class ScenarioResultSchema(Schema):
    nama = fields.String()
    judul = fields.String()
    berubah = fields.Boolean()
    perbedaan = fields.List(fields.String())
    sebelum = fields.Nested(ScenarioOutcomeSchema, allow_none=True)
    sesudah = fields.Nested(ScenarioOutcomeSchema, allow_none=True)
    gagal_dimulai = fields.String(allow_none=True)
    meleset_sebelum = fields.List(fields.String())
    meleset_sesudah = fields.List(fields.String())


class DryRunSchema(Schema):
    dari = fields.Integer()
    dari_versi = fields.Integer()
    ke = fields.Integer(allow_none=True)
    ke_versi = fields.Integer(allow_none=True)
    jumlah = fields.Integer()
    berubah = fields.List(fields.String())
    skenario = fields.List(fields.Nested(ScenarioResultSchema))


class DraftSaveSchema(WorkflowUploadSchema):
    dasar = fields.Integer(required=True, error_messages=_msg(),
                           metadata={"description": "id versi yang diubah (versi dasar)"})


class DraftSchema(Schema):
    process_id = fields.String()
    dasar = fields.Integer(allow_none=True)
    files = fields.Dict(keys=fields.String(), values=fields.String())
    saved_at = fields.DateTime(allow_none=True)


class RunningVersionSchema(Schema):
    id = fields.Integer()
    versi = fields.Integer()
    status = fields.String()
    kasus_berjalan = fields.Integer()


class PublishPreviewSchema(Schema):
    ke = fields.Integer()
    ke_versi = fields.Integer()
    cakupan = fields.String()
    dari = fields.Integer()
    dari_versi = fields.Integer()
    beda = fields.Nested(DiffSchema)
    kasus_berjalan = fields.List(fields.Nested(RunningVersionSchema))
    jumlah_kasus_berjalan = fields.Integer()
