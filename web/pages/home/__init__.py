"""Pages: home."""

from flask import Blueprint

bp = Blueprint("ui", __name__)

from web.pages.home import views  # noqa: E402,F401  (registers the routes on the blueprint)
