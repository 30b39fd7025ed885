"""Front-end libraries installed from npm at set-up time, served by the app (never from a CDN)."""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from engine.config import ROOT

bp = Blueprint("assets", __name__, url_prefix="/aset")

# Only these folders of node_modules are served.
PACKAGES = {
    "bpmn-js": ROOT / "node_modules" / "bpmn-js" / "dist",
    "bpmn-js-properties-panel": ROOT / "node_modules" / "bpmn-js-properties-panel" / "dist",
    "properties-panel": ROOT / "node_modules" / "@bpmn-io" / "properties-panel" / "dist" / "assets",
    "camunda-bpmn-moddle": ROOT / "node_modules" / "camunda-bpmn-moddle" / "resources",
    "dmn-js": ROOT / "node_modules" / "dmn-js" / "dist",
    "chart.js": ROOT / "node_modules" / "chart.js" / "dist",
}


@bp.get("/<package>/<path:filename>")
def asset(package, filename):
    folder = PACKAGES.get(package)
    if folder is None or not Path(folder).is_dir():
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
