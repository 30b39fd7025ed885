"""OpenAPI paths and schemas of the workflow-management endpoints (merged into web/api/openapi.py)."""

from web.api import workflow_schemas

SCHEMAS = ("Finding", "DiagramChange", "WorkflowVersion", "WorkflowDetail", "ValidationRequest", "Validation",
           "DiffElement", "Diff", "MigratedCase", "MigrationReport", "ScenarioOutcome", "ScenarioResult", "DryRun")


def register(spec, op, path_param, many):
    """Add the schemas to `spec` and return {path: operations}."""
    for name in SCHEMAS:
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=getattr(workflow_schemas, f"{name}Schema"))
    version = path_param("version_id", "id versi diagram")
    return {
        "/api/v1/workflows/validate": {"post": op(
            "Validasi berkas BPMN/DMN tanpa menyimpan: temuan per elemen (id, nama, baris)", "Validation",
            "ValidationRequest", errors=("401", "403", "422"))},
        "/api/v1/workflows/{version_id}": {"get": op("Satu versi diagram dengan isi berkasnya", "WorkflowDetail",
                                                     params=[version])},
        "/api/v1/workflows/{version_id}/files/{filename}": {"get": {
            "summary": "Unduh satu berkas dari versi diagram",
            "parameters": [version, path_param("filename", "nama berkas, mis. rules/tujuan_bpnt.dmn")],
            "responses": {"200": {"description": "XML berkas", "content": {"application/xml": {
                "schema": {"type": "string"}}}}, "404": {"description": "Tidak ditemukan"}}}},
        "/api/v1/workflows/{version_id}/diff": {"get": op(
            "Elemen yang ditambah, dihapus dan diubah dibanding versi lain", "Diff",
            params=[version, {"name": "dari", "in": "query", "required": True, "schema": {"type": "integer"},
                              "description": "id versi pembanding"}], errors=("401", "403", "404", "422"))},
        "/api/v1/workflows/{version_id}/retire": {"post": op(
            "Pensiunkan versi (draf yang batal, atau versi terbit yang bukan satu-satunya)", "WorkflowVersion",
            params=[version], errors=("401", "403", "404", "409"))},
        "/api/v1/workflows/{version_id}/rollback": {"post": op(
            "Pulihkan versi lama: terbit lagi sebagai versi terbaru", "WorkflowVersion", status="201",
            params=[version], errors=("401", "403", "404", "409"))},
        "/api/v1/workflows/{version_id}/migrate": {"post": op(
            "Pindahkan kasus berjalan dari versi lama ke versi ini bila aman; laporan per kasus", "MigrationReport",
            params=[version], errors=("401", "403", "404", "409"))},
        "/api/v1/workflows/{version_id}/dry-run": {"post": op(
            "Uji coba: jalankan skenario di versi terbit dan di versi ini (tanpa menyimpan); skenario yang berubah",
            "DryRun", params=[version], errors=("401", "403", "404"))},
    }
