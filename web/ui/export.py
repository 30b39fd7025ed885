"""Downloads: the case list as CSV (no identity; see engine/services/export.py)."""

from flask import Blueprint, Response, g

from engine.domain import access
from engine.services import export
from web.auth import requires

bp = Blueprint("export", __name__)


@bp.get("/ekspor/kasus.csv")
@requires(access.EXPORT)
def cases_csv():
    return Response(export.cases_csv(g.actor), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=kasus.csv"})
