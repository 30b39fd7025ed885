"""SQL pieces the reports need that SQLite and PostgreSQL spell differently.

Each is a SQLAlchemy construct compiled per dialect, so one query runs on both databases and
gives the same numbers: hours between two instants, the local calendar month of an instant,
an area-code prefix as an index-friendly range, and nearest-rank percentiles of a grouped
duration (window functions, which both databases have).
"""

from sqlalchemy import Float, String, and_, case, func, select
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
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)}))"
            " / 3600.0)")


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"((julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})) * 24.0)"


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


def in_area(column, prefix):
    """`column` starts with the BPS code prefix, as a range both databases answer from an index."""
    if not prefix:
        return column.isnot(None)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def grouped_percentiles(subquery, percents=(50, 90)):
    """A query of (grp, count, *percentiles) over `subquery`'s columns `grp` and `dur`.

    Nearest rank: the p-th percentile is the smallest value with at least p of the group's
    values at or below it. NULL durations are left out.
    """
    ranked = select(
        subquery.c.grp, subquery.c.dur,
        func.row_number().over(partition_by=subquery.c.grp, order_by=subquery.c.dur).label("rn"),
        func.count().over(partition_by=subquery.c.grp).label("n"),
    ).where(subquery.c.dur.isnot(None)).subquery()
    # integer arithmetic (100 * rank >= percent * count): no floating-point edge at exact ranks
    picks = [func.min(case((ranked.c.rn * 100 >= ranked.c.n * int(percent), ranked.c.dur)))
             for percent in percents]
    return select(ranked.c.grp, func.max(ranked.c.n), *picks).group_by(ranked.c.grp)
