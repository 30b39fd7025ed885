"""What of the complainant's identity may leave the system on a channel, enforced at the outbox.

A diagram decides what a message's payload holds, and diagrams are edited by analysts: whatever a
diagram wrote, the outbox sends the complainant's NIK, KK, name, phone and address only on a channel
the configuration names for that field (``identitas_saluran``, e.g. ``siks_ng: [nik, no_kk]``), and
never for a confidential (``rahasia``) case. Two nets catch identity:

- by key: a payload key that names an identity field (``nik``, ``no_kk``, ``telepon``, ``alamat``,
  ``nama_pelapor``, ...) wherever it is nested, whoever's identity it holds;
- by value: any string anywhere in the payload that contains one of this complainant's identity values
  (numbers compared by their digits only, so "3203 0112 ..." is caught too; names and addresses
  case-insensitively).

What is withheld is replaced by ``WITHHELD`` so the receiver sees that something was kept back.
"""

import re
from collections.abc import Collection, Mapping
from typing import Any

from engine.config import IDENTITY_FIELDS

WITHHELD = "[dirahasiakan]"

# Payload keys (lower case) that carry an identity field whatever the value is.
_KEYS = {
    "nik": "nik", "nik_pelapor": "nik", "no_nik": "nik", "nomor_nik": "nik",
    "no_kk": "no_kk", "kk": "no_kk", "nomor_kk": "no_kk", "nokk": "no_kk", "kk_pelapor": "no_kk",
    "nama_pelapor": "nama", "nama_lengkap": "nama",
    "telepon": "telepon", "telp": "telepon", "no_hp": "telepon", "hp": "telepon", "no_telepon": "telepon",
    "nomor_telepon": "telepon", "telepon_pelapor": "telepon", "ponsel": "telepon", "whatsapp": "telepon",
    "alamat": "alamat", "alamat_pelapor": "alamat",
}
_NUMERIC = ("nik", "no_kk", "telepon")
_MIN_DIGITS = 6  # shorter numbers would match too much by chance
_MIN_TEXT = 4


def allowed_fields(channel: str | None, rahasia: bool, policy: Mapping[str, Collection[str]] | None) -> frozenset[str]:
    """The identity fields a message on `channel` may carry (none for a confidential case)."""
    if rahasia or not channel:
        return frozenset()
    return frozenset((policy or {}).get(channel, ())) & frozenset(IDENTITY_FIELDS)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _needles(pelapor: Mapping[str, Any] | None, allowed: frozenset[str]) -> list[tuple[str, str]]:
    """(field, normalised value) of each identity value of the complainant that may not leave."""
    needles = []
    for name in IDENTITY_FIELDS:
        if name in allowed:
            continue
        value = (pelapor or {}).get(name)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        if name in _NUMERIC:
            digits = _digits(str(value))
            if len(digits) >= _MIN_DIGITS:
                needles.append((name, digits))
        else:
            text = " ".join(str(value).split()).casefold()
            if len(text) >= _MIN_TEXT:
                needles.append((name, text))
    return needles


def _leaks(value: Any, needles: list[tuple[str, str]]) -> bool:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    text = str(value)
    digits, folded = _digits(text), " ".join(text.split()).casefold()
    return any((needle in digits) if name in _NUMERIC else (needle in folded) for name, needle in needles)


def redact(payload: Any, pelapor: Mapping[str, Any] | None, allowed: frozenset[str]) -> tuple[Any, list[str]]:
    """The payload with every identity not in `allowed` replaced; and the paths replaced (for the log)."""
    needles = _needles(pelapor, allowed)
    withheld: list[str] = []

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, Mapping):
            result = {}
            for key, item in value.items():
                field = _KEYS.get(str(key).casefold())
                where = f"{path}.{key}" if path else str(key)
                if field is not None and field not in allowed and item not in (None, ""):
                    withheld.append(where)
                    result[key] = WITHHELD
                else:
                    result[key] = walk(item, where)
            return result
        if isinstance(value, (list, tuple)):
            return [walk(item, f"{path}[{i}]") for i, item in enumerate(value)]
        if needles and _leaks(value, needles):
            withheld.append(path or "isi")
            return WITHHELD
        return value

    return walk(payload, ""), withheld
