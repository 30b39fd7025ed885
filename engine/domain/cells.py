"""Spreadsheet cells that a spreadsheet program will not run as formulas (CSV and xlsx exports)."""

from typing import Any

# A cell starting with one of these is read by Excel, LibreOffice and Sheets as a formula
# (or, for tab and carriage return, as the start of one after the program trims the cell).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """Text that would start a formula gets a leading apostrophe; anything else is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
