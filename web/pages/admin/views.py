"""Administration pages (role administrator): officers and their areas, hand-over, programs, FAQ."""

from flask import flash, g, redirect, render_template, request, url_for

from engine.domain import access
from engine.domain.roles import ALL_ROLES
from engine.domain.vocabulary import SEKTOR, TINGKAT_PROGRAM
from engine.people import catalogue
from engine.errors import Conflict, InvalidInput
from engine.people import admin
from web.auth import now, requires
from web.i18n import gettext as _, ngettext
from web.pages.admin import bp, faq_bp


USER_FIELDS = ("username", "password", "full_name", "role", "wilayah", "sektor", "instansi", "email")


def _users_page(form=None, errors=None, status=200, editing=None):
    users = admin.list_users(g.actor)
    return render_template("admin_users.html", actor=g.actor, users=users, roles=ALL_ROLES, sektor=SEKTOR,
                           form=form or {}, errors=errors or {}, editing=editing), status


@bp.get("/pengguna")
@requires(access.ADMIN)
def users():
    return _users_page()


@bp.post("/pengguna")
@requires(access.ADMIN)
def create_user():
    form = {k: request.form.get(k, "") for k in USER_FIELDS}
    try:
        admin.create_user(g.actor, form, now())
    except InvalidInput as exc:
        form.pop("password", None)
        return _users_page(form, exc.errors, 422)
    flash(_("Pengguna dibuat."), "info")
    return redirect(url_for("admin.users"))


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@requires(access.ADMIN)
def edit_user(user_id):
    user = admin.get_user(g.actor, user_id)
    form = {k: getattr(user, k) or "" for k in USER_FIELDS if k != "password"}
    errors, status = {}, 200
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in USER_FIELDS}
        try:
            admin.update_user(g.actor, user_id, form, now())
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        else:
            flash(_("Perubahan pengguna disimpan."), "info")
            return redirect(url_for("admin.users"))
    form.pop("password", None)
    candidates = [u for u in admin.list_users(g.actor) if u["active"] and u["id"] != user_id]
    return render_template("admin_user.html", actor=g.actor, user=user, form=form, errors=errors, roles=ALL_ROLES,
                           sektor=SEKTOR, candidates=candidates), status


@bp.post("/pengguna/<int:user_id>/nonaktifkan")
@requires(access.ADMIN)
def deactivate(user_id):
    replacement = request.form.get("pengganti", type=int)
    try:
        moved = admin.deactivate(g.actor, user_id, replacement, now())
    except (InvalidInput, Conflict) as exc:
        details = "; ".join(_(message) for message in exc.errors.values()) if isinstance(exc, InvalidInput) and exc.errors else ""
        flash(f"{_(exc.message)}{': ' + details if details else ''}", "galat")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    flash(ngettext("Pengguna dinonaktifkan; {n} tugas dialihkan ke pengganti.",
                   "Pengguna dinonaktifkan; {n} tugas dialihkan ke pengganti.", moved), "info")
    return redirect(url_for("admin.users"))


@bp.post("/pengguna/<int:user_id>/aktifkan")
@requires(access.ADMIN)
def reactivate(user_id):
    admin.reactivate(g.actor, user_id)
    flash(_("Pengguna diaktifkan kembali."), "info")
    return redirect(url_for("admin.users"))


def _programs_page(errors=None, failed=None, values=None):
    return render_template("admin_programs.html", actor=g.actor, programs=admin.list_programs(g.actor),
                           errors=errors or {}, failed=failed, sektor=SEKTOR, levels=TINGKAT_PROGRAM,
                           values=values or {})


@bp.get("/program")
@requires(access.ADMIN)
def programs():
    return _programs_page()


@bp.post("/program")
@requires(access.ADMIN)
def add_program():
    try:
        code = admin.add_program(g.actor, request.form)
    except InvalidInput as exc:
        return _programs_page(exc.errors, "baru", request.form), 422
    flash(_("Program {kode} ditambahkan.", kode=code), "info")
    return redirect(url_for("admin.programs"))


@bp.post("/program/<code>")
@requires(access.ADMIN)
def update_program(code):
    try:
        admin.update_program(g.actor, code, request.form)
    except InvalidInput as exc:
        return _programs_page(exc.errors, code), 422
    flash(_("Program {kode} disimpan.", kode=code), "info")
    return redirect(url_for("admin.programs"))


@bp.get("/faq")
@requires(access.ADMIN)
def faq():
    return render_template("admin_faq.html", actor=g.actor, entries=admin.list_faq(g.actor), programs=_faq_programs(),
                           errors={}, failed=None)


def _faq_programs():
    """The programs an FAQ entry of this administrator's area may name."""
    return catalogue.codes(active_only=False, within=g.actor.wilayah)


@bp.post("/faq", defaults={"faq_id": None})
@bp.post("/faq/<int:faq_id>")
@requires(access.ADMIN)
def save_faq(faq_id):
    try:
        admin.save_faq(g.actor, faq_id, request.form, now())
    except InvalidInput as exc:
        return render_template("admin_faq.html", actor=g.actor, entries=admin.list_faq(g.actor), programs=_faq_programs(),
                               errors=exc.errors, failed=faq_id or "baru"), 422
    flash(_("FAQ disimpan."), "info")
    return redirect(url_for("admin.faq"))




@faq_bp.get("/faq")
@requires(access.FAQ)
def read():
    """The FAQ the front office answers walk-ins from."""
    return render_template("faq.html", actor=g.actor, entries=admin.list_faq(g.actor, only_active=True))
