"""v1 endpoints: views parse the request, call one service, and render with a schema."""

from flask import current_app, g, jsonify, request

from engine.errors import AuthenticationFailed, InvalidInput
from engine.audit import verify
from engine.people import auth
from engine.cases import commands
from engine.processes import editing, versions
from engine.cases import queries
from engine.registry import dtks
from web import security
from web.api import bp, read_body, schemas
from web.api.dumping import dumper
from engine.domain import access
from web.auth import api_requires, now

# Schemas of the busiest endpoints, built once (building one deep-copies its fields each time);
# their answers are dumped by web/api/dumping.py, the same output without marshmallow's overhead.
_CASE_DETAIL = dumper(schemas.CaseDetailSchema())
_COMPLETE = schemas.CompleteSchema()
_TASKS = dumper(schemas.TaskSchema(many=True))
_TASK_DETAIL = dumper(schemas.TaskDetailSchema())
_PUBLIC_STATUS = schemas.PublicStatusSchema()
_INTAKE = schemas.IntakeSchema()


def _settings():
    return current_app.config["SLRT_SETTINGS"]


@bp.post("/auth/token")
def create_token():
    creds = schemas.TokenRequestSchema().load(read_body())
    security.check_sign_in(creds["username"])
    try:
        actor = auth.authenticate(creds["username"], creds["password"])
    except AuthenticationFailed:
        security.failed_sign_in(creds["username"])
        raise
    token, expires = auth.issue_token(actor, now(), _settings().token_ttl_hours)
    return jsonify(schemas.TokenSchema().dump(
        {"token": token, "expires_at": expires, "role": actor.role, "wilayah": actor.wilayah})), 201


@bp.post("/auth/token/revoke")
@api_requires(access.ACCOUNT)
def revoke_token():
    """Revoke the bearer token this request was made with."""
    auth.revoke_token(request.headers["Authorization"][len("Bearer "):].strip(), now())
    return "", 204


@bp.post("/cases")
@api_requires(access.INTAKE)
def create_case():
    payload = _INTAKE.load(read_body())
    case_id = commands.start_case(g.actor, payload, now(), _settings()).case_id
    case = queries.find_case(case_id)
    body = _CASE_DETAIL(queries.case_view(g.actor, case_id, now(), case=case))
    body["tracking_code"] = case.tracking_code
    return jsonify(body), 201


@bp.get("/cases")
@api_requires(access.CASES)
def list_cases():
    limit = request.args.get("limit", default=100, type=int)
    offset = request.args.get("offset", default=0, type=int)
    rows = queries.list_cases(g.actor, status=request.args.get("status"), limit=limit, offset=offset,
                              q=request.args.get("q"))
    return jsonify(schemas.CaseSummarySchema(many=True).dump(rows))


@bp.get("/cases/<key>")
@api_requires(access.CASES)
def get_case(key):
    return jsonify(_CASE_DETAIL(queries.case_view(g.actor, key, now())))


@bp.get("/cases/<key>/events")
@api_requires(access.CASES)
def case_events(key):
    return jsonify(schemas.EventSchema(many=True).dump(queries.events(g.actor, key)))


@bp.get("/tasks")
@api_requires(access.TASKS)
def list_tasks():
    args = request.args
    rows = queries.inbox(g.actor, now(), program=args.get("program"), kategori=args.get("kategori"),
                         kanal=args.get("kanal"), wilayah=args.get("wilayah"))
    return jsonify(_TASKS(rows))


@bp.get("/tasks/<task_id>")
@api_requires(access.CASES)
def get_task(task_id):
    return jsonify(_TASK_DETAIL(queries.task_view(g.actor, task_id, now())))


@bp.post("/tasks/<task_id>/claim")
@api_requires(access.TASKS)
def claim_task(task_id):
    commands.claim_task(g.actor, task_id, now())
    return jsonify(_TASK_DETAIL(queries.task_view(g.actor, task_id, now())))


@bp.post("/tasks/<task_id>/release")
@api_requires(access.TASKS)
def release_task(task_id):
    commands.claim_task(g.actor, task_id, now(), release=True)
    return jsonify(_TASK_DETAIL(queries.task_view(g.actor, task_id, now())))


@bp.post("/tasks/<task_id>/complete")
@api_requires(access.TASKS)
def complete_task(task_id):
    body = _COMPLETE.load(read_body())
    case_id = commands.complete_task(g.actor, task_id, body["data"], now()).case_id
    return jsonify(_CASE_DETAIL(queries.case_after_action(g.actor, case_id, now())))


@bp.get("/public/cases/<ticket>")
def public_case(ticket):
    status = queries.public_status(ticket, request.args.get("kode"))
    return jsonify(_PUBLIC_STATUS.dump(status))


@bp.get("/workflows")
@api_requires(access.DIAGRAMS_VIEW)
def list_workflows():
    from web.api.workflow_schemas import WorkflowVersionSchema

    return jsonify(WorkflowVersionSchema(many=True).dump(editing.overview(g.actor)))


@bp.post("/workflows")
@api_requires(access.DIAGRAMS_EDIT)
def upload_workflow():
    body = schemas.WorkflowUploadSchema().load(read_body())
    version_id = editing.upload(g.actor, body["process_id"], body["files"], now())
    return jsonify(schemas.DiagramVersionSchema().dump(versions.get_version(version_id))), 201


@bp.post("/workflows/<int:version_id>/publish")
@api_requires(access.DIAGRAMS_EDIT)
def publish_workflow(version_id):
    editing.publish_draft(g.actor, version_id, now())
    return jsonify(schemas.DiagramVersionSchema().dump(versions.get_version(version_id)))


@bp.post("/cases/<key>/replay")
@api_requires(access.AUDIT)
def replay_case(key):
    upto = request.args.get("sampai")
    if upto is not None and not upto.isdigit():
        raise InvalidInput("sampai harus nomor peristiwa", errors={"sampai": "harus bilangan bulat positif"})
    report = verify.verify(g.actor, key, upto=int(upto) if upto else None)
    return jsonify(schemas.ReplayReportSchema().dump(report))


@bp.get("/registry")
@api_requires(access.REGISTRY)
def registry_lookup():
    status = dtks.lookup_for(g.actor, nik=request.args.get("nik"), no_kk=request.args.get("no_kk"))
    return jsonify(schemas.RegistryStatusSchema().dump(status))


@bp.get("/openapi.json")
def openapi():
    from web.api.openapi import document

    return jsonify(document())


