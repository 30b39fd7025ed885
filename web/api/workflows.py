"""v1 workflow management: validate, history, diff, download, retire, roll back, migrate, dry run.

Reading and dry runs of stored versions need ``access.DIAGRAMS_VIEW``; validating unsaved files
(which evaluates their expressions), retiring, rolling back and migrating need ``access.DIAGRAMS_EDIT``.
"""

from flask import g

from engine.domain import access
from engine.processes import editing
from web.downloads import attachment
from web.api import workflow_schemas as ws
from web.api import bp
from web.api.declare import api_doc
from web.api.parameters import DiffQuerySchema
from web.auth import api_requires, now
from web.i18n import translate_findings


@bp.post("/workflows/validate")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Validasi berkas BPMN/DMN tanpa menyimpan: temuan per elemen (id, nama, baris)",
         body=ws.ValidationRequestSchema, response=ws.ValidationSchema)
def validate_workflow(body):
    findings = editing.validate(g.actor, body["files"], body["process_id"])
    ok = not any(f["severity"] == "error" for f in findings)
    return {"ok": ok, "findings": translate_findings(findings)}


@bp.get("/workflows/<id:version_id>")
@api_requires(access.DIAGRAMS_VIEW)
@api_doc("Satu versi diagram dengan isi berkasnya", response=ws.WorkflowDetailSchema)
def workflow_detail(version_id):
    return editing.detail(g.actor, version_id)


@bp.get("/workflows/<id:version_id>/files/<path:filename>")
@api_requires(access.DIAGRAMS_VIEW)
@api_doc("Unduh satu berkas dari versi diagram", response={"type": "string"}, media_type="application/xml")
def workflow_file(version_id, filename):
    name, text = editing.source(g.actor, version_id, filename)
    return attachment(text, "application/xml", name)


@bp.get("/workflows/<id:version_id>/diff")
@api_requires(access.DIAGRAMS_VIEW)
@api_doc("Elemen yang ditambah, dihapus dan diubah dibanding versi lain", query=DiffQuerySchema,
         response=ws.DiffSchema)
def workflow_diff(version_id, query):
    return editing.diff(g.actor, version_id, query["dari"])


@bp.post("/workflows/<id:version_id>/retire")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Pensiunkan versi (draf yang batal, atau versi terbit yang bukan satu-satunya)",
         response=ws.WorkflowVersionSchema, errors=(409,))
def retire_workflow(version_id):
    editing.retire(g.actor, version_id, now())
    return editing.detail(g.actor, version_id)


@bp.post("/workflows/<id:version_id>/rollback")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Pulihkan versi lama: terbit lagi sebagai versi terbaru", response=ws.WorkflowVersionSchema, status=201,
         errors=(409,))
def rollback_workflow(version_id):
    new_id = editing.rollback(g.actor, version_id, now())
    return editing.detail(g.actor, new_id)


@bp.post("/workflows/<id:version_id>/migrate")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Pindahkan kasus berjalan dari versi lama ke versi ini bila aman; laporan per kasus",
         response=ws.MigrationReportSchema, errors=(409,))
def migrate_cases(version_id):
    return editing.migrate(g.actor, version_id, now())


@bp.post("/workflows/<id:version_id>/dry-run")
@api_requires(access.DIAGRAMS_VIEW)
@api_doc("Uji coba: jalankan skenario di versi terbit dan di versi ini (tanpa menyimpan); skenario yang berubah",
         response=ws.DryRunSchema)
def dry_run(version_id):
    from flask import current_app

    from engine.processes import dry_run

    return dry_run.dry_run(g.actor, version_id, current_app.config["SLRT_SETTINGS"], now())


@bp.get("/workflows/drafts/<process_id>")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Draf modeler milik analis untuk proses ini (berkas kosong bila belum ada)", response=ws.DraftSchema)
def get_draft(process_id):
    from engine.processes import drafts

    return drafts.load(g.actor, process_id)


@bp.put("/workflows/drafts/<process_id>")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Simpan draf modeler (tanpa validasi, tanpa terbit); menggantikan draf analis sebelumnya",
         body=ws.DraftSaveSchema, response=ws.DraftSchema)
def save_draft(process_id, body):
    from engine.processes import drafts

    return drafts.save(g.actor, process_id, body["dasar"], body["files"], now())


@bp.delete("/workflows/drafts/<process_id>")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Buang draf modeler analis untuk proses ini", status=204)
def discard_draft(process_id):
    from engine.processes import drafts

    drafts.discard(g.actor, process_id)
    return "", 204


@bp.get("/workflows/<id:version_id>/publish-preview")
@api_requires(access.DIAGRAMS_VIEW)
@api_doc("Pratinjau sebelum menerbitkan: beda (lama → baru) dari versi yang berlaku di cakupannya dan "
         "kasus berjalan per versi", response=ws.PublishPreviewSchema)
def publish_preview(version_id):
    from engine.processes import drafts

    return drafts.publish_preview(g.actor, version_id)
