"""The canonical JSON that event hashes and variable comparisons are made of.

`canonical` takes shortcuts for the commonest case variables (null, booleans, integers) and reuses
one encoder; what it writes must stay exactly what json.dumps with the same options writes, or
every hash chain written before would stop verifying.
"""

import hashlib
import json
from datetime import datetime, timezone

import pytest

from engine.audit.eventlog import GENESIS, canonical, event_hash, next_event

VALUES = [
    None, True, False, 0, 1, -7, 10 ** 30, 1.5, float("nan"), float("inf"), "", "kualitas_beras",
    "Ani \"Siti\" — é\n", [], {}, [1, None, True, "x"], (1, 2), {"b": 1, "a": {"z": None, "y": [False]}},
    {1: "a"}, datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_canonical_is_json_dumps_with_sorted_keys_and_no_spaces(value):
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    assert canonical(value) == expected


def test_an_event_hash_is_sha256_over_the_previous_hash_and_the_canonical_fields():
    at = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)
    event = next_event(7, 1, None, type="kasus_dibuat", at=at, actor="fo.cianjur", diagram_version_id=1,
                       data={"kanal": "langsung", "rahasia": False, "jumlah": 3})
    fields = {"case_id": 7, "seq": 1, "type": "kasus_dibuat", "at": at.isoformat(), "actor": "fo.cianjur",
              "diagram_version_id": 1, "task_id": None, "element_id": None,
              "data": '{"jumlah":3,"kanal":"langsung","rahasia":false}'}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event["prev_hash"] == GENESIS
    assert event["hash"] == hashlib.sha256((GENESIS + text).encode("utf-8")).hexdigest()
    assert event["hash"] == event_hash(GENESIS, fields)
