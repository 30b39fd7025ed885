"""v1 endpoints: each declares its request and answer schemas (web/api/declare.py) and calls one service."""

from flask import current_app, g, jsonify, request

from engine.errors import AuthenticationFailed
from engine.audit import verify
from engine.people import auth
from engine.cases import commands, messages
from engine.processes import editing, versions
from engine.cases import public, queries
from engine.registry import dtks
from web import security
from web.api import bp, schemas
from web.api import parameters as params
from web.api.declare import api_doc
from web.api.dumping import dumper
from web.api.workflow_schemas import WorkflowVersionSchema
from engine.domain import access
from web.auth import api_requires, now


_CASE_DETAIL = dumper(schemas.CaseDetailSchema())


def _settings():
    return current_app.config["SLRT_SETTINGS"]


@bp.post("/auth/token")
@api_doc("Minta token Bearer", body=schemas.TokenRequestSchema, response=schemas.TokenSchema, status=201,
         errors=(401, 429))
def create_token(body):
    security.check_sign_in(body["username"])
    try:
        actor = auth.authenticate(body["username"], body["password"])
    except AuthenticationFailed:
        security.failed_sign_in(body["username"])
        raise
    token, expires = auth.issue_token(actor, now(), _settings().token_ttl_hours)
    return {"token": token, "expires_at": expires, "role": actor.role, "wilayah": actor.wilayah}


@bp.post("/auth/token/revoke")
@api_requires(access.ACCOUNT)
@api_doc("Cabut token Bearer yang dipakai permintaan ini", status=204)
def revoke_token():
    """Revoke the bearer token this request was made with."""
    auth.revoke_token(request.headers["Authorization"][len("Bearer "):].strip(), now())


@bp.post("/cases")
@api_requires(access.INTAKE)
@api_doc("Catat pengaduan baru", body=schemas.IntakeSchema, response=schemas.CaseDetailSchema, fast=True,
         status=201, errors=(409,), description=(
             "Header `Idempotency-Key` (opsional, maks. 200 karakter): permintaan ulang dengan kunci yang sama dari "
             "petugas yang sama menjawab kasus yang sudah tercatat dengan status 200, tanpa kasus kedua; kunci yang "
             "sama dengan isi berbeda dijawab 409."))
def create_case(body):
    change = commands.start_case(g.actor, body, now(), _settings(), key=request.headers.get("Idempotency-Key"))
    case = queries.find_case(change.case_id)
    view = queries.case_view(g.actor, change.case_id, now(), case=case)
    view["tracking_code"] = case.tracking_code
    if change.repeated:
        answer = jsonify(_CASE_DETAIL(view))
        answer.headers["Idempotent-Replayed"] = "true"
        return answer  # 200: the case the first request with this key registered
    return view


@bp.get("/cases")
@api_requires(access.CASES)
@api_doc("Daftar kasus sesuai peran dan wilayah", query=params.CaseListQuerySchema,
         response=schemas.CaseSummarySchema, many=True)
def list_cases(query):
    return queries.list_cases(g.actor, **query)


@bp.get("/cases/<key>")
@api_requires(access.CASES)
@api_doc("Satu kasus", response=schemas.CaseDetailSchema, fast=True)
def get_case(key):
    return queries.case_view(g.actor, key, now())


@bp.get("/cases/<key>/events")
@api_requires(access.CASES)
@api_doc("Log audit kasus", response=schemas.EventSchema, many=True)
def case_events(key):
    return queries.events(g.actor, key)


@bp.get("/tasks")
@api_requires(access.TASKS)
@api_doc("Kotak masuk petugas", query=params.InboxQuerySchema, response=schemas.TaskSchema, many=True, fast=True)
def list_tasks(query):
    return queries.inbox(g.actor, now(), **query)


@bp.get("/tasks/<task_id>")
@api_requires(access.CASES)
@api_doc("Satu tugas dengan formulirnya", response=schemas.TaskDetailSchema, fast=True)
def get_task(task_id):
    return queries.task_view(g.actor, task_id, now())


@bp.post("/tasks/<task_id>/claim")
@api_requires(access.TASKS)
@api_doc("Ambil tugas", response=schemas.TaskDetailSchema, fast=True, errors=(409,))
def claim_task(task_id):
    commands.claim_task(g.actor, task_id, now())
    return queries.task_view(g.actor, task_id, now())


@bp.post("/tasks/<task_id>/release")
@api_requires(access.TASKS)
@api_doc("Lepas tugas", response=schemas.TaskDetailSchema, fast=True, errors=(409,))
def release_task(task_id):
    commands.claim_task(g.actor, task_id, now(), release=True)
    return queries.task_view(g.actor, task_id, now())


@bp.post("/tasks/<task_id>/complete")
@api_requires(access.TASKS)
@api_doc("Selesaikan tugas", body=schemas.CompleteSchema, response=schemas.CaseDetailSchema, fast=True,
         errors=(409,))
def complete_task(task_id, body):
    case_id = commands.complete_task(g.actor, task_id, body["data"], now()).case_id
    return queries.case_after_action(g.actor, case_id, now())


@bp.post("/cases/<key>/messages")
@api_requires(access.TASKS)
@api_doc("Kirim pesan dari luar ke kasus yang menunggunya (event tangkap pesan); isinya menjadi variabel `pesan`",
         body=schemas.MessageSchema, response=schemas.CaseDetailSchema, errors=(409,))
def send_message(key, body):
    case_id = messages.deliver(g.actor, key, body["nama"], body["isi"], now()).case_id
    return queries.case_after_action(g.actor, case_id, now())


@bp.get("/public/cases/<ticket>")
@api_doc("Status publik untuk pelapor", query=params.PublicStatusQuerySchema, response=schemas.PublicStatusSchema,
         errors=(429,))
def public_case(ticket, query):
    return public.public_status(ticket, query["kode"])


@bp.get("/workflows")
@api_requires(access.DIAGRAMS_VIEW)
@api_doc("Versi diagram dengan status dan riwayat", response=WorkflowVersionSchema, many=True)
def list_workflows():
    return editing.overview(g.actor)


@bp.post("/workflows")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Unggah dan validasi diagram (draf)", body=schemas.WorkflowUploadSchema,
         response=schemas.DiagramVersionSchema, status=201)
def upload_workflow(body):
    version_id = editing.upload(g.actor, body["process_id"], body["files"], now(), body.get("cakupan"))
    return versions.get_version(version_id)


@bp.post("/workflows/<id:version_id>/publish")
@api_requires(access.DIAGRAMS_EDIT)
@api_doc("Terbitkan draf", response=schemas.DiagramVersionSchema, errors=(409,))
def publish_workflow(version_id):
    editing.publish_draft(g.actor, version_id, now())
    return versions.get_version(version_id)


@bp.post("/cases/<key>/replay")
@api_requires(access.AUDIT)
@api_doc("Verifikasi rantai hash dan putar ulang kasus (setiap masalah menyebut nomor peristiwa)",
         query=params.ReplayQuerySchema, response=schemas.ReplayReportSchema)
def replay_case(key, query):
    return verify.verify(g.actor, key, upto=query.get("sampai"))


@bp.get("/registry")
@api_requires(access.REGISTRY)
@api_doc("Cek status DTKS berdasarkan NIK atau No. KK", query=params.RegistryQuerySchema,
         response=schemas.RegistryStatusSchema)
def registry_lookup(query):
    return dtks.lookup_for(g.actor, **query)


@bp.get("/openapi.json")
@api_doc("Dokumen OpenAPI ini", response={"type": "object"})
def openapi():
    from web.api.openapi import document

    return document()
