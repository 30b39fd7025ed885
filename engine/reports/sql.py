"""SQL pieces the reports need that SQLite and PostgreSQL spell differently.

Each is a SQLAlchemy construct compiled per dialect, so one query runs on both databases and
gives the same numbers: hours between two instants, whole hours of a duration, the local
calendar month of an instant, an area-code
prefix as an index-friendly range; and exact nearest-rank percentiles of grouped durations.
"""

from collections import Counter, defaultdict

from sqlalchemy import Float, Integer, String, and_, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class hours_between(FunctionElement):
    """Hours from `earlier` to `later` (a float; NULL when either is NULL)."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between)
def _hours_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    # date_part gives a double; EXTRACT gives numeric, several times slower to divide and group
    return (f"(date_part('epoch', {compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"
            " / 3600.0)")


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"((julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})) * 24.0)"


def in_area(column, prefix):
    """`column` starts with the BPS code prefix, as a range both databases answer from an index."""
    if not prefix:
        return column.isnot(None)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


class local_month(FunctionElement):
    """'YYYY-MM' of a stored UTC instant in a fixed UTC offset (whole hours, e.g. 7 for WIB)."""

    type = String()
    inherit_cache = True
    name = "local_month"

    def __init__(self, column, offset_hours):
        self.offset_hours = int(offset_hours)
        super().__init__(column)


@compiles(local_month)
def _month_default(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"to_char({compiler.process(column, **kw)} + interval '{element.offset_hours} hours', 'YYYY-MM')"


@compiles(local_month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"strftime('%Y-%m', {compiler.process(column, **kw)}, '{element.offset_hours:+d} hours')"


class hour_floor(FunctionElement):
    """The whole hours of a non-negative duration in hours (an integer)."""

    type = Integer()
    inherit_cache = True
    name = "hour_floor"


@compiles(hour_floor)
def _floor_default(element, compiler, **kw):
    return f"CAST(FLOOR({compiler.process(list(element.clauses)[0], **kw)}) AS INTEGER)"


@compiles(hour_floor, "sqlite")
def _floor_sqlite(element, compiler, **kw):
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS INTEGER)"  # truncates: floor for >= 0


ALL = object()  # the key of the figures over every group together


def percentiles(session, group, hours, where, percents=(50, 90)):
    """{group: (count, *percentiles)}, plus {ALL: ...} over every group, of `hours` where `where`.

    Exact nearest rank (the smallest value with at least p % of the values at or below it) in
    two aggregate queries instead of a sort of every row: first a histogram by whole hour, which
    tells which hour each wanted rank falls in; then only the values of those hours.
    """
    bucket = hour_floor(hours)
    histogram = defaultdict(Counter)
    for key, hour, count in session.execute(select(group, bucket, func.count()).where(*where, hours.isnot(None))
                                            .group_by(group, bucket)):
        histogram[key][hour] += count
        histogram[ALL][hour] += count
    wanted = {}  # (key, percent) -> (hour, rank within that hour)
    for key, counts in histogram.items():
        total, seen, hours_sorted = sum(counts.values()), 0, sorted(counts)
        targets = sorted(((max(1, (p * total + 99) // 100), p) for p in percents))
        position = 0
        for hour in hours_sorted:
            while position < len(targets) and targets[position][0] <= seen + counts[hour]:
                rank, percent = targets[position]
                wanted[(key, percent)] = (hour, rank - seen)
                position += 1
            seen += counts[hour]
    values = defaultdict(list)
    needed = {hour for hour, _rank in wanted.values()}
    if needed:
        for key, hour, value in session.execute(select(group, bucket, hours).where(*where, bucket.in_(needed))):
            values[(key, hour)].append(value)
            values[(ALL, hour)].append(value)
    figures = {}
    for key, counts in histogram.items():
        picks = []
        for percent in percents:
            hour, rank = wanted[(key, percent)]
            picks.append(sorted(values[(key, hour)])[rank - 1])
        figures[key] = (sum(counts.values()), *picks)
    return figures
