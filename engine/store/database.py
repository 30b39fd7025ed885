"""Database engine set-up (SQLite pragmas, write transactions) and the transaction helper."""

import fcntl
import os
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import scoped_session

from engine.store.models import db

_WRITE = ContextVar("slrt_write_transaction", default=False)
_held = threading.local()  # the SQLite writer lock this thread holds, if any
# pages (4 KiB) the write-ahead log may grow to before a writer checkpoints it itself
FALLBACK_CHECKPOINT_PAGES = 10000


LARGEST_ID = 2**31 - 1  # what an integer id column holds on every database (PostgreSQL's integer)


def row_id(text: Any) -> int:
    """`text` (ASCII digits only) as a row id; ValueError for anything else or a number no row can have."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= LARGEST_ID):
        raise ValueError(text)
    return int(text)


def configure_engine(engine: Engine) -> None:
    """Give SQLite WAL, foreign keys and write transactions that take the lock up front; give
    PostgreSQL connections that keep their prepared statements over a rollback."""
    if engine.dialect.name == "postgresql":
        connection_class = _keeping_prepared_statements()

        @event.listens_for(engine, "do_connect")
        def _connect(_dialect, _record, cargs, cparams):
            return connection_class.connect(*cargs, **cparams)

        engine.dialect.do_ping = _ping_when_the_server_spoke(engine.dialect.do_ping)  # type: ignore[method-assign]
        return
    if engine.dialect.name != "sqlite":
        return
    writer = _WriterLock(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # The background jobs copy the log into the database (checkpoint_wal) off the request path;
        # a writer does it itself only when they have not run for a long while.
        cursor.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # BEGIN IMMEDIATE takes the write lock at the start, so a writer never fails later on a
        # stale snapshot; reads stay plain BEGIN and run beside writers under WAL.
        immediate = _WRITE.get()
        if immediate and getattr(_held, "lock", None) is None:
            writer.acquire()
            _held.lock = writer
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _ping_when_the_server_spoke(ping):
    """The pool's check of a PostgreSQL connection before use (pool_pre_ping), without a round trip
    while the server has sent nothing.

    A server that ends a connection (a restart, a crash, an administrator's terminate) sends its
    notice or closes the socket, so the socket turns readable; an idle connection's socket has
    nothing to read. Only then is the server asked (`;`), and a dead connection replaced. Asking every
    time cost a round trip at every checkout: twice per task submit (its change, then its answer).
    """
    def do_ping(dbapi_connection):
        if dbapi_connection.closed or dbapi_connection.broken:
            return ping(dbapi_connection)
        readable, _writable, _failed = select.select([dbapi_connection.fileno()], [], [], 0)
        return ping(dbapi_connection) if readable else True

    return do_ping


def _keeping_prepared_statements():
    """A psycopg connection that, rolling back a transaction that met no error, keeps its prepared
    statements.

    psycopg forgets every prepared statement at a ROLLBACK and deallocates them all on the server
    (one more round trip), in case the transaction created what they refer to. Here nothing a
    request runs creates tables, and PostgreSQL keeps prepared statements over a rollback (they
    are not transactional); but every read-only request ends with one (the session's close), so
    the busiest statements were planned again on every request, never staying prepared. After a
    failed transaction (an error, an aborted pipeline) psycopg's own rollback runs, forgetting all.
    """
    import psycopg
    from psycopg.pq import TransactionStatus

    class KeepPrepared(psycopg.Connection):
        def rollback(self) -> None:
            if (self.pgconn.transaction_status != TransactionStatus.INTRANS or self._pipeline is not None
                    or self._num_transactions or self._tpc):
                return super().rollback()
            with self.lock:
                self.wait(self._exec_command(b"ROLLBACK"))

    return KeepPrepared


def checkpoint_wal() -> int:
    """Copy what the SQLite write-ahead log holds into the database file, without waiting for or
    blocking readers and writers (PASSIVE); nothing to do on PostgreSQL. Returns the pages copied.

    SQLite's default has the writer whose commit crosses 1000 pages do it, fsync included, while
    it holds the write lock and every other writer waits; the background jobs do it instead.
    """
    if db.engine.dialect.name != "sqlite":
        return 0
    with db.engine.connect() as connection:  # on the driver: outside a transaction, which would stop it
        driver = connection.connection.dbapi_connection
        assert driver is not None  # an open connection has its driver connection
        _busy, _log_pages, copied = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return copied


class _WriterLock:
    """One SQLite writer at a time, queued so the next one starts the moment the last one ends.

    Left to SQLite, a writer that finds the database locked sleeps in its busy handler (1, 2, 5,
    10 ms…) however soon the lock is freed, and two cores sit idle while writers sleep. Here the
    threads of a process queue on a lock, and the processes (gunicorn workers, the scheduler) on
    an flock of a file beside the database, which the kernel hands to the next waiter at once.
    SQLite's own locking stays underneath, so a process without this (the sqlite3 shell) is safe.
    """

    def __init__(self, path):
        self._threads = threading.Lock()
        self._path = f"{path}.writer" if path and path != ":memory:" else None
        self._fd, self._pid = None, None

    def acquire(self):
        self._threads.acquire()
        try:
            if self._path is not None:
                if self._pid != os.getpid():  # a forked worker opens its own descriptor
                    self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self):
        try:
            if self._path is not None and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


def _release_writer():
    lock = getattr(_held, "lock", None)
    if lock is not None:
        _held.lock = None
        lock.release()


@contextmanager
def write_transaction() -> Iterator[scoped_session]:
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
        _release_writer()
