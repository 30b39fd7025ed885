"""Shared fixtures: a real database (SQLite file or PostgreSQL), the app, a test clock, API clients.

The schema is built with the real Alembic migrations and the demo data is seeded once per
database per test session. Each SQLite test gets a fresh copy of that template file; each
PostgreSQL test truncates the case tables and keeps people, regions, registry and diagrams.
"""

import hashlib
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from engine.config import load_settings
from engine.processes import versions
from engine.store.models import db
from web import create_app

PASSWORD = "slrt-demo-2026"
START = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # a Monday, 09:00 WIB
PG_ADMIN = os.environ.get("SLRT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
# Two checkouts testing at once on one server must not share databases: the names carry a
# short hash of this checkout's path as well as the xdist worker.
CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:6]


def pg_database_name(purpose="test"):
    """A PostgreSQL database name of this checkout and xdist worker (slrt_<purpose>_<hash>_<worker>)."""
    return f"slrt_{purpose}_{CHECKOUT}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
CASE_TABLES = ("audit_journal", "modeler_drafts", "diagram_changes", "intake_keys", "antrian", "outbox", "events", "timers", "human_tasks", "cases", "ticket_counters")


class Clock:
    """The time the app believes it is; tests move it on instead of sleeping."""

    def __init__(self, start=START):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)
        return self.now


def _settings(url):
    return load_settings(overrides={"database_url": url, "secret_key": "kunci-uji"})


def _prepare(url):
    """Migrate, register the diagrams and seed the demo data; return {username: token}."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from engine.domain.actor import Actor
    from engine.people import auth
    from engine.demo import seed
    from engine.store.models import User

    app = create_app(settings=_settings(url))
    with app.app_context():
        upgrade()
        versions.sync_from_disk(app.config["SLRT_SETTINGS"], START)
        seed.seed_demo(START, password=PASSWORD)
        tokens = {}
        for user in db.session.scalars(select(User)):
            tokens[user.username], _ = auth.issue_token(Actor.of(user), START, 24 * 365)
        db.session.remove()
        db.engine.dispose()
    return tokens


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "slrt.db"
    tokens = _prepare(f"sqlite:///{path}")
    return path, tokens


@pytest.fixture(scope="session")
def postgres_database():
    name = pg_database_name()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    tokens = _prepare(url)
    yield url, tokens
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path):
    """(database url, tokens) for a clean database of each kind."""
    if request.param == "sqlite":
        template, tokens = request.getfixturevalue("sqlite_template")
        target = tmp_path / "slrt.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}", tokens
    url, tokens = request.getfixturevalue("postgres_database")
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(CASE_TABLES)} RESTART IDENTITY CASCADE")
        conn.execute("DELETE FROM dashboard_rollups WHERE jenis <> 'zona'")  # the dashboards' sums of those
        conn.execute("DELETE FROM diagram_versions WHERE version > 1")
        conn.execute("UPDATE diagram_versions SET status = 'published'")
        seeded = f"(SELECT id FROM users WHERE username IN ({', '.join(['%s'] * len(tokens))}))"
        conn.execute(f"DELETE FROM api_tokens WHERE user_id NOT IN {seeded}", list(tokens))
        conn.execute(f"DELETE FROM users WHERE id NOT IN {seeded}", list(tokens))
    return url, tokens


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(backend, clock):
    url, _tokens = backend
    app = create_app(settings=_settings(url), clock=clock, config={"TESTING": True})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class Api:
    """A JSON client acting as one officer (or anonymously)."""

    def __init__(self, client, token=None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path, json=None, headers=None, **kwargs):
        return self.client.post(f"/api/v1{path}", json=json, headers={**self.headers, **(headers or {})}, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.client.put(f"/api/v1{path}", json=json, headers=self.headers, **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(f"/api/v1{path}", headers=self.headers, **kwargs)


@pytest.fixture
def api(app, backend):
    """api('fo.cianjur') is a client signed in as that demo officer; api() is anonymous."""
    _url, tokens = backend
    client = app.test_client()

    def as_user(username=None):
        return Api(client, tokens[username] if username else None)

    return as_user


def sql(statement, **params):
    """Run one SQL statement in the app's database and return the result rows."""
    result = db.session.execute(text(statement), params)
    rows = result.fetchall() if result.returns_rows else None
    db.session.commit()
    return rows
