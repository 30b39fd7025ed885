"""The complainant's status page: ticket and tracking code in, stage and result out (no identity)."""

from flask import render_template, request

from engine.errors import NotFound
from engine.cases import queries
from web.pages.public import bp



@bp.get("/status")
def status():
    ticket = (request.args.get("tiket") or "").strip()
    code = (request.args.get("kode") or "").strip()
    result, problem = None, None
    if ticket or code:
        try:
            result = queries.public_status(ticket, code)
        except NotFound as exc:
            problem = exc.message
    return render_template("status.html", ticket=ticket, code=code, result=result, problem=problem), (
        404 if problem else 200)
