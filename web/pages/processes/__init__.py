"""Pages: processes."""

from flask import Blueprint

bp = Blueprint("alur", __name__)

from web.pages.processes import views  # noqa: E402,F401  (registers the routes on the blueprint)
