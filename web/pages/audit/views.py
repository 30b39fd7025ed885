"""Auditor pages (read-only): search cases, step through a case on its diagram, export its history."""

import json

from flask import g, render_template, request

from engine.audit import verify
from engine.processes import versions
from engine.cases.queries import EVENT_LABELS
from engine.domain.labels import VARIABLES
from engine.domain import access
from web.downloads import attachment
from web.auth import requires
from web.i18n import translate
from web.pages.audit import bp



@bp.context_processor
def labels():
    return {"event_labels": EVENT_LABELS, "translated_labels": {k: translate(v) for k, v in EVENT_LABELS.items()},
            "variable_labels": {k: translate(v) for k, v in VARIABLES.items()}}


@bp.get("/")
@requires(access.AUDIT)
def search():
    text, status = request.args.get("q", "").strip(), request.args.get("status") or None
    rows = verify.search(g.actor, text=text or None, status=status)
    return render_template("audit_search.html", actor=g.actor, rows=rows, q=text, status=status)


@bp.get("/kasus/<key>")
@requires(access.AUDIT)
def case(key):
    view = verify.step_through(g.actor, key)
    drawings = versions.drawings_for_elements(view["case"]["diagram_version_id"], _elements(view["frames"]))
    return render_template("audit_case.html", actor=g.actor, view=view, drawings=drawings)


@bp.get("/kasus/<key>/riwayat.json")
@requires(access.AUDIT)
def export_json(key):
    history = verify.history(g.actor, key)
    body = json.dumps(history, ensure_ascii=False, indent=2, default=str)
    name = f"riwayat-{history['case']['ticket']}.json"
    return attachment(body, "application/json", name)


@bp.get("/kasus/<key>/cetak")
@requires(access.AUDIT)
def printable(key):
    return render_template("audit_print.html", actor=g.actor, history=verify.history(g.actor, key))


def _elements(frames):
    ids = set()
    for frame in frames:
        ids.update(frame["done"])
        ids.update(t["element_id"] for t in frame["open_tasks"])
    return ids
