"""The timer sweep: fire every armed timer that is due, each exactly once, from any number of
scheduler processes. Reads the timer index only; never deserializes a case that has nothing due."""

from datetime import datetime

from engine.domain.actor import SYSTEM, Actor
from engine.errors import Conflict
from engine.cases import commands
from engine.store import statements
from engine.store.models import db

BATCH = 200


def due_case_ids(now: datetime, limit: int = BATCH) -> list[int]:
    """Cases with at least one waiting timer due at `now`, earliest first (uses ix_timers_due)."""
    rows = db.session.execute(statements.DUE_TIMERS, {"_now": now, "_limit": limit * 4}).all()
    db.session.rollback()
    seen, ids = set(), []
    for case_id, _due in rows:
        if case_id not in seen:
            seen.add(case_id)
            ids.append(case_id)
    return ids[:limit]


def sweep(now: datetime, actor: Actor = SYSTEM, max_rounds: int = 1000) -> int:
    """Fire everything due at `now`; return the number of timers fired by this process."""
    fired = 0
    for _ in range(max_rounds):
        ids = due_case_ids(now)
        if not ids:
            break
        progress = 0
        for case_id in ids:
            try:
                count = commands.fire_due_timers(case_id, now, actor, skip_locked=True)
            except Conflict:
                count = 0  # another scheduler fired it first
            fired += count
            progress += count
        if progress == 0:
            break  # what is left is being fired by other schedulers right now
    return fired
