"""SQL pieces the reports share: an area-code prefix as an index-friendly range (both databases)."""

from sqlalchemy import and_


def in_area(column, prefix):
    """`column` starts with the BPS code prefix, as a range both databases answer from an index."""
    if not prefix:
        return column.isnot(None)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)
