"""Pages: public."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from web.pages.public import views  # noqa: E402,F401  (registers the routes on the blueprint)
