"""Workflow management pages: versions, modeler, upload, diff, migration.

Reading is ``access.DIAGRAMS_VIEW`` (auditors among others), anything that stores something is
``access.DIAGRAMS_EDIT`` (analysts); so are validating and the modeler's dry run, which store nothing
but evaluate the expressions of unsaved content. The services check the same actions again.
"""

from flask import flash, g, jsonify, redirect, render_template, request, url_for

from engine.domain import access
from engine.errors import Conflict, DiagramError, Forbidden, InvalidInput, NotFound
from engine.processes import versions
from engine.processes import drafts, editing
from engine.store.database import row_id
from web.downloads import attachment
from web.auth import now, requires
from web.i18n import gettext as _, translate_body, translate_findings
from web.pages.processes import bp



def _analyst():
    return access.allowed(g.actor, access.DIAGRAMS_EDIT)


def _json_error(exc, status):
    return jsonify(translate_body(exc.to_dict())), status


@bp.get("/alur-kerja")
@requires(access.DIAGRAMS_VIEW)
def index():
    return render_template("workflows.html", actor=g.actor, versions=editing.overview(g.actor),
                           analyst=_analyst())


@bp.get("/alur-kerja/<int:version_id>/ubah")
@requires(access.DIAGRAMS_VIEW)
def editor(version_id):
    item = editing.detail(g.actor, version_id)
    main = f"workflows/{item['process_id']}.bpmn"
    chosen = request.args.get("berkas") or (main if main in item["sources"] else sorted(item["sources"])[0])
    draft = drafts.load(g.actor, item["process_id"]) if _analyst() else None
    if draft and draft["files"]:
        draft["versi_dasar"] = versions.get_version(draft["dasar"]).version
        chosen = request.args.get("berkas") or (main if main in draft["files"] else sorted(draft["files"])[0])
    if chosen not in (draft["files"] if draft and draft["files"] else item["sources"]):
        raise NotFound("Berkas tidak ada pada versi ini", file=chosen)
    return render_template("workflow_editor.html", actor=g.actor, version=item, chosen=chosen,
                           analyst=_analyst(), draft=draft if draft and draft["files"] else None,
                           scope=_scope_label(access.own_scope(g.actor)) if _analyst() else None)


def _scope_label(code):
    """'nasional', 'provinsi 32 (Jawa Barat)' or 'Kabupaten Cianjur (3203)', in the reader's language."""
    from engine.registry.regions import area_name

    if not code:
        return _("seluruh Indonesia (nasional)")
    name = area_name(code)
    kind = _("provinsi") if len(code) == 2 else _("kabupaten/kota")
    return f"{name} ({code})" if name else f"{kind} {code}"


@bp.post("/alur-kerja/draf")
@requires(access.DIAGRAMS_EDIT)
def save_draft():
    """The modeler's "Simpan draf": keep the edits on the server (nothing validated or published)."""
    from web.formatting import waktu

    body = request.get_json(silent=True) or {}
    try:
        saved = drafts.save(g.actor, body.get("process_id") or "", body.get("dasar") or 0, body.get("files") or {},
                            now())
    except (Forbidden, InvalidInput, NotFound) as exc:
        return _json_error(exc, {Forbidden: 403, InvalidInput: 422, NotFound: 404}[type(exc)])
    return jsonify({"saved_at": waktu(saved["saved_at"]), "files": sorted(saved["files"])})


@bp.post("/alur-kerja/draf/buang")
@requires(access.DIAGRAMS_EDIT)
def discard_draft():
    body = request.get_json(silent=True) or {}
    drafts.discard(g.actor, body.get("process_id") or "")
    return jsonify({"ok": True})


@bp.post("/alur-kerja/pratinjau-terbit")
@requires(access.DIAGRAMS_EDIT)
def publish_preview():
    """What the confirmation shows before publishing the modeler's edits: the diff old -> new and the
    open cases per running version in the analyst's scope; findings if the edits do not validate."""
    body = request.get_json(silent=True) or {}
    try:
        preview = drafts.preview_files(g.actor, body.get("process_id") or "", body.get("files") or {})
    except DiagramError as exc:
        return _json_error(exc, 422)
    except (Forbidden, InvalidInput, NotFound) as exc:
        return _json_error(exc, {Forbidden: 403, InvalidInput: 422, NotFound: 404}[type(exc)])
    preview["label_cakupan"] = _scope_label(preview["cakupan"])
    for row in preview["kasus_berjalan"]:
        row["label_cakupan"] = _scope_label(row["cakupan"])
    return jsonify(preview)


@bp.post("/alur-kerja/validasi")
@requires(access.DIAGRAMS_EDIT)
def validate():
    body = request.get_json(silent=True) or {}
    try:
        findings = editing.validate(g.actor, body.get("files") or {}, body.get("process_id"))
    except (Forbidden, InvalidInput) as exc:
        return _json_error(exc, 403 if isinstance(exc, Forbidden) else 422)
    return jsonify({"ok": not any(f["severity"] == "error" for f in findings),
                    "findings": translate_findings(findings)})


@bp.post("/alur-kerja/terbitkan")
@requires(access.DIAGRAMS_EDIT)
def save_and_publish():
    """Keep the edited files as a draft and publish it (the modeler's button); findings on refusal."""
    body = request.get_json(silent=True) or {}
    try:
        version_id = editing.save_and_publish(g.actor, body.get("process_id") or "", body.get("files") or {}, now())
    except DiagramError as exc:
        return _json_error(exc, 422)
    except (Forbidden, InvalidInput, Conflict) as exc:
        return _json_error(exc, {Forbidden: 403, InvalidInput: 422, Conflict: 409}[type(exc)])
    drafts.discard(g.actor, body.get("process_id") or "")  # published: the saved draft is spent
    version = versions.get_version(version_id)
    return jsonify({"id": version.id, "version": version.version, "status": version.status,
                    "editor": url_for("alur.editor", version_id=version.id)}), 201


@bp.post("/alur-kerja/uji-coba")
@requires(access.DIAGRAMS_EDIT)
def dry_run_edits():
    """The modeler's dry run: the scenario suite on the published version and on the unsaved edits."""
    from flask import current_app

    from engine.processes import dry_run

    body = request.get_json(silent=True) or {}
    try:
        report = dry_run.dry_run_files(g.actor, body.get("process_id") or "", body.get("files") or {},
                                         current_app.config["SLRT_SETTINGS"], now())
    except DiagramError as exc:
        return _json_error(exc, 422)
    except (Forbidden, NotFound) as exc:
        return _json_error(exc, 403 if isinstance(exc, Forbidden) else 404)
    return jsonify(report)


@bp.post("/alur-kerja/unggah")
@requires(access.DIAGRAMS_EDIT)
def upload():
    uploaded = {f.filename: f.read() for f in request.files.getlist("berkas") if f and f.filename}
    try:
        version_id = editing.upload_over(g.actor, request.form.get("dasar", type=int), uploaded, now())
    except (DiagramError, InvalidInput) as exc:
        return render_template("workflows.html", actor=g.actor, versions=editing.overview(g.actor),
                               analyst=_analyst(), refused=exc), 422
    flash(_("Draf versi {n} dibuat dari berkas yang diunggah.", n=versions.get_version(version_id).version), "info")
    return redirect(url_for("alur.index"))


@bp.get("/alur-kerja/<int:version_id>/terbitkan")
@requires(access.DIAGRAMS_EDIT)
def confirm_publish(version_id):
    """Before an uploaded draft is published: the diff old -> new and the open cases it concerns, and the
    button that publishes it."""
    preview = drafts.preview_version(g.actor, version_id)
    preview["label_cakupan"] = _scope_label(preview["cakupan"])
    for row in preview["kasus_berjalan"]:
        row["label_cakupan"] = _scope_label(row["cakupan"])
    return render_template("workflow_publish.html", actor=g.actor, preview=preview)


@bp.post("/alur-kerja/<int:version_id>/<action>")
@requires(access.DIAGRAMS_EDIT)
def act(version_id, action):
    if action == "terbitkan":
        editing.publish_draft(g.actor, version_id, now())
        flash(_("Versi {n} diterbitkan; kasus baru memakai versi ini.", n=versions.get_version(version_id).version),
              "info")
    elif action == "pulihkan":
        new = versions.get_version(editing.rollback(g.actor, version_id, now()))
        flash(_("Versi {n} diterbitkan sebagai pemulihan.", n=new.version), "info")
    elif action == "pensiunkan":
        editing.retire(g.actor, version_id, now())
        flash(_("Versi dipensiunkan."), "info")
    elif action == "uji":
        from flask import current_app

        from engine.processes import dry_run

        report = dry_run.dry_run(g.actor, version_id, current_app.config["SLRT_SETTINGS"], now())
        return render_template("workflow_dry_run.html", actor=g.actor, report=report)
    elif action == "migrasi":
        report = editing.migrate(g.actor, version_id, now())
        return render_template("workflows.html", actor=g.actor, versions=editing.overview(g.actor),
                               analyst=_analyst(), report=report)
    else:
        raise NotFound("Aksi tidak dikenal")
    return redirect(url_for("alur.index"))


@bp.get("/alur-kerja/<int:version_id>/beda")
@requires(access.DIAGRAMS_VIEW)
def diff(version_id):
    return render_template("workflow_diff.html", actor=g.actor,
                           diff=editing.diff(g.actor, version_id, request.args.get("dari", type=row_id)))


@bp.get("/alur-kerja/<int:version_id>/unduh/<path:filename>")
@requires(access.DIAGRAMS_VIEW)
def download(version_id, filename):
    name, text = editing.source(g.actor, version_id, filename)
    return attachment(text, "application/xml", name)
