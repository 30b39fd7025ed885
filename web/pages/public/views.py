"""The complainant's status page: ticket and tracking code in; stages, handling agency, expected date,
the office's contact and how to appeal out (no identity)."""

from flask import current_app, render_template, request

from engine.errors import NotFound
from engine.cases import public
from web.pages.public import bp



@bp.get("/status")
def status():
    ticket = (request.args.get("tiket") or "").strip()
    code = (request.args.get("kode") or "").strip()
    result, problem = None, None
    if ticket or code:
        try:
            result = public.public_status(ticket, code)
        except NotFound as exc:
            problem = exc.message
    kantor = current_app.config["SLRT_SETTINGS"].kantor or {}
    return render_template("status.html", ticket=ticket, code=code, result=result, problem=problem,
                           kantor=kantor), (404 if problem else 200)
