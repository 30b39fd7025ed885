"""The OpenAPI 3 document of the v1 API, generated from the marshmallow schemas."""

from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from web.api import schemas

_ERRORS = {
    "401": "Tidak terautentikasi", "403": "Peran atau wilayah tidak berwenang",
    "404": "Tidak ditemukan", "409": "Konflik: sudah tidak siap atau diubah pihak lain",
    "422": "Data tidak valid; `errors` menyebut setiap kolom",
    "429": "Terlalu banyak permintaan; coba lagi setelah `Retry-After` detik",
}


def _op(summary, response=None, body=None, status="200", secured=True, errors=("401", "403", "404"),
        params=()):
    op = {"summary": summary, "responses": {}}
    if response is not None:
        op["responses"][status] = {"description": "OK", "content": {"application/json": {"schema": response}}}
    for code in errors:
        op["responses"][code] = {"description": _ERRORS[code],
                                 "content": {"application/json": {"schema": "Error"}}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if not secured:
        op["security"] = []
    if params:
        op["parameters"] = list(params)
    return op


def _path_param(name, description):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": description}


def _many(name):
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


@lru_cache(maxsize=1)
def document():
    spec = APISpec(title="SLRT — Mesin Rujukan Pengaduan", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    for name in ("Error", "Token", "TokenRequest", "Intake", "Pelapor", "Complete", "Task", "TaskDetail",
                 "CaseSummary", "CaseDetail", "Event", "PublicStatus", "DiagramVersion", "FormField", "Timer", "Outbox", "WorkflowUpload", "ReplayReport", "ReplayState",
                 "RegistryStatus"):
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=getattr(schemas, f"{name}Schema"))
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    case_key = _path_param("key", "id atau nomor tiket")
    task_id = _path_param("task_id", "id tugas")
    paths = {
        "/api/v1/auth/token": {"post": _op("Minta token Bearer", "Token", "TokenRequest", "201", False,
                                           ("401", "422", "429"))},
        "/api/v1/auth/token/revoke": {"post": {
            "summary": "Cabut token Bearer yang dipakai permintaan ini",
            "responses": {"204": {"description": "Token dicabut"},
                          "401": {"description": _ERRORS["401"],
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/cases": {
            "post": _op("Catat pengaduan baru", "CaseDetail", "Intake", "201", errors=("401", "403", "422")),
            "get": _op("Daftar kasus sesuai peran dan wilayah", _many("CaseSummary"), errors=("401", "403"), params=[
                {"name": "status", "in": "query", "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "cari nomor tiket"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 500}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}]),
        },
        "/api/v1/cases/{key}": {"get": _op("Satu kasus", "CaseDetail", params=[case_key])},
        "/api/v1/cases/{key}/events": {"get": _op("Log audit kasus", _many("Event"), params=[case_key])},
        "/api/v1/tasks": {"get": _op("Kotak masuk petugas", _many("Task"), errors=("401",))},
        "/api/v1/tasks/{task_id}": {"get": _op("Satu tugas dengan formulirnya", "TaskDetail", params=[task_id])},
        "/api/v1/tasks/{task_id}/claim": {"post": _op("Ambil tugas", "TaskDetail", params=[task_id],
                                                      errors=("401", "403", "404", "409"))},
        "/api/v1/tasks/{task_id}/release": {"post": _op("Lepas tugas", "TaskDetail", params=[task_id],
                                                        errors=("401", "403", "404", "409"))},
        "/api/v1/tasks/{task_id}/complete": {"post": _op(
            "Selesaikan tugas", "CaseDetail", "Complete", params=[task_id],
            errors=("401", "403", "404", "409", "422"))},
        "/api/v1/public/cases/{ticket}": {"get": _op(
            "Status publik untuk pelapor", "PublicStatus", secured=False, errors=("404", "429"),
            params=[_path_param("ticket", "nomor tiket"),
                    {"name": "kode", "in": "query", "required": True, "schema": {"type": "string"}}])},
        "/api/v1/workflows": {
            "get": _op("Versi diagram", _many("DiagramVersion"), errors=("401",)),
            "post": _op("Unggah dan validasi diagram (draf)", "DiagramVersion", "WorkflowUpload", "201",
                        errors=("401", "403", "422")),
        },
        "/api/v1/workflows/{version_id}/publish": {"post": _op(
            "Terbitkan draf", "DiagramVersion", params=[_path_param("version_id", "id versi diagram")],
            errors=("401", "403", "404", "409"))},
        "/api/v1/cases/{key}/replay": {"post": _op(
            "Verifikasi rantai hash dan putar ulang kasus (setiap masalah menyebut nomor peristiwa)", "ReplayReport",
            errors=("401", "403", "404", "422"),
            params=[case_key, {"name": "sampai", "in": "query", "required": False, "schema": {"type": "integer"},
                               "description": "putar ulang sampai peristiwa ke-N saja; `state` berisi keadaan "
                                              "kasus saat itu"}])},
        "/api/v1/registry": {"get": _op(
            "Cek status DTKS berdasarkan NIK atau No. KK", "RegistryStatus", errors=("401", "403", "422"),
            params=[{"name": "nik", "in": "query", "schema": {"type": "string"}},
                    {"name": "no_kk", "in": "query", "schema": {"type": "string"}}])},
    }
    from web.api.workflow_openapi import register as workflow_paths

    paths.update(workflow_paths(spec, _op, _path_param, _many))
    paths["/api/v1/workflows"]["get"] = _op("Versi diagram dengan status dan riwayat", _many("WorkflowVersion"),
                                            errors=("401",))
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    result = spec.to_dict()
    result["security"] = [{"bearer": []}]
    return result
