"""The JSON API (v1): one blueprint; its routes live in the modules imported at the end."""

from flask import Blueprint, request

from engine.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def read_body():
    """The request's JSON object, or a 422 naming the body."""
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput("Badan permintaan harus JSON", errors={"_body": "harus berupa objek JSON"})
    return body


from web.api import cases, workflows  # noqa: E402,F401  (registers the routes on the blueprint)
