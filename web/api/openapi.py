"""The OpenAPI 3 document of the v1 API, made by walking the app's routes and reading each view's declaration.

Nothing here lists paths: every route of the `api` blueprint is in the document with the schemas its
view loads and dumps (web/api/declare.py), its path parameters as the route declares them, and the
bearer requirement when the view is wrapped in `api_requires`.
"""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from web.api import IdConverter
from web.api.schemas import ErrorSchema

ERRORS = {
    400: "Permintaan tidak dapat dibaca (mis. berisi karakter NUL atau JSON terlalu dalam)",
    401: "Tidak terautentikasi", 403: "Peran atau wilayah tidak berwenang",
    404: "Tidak ditemukan", 409: "Konflik: sudah tidak siap atau diubah pihak lain",
    422: "Data tidak valid; `errors` menyebut setiap kolom",
    429: "Terlalu banyak permintaan; coba lagi setelah `Retry-After` detik",
}
ANSWERS = {200: "OK", 201: "Dibuat", 204: "Berhasil, tanpa isi"}

# What each path parameter of the API means (its type comes from the route's converter).
PATH_PARAMETERS = {
    "key": "id atau nomor tiket kasus",
    "task_id": "id tugas",
    "ticket": "nomor tiket",
    "version_id": "id versi diagram",
    "filename": "nama berkas, mis. rules/tujuan_bpnt.dmn",
    "process_id": "id proses BPMN, mis. keluhan",
}
_CONVERTERS = {"": {"type": "string"}, "string": {"type": "string"}, "path": {"type": "string"},
               "int": {"type": "integer", "minimum": 0},
               "id": {"type": "integer", "minimum": 0, "maximum": IdConverter.largest}}
_VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def document():
    """The document for the current app (built once per app)."""
    cache = current_app.extensions.setdefault("slrt_openapi", {})
    if "document" not in cache:
        cache["document"] = build(current_app)
    return cache["document"]


def build(app, blueprint="api"):
    """Walk `app`'s URL map and describe every route of `blueprint` from its view's declaration."""
    spec = APISpec(title="SLRT — Mesin Rujukan Pengaduan", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(blueprint + "."):
            continue
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "api_operation", None)
        if declared is None:
            raise LookupError(f"{rule.endpoint} ({rule.rule}) has no @api_doc declaration")
        path, parameters = _path(rule.rule)
        operations = paths.setdefault(path, {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = _operation(rule.endpoint, view, declared, parameters)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _path(rule):
    """'/cases/<key>' -> ('/cases/{key}', [its path parameters])."""
    parameters = [{"name": name, "in": "path", "required": True, "schema": dict(_CONVERTERS[converter]),
                   "description": PATH_PARAMETERS[name]} for converter, name in _VARIABLE.findall(rule)]
    return _VARIABLE.sub(r"{\2}", rule), parameters


def _operation(endpoint, view, declared, path_parameters):
    secured = hasattr(view, "slrt_action")  # set by web.auth.api_requires
    operation = {"operationId": endpoint.split(".", 1)[1], "summary": declared.summary,
                 "responses": {str(declared.status): _answer(declared)}}
    if declared.description:
        operation["description"] = declared.description
    parameters = list(path_parameters)
    if declared.query is not None:
        parameters.append({"in": "query", "schema": declared.query})  # one parameter per field (apispec)
    if parameters:
        operation["parameters"] = parameters
    if declared.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": declared.body}}}
    # any request may be refused as unreadable (a NUL character anywhere, JSON nested too deep): web/security.py
    implied = {400, 401, 403} if secured else {400}
    if path_parameters:
        implied.add(404)
    if declared.body is not None or declared.query is not None:
        implied.add(422)
    for code in sorted(implied | set(declared.errors)):
        operation["responses"][str(code)] = {"description": ERRORS[code],
                                             "content": {"application/json": {"schema": ErrorSchema}}}
    if secured:
        operation["security"] = [{"bearer": []}]
    return operation


def _answer(declared):
    answer = {"description": ANSWERS.get(declared.status, "OK")}
    if declared.response is not None:
        answer["content"] = {declared.media_type: {"schema": declared.response}}
    return answer
