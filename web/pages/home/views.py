"""Pages: sign-in, sign-out and a bare inbox (the full officer UI builds on these)."""

from flask import g, redirect, render_template, request, session, url_for

from engine.domain.roles import ROLE_LABELS
from engine.domain.vocabulary import KANAL, KATEGORI
from engine.people import catalogue
from engine.errors import AuthenticationFailed
from engine.people import auth
from engine.processes import versions
from engine.cases import queries
from engine.registry import regions
from engine.domain import access
from web import security
from web.auth import local_path, now, requires
from web.pages.account.views import start_page
from web.pages.home import bp



@bp.app_context_processor
def labels():
    actor = g.get("actor")
    return {"role_labels": ROLE_LABELS, "area_name": regions.area_name,
            "can": lambda action: actor is not None and access.allowed(actor, action)}


@bp.get("/")
def home():
    try:
        actor = auth.actor_for_user_id(session.get("user_id"), session.get("sesi"))
    except AuthenticationFailed:
        return redirect(url_for("ui.login"))
    return redirect(start_page(actor))


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        security.check_sign_in(username)
        try:
            actor = auth.authenticate(username, request.form.get("password", ""))
        except AuthenticationFailed as exc:
            security.failed_sign_in(username)
            error = exc.message
        else:
            session.clear()
            session["user_id"] = actor.id
            session["sesi"] = auth.session_generation(actor.id)
            return redirect(local_path(request.args.get("next", ""), start_page(actor)))
    return render_template("login.html", error=error), (401 if error else 200)


@bp.post("/keluar")
def logout():
    if session.get("user_id"):
        auth.sign_out(session["user_id"], session.get("sesi"))
    session.clear()
    return redirect(url_for("ui.login"))


@bp.get("/diagram/<int:version_id>")
@requires(access.DIAGRAMS_VIEW)
def diagram(version_id):
    """Every process diagram of a stored version, drawn with bpmn-js (import warnings listed)."""
    version = versions.get_version(version_id)
    files = {name: text for name, text in sorted(version.sources.items()) if name.endswith(".bpmn")}
    return render_template("diagram.html", actor=g.actor, version=version, files=files)


FILTERS = ("program", "kategori", "kanal", "wilayah", "tiket")


@bp.get("/kotak-masuk")
@requires(access.TASKS)
def inbox():
    chosen = {name: request.args.get(name) or None for name in FILTERS}
    number = request.args.get("halaman", "1")
    page = queries.inbox_page(g.actor, now(), page=int(number) if number.isascii() and number.isdigit() and len(number) < 7 else 1,
                              **chosen)
    return render_template("inbox.html", actor=g.actor, page=page, chosen=chosen,
                           programs=catalogue.codes(active_only=False, within=g.actor.wilayah),
                           kategori=KATEGORI, kanal=KANAL)
