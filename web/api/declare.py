"""Declare what an API view reads and answers, once: the view and the OpenAPI document use the same schemas.

    @bp.post("/cases")
    @api_requires(access.INTAKE)
    @api_doc("Catat pengaduan baru", body=IntakeSchema, response=CaseDetailSchema, fast=True, status=201)
    def create_case(body): ...

The view receives the request body loaded with the declared `body` schema (``body=``) and the query
string loaded with the declared `query` schema (``query=``); what it returns is dumped with the
declared `response` schema and sent with the declared status. A view may still return a finished
Response (a file download). web/api/openapi.py reads the declaration (``view.api_operation``) of
every route of the blueprint; path parameters come from the route itself.

`api_doc` goes below `api_requires`, so a caller is signed in and allowed before the body is read.
`fast=True` dumps with web/api/dumping.py (the same dict, without marshmallow's overhead) and is meant
for the busiest answers. The errors 401 and 403 (signed-in views), 404 (views with path parameters)
and 422 (views that load a body or a query) are implied; `errors` adds the others a view can answer.
"""

from dataclasses import dataclass
from functools import wraps

from flask import Response, jsonify, request
from marshmallow import Schema

from web.api import read_body
from web.api.dumping import dumper


@dataclass(frozen=True)
class Operation:
    """One view's declaration, as the OpenAPI document reads it."""

    summary: str
    body: Schema | None
    query: Schema | None
    response: Schema | dict | None  # a schema, a raw OpenAPI schema (non-JSON or free-form), or no content
    status: int
    errors: tuple[int, ...]
    media_type: str
    description: str | None


def _instance(schema, many=False):
    if schema is None or isinstance(schema, (Schema, dict)):
        return schema
    return schema(many=many)


def api_doc(summary, *, body=None, query=None, response=None, many=False, status=200, errors=(), fast=False,
            media_type="application/json", description=None):
    """Declare a view's body, query, answer and errors; load and dump with exactly those schemas."""
    body_schema, query_schema = _instance(body), _instance(query)
    answer = _instance(response, many)
    if isinstance(answer, Schema):
        dump = dumper(answer) if fast else answer.dump
    else:
        dump = None  # raw answers are sent as the view gives them
    operation = Operation(summary, body_schema, query_schema, answer, status, tuple(errors), media_type,
                          description)

    def decorate(view):
        if hasattr(view, "slrt_action"):
            raise TypeError(f"{view.__name__}: put @api_doc below @api_requires (sign in before reading the body)")

        @wraps(view)
        def wrapper(*args, **kwargs):
            if body_schema is not None:
                kwargs["body"] = body_schema.load(read_body())
            if query_schema is not None:
                kwargs["query"] = query_schema.load(request.args)
            result = view(*args, **kwargs)
            if isinstance(result, Response):
                return result
            if answer is None:
                return "", status
            return jsonify(result if dump is None else dump(result)), status

        wrapper.api_operation = operation
        return wrapper

    return decorate
