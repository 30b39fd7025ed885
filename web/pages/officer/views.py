"""Officer pages: inbox actions, the task page, the case page, the intake desk and its receipt."""

import secrets

import segno
from flask import current_app, flash, g, redirect, render_template, request, url_for

from engine.domain.vocabulary import JENIS_KELUHAN, KANAL
from engine.people import catalogue
from engine.errors import Conflict, InvalidInput, NotFound
from engine.cases import commands
from engine.cases import context
from engine.processes import versions
from engine.cases import queries
from engine.cases import queue
from engine.cases import search
from engine.registry import regions
from engine.domain import access
from web.auth import local_path, now, requires
from web.i18n import DEFAULT_LANGUAGE, current_language, gettext as _
from web.translations.diagrams import translated_xml
from web.pages.officer import bp



def _back_to_inbox():
    return redirect(local_path(request.form.get("kembali", ""), url_for("ui.inbox")))


@bp.post("/tugas/<task_id>/ambil")
@requires(access.TASKS)
def claim(task_id):
    try:
        commands.claim_task(g.actor, task_id, now())
        flash(_("Tugas diambil; petugas lain melihat bahwa Anda sedang mengerjakannya."), "info")
    except (Conflict, NotFound) as exc:
        flash(_(exc.message), "galat")
    return _back_to_inbox()


@bp.post("/tugas/<task_id>/lepas")
@requires(access.TASKS)
def release(task_id):
    try:
        commands.claim_task(g.actor, task_id, now(), release=True)
        flash(_("Tugas dilepas."), "info")
    except (Conflict, NotFound) as exc:
        flash(_(exc.message), "galat")
    return _back_to_inbox()


@bp.route("/tugas/<task_id>", methods=["GET", "POST"])
@requires(access.CASES)
def task(task_id):
    page = queries.task_page(g.actor, task_id, now())
    values = {f["id"]: (page["case"] or {}).get("data", {}).get(f["id"]) for f in page["task"]["form"]}
    errors, problem, status = {}, None, 200
    if request.method == "POST":
        submitted = _form_values(page["task"]["form"])
        values.update(submitted)
        try:
            change = commands.complete_task(g.actor, task_id, submitted, now())
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        except Conflict as exc:
            problem, status = exc.message, 409
        else:
            task_name = page["task"]["name"]
            flash(_('Tugas "{tugas}" selesai.', tugas=_(task_name)), "info")
            return redirect(url_for("officer.case", key=change.case_id))
    return render_template("task.html", actor=g.actor, page=page, values=values, errors=errors,
                           problem=problem), status


def _form_values(fields):
    """The submitted form as the engine expects it: booleans from checkboxes, blanks as None."""
    values = {}
    for field in fields:
        if field["readonly"]:
            continue
        if field["type"] == "boolean":
            raw = request.form.get(field["id"])
            values[field["id"]] = None if raw in (None, "") else raw
        else:
            raw = request.form.get(field["id"], "")
            values[field["id"]] = raw if raw.strip() else None
    return values


@bp.get("/kasus/<key>")
@requires(access.CASES)
def case(key):
    view = queries.case_view(g.actor, key, now())
    history = queries.timeline(g.actor, key)
    decisions = context.decision_context(queries.find_case(view["id"]))
    drawings = versions.drawings_for_case(view)
    if current_language() != DEFAULT_LANGUAGE:  # bpmn-js draws the names as written: give it them translated
        drawings = [dict(d, xml=translated_xml(d["xml"], _)) for d in drawings]
    return render_template("case.html", actor=g.actor, case=view, history=history, decisions=decisions,
                           drawings=drawings)


@bp.get("/kasus/<key>/tanda-terima")
@requires(access.INTAKE)
def receipt(key):
    view = queries.case_view(g.actor, key, now())
    tracking = queries.find_case(key).tracking_code
    settings = current_app.config["SLRT_SETTINGS"]
    base = settings.public_address or request.host_url.rstrip("/")  # configured, else where this page was asked
    link = f"{base}{url_for('public.status')}?tiket={view['ticket']}&kode={tracking}"
    qr = segno.make(link, error="m").svg_inline(scale=4, dark="#1d2433", title=f"Kode QR status {view['ticket']}")
    program = dict(catalogue.options(active_only=False)).get(view["program"])
    return render_template("receipt.html", actor=g.actor, case=view, tracking=tracking, link=link, qr=qr,
                           kantor=settings.kantor, program=program)


@bp.route("/meja-depan", methods=["GET", "POST"])
@requires(access.INTAKE)
def intake_desk():
    villages = regions.villages_in(g.actor.wilayah)
    values, errors, status = {"rahasia": True, "kanal": "sekretariat"}, {}, 200
    token = secrets.token_urlsafe(24)  # one-time: the case it registers answers any later Simpan with it
    if request.method == "POST":
        values = _intake_values()
        token = request.form.get("token_formulir") or token
        try:
            change = commands.start_case(g.actor, values, now(), current_app.config["SLRT_SETTINGS"], key=token,
                                         same_body=False)
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        else:
            if change.repeated:
                ticket = queries.find_case(change.case_id).ticket
                flash(_("Pengaduan ini sudah tersimpan dengan tiket {tiket}; tidak dicatat dua kali.", tiket=ticket),
                      "info")
            return redirect(url_for("officer.receipt", key=change.case_id))
    board = queue.board(g.actor, now()) if access.allowed(g.actor, access.QUEUE) else None
    if request.method == "GET":
        values["nomor_antrian"] = (board or {}).get("berikutnya")
    return render_template("intake.html", actor=g.actor, board=board, villages=villages, values=values,
                           errors=errors, kanal=KANAL, jenis=JENIS_KELUHAN, programs=catalogue.options(within=g.actor.wilayah),
                           token=token), status


@bp.get("/cari-kasus")
@requires(access.INTAKE)
def find_case():
    """A returning complainant's cases by ticket, NIK / No. KK or name, in the officer's area."""
    text, result, errors, status = (request.args.get("q") or "").strip(), None, {}, 200
    if text:
        try:
            result = search.find(g.actor, text)
        except InvalidInput as exc:
            errors, status = exc.errors, 422
    return render_template("find_case.html", actor=g.actor, text=text, result=result, errors=errors), status


def _intake_values():
    form = request.form
    pelapor = {key: (form.get(f"pelapor.{key}") or "").strip() or None
               for key in ("nik", "no_kk", "nama", "telepon", "alamat", "jenis_kelamin")}
    pelapor["disabilitas"] = form.get("pelapor.disabilitas") == "ya"
    pelapor["penerima_manfaat"] = form.get("pelapor.penerima_manfaat") == "ya"
    values = {key: (form.get(key) or "").strip() or None
              for key in ("kanal", "wilayah", "jenis_keluhan", "program", "uraian", "nomor_antrian")}
    values = {k: v for k, v in values.items() if v is not None or k in ("kanal", "wilayah", "uraian")}
    values["pelapor"] = pelapor
    values["rahasia"] = form.get("rahasia") == "ya"
    values["aparat_desa"] = form.get("aparat_desa") == "ya"
    return values


@bp.post("/antrian/ambil")
@requires(access.QUEUE)
def take_number():
    flash(_("Nomor antrian baru: {nomor}", nomor=queue.take_number(g.actor, now())), "info")
    return redirect(url_for("officer.intake_desk"))


@bp.post("/antrian/panggil")
@requires(access.QUEUE)
def call_next():
    try:
        flash(_("Memanggil nomor {nomor}", nomor=queue.call_next(g.actor, now())), "info")
    except NotFound as exc:
        flash(_(exc.message), "galat")
    return redirect(url_for("officer.intake_desk"))
