"""The signed-in officer's own account: where to start, their password and their API tokens (issue and revoke)."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for

from engine.domain import access
from engine.errors import AuthenticationFailed, InvalidInput
from engine.people import auth
from web import security
from web.auth import now, requires
from web.i18n import gettext as _
from web.pages.account import bp


# The first page of each kind of work, in order of preference, for the landing redirect: officers their
# inbox, administrators the admin pages, analysts the process list (the modeler), auditors the audit search,
# dashboard monitors the dashboard.
START_PAGES = ((access.TASKS, "ui.inbox"), (access.ADMIN, "admin.users"), (access.DIAGRAMS_EDIT, "alur.index"),
               (access.AUDIT, "audit.search"), (access.DASHBOARD, "dasbor.dashboard"))


def start_page(actor):
    """Where an officer lands after signing in: the first page of their work (START_PAGES), else their account."""
    for action, endpoint in START_PAGES:
        if access.allowed(actor, action) and endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("account.overview")


def _page(new_token=None, errors=None, status=200):
    return render_template("account.html", actor=g.actor, tokens=auth.list_tokens(g.actor, now()),
                           new_token=new_token, errors=errors or {}), status


@bp.get("/akun")
@requires(access.ACCOUNT)
def overview():
    return _page()


@bp.post("/akun/kata-sandi")
@requires(access.ACCOUNT)
def change_password():
    """The officer's own password: the current one, the new one twice. Other sessions and every API token end;
    this session carries on with the new session generation."""
    security.check_password_change(g.actor.id)
    form = request.form
    try:
        generation = auth.change_own_password(g.actor, form.get("sandi_lama"), form.get("sandi_baru"),
                                              form.get("sandi_ulang"), now())
    except AuthenticationFailed as exc:
        security.failed_password_change(g.actor.id)
        return _page(errors={"sandi_lama": exc.message}, status=422)
    except InvalidInput as exc:
        return _page(errors=exc.errors, status=422)
    session["sesi"] = generation
    flash(_("Kata sandi diubah. Sesi Anda di perangkat lain dan semua token API telah diakhiri."), "info")
    return redirect(url_for("account.overview"))


@bp.post("/akun/token")
@requires(access.ACCOUNT)
def issue():
    label = (request.form.get("label") or "").strip()[:100] or "api"
    token, _expires = auth.issue_token(g.actor, now(), current_app.config["SLRT_SETTINGS"].token_ttl_hours, label)
    return _page(new_token=token)


@bp.post("/akun/token/<int:token_id>/cabut")
@requires(access.ACCOUNT)
def revoke(token_id):
    auth.revoke_token_id(g.actor, token_id, now())
    flash(_("Token dicabut; aplikasi yang memakainya tidak bisa masuk lagi."), "info")
    return redirect(url_for("account.overview"))
