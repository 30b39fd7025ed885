"""Statements run on the driver (engine/store/direct.py) read and write the same values as SQLAlchemy."""

from datetime import datetime, timezone

import psycopg
import pytest
from sqlalchemy import bindparam, insert, select, text

from engine.store.database import write_transaction
from engine.store.direct import RowMissing, Statement, pipeline
from engine.store.statements import BUMP_CASE
from engine.store.models import Case, HumanTask, OutboxMessage, db
from tests.conftest import _settings
from tests.journeys import intake
from web import create_app

CASES, TASKS = Case.__table__, HumanTask.__table__


def test_rows_read_on_the_driver_equal_those_read_through_sqlalchemy(app, api):
    case = intake(api)
    with app.app_context():
        for statement, key in ((select(*[c for c in CASES.c if c.name != "state"]).where(CASES.c.id == bindparam("k")),
                                case["id"]),
                               (select(TASKS).where(TASKS.c.case_id == bindparam("k")), case["id"])):
            direct = Statement(statement).execute({"k": key}).all()
            through = db.session.execute(statement, {"k": key}).all()
            assert direct and [tuple(r) for r in direct] == [tuple(r) for r in through]
            assert [r._mapping for r in direct] == [dict(r._mapping) for r in through]
        row = Statement(select(CASES.c.created_at, CASES.c.rahasia).where(CASES.c.id == bindparam("k"))).execute(
            {"k": case["id"]}).one()
        assert row.created_at.tzinfo is not None and row.rahasia is True  # aware UTC; a boolean on SQLite too


def test_values_written_on_the_driver_read_back_through_sqlalchemy(app, api):
    case = intake(api)
    at = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)
    with app.app_context():
        added = Statement(insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)).execute(dict(
            case_id=case["id"], kind="uji", tujuan=None, saluran=None, payload="{}", idempotency_key="uji-1",
            next_attempt_at=at, last_error=None, created_at=at, delivered_at=None))  # status, attempts: defaults
        message_id = added.scalar_one()
        db.session.commit()
        message = db.session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts, message.created_at) == ("menunggu", 0, at)


def test_an_insert_missing_a_column_with_a_computed_default_is_refused_not_left_null(app):
    from sqlalchemy import Column, Integer, MetaData, Table

    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer, default=lambda: 1))
    with app.app_context(), pytest.raises(ValueError, match="give a value"):
        Statement(insert(table)).execute({"id": 1})


def _case_row(case_id):
    return db.session.execute(select(CASES.c.revision, CASES.c.event_count).where(CASES.c.id == case_id)).one()


def _outbox_keys(case_id):
    table = OutboxMessage.__table__
    return db.session.scalars(select(table.c.idempotency_key).where(table.c.case_id == case_id)).all()


def _bump_and_add_message(case_id, revision, key):
    """A compare-and-set of the case row at `revision`, then an outbox row, sent together with the COMMIT."""
    at = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)
    with write_transaction(), pipeline(commit=True):
        BUMP_CASE.execute({"_id": case_id, "_revision": revision, "revision": revision + 1, "event_count": 1,
                           "last_event_hash": "x" * 64, "updated_at": at})
        Statement(insert(OutboxMessage.__table__)).execute(dict(
            case_id=case_id, kind="uji", tujuan=None, saluran=None, payload="{}", idempotency_key=key,
            next_attempt_at=at, last_error=None, created_at=at, delivered_at=None))


def test_a_change_sent_in_one_pipeline_with_its_commit_is_written_only_at_the_revision_read(app, api):
    case = intake(api)
    with app.app_context():
        revision, _events = _case_row(case["id"])
        with pytest.raises(RowMissing):  # another writer moved the case on: nothing after the check is written
            _bump_and_add_message(case["id"], revision - 1, "uji-basi")
        db.session.rollback()
        assert _case_row(case["id"]) == (revision, 1) and _outbox_keys(case["id"]) == []
        _bump_and_add_message(case["id"], revision, "uji-baru")
        db.session.remove()  # what was committed is read on a fresh connection from the pool
        assert _case_row(case["id"]) == (revision + 1, 1) and _outbox_keys(case["id"]) == ["uji-baru"]


@pytest.mark.postgres
def test_statements_prepared_on_postgresql_stay_prepared_after_a_read_only_transaction(postgres_database):
    url, _tokens = postgres_database
    app = create_app(settings=_settings(url), config={"TESTING": True})
    with app.app_context():
        try:
            statement = Statement(select(CASES.c.id).where(CASES.c.id == bindparam("k")))
            for _ in range(6):  # psycopg prepares a statement from its sixth run
                statement.execute({"k": 0}).all()
            db.session.rollback()  # what every read-only request ends with
            prepared = db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
            assert any(query.startswith("SELECT cases.id") for query in prepared)
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_a_postgresql_connection_the_server_ended_is_replaced_before_the_next_request_uses_it(postgres_database):
    url, _tokens = postgres_database
    app = create_app(settings=_settings(url), config={"TESTING": True})
    with app.app_context():
        try:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            db.session.remove()  # back to the pool, idle
            with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
            assert db.session.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid  # no error: reconnected
        finally:
            db.session.remove()
            db.engine.dispose()
