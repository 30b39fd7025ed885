"""The OpenAPI document is made from the routes and the schemas the views really load with: every route is
in it, the bearer requirement is where the view asks for a token, and what it says about bodies and query
parameters is what the API answers."""

import re

import pytest

from web.api.declare import api_doc
from web.auth import PUBLIC_ENDPOINTS, api_requires


def _document(api):
    response = api().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operations(doc):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _caller(path):
    """A demo officer whose role uses the endpoint (None: anyone may call it)."""
    if path.startswith(("/api/v1/public/", "/api/v1/openapi.json")) or path == "/api/v1/auth/token":
        return None
    if path.startswith("/api/v1/workflows"):
        return "analis.cianjur"
    if path.endswith("/replay"):
        return "auditor.cianjur"
    return "fo.cianjur"


def _url(path):
    """The path under /api/v1 with every parameter filled in (the checks below fail before any lookup)."""
    return re.sub(r"\{\w+\}", "1", path[len("/api/v1"):])


def _schema(doc, ref):
    return doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_every_api_route_is_documented_with_a_token_unless_public(app, api):
    doc = _document(api)
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower(), rule.endpoint)
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method, "api." + operation["operationId"]) for path, method, operation in _operations(doc)}
    assert documented == routes
    assert len(routes) >= 25
    for path, method, endpoint in routes:
        operation = doc["paths"][path][method]
        if endpoint in PUBLIC_ENDPOINTS:
            assert "security" not in operation, endpoint
        else:
            assert operation["security"] == [{"bearer": []}], endpoint
            assert {"401", "403"} <= set(operation["responses"]), endpoint
    assert "security" not in doc  # no blanket requirement: each operation says its own


def test_each_documented_request_body_is_the_one_the_view_loads(api):
    doc = _document(api)
    with_body = [(path, method, operation) for path, method, operation in _operations(doc)
                 if "requestBody" in operation]
    assert {path for path, _, _ in with_body} >= {"/api/v1/cases", "/api/v1/tasks/{task_id}/complete",
                                                   "/api/v1/auth/token", "/api/v1/workflows",
                                                   "/api/v1/workflows/validate"}
    for path, method, operation in with_body:
        body = _schema(doc, operation["requestBody"]["content"]["application/json"]["schema"])
        caller = api(_caller(path))
        empty = getattr(caller, method)(_url(path), json={})
        assert empty.status_code == 422, (path, empty.get_json())
        # the fields the document says are required are exactly the ones the answer says are missing
        assert set(empty.get_json()["errors"]) == set(body["required"]), path
        assert set(empty.get_json()["errors"].values()) == {"wajib diisi"}, path
        if body.get("additionalProperties") is False:
            unknown = getattr(caller, method)(_url(path), json={"kolom_asing": 1})
            assert unknown.get_json()["errors"]["kolom_asing"] == "kolom tidak dikenal", path
        if "security" in operation:  # the caller is checked before the body is read
            assert getattr(api(), method)(_url(path), json={}).status_code == 401, path


def test_documented_query_parameters_are_the_ones_the_view_checks(api):
    doc = _document(api)
    checked = set()
    for path, method, operation in _operations(doc):
        caller = api(_caller(path))
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        required = [p["name"] for p in query if p.get("required")]
        for parameter in query:
            if parameter["schema"].get("type") == "integer":
                answer = getattr(caller, method)(_url(path), query_string={parameter["name"]: "x"})
                assert answer.status_code == 422, (path, parameter["name"])
                assert parameter["name"] in answer.get_json()["errors"], (path, answer.get_json())
                checked.add(parameter["name"])
        if required:
            answer = getattr(caller, method)(_url(path))
            assert answer.status_code == 422 and set(answer.get_json()["errors"]) == set(required), path
            checked.update(required)
    assert checked >= {"limit", "offset", "sampai", "dari", "kode"}


def test_the_case_list_refuses_a_page_larger_than_documented(api):
    doc = _document(api)
    limit = next(p for p in doc["paths"]["/api/v1/cases"]["get"]["parameters"] if p["name"] == "limit")
    largest = limit["schema"]["maximum"]
    assert api("fo.cianjur").get("/cases", query_string={"limit": largest}).status_code == 200
    too_many = api("fo.cianjur").get("/cases", query_string={"limit": largest + 1})
    assert too_many.status_code == 422 and set(too_many.get_json()["errors"]) == {"limit"}


def test_a_declaration_above_the_token_check_is_refused():
    @api_requires(None)
    def view():
        return {}

    with pytest.raises(TypeError, match="below @api_requires"):
        api_doc("Contoh")(view)
