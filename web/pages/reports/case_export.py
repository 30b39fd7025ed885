"""Downloads: the case list as CSV (no identity; see engine/cases/export.py)."""

from flask import g

from engine.domain import access
from engine.cases import export
from web.downloads import attachment
from web.formatting import default_offset
from web.i18n import translate
from web.auth import requires
from web.pages.reports import bp



@bp.get("/ekspor/kasus.csv")
@requires(access.EXPORT)
def cases_csv():
    return attachment(export.cases_csv(g.actor, default_offset(), translate), "text/csv", "kasus.csv")
