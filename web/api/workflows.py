"""v1 workflow management: validate, history, diff, download, retire, roll back, migrate, dry run.

Reading, validating and dry runs (nothing stored) need ``access.DIAGRAMS_VIEW``; retiring, rolling
back and migrating need ``access.DIAGRAMS_EDIT``.
"""

from flask import g, jsonify, request

from engine.domain import access
from engine.processes import editing
from web.downloads import attachment
from web.api import workflow_schemas as ws
from web.api import bp, read_body
from web.auth import api_requires, now


@bp.post("/workflows/validate")
@api_requires(access.DIAGRAMS_VIEW)
def validate_workflow():
    body = ws.ValidationRequestSchema().load(read_body())
    findings = editing.validate(g.actor, body["files"], body["process_id"])
    ok = not any(f["severity"] == "error" for f in findings)
    return jsonify(ws.ValidationSchema().dump({"ok": ok, "findings": findings}))


@bp.get("/workflows/<int:version_id>")
@api_requires(access.DIAGRAMS_VIEW)
def workflow_detail(version_id):
    return jsonify(ws.WorkflowDetailSchema().dump(editing.detail(g.actor, version_id)))


@bp.get("/workflows/<int:version_id>/files/<path:filename>")
@api_requires(access.DIAGRAMS_VIEW)
def workflow_file(version_id, filename):
    name, text = editing.source(g.actor, version_id, filename)
    return attachment(text, "application/xml", name)


@bp.get("/workflows/<int:version_id>/diff")
@api_requires(access.DIAGRAMS_VIEW)
def workflow_diff(version_id):
    return jsonify(ws.DiffSchema().dump(editing.diff(g.actor, version_id, request.args.get("dari", type=int))))


@bp.post("/workflows/<int:version_id>/retire")
@api_requires(access.DIAGRAMS_EDIT)
def retire_workflow(version_id):
    editing.retire(g.actor, version_id, now())
    return jsonify(ws.WorkflowVersionSchema().dump(editing.detail(g.actor, version_id)))


@bp.post("/workflows/<int:version_id>/rollback")
@api_requires(access.DIAGRAMS_EDIT)
def rollback_workflow(version_id):
    new_id = editing.rollback(g.actor, version_id, now())
    return jsonify(ws.WorkflowVersionSchema().dump(editing.detail(g.actor, new_id))), 201


@bp.post("/workflows/<int:version_id>/migrate")
@api_requires(access.DIAGRAMS_EDIT)
def migrate_cases(version_id):
    return jsonify(ws.MigrationReportSchema().dump(editing.migrate(g.actor, version_id, now())))


@bp.post("/workflows/<int:version_id>/dry-run")
@api_requires(access.DIAGRAMS_VIEW)
def dry_run(version_id):
    from flask import current_app

    from engine.processes import dry_run

    report = dry_run.dry_run(g.actor, version_id, current_app.config["SLRT_SETTINGS"], now())
    return jsonify(ws.DryRunSchema().dump(report))
