"""`slrt audit --all`: every case checked in one pass over the tables, without running the diagrams.

The cases, their events (ordered by case and number), task, timer and outbox rows are each read
by one ordered query over a range of case ids (streamed through a server-side cursor on
PostgreSQL, all in one repeatable-read snapshot) and merged by case id. For each case: the hash
chain (`verify.check_chain`), the signed checkpoint (`checkpoint.compare`, and anchored cases no
longer stored) and the fold of the recorded outcomes held against the stored columns and rows
(`fold.Fold`). A case that cannot be folded is replayed on its diagram. With several processes,
each takes its own ranges of case ids (forked, one database connection each).

What this pass leaves to the deeper replay (`slrt audit --all --ulang`, `slrt audit CASE`): that
each recorded outcome is what the diagram gives for its event, and the serialized workflow.
"""

import multiprocessing
import os
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from engine.processes import versions
from engine.audit import checkpoint, verify
from engine.audit.fold import Fold, NeedsReplay
from engine.audit.masking import masked_report
from engine.store.models import Case, Event, HumanTask, OutboxMessage, Timer, User, db

CHUNK = 2000  # rows fetched from the server at a time
PARALLEL_FROM = 20_000  # case-id span from which the default is one process per core
_SHARED: dict = {}  # what forked workers inherit: the app and the anchor


def _rows(connection, table, key, lo, hi, *order, columns=None) -> Iterator[tuple[int, list]]:
    """(case id, [rows]) for the cases in [lo, hi], in case id order, from one streamed query."""
    query = select(*(columns or table.c)).where(key.between(lo, hi)).order_by(key, *order)
    result = connection.execution_options(stream_results=True, yield_per=CHUNK).execute(query)
    group: list = []
    current: Any = None
    for row in result:
        case_id = row.case_id
        if case_id != current:
            if group:
                yield current, group
            current, group = case_id, []
        group.append(row)
    if group:
        yield current, group


class _Merge:
    """The rows of one table for each case asked in increasing id order."""

    def __init__(self, stream: Iterator[tuple[int, list]]) -> None:
        self.stream = stream
        self.head = next(stream, None)

    def take(self, case_id: int) -> list:
        while self.head is not None and self.head[0] < case_id:  # rows of a case no longer stored
            self.head = next(self.stream, None)
        if self.head is not None and self.head[0] == case_id:
            rows = self.head[1]
            self.head = next(self.stream, None)
            return rows
        return []


def _connection():
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def scan_range(lo: int, hi: int, anchor: checkpoint.Anchor | None, usernames: dict,
               mask: bool = True) -> dict[str, Any]:
    """Check the cases with ids in [lo, hi]: {'cases', 'ok', 'failed', 'present'}; the failed reports
    show the complainant's identity masked unless `mask` is False."""
    total, ok, failed, present = 0, 0, [], []
    case_columns = [c for c in Case.__table__.c if c.name != "state"]
    connection = _connection()
    try:
        with connection.begin():
            events = _Merge(_rows(connection, Event.__table__, Event.case_id, lo, hi, Event.seq))
            tasks = _Merge(_rows(connection, HumanTask.__table__, HumanTask.case_id, lo, hi))
            timers = _Merge(_rows(connection, Timer.__table__, Timer.case_id, lo, hi))
            outbox = _Merge(_rows(connection, OutboxMessage.__table__, OutboxMessage.case_id, lo, hi))
            cases = connection.execution_options(stream_results=True, yield_per=CHUNK).execute(
                select(*case_columns).where(Case.id.between(lo, hi)).order_by(Case.id))
            for case in cases:
                sent: dict = {}
                for row in outbox.take(case.id):
                    if row.kind != verify.NOTIFICATION_KIND:
                        sent.setdefault(int(row.idempotency_key.split("-")[2]), []).append(row)
                record = verify.Record(case, events.take(case.id), tasks.take(case.id), timers.take(case.id),
                                       sent, usernames)
                report = check(record, anchor)
                present.append(case.id)
                total += 1
                if report["ok"]:
                    ok += 1
                else:
                    failed.append(masked_report(report, record) if mask else report)
    finally:
        connection.close()
    return {"cases": total, "ok": ok, "failed": failed, "present": present}


def check(record: verify.Record, anchor: checkpoint.Anchor | None) -> dict[str, Any]:
    """The report of one case: its chain, its fold (or its replay) and, with `anchor`, the checkpoint."""
    case, events = record.case, record.events
    chain = verify.check_chain(case, events)
    first_version = events[0].diagram_version_id if events else case.diagram_version_id
    try:
        result = Fold(versions.bundle_for(first_version), record).run()
    except NeedsReplay:
        (loaded,) = verify._records([case.id])
        report = verify.check(loaded)
        db.session.rollback()
    else:
        problems = result.problems
        report = {"case_id": case.id, "ticket": case.ticket, "events": len(events), "replayed": result.replayed,
                  "diagram_version_id": case.diagram_version_id, "ok": not chain and not problems,
                  "chain": chain, "replay": problems,
                  "first_divergence": min(chain + problems, key=lambda p: p["event"], default=None)}
    if anchor is not None:
        verify._hold_to_anchor(report, anchor, record)
    return report


def _ranges(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-(hi - lo + 1) // parts))
    return [(start, min(hi, start + step - 1)) for start in range(lo, hi + 1, step)]


def _work(bounds: tuple[int, int]) -> dict[str, Any]:
    app, anchor, usernames = _SHARED["app"], _SHARED["anchor"], _SHARED["usernames"]
    with app.app_context():
        return scan_range(bounds[0], bounds[1], anchor, usernames, _SHARED["mask"])


def _forked() -> None:
    db.engine.dispose(close=False)  # the parent's connections stay the parent's


def scan_all(anchor: checkpoint.Anchor | None = None, processes: int | None = None,
             mask: bool = True) -> dict[str, Any]:
    """Check every case; the summary `verify.verify_all` gives (failed reports in case id order, identity
    masked unless `mask` is False).

    `processes` defaults to one per core (at most 4) when the case ids span PARALLEL_FROM or more.
    """
    from flask import current_app

    lo, hi = db.session.execute(select(func.min(Case.id), func.max(Case.id))).one()
    usernames = dict(db.session.execute(select(User.id, User.username)).all())
    for version_id in db.session.scalars(select(Case.diagram_version_id).distinct()):
        versions.bundle_for(version_id)  # parsed once, before any fork
    db.session.rollback()
    anchored = max(anchor.heads, default=0) if anchor is not None else 0
    lo, hi = min(lo or 1, 1), max(hi or 0, anchored)
    if processes is None:
        processes = min(4, os.cpu_count() or 1) if hi - lo >= PARALLEL_FROM else 1
    if processes <= 1 or hi < lo:
        parts = [scan_range(lo, hi, anchor, usernames, mask)] if hi >= lo else []
    else:
        _SHARED.update(app=current_app._get_current_object(),  # type: ignore[attr-defined]
                       anchor=anchor, usernames=usernames, mask=mask)
        db.engine.dispose()
        context = multiprocessing.get_context("fork")
        try:
            with context.Pool(processes, initializer=_forked) as pool:
                parts = pool.map(_work, _ranges(lo, hi, processes * 8), chunksize=1)
        finally:
            _SHARED.clear()
    failed = [report for part in parts for report in part["failed"]]
    if anchor is not None:
        failed += checkpoint.missing_cases(anchor, [case_id for part in parts for case_id in part["present"]])
        failed.sort(key=lambda report: report["case_id"])
    return {"cases": sum(part["cases"] for part in parts), "ok": sum(part["ok"] for part in parts), "failed": failed,
            "checkpoint": checkpoint.summary(anchor.last if anchor else None),
            "anchor_problems": anchor.problems if anchor else []}
