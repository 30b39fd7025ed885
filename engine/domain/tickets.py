"""Ticket numbers and tracking codes a complainant can read over the phone."""

import secrets

# No 0/O, 1/I/L, 5/S, 2/Z: letters and digits that are not confused when spoken or written.
_TRACKING_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def ticket_number(kabupaten: str, year: int, number: int) -> str:
    """E.g. 3203-26-00042: district code, two-digit year, sequence within that district and year."""
    return f"{kabupaten}-{year % 100:02d}-{number:05d}"


def tracking_code(length: int = 6) -> str:
    return "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(length))
