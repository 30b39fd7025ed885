"""Logs never carry a NIK or KK number: every 16-digit number in a log record is masked.

``install()`` wraps the log-record factory, so the mask is applied when a record is made —
whichever logger made it (ours, werkzeug's access log with its query strings, gunicorn's,
SQLAlchemy's) and whichever handler later writes it. ``NikMaskingFilter`` does the same as a
logging filter for handlers configured elsewhere (e.g. a gunicorn logging config).
"""

import logging
import re

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask(text: str) -> str:
    """The text with every 16-digit number shown as twelve asterisks and its last four digits."""
    return SIXTEEN_DIGITS.sub(lambda m: "*" * 12 + m.group()[-4:], text)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a record with mismatched arguments: keep what can be shown
        message = str(record.msg)
    record.msg, record.args = mask(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record


class NikMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def install() -> None:
    """Mask 16-digit numbers in every log record made from now on in this process (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "slrt_masks_nik", False):
        return

    def factory(*args, **kwargs):
        return mask_record(current(*args, **kwargs))

    factory.slrt_masks_nik = True  # type: ignore[attr-defined]  # a marker on the function object
    logging.setLogRecordFactory(factory)
