"""Schemathesis against /api/v1/openapi.json with the app in process: generated requests to every
operation (20 examples each) as a signed-in officer of the role that uses it. No answer may be a server error,
use a status code or content type the document does not list, or break its response schema."""

import re

import schemathesis
from sqlalchemy import select
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from engine.domain.actor import Actor
from engine.people import auth
from engine.store.models import User, db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 20


def test_the_api_keeps_to_its_openapi_document(app, backend):
    _url, tokens = backend
    headers = {"Authorization": f"Bearer {tokens['fo.cianjur']}"}
    officer = Actor.of(db.session.scalar(select(User).where(User.username == "fo.cianjur")))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    routes = {f"{method} " + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              and rule.rule != "/api/v1/openapi.json" for method in rule.methods - {"HEAD", "OPTIONS"}}
    # every endpoint is exercised (Schemathesis leaves out the document's own address; tests/web/test_openapi.py
    # checks that it is documented too)
    assert {operation.label for operation in operations} == routes
    failures, calls = [], []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def exercise(case):
            own = headers
            for part, username in (("/workflows", "analis.cianjur"), ("/replay", "auditor.cianjur")):
                if part in operation.label:  # operations of other roles are exercised as those roles
                    own = {"Authorization": f"Bearer {tokens[username]}"}
            if operation.label == "POST /api/v1/auth/token/revoke":  # revoke a token of its own, not the shared one
                own = {"Authorization": f"Bearer {auth.issue_token(officer, app.config['SLRT_CLOCK'](), 1)[0]}"}
            response = case.call_and_validate(headers=own, checks=CHECKS)
            calls.append((operation.label, response.status_code))

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {exc}")
    answered = {label for label, status in calls if status < 400}
    # the token stayed valid throughout: these answered as the officer, not 401
    assert {"GET /api/v1/cases", "GET /api/v1/tasks", "GET /api/v1/workflows", "POST /api/v1/auth/token/revoke",
            } <= answered, sorted(set(calls))
    assert not failures, "\n\n".join(failures)
