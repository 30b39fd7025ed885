"""Verify a case's record: the hash chain of its events, and a replay of them on its diagram version.

`verify` checks one case for an auditor; `verify_all` checks every case (the `slrt audit`
command), loading cases in batches. `step_through` and `history` give the auditor pages and
the export the case as it stood after each event, with the complainant's identity masked
unless the auditor may see it.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from engine import state
from engine.domain import access, roles
from engine.errors import Forbidden
from engine.processes import versions
from engine.audit import checkpoint
from engine.audit.eventlog import GENESIS, event_hash, hashed_fields
from engine.cases.queries import case_scope, find_case, mask_identity
from engine.audit.masking import masked_report
from engine.audit.replay import MIGRATION, Replay, problem
from engine.store.models import Case, Event, HumanTask, OutboxMessage, Timer, User, db
from engine.i18n import N_

AUDIT_ROLES = frozenset({roles.AUDITOR, roles.ADMINISTRATOR, roles.MANAJER})
BATCH = 200
NOTIFICATION_KIND = "pemberitahuan"  # deadline emails: not sent by the diagram, not replayed


@dataclass
class Record:
    """Everything stored about one case that verification compares."""

    case: Case
    events: list
    tasks: list
    timers: list
    outbox: dict  # event seq -> outbox rows the diagram sent at that event
    usernames: dict  # user id -> username


def _records(case_ids):
    """Records of these cases, with a handful of queries for the whole batch."""
    from sqlalchemy.orm import undefer

    chosen = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids))
                                     .options(undefer(Case.state), undefer(Case.data))))
    by_case = {c.id: Record(c, [], [], [], {}, {}) for c in chosen}
    for event in db.session.scalars(select(Event).where(Event.case_id.in_(case_ids)).order_by(Event.case_id, Event.seq)):
        by_case[event.case_id].events.append(event)
    for row in db.session.scalars(select(HumanTask).where(HumanTask.case_id.in_(case_ids))):
        by_case[row.case_id].tasks.append(row)
    for row in db.session.scalars(select(Timer).where(Timer.case_id.in_(case_ids))):
        by_case[row.case_id].timers.append(row)
    for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id.in_(case_ids),
                                                              OutboxMessage.kind != NOTIFICATION_KIND)):
        seq = int(row.idempotency_key.split("-")[2])
        by_case[row.case_id].outbox.setdefault(seq, []).append(row)
    user_ids = {r.completed_by for rec in by_case.values() for r in rec.tasks} | {
        r.assignee_id for rec in by_case.values() for r in rec.tasks}
    usernames = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(user_ids - {None}))).all())
    for record in by_case.values():
        record.usernames = usernames
    return [by_case[i] for i in case_ids if i in by_case]


def _require_audit(actor, case):
    if not (actor.role in AUDIT_ROLES and access.may_audit(actor, case)):
        raise Forbidden(N_("Anda tidak berwenang memeriksa kasus ini"), case=str(case.id))


def verify(actor: Any, key: int | str, upto: int | None = None) -> dict[str, Any]:
    """A report for one case: the chain check and the replay, each problem naming the event.

    With `upto`, the replay stops after event `upto` and the report carries the case as it
    stood then (`state`); the stored case is compared only by a full replay.
    """
    case = find_case(key)
    _require_audit(actor, case)
    (record,) = _records([case.id])
    report, result = _check(record, upto, frames=upto is not None, anchored=True)
    hide = not access.may_see_identity(actor, case)
    if hide:
        report = masked_report(report, record)
    if upto is not None:
        report["state"] = (_frame_view(result.frames[-1], record.events[len(result.frames) - 1], hide)
                           if result.frames else None)
    return report


def check(record: Any, upto: int | None = None) -> dict[str, Any]:
    """The verification report of one loaded case."""
    return _check(record, upto)[0]


def _check(record, upto=None, frames=False, anchored=False):
    chain = check_chain(record.case, record.events)
    # a case moved to a newer version replays on the version it started on, up to the move
    first_version = record.events[0].diagram_version_id if record.events else record.case.diagram_version_id
    result = Replay(versions.bundle_for(first_version), record, upto, frames=frames).run()
    problems = result.problems
    report = {"case_id": record.case.id, "ticket": record.case.ticket, "events": len(record.events),
              "replayed": result.replayed, "diagram_version_id": record.case.diagram_version_id,
              "ok": not chain and not problems, "chain": chain, "replay": problems,
              "first_divergence": min(chain + problems, key=lambda p: p["event"], default=None)}
    if anchored:  # one case for an auditor: held against the last checkpoint too, when there is one
        _hold_to_anchor(report, checkpoint.read_cached(checkpoint.Store.from_settings(state.current().settings)), record)
    return report, result


def check_chain(case: Any, events: Sequence[Any]) -> list[dict[str, Any]]:
    """Problems with the chain: missing or reordered events, broken links, altered contents, a cut end."""
    problems = []
    prev = GENESIS
    expected_seq = 1
    version = None  # the version in force: the first event's, changed only by a recorded migration
    for event in events:
        if event.seq > expected_seq:
            missing = ", ".join(str(n) for n in range(expected_seq, event.seq))
            problems.append(problem(expected_seq, f"peristiwa nomor {missing} hilang", None, expected_seq, event.seq))
        elif event.seq < expected_seq:
            problems.append(problem(event.seq, "nomor urut ganda", None, expected_seq, event.seq))
        if event.prev_hash != prev:
            problems.append(problem(event.seq, "tidak tersambung dengan peristiwa sebelumnya", None, prev, event.prev_hash))
        fields = hashed_fields(case_id=event.case_id, seq=event.seq, type=event.type, at=event.at, actor=event.actor,
                               diagram_version_id=event.diagram_version_id, task_id=event.task_id,
                               element_id=event.element_id, data=event.data, outcome=event.outcome)
        if event_hash(event.prev_hash, fields) != event.hash:
            problems.append(problem(event.seq, "isi peristiwa tidak cocok dengan hash-nya", event.element_id))
        if version is not None and event.diagram_version_id != version and event.type != MIGRATION:
            problems.append(problem(event.seq, "versi diagram peristiwa berbeda dengan versi kasus", None,
                                    version, event.diagram_version_id))
        version = event.diagram_version_id
        prev = event.hash
        expected_seq = max(expected_seq, event.seq) + 1
    if version is not None and version != case.diagram_version_id:
        problems.append(problem(len(events), "versi diagram kasus berbeda dengan peristiwa terakhir", None,
                                version, case.diagram_version_id))
    if len(events) != case.event_count or prev != (case.last_event_hash or GENESIS):
        problems.append(problem(len(events), "akhir rantai tidak cocok dengan catatan kasus", None,
                                f"{case.event_count} peristiwa, {case.last_event_hash}", f"{len(events)} peristiwa, {prev}"))
    return problems


def verify_all(progress: Callable[[int], Any] | None = None, batch: int = BATCH,
               anchor: checkpoint.Anchor | None = None, mask: bool = True) -> dict[str, Any]:
    """Check every case; return {'cases', 'ok', 'failed': [report, ...], 'checkpoint', 'anchor_problems'}.

    With `anchor` (the folded checkpoints), every case is also held against its anchored chain
    head, and a case the checkpoints know but the database no longer holds is a failed report.
    The failed reports show the complainant's identity masked, as every other view does, unless
    `mask` is False (`slrt audit --all --tanpa-samaran`, recorded in the audit journal by the caller).
    """
    total, ok, failed = 0, 0, []
    last_id = 0
    present = set()
    while True:
        ids = list(db.session.scalars(select(Case.id).where(Case.id > last_id).order_by(Case.id).limit(batch)))
        if not ids:
            break
        for record in _records(ids):
            report = check(record)
            if anchor is not None:
                _hold_to_anchor(report, anchor, record)
                present.add(record.case.id)
            total += 1
            if report["ok"]:
                ok += 1
            else:
                failed.append(masked_report(report, record) if mask else report)
        last_id = ids[-1]
        db.session.rollback()  # let go of the read snapshot and the loaded rows between batches
        db.session.expunge_all()
        if progress:
            progress(total)
    if anchor is not None:
        failed += checkpoint.missing_cases(anchor, present)
    return {"cases": total, "ok": ok, "failed": failed, "checkpoint": checkpoint.summary(anchor.last if anchor else None),
            "anchor_problems": anchor.problems if anchor else []}


def _hold_to_anchor(report, anchor, record):
    found = checkpoint.compare(anchor, record.case, record.events)
    report["anchor"] = found
    if found:
        report["ok"] = False
        everything = report["chain"] + report["replay"] + found
        report["first_divergence"] = min(everything, key=lambda p: p["event"] or 0)


# -- auditor views -------------------------------------------------------------------------


def search(actor: Any, text: str | None = None, status: str | None = None, limit: int = 50) -> list[dict]:
    """Cases the auditor may audit, newest first; `text` matches the ticket, program or destination."""
    if actor.role not in AUDIT_ROLES:
        raise Forbidden(N_("Halaman ini untuk auditor"))
    query = select(Case).where(case_scope(actor))
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(Case.ticket.ilike(like), Case.program.ilike(like), Case.tujuan_rujukan.ilike(like)))
    if status:
        query = query.where(Case.status == status)
    rows = list(db.session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)))
    counts = dict(db.session.execute(select(Event.case_id, func.count()).where(Event.case_id.in_([c.id for c in rows]))
                                     .group_by(Event.case_id)).all())
    return [{"id": c.id, "ticket": c.ticket, "status": c.status, "program": c.program, "tahap": c.tahap,
             "tujuan_rujukan": c.tujuan_rujukan, "wilayah": c.wilayah, "created_at": c.created_at, "updated_at": c.updated_at,
             "events": counts.get(c.id, 0)} for c in rows]


def step_through(actor: Any, key: int | str) -> dict[str, Any]:
    """The case after each of its events (replayed), with the verification report; identity masked."""
    case = find_case(key)
    _require_audit(actor, case)
    (record,) = _records([case.id])
    report, result = _check(record, frames=True, anchored=True)
    hide = not access.may_see_identity(actor, case)
    frames = [_frame_view(f, record.events[i], hide) for i, f in enumerate(result.frames)]
    return {"case": _case_view(case, hide), "frames": frames,
            "report": masked_report(report, record) if hide else report}


def history(actor: Any, key: int | str) -> dict[str, Any]:
    """The full history of a case for export: every event as stored, with its outcome, and the report."""
    view = step_through(actor, key)
    return {"format": "slrt-riwayat-kasus-1", "case": view["case"], "verification": view["report"],
            "events": view["frames"]}


def _case_view(case, hide):
    variables = json.loads(case.data or "{}")
    if hide:
        variables["pelapor"] = mask_identity(variables.get("pelapor") or {})
    return {"id": case.id, "ticket": case.ticket, "status": case.status, "wilayah": case.wilayah,
            "kanal": case.kanal, "jenis_keluhan": case.jenis_keluhan, "program": case.program,
            "tujuan_rujukan": case.tujuan_rujukan, "hasil_akhir": case.hasil_akhir, "rahasia": case.rahasia,
            "diagram_version_id": case.diagram_version_id, "created_at": case.created_at.isoformat(),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None, "data": variables,
            "events": case.event_count, "last_event_hash": case.last_event_hash}


def _masked(values, hide):
    if hide and isinstance(values, dict) and "pelapor" in values:
        return {**values, "pelapor": mask_identity(values.get("pelapor") or {})}
    return values


def _frame_view(frame, event, hide):
    outcome = json.loads(event.outcome) if event.outcome else None
    if outcome is not None:
        outcome["set"] = _masked(outcome.get("set", {}), hide)
    return {"seq": frame.seq, "type": frame.type, "at": frame.at.isoformat(), "actor": frame.actor,
            "task_id": frame.task_id, "element_id": frame.element_id, "data": _masked(frame.data, hide),
            "status": frame.status, "changed": _masked(frame.changed, hide), "removed": frame.removed,
            "variables": _masked(frame.variables, hide), "open_tasks": frame.open_tasks, "timers": frame.timers,
            "done": frame.done, "outcome": outcome, "prev_hash": event.prev_hash, "hash": event.hash}
