"""Pages: reports."""

from flask import Blueprint

bp = Blueprint("dasbor", __name__)

from web.pages.reports import case_export  # noqa: E402,F401  (registers the routes on the blueprint)
from web.pages.reports import views  # noqa: E402,F401  (registers the routes on the blueprint)
