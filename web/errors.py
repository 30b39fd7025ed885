"""Translate the engine's exceptions into HTTP answers: JSON under /api, pages elsewhere."""

import logging

from flask import jsonify, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine import errors
from engine.i18n import N_
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
        return render_template("error.html", status=status, message=exc.message, errors=body.get("errors")), status

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
        return render_template("error.html", status=413, message=message, errors=None), 413

    @app.errorhandler(HTTPException)
    def on_http_error(exc):
        if _wants_json():
            return jsonify({"message": exc.description or exc.name}), exc.code
        return render_template("error.html", status=exc.code, message=exc.description, errors=None), exc.code

    @app.errorhandler(Exception)
    def on_unexpected(exc):
        log.exception("unexpected error on %s %s", request.method, request.path)
        if _wants_json():
            return jsonify(translate_body({"message": N_("Terjadi kesalahan pada server")})), 500
        return render_template("error.html", status=500, message=N_("Terjadi kesalahan pada server"), errors=None), 500
