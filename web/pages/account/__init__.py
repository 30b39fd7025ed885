"""Pages: account."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from web.pages.account import views  # noqa: E402,F401  (registers the routes on the blueprint)
