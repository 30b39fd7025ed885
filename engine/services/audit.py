"""Verify a case's record: the hash chain of its events, and a replay of them on its diagram version."""

import json

from sqlalchemy import select

from engine.domain import access
from engine.errors import Forbidden, SlrtError
from engine.bpmn.migrate import rebind
from engine.services import diagrams
from engine.services.cases import RUNNER
from engine.services.eventlog import GENESIS, event_hash
from engine.services.queries import find_case
from engine.store.models import Event, HumanTask, db

WORKFLOW_EVENTS = ("kasus_dibuat", "tugas_selesai", "timer_terpicu")


def verify(actor, key):
    """A report {'ok', 'chain', 'replay'} for one case; problems name the event number."""
    case = find_case(key)
    if not access.may_audit(actor, case):
        raise Forbidden("Anda tidak berwenang memeriksa kasus ini", case=str(key))
    events = list(db.session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.seq)))
    chain = check_chain(case, events)
    replay = replay_case(case, events)
    return {"case_id": case.id, "ticket": case.ticket, "events": len(events),
            "diagram_version_id": case.diagram_version_id,
            "ok": not chain and not replay, "chain": chain, "replay": replay}


def check_chain(case, events):
    """Problems with the chain: broken links, gaps, altered contents, a truncated end."""
    problems = []
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            problems.append({"event": event.seq, "problem": f"nomor urut {event.seq}, seharusnya {expected_seq}"})
        if event.prev_hash != prev:
            problems.append({"event": event.seq, "problem": "tidak tersambung dengan peristiwa sebelumnya"})
        fields = {"case_id": event.case_id, "seq": event.seq, "type": event.type, "at": event.at.isoformat(),
                  "actor": event.actor, "diagram_version_id": event.diagram_version_id, "task_id": event.task_id,
                  "element_id": event.element_id, "data": event.data}
        if event_hash(event.prev_hash, fields) != event.hash:
            problems.append({"event": event.seq, "problem": "isi peristiwa tidak cocok dengan hash-nya"})
        prev = event.hash
    if len(events) != case.event_count or prev != (case.last_event_hash or GENESIS):
        problems.append({"event": len(events), "problem": "akhir rantai tidak cocok dengan catatan kasus"})
    return problems


def replay_case(case, events):
    """Rebuild the case from its diagram version and events; compare with what is stored."""
    # a case moved to a newer version (kasus_dimigrasi) replays on its first version up to the move
    bundle = diagrams.bundle_for(events[0].diagram_version_id if events else case.diagram_version_id)
    workflow = None
    for event in events:
        if event.type == "kasus_dimigrasi" and workflow is not None:
            bundle = diagrams.bundle_for(event.diagram_version_id)
            workflow = rebind(RUNNER, workflow, bundle, event.at)
            continue
        if event.type not in WORKFLOW_EVENTS:
            continue
        data = json.loads(event.data)
        try:
            if event.type == "kasus_dibuat":
                workflow = RUNNER.start(bundle, data, event.at)
            elif event.type == "tugas_selesai":
                ready = [t for t in RUNNER.ready_tasks(bundle, workflow) if t.element_id == event.element_id]
                if not ready:
                    return [{"event": event.seq, "problem": f"tugas {event.element_id} tidak siap saat diputar ulang"}]
                RUNNER.complete(bundle, workflow, ready[0].id, data, event.at)
            else:
                RUNNER.fire_due_timers(workflow, event.at)
        except SlrtError as exc:
            return [{"event": event.seq, "problem": f"gagal diputar ulang: {exc.message}"}]
    if workflow is None:
        return [{"event": 0, "problem": "tidak ada peristiwa pembuatan kasus"}]
    return _compare(case, workflow, bundle, events[-1].seq)


def _compare(case, workflow, bundle, last_seq):
    problems = []
    stored = json.loads(case.data or "{}")
    rebuilt = json.loads(json.dumps(RUNNER.case_data(workflow), default=str))
    for name in sorted(set(stored) | set(rebuilt)):
        if stored.get(name) != rebuilt.get(name):
            problems.append({"event": last_seq, "problem": f"data '{name}': tersimpan {stored.get(name)!r}, "
                                                           f"hasil putar ulang {rebuilt.get(name)!r}"})
    open_stored = sorted(db.session.scalars(select(HumanTask.element_id).where(
        HumanTask.case_id == case.id, HumanTask.status == "siap")))
    open_rebuilt = sorted(t.element_id for t in RUNNER.ready_tasks(bundle, workflow))
    if open_stored != open_rebuilt:
        problems.append({"event": last_seq, "problem": f"tugas terbuka: tersimpan {open_stored}, "
                                                       f"hasil putar ulang {open_rebuilt}"})
    status = "selesai" if workflow.completed else "terbuka"
    if status != case.status:
        problems.append({"event": last_seq, "problem": f"status: tersimpan {case.status}, hasil putar ulang {status}"})
    return problems
