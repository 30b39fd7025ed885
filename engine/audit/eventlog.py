"""The hash-chained event log: build the next event of a case, and what each change left behind.

Every event carries the hash of the one before it. An event that changed the workflow also
carries its *outcome*: the case variables that took a new value, the human tasks and timers
it opened and closed (with their due times), the status it left the case in and the messages
the diagram sent. The outcome is part of the hashed content, so the log records the case's
state after every event and a replay can be compared with it step by step.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64
# json.dumps with these options, made once: json.dumps builds a new encoder on every call with
# options, which costs more than encoding a short value (a change encodes every case variable)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


_SCALARS = {None: "null", True: "true", False: "false"}


def canonical(value: Any) -> str:
    """`value` as canonical JSON (sorted keys, no spaces, UTF-8 kept; what JSON cannot hold as text)."""
    if value is None or value is True or value is False:  # most case variables, most of the time
        return _SCALARS[value]
    if type(value) is int:
        return int.__repr__(value)  # as the encoder writes an int
    return _CANONICAL.encode(value)


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def hashed_fields(*, case_id: int, seq: int, type: str, at: datetime, actor: str | None,
                  diagram_version_id: int | None, task_id: str | None, element_id: str | None, data: str,
                  outcome: str | None = None) -> dict[str, Any]:
    """The content an event's hash covers (events written before outcomes existed hash without one)."""
    fields = {
        "case_id": case_id, "seq": seq, "type": type, "at": at.isoformat(), "actor": actor,
        "diagram_version_id": diagram_version_id, "task_id": task_id, "element_id": element_id, "data": data,
    }
    if outcome is not None:
        fields["outcome"] = outcome
    return fields


def next_event(case_id: int, seq: int, prev_hash: str | None, *, type: str, at: datetime, actor: str | None,
               diagram_version_id: int | None, task_id: str | None = None, element_id: str | None = None,
               data: dict | None = None, outcome: dict | None = None) -> dict[str, Any]:
    """Column values of the event that follows `prev_hash` in a case's chain."""
    body = canonical(data or {})
    result = canonical(outcome) if outcome is not None else None
    fields = hashed_fields(case_id=case_id, seq=seq, type=type, at=at, actor=actor,
                           diagram_version_id=diagram_version_id, task_id=task_id, element_id=element_id,
                           data=body, outcome=result)
    prev = prev_hash or GENESIS
    return dict(
        case_id=case_id, seq=seq, type=type, at=at, actor=actor, diagram_version_id=diagram_version_id,
        task_id=task_id, element_id=element_id, data=body, outcome=result, prev_hash=prev,
        hash=event_hash(prev, fields),
    )


def variable_texts(variables: Mapping[str, Any]) -> dict[str, str]:
    """{name: canonical JSON of its value}: the form in which variables are compared and stored."""
    return {name: canonical(value) for name, value in variables.items()}


def outcome(before_variables: Mapping[str, str], after_variables: Mapping[str, str], status: str,
            changes: Mapping[str, list], messages: list) -> dict[str, Any]:
    """What one change did: variables set and unset, tasks and timers opened and closed, messages.

    `before_variables`/`after_variables` are `variable_texts` maps; `changes` is the
    `{"tasks_opened", "tasks_closed", "timers_armed", "timers_closed"}` lists the engine wrote
    to its indexes ([id, element id, due ISO] opened, [id, how] closed; ids are the engine's own).
    """
    return {
        "status": status,
        "set": {name: json.loads(text) for name, text in sorted(after_variables.items())
                if before_variables.get(name) != text},
        "unset": sorted(name for name in before_variables if name not in after_variables),
        # opened in the order they stand in the process (a replay binds the instances of one
        # multi-instance element to their stored ids in that order); closed ones by id
        **{key: list(changes[key]) for key in ("tasks_opened", "timers_armed")},
        **{key: sorted(changes[key]) for key in ("tasks_closed", "timers_closed")},
        "messages": list(messages),
    }


def instant(value: datetime | None) -> str | None:
    """A due time as it is written into an outcome (ISO-8601, UTC), or None."""
    return value.astimezone(timezone.utc).isoformat() if value is not None else None
