"""Pages: admin."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
faq_bp = Blueprint("faq", __name__)

from web.pages.admin import views  # noqa: E402,F401  (registers the routes on the blueprint)
