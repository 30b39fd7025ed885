"""Pages: officer."""

from flask import Blueprint

bp = Blueprint("officer", __name__)

from web.pages.officer import views  # noqa: E402,F401  (registers the routes on the blueprint)
