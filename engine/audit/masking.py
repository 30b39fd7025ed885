"""Mask the complainant's identity inside verification reports, as every other view does.

A divergence names what the record says and what the replay found, as text; when the
diverging value is the complainant's record (or a form that carried it) that text holds the
NIK, KK, name, phone and address. Every identity value stored anywhere for the case (its
variables, each event's data and outcome) is replaced in the report by its masked form.
"""

import json
from collections.abc import Iterator
from typing import Any

from engine.cases.queries import mask_identity

IDENTITY_KEYS = ("nik", "no_kk", "nama", "telepon", "alamat")
# Shorter values are left alone: replacing one or two letters everywhere would garble the report.
SHORTEST = 3


def masked_report(report: dict[str, Any], record: Any) -> dict[str, Any]:
    """A copy of `report` whose problems show no identity value of the case in `record`."""
    replacements = identity_replacements(record)
    if not replacements:
        return report

    def clean(found: dict[str, Any]) -> dict[str, Any]:
        return {**found, **{side: _replace(found.get(side), replacements) for side in ("expected", "found")}}

    masked = {**report, "chain": [clean(p) for p in report["chain"]], "replay": [clean(p) for p in report["replay"]]}
    if report.get("first_divergence"):
        masked["first_divergence"] = clean(report["first_divergence"])
    return masked


def identity_replacements(record: Any) -> list[tuple[str, str]]:
    """(value, masked value) for every identity value stored for the case, longest first."""
    pairs: dict[str, tuple[str, str]] = {}  # value -> (field, masked value)
    sources = [text for e in record.events for text in (e.data, e.outcome)] + [record.case.data]
    for text in sources:
        for pelapor in _pelapor_records(_parsed(text)):
            masked = mask_identity(pelapor)
            for key in IDENTITY_KEYS:
                value = pelapor.get(key)
                if isinstance(value, str) and len(value) >= SHORTEST and masked.get(key) != value:
                    pairs.setdefault(value, (key, str(masked[key])))
    return sorted(_told_apart(pairs).items(), key=lambda pair: -len(pair[0]))


def _told_apart(pairs: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Different values of one field that mask alike are numbered ('********[1]', '********[2]'),
    events first in their order, then the stored case, so a report still shows which field
    changed without showing either value."""
    by_mask: dict[tuple[str, str], list[str]] = {}
    for value, field_and_mask in pairs.items():
        by_mask.setdefault(field_and_mask, []).append(value)
    told = {}
    for (_field, masked), values in by_mask.items():
        for number, value in enumerate(values, start=1):
            told[value] = masked if len(values) == 1 else f"{masked}[{number}]"
    return told


def _parsed(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return None


def _pelapor_records(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict found under a 'pelapor' key, however deep."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "pelapor" and isinstance(inner, dict):
                yield inner
            yield from _pelapor_records(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _pelapor_records(inner)


def _replace(text: Any, replacements: list[tuple[str, str]]) -> Any:
    if not isinstance(text, str):
        return text
    for value, masked in replacements:
        text = text.replace(value, masked)
    return text
