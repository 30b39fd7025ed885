"""The JSON API (v1): one blueprint; its routes live in the modules imported at the end."""

from flask import Blueprint, request
from werkzeug.routing import IntegerConverter

from engine.errors import InvalidInput
from engine.i18n import N_

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, a whole number the database's integer columns hold (larger ones: 404, not 500)."""

    largest = 2**31 - 1

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=0, max=self.largest)


# recorded before the routes below, so the converter exists when their rules are added
bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))


def read_body():
    """The request's JSON object, or a 422 naming the body."""
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput("Badan permintaan harus JSON", errors={"_body": N_("harus berupa objek JSON")})
    return body


from web.api import cases, workflows  # noqa: E402,F401  (registers the routes on the blueprint)
