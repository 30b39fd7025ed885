"""The hash-chained event log: build the next event of a case."""

import hashlib
import json


GENESIS = "0" * 64


def canonical(fields):
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash, fields):
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def next_event(case_id, seq, prev_hash, *, type, at, actor, diagram_version_id, task_id=None,
               element_id=None, data=None):
    """Column values of the event that follows `prev_hash` in a case's chain."""
    body = canonical(data or {})
    fields = {
        "case_id": case_id, "seq": seq, "type": type, "at": at.isoformat(), "actor": actor,
        "diagram_version_id": diagram_version_id, "task_id": task_id, "element_id": element_id,
        "data": body,
    }
    prev = prev_hash or GENESIS
    return dict(
        case_id=case_id, seq=seq, type=type, at=at, actor=actor, diagram_version_id=diagram_version_id,
        task_id=task_id, element_id=element_id, data=body, prev_hash=prev, hash=event_hash(prev, fields),
    )
