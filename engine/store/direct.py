"""The busiest statements, run on the database driver's own connection.

SQLAlchemy spends about a tenth of a millisecond of Python on every statement it executes
(finding the session's connection, the compiled-statement cache, parameter and result objects,
events) around a driver call that takes a seventh of that. A task submit runs a dozen statements,
so on the hot path (signing the caller in, reading and writing a case, the answer's reads) the
statements are written with SQLAlchemy Core as usual and wrapped in `Statement`, which compiles
each once per dialect and set of parameter names and then hands the SQL string and parameters
straight to the driver (sqlite3 or psycopg), inside the session's transaction. Column types are
still SQLAlchemy's: their bind and result processors (aware UTC datetimes, booleans on SQLite) are
taken from the types and applied here, so values look the same whichever way they were read.

What is given up: SQLAlchemy's `before/after_cursor_execute` events do not see these statements,
and an INSERT must be given every column without a plain default (callable defaults are refused
when the statement is first compiled, not silently left NULL).

On PostgreSQL the statements of one change are sent together (`pipeline`, psycopg's pipeline
mode): one round trip for all of them and, when asked, the COMMIT, instead of one each. Inside a
pipeline a statement's rows and row count are not known until its end, so a compare-and-set is a
`CheckedUpdate`, which fails on the server when it matches no row (and then nothing after it runs).
"""

import threading
from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import event, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update

from engine.store.models import db


class Statement:
    """A Core statement run directly on the driver: `execute(params)` or `execute([params, ...])`."""

    def __init__(self, statement):
        self.statement = statement
        self._plans = {}
        self._lock = threading.Lock()

    def __repr__(self):
        return f"Statement({self.statement})"

    def execute(self, params: Any = None) -> "Result":
        dialect, driver = _held()
        many = isinstance(params, list)
        rows = params if many else [params or {}]
        if not rows:
            return Result(None, None, 0)
        plan = self._plan(dialect, rows[0])
        cursor = driver.cursor()
        if many:
            cursor.executemany(plan.sql, [plan.bind(row) for row in rows])
        else:
            cursor.execute(plan.sql, plan.bind(rows[0]))
        return Result(cursor, plan, cursor.rowcount)

    def _plan(self, dialect, params):
        key = (dialect.name, frozenset(params)) if isinstance(self.statement, Insert) else dialect.name
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key) or _Plan(self.statement, dialect, params)
                self._plans[key] = plan
        return plan


class RowMissing(Exception):
    """A CheckedUpdate matched no row: nothing after it in its pipeline was run."""


class CheckedUpdate(Statement):
    """An UPDATE that must change exactly one row, else RowMissing (a compare-and-set).

    On PostgreSQL it runs as `WITH changed AS (UPDATE … RETURNING 1) SELECT 1 / count(*) FROM
    changed`: no row makes it fail on the server (division by zero), which is what lets it sit in
    a pipeline whose later statements and COMMIT must not run then. Elsewhere the row count is checked.
    """

    def __init__(self, statement: Update):
        super().__init__(statement)
        changed = statement.returning(literal_column("1")).cte("changed")
        self._checked: Any = select(literal_column("1 / count(*)").label("one")).select_from(changed)

    def execute(self, params: Any = None) -> "Result":
        dialect, driver = _held()
        if dialect.name != "postgresql":
            result = super().execute(params)
            if result.rowcount != 1:
                raise RowMissing()
            return result
        plan = self._plans.get("checked") or self._plans.setdefault("checked", _Plan(self._checked, dialect, params))
        cursor = driver.cursor()
        with _missing_on_division_by_zero():
            cursor.execute(plan.sql, plan.bind(params))
        return Result(cursor, plan, 1)


@contextmanager
def _missing_on_division_by_zero():
    import psycopg.errors

    try:
        yield
    except psycopg.errors.DivisionByZero:
        raise RowMissing() from None


@contextmanager
def pipeline(commit: bool = False) -> Iterator[None]:
    """Send the direct statements run inside together, in one round trip at the end (PostgreSQL;
    elsewhere each runs as it comes). With `commit`, the transaction's COMMIT is sent with them, so
    the session's own commit afterwards has nothing left to send (the caller must have nothing else
    to write: ORM objects not yet flushed would be left out). Raises RowMissing at the end when a
    CheckedUpdate inside matched no row; a statement's rows cannot be read inside."""
    dialect, driver = _held()
    if dialect.name != "postgresql":
        yield
        return
    with _missing_on_division_by_zero(), driver.pipeline():
        yield
        if commit:
            driver.cursor().execute("COMMIT")


def _held():
    """The (dialect, driver connection) of the session's transaction, begun if need be."""
    session = db.session()
    held = session.info.get(_HELD)
    if held is None:
        session.connection()  # begins the transaction; _hold keeps its driver connection
        held = session.info[_HELD]
    return held


_HELD = "slrt_direct_connection"


@event.listens_for(Session, "after_begin")
def _hold(session, _transaction, connection):
    """Keep the driver connection of the session's transaction while it lasts."""
    session.info[_HELD] = (connection.dialect, connection.connection.dbapi_connection)


@event.listens_for(Session, "after_transaction_end")
def _let_go(session, transaction):
    if transaction.parent is None:
        session.info.pop(_HELD, None)


class _Plan:
    """One statement compiled for one dialect: SQL, parameter order and value conversions."""

    def __init__(self, statement, dialect, params):
        self.defaults = {}
        keys = None
        if isinstance(statement, Insert):
            for column in statement.table.columns:
                if column.key in params or column.default is None:
                    continue
                if not column.default.is_scalar:
                    raise ValueError(f"{statement.table.name}.{column.key}: give a value (its default is computed)")
                self.defaults[column.key] = column.default.arg
            keys = [*params, *self.defaults]
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        self.sql = compiled.string
        self.positional = compiled.positional
        names = list(compiled.positiontup) if self.positional else list(compiled.binds)
        # per parameter, in the driver's order: (name, conversion, value when not given, whether given)
        self.order = []
        for name in names:
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in params:
                self.order.append((name, processor, None, True))
            elif name in self.defaults:
                self.order.append((name, processor, self.defaults[name], False))
            elif bind.callable is not None or bind.value is None and bind.required:
                raise ValueError(f"parameter {name!r} is missing for {statement}")
            else:  # a value written in the statement itself (e.g. status="selesai")
                value = bind.value
                self.order.append((name, None, processor(value) if processor and value is not None else value,
                                   False))
        # the common case, every parameter given and none converted: one C call picks them in order
        plain = all(given and processor is None for _name, processor, _fallback, given in self.order)
        self._pick = itemgetter(*(entry[0] for entry in self.order)) if plain and len(self.order) > 1 else None
        self._names = [entry[0] for entry in self.order]
        columns = list(statement.exported_columns)
        self.row = _row_class([column.key for column in columns]) if columns else None
        self.results = [(i, processor) for i, column in enumerate(columns)
                        if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None))]

    def bind(self, params: Any) -> Any:
        if self._pick is not None:
            values = self._pick(params)
            return values if self.positional else dict(zip(self._names, values))
        values = []
        for name, processor, fallback, given in self.order:
            value = params[name] if given else params.get(name, fallback)
            values.append(value if processor is None or value is None else processor(value))
        if self.positional:
            return values
        return dict(zip(self._names, values))

    def make_row(self, values: Any) -> Any:
        if self.results:
            values = list(values)
            for i, processor in self.results:
                values[i] = processor(values[i])
        return self.row._make(values)


def _row_class(keys):
    class Row(namedtuple("Row", keys)):
        __slots__ = ()

        @property
        def _mapping(self):
            return dict(zip(self._fields, self))

    return Row


class Result:
    """The rows of a direct statement: named tuples with SQLAlchemy Row's `_mapping`."""

    def __init__(self, cursor, plan, rowcount):
        self._cursor, self._plan, self.rowcount = cursor, plan, rowcount

    def __iter__(self):
        return iter(self.all())

    def all(self) -> list:
        return [self._plan.make_row(values) for values in self._cursor.fetchall()]

    def first(self) -> Any:
        values = self._cursor.fetchone()
        return None if values is None else self._plan.make_row(values)

    def one_or_none(self) -> Any:
        rows = self.all()
        if len(rows) > 1:
            raise ValueError("more than one row")
        return rows[0] if rows else None

    def one(self) -> Any:
        row = self.one_or_none()
        if row is None:
            raise ValueError("no row")
        return row

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]
