"""Database engine set-up (SQLite pragmas, write transactions) and the transaction helper."""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event

from engine.store.models import db

_WRITE = ContextVar("slrt_write_transaction", default=False)


def configure_engine(engine):
    """Give SQLite WAL, foreign keys and write transactions that take the lock up front."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # BEGIN IMMEDIATE takes the write lock at the start, so a writer never fails later on a
        # stale snapshot; reads stay plain BEGIN and run beside writers under WAL.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _WRITE.get() else "BEGIN")


@contextmanager
def write_transaction():
    """One use case's writes: committed together at the end, or rolled back together."""
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        session.rollback()  # so the next BEGIN is a BEGIN IMMEDIATE
    token = _WRITE.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _WRITE.reset(token)
