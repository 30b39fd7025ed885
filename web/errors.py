"""Translate the engine's exceptions into HTTP answers: JSON under /api, pages elsewhere."""

import logging

from urllib.parse import urlsplit

from flask import g, jsonify, render_template, request, session
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine import errors
from engine.i18n import N_
from engine.people import auth
from web.auth import local_path
from web.i18n import translate_body

log = logging.getLogger("slrt.web")

STATUS = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.AuthenticationFailed: 401,
    errors.Conflict: 409,
    errors.InvalidInput: 422,
    errors.DiagramError: 422,
    errors.WorkflowFailure: 422,
    errors.Unavailable: 503,
}


def flatten(messages, prefix=""):
    """Marshmallow's nested messages as {'pelapor.nik': 'harus 16 angka'}."""
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = "; ".join(str(v) for v in value)
        else:
            flat[name] = str(value)
    return flat


def _page(status, message, field_errors=None):
    """The error page, with the header's menu for a signed-in officer and the way back."""
    actor = g.get("actor")
    if actor is None and session.get("user_id"):
        try:
            actor = auth.actor_for_user_id(session.get("user_id"), session.get("sesi"))
        except Exception:  # noqa: BLE001 - an error page must render even when the database does not answer
            actor = None
    referrer = urlsplit(request.referrer or "")
    back = None
    if referrer.netloc == request.host and referrer.path != request.path:
        # a path of this site only: '//evil.example/x' is a path here but another site in a link
        back = local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""), None)
    return render_template("error.html", status=status, message=message, errors=field_errors, actor=actor,
                           back=back), status


def _wants_json():
    return request.path.startswith("/api/")


def register(app):
    @app.errorhandler(errors.SlrtError)
    def on_slrt_error(exc):
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        body = exc.to_dict()
        if _wants_json():
            response = jsonify(translate_body(body))
            response.status_code = status
            if status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="slrt"'
            return response
        return _page(status, exc.message, body.get("errors"))

    @app.errorhandler(ValidationError)
    def on_validation_error(exc):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}
        body = {"message": N_("Data tidak valid"), "errors": flatten(messages)}
        return jsonify(translate_body(body)), 422

    @app.errorhandler(RequestEntityTooLarge)
    def on_too_large(exc):
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        message = N_("Permintaan terlalu besar: batasnya {n} MB per kiriman; kirim berkas yang lebih kecil", n=limit)
        if _wants_json():
            return jsonify(translate_body({"message": message})), 413
        return _page(413, message)

    @app.errorhandler(HTTPException)
    def on_http_error(exc):
        if _wants_json():
            return jsonify({"message": exc.description or exc.name}), exc.code
        return _page(exc.code, exc.description)

    @app.errorhandler(Exception)
    def on_unexpected(exc):
        log.exception("unexpected error on %s %s", request.method, request.path)
        if _wants_json():
            return jsonify(translate_body({"message": N_("Terjadi kesalahan pada server")})), 500
        return _page(500, N_("Terjadi kesalahan pada server"))
