"""Pages: audit."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from web.pages.audit import views  # noqa: E402,F401  (registers the routes on the blueprint)
