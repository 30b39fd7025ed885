"""Replay reproduces the stored case for random journeys through the real diagrams.

Hypothesis drives complaints through the HTTP API the way officers would: it picks one of the
case's open tasks, an officer allowed to act on it, and form data (either what a scenario in
scenarios/ submitted for that task, or values drawn from the task's own form fields);
it lets officers claim and release tasks, and lets time pass so that the diagrams' timers fire
through the scheduler's sweep. Nothing here names an element of the diagrams: the journey
follows whatever tasks the published diagrams open. After each journey the auditor's replay
must agree with every event and with the stored case, and replaying "as of" each event must
show the case as the API showed it at that moment (`?sampai=N` itself is tested in
test_audit_tampering.py; here the auditor's step-through gives every event's state in one replay).
"""

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from engine.domain import access
from engine.domain.actor import Actor, SYSTEM
from engine.domain.vocabulary import JENIS_KELUHAN, KANAL
from engine.people import catalogue
from engine.audit import verify
from engine.cases import timers
from engine.store.models import HumanTask, User, db
from tests.conftest import START
from engine.processes.dry_run import PLACEHOLDERS, fill as _fill

SCENARIO_DATA = {}
PROGRAMS = tuple(p.code for p in catalogue.initial_rows())  # the seeded catalogue
for _path in sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml")):
    for _step in _fill(yaml.safe_load(_path.read_text(encoding="utf-8")))["langkah"]:
        SCENARIO_DATA.setdefault(_step["tugas"], []).append(_step.get("data", {}))

TEXTS = ("Sudah diperiksa bersama petugas desa.", "Perlu ditindaklanjuti oleh dinas terkait.",
         "Warga sudah dihubungi lewat telepon.")


def _field_value(draw, field):
    kind = field["type"]
    if kind == "enum":
        return draw(st.sampled_from([o["id"] for o in field["options"]]))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "long":
        low = field["min"] if field["min"] is not None else 0
        return draw(st.integers(low, field["max"] if field["max"] is not None else low + 100))
    if kind == "date":
        return draw(st.dates()).isoformat()
    text = draw(st.sampled_from(TEXTS))
    return text[: field["maxlength"]] if field["maxlength"] else text


def _form_data(draw, task):
    known = SCENARIO_DATA.get(task["element_id"])
    if known and draw(st.integers(0, 3)) > 0:  # mostly what officers really submitted there
        return dict(draw(st.sampled_from(known)))
    return {f["id"]: _field_value(draw, f) for f in task["form"]
            if not f["readonly"] and (f["required"] or draw(st.booleans()))}


def _officers_for(task_id, holder_id):
    """Demo officers who may act on the task now: its holder when it is claimed."""
    if holder_id is not None:
        return [db.session.get(User, holder_id).username]
    row = db.session.get(HumanTask, task_id)
    users = db.session.scalars(select(User).where(User.role == row.role).order_by(User.username))
    return [u.username for u in users if access.may_act_on_task(Actor.of(u), row)]


def _seen(api, case_id):
    """The case as the auditor sees it through the API: event count, variables, open tasks with due times."""
    case = api("auditor.cianjur").get(f"/cases/{case_id}").get_json()
    events = api("auditor.cianjur").get(f"/cases/{case_id}/events").get_json()
    tasks = sorted((t["id"], t["element_id"]) for t in case["tasks"] if t["status"] == "siap")
    return len(events), case["status"], case["data"], tasks


@st.composite
def journeys(draw):
    intake = {"kanal": draw(st.sampled_from(KANAL)), "jenis_keluhan": draw(st.sampled_from(JENIS_KELUHAN)),
              "program": draw(st.sampled_from(PROGRAMS)), "rahasia": draw(st.booleans()),
              "uraian": draw(st.sampled_from(TEXTS))}
    return intake, draw(st.integers(3, 14))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(journey=journeys(), data=st.data())
def test_replay_reproduces_every_random_journey_event_by_event(api, clock, journey, data):
    intake, steps = journey
    clock.now = START  # each journey starts afresh (the fixture's clock outlives one example)
    payload = {**intake, "wilayah": PLACEHOLDERS["DEMO_VILLAGE"],
               "pelapor": {"nik": PLACEHOLDERS["KNOWN_NIK"], "nama": "Euis Komalasari", "jenis_kelamin": "P"}}
    response = api("fo.cianjur").post("/cases", json=payload)
    assert response.status_code == 201, response.get_json()
    case_id = response.get_json()["id"]
    seen = [_seen(api, case_id)]
    for _ in range(steps):
        case = api("auditor.cianjur").get(f"/cases/{case_id}").get_json()
        open_tasks = [t for t in case["tasks"] if t["status"] == "siap"]
        waiting = any(t["status"] == "menunggu" for t in case["timers"])  # a timer is armed: let it fire often
        choices = ["act", "act", "act", "claim", "wait"] + ["wait"] * (3 if waiting else 0)
        action = data.draw(st.sampled_from(choices) if open_tasks else st.just("wait"), label="action")
        if action == "wait":
            clock.advance(hours=data.draw(st.sampled_from([1, 30, 24 * 6, 24 * 15]), label="hours"))
            timers.sweep(clock.now, SYSTEM)
        else:
            task = data.draw(st.sampled_from(sorted(open_tasks, key=lambda t: (t["element_id"], t["created_at"]))),
                             label="task")
            officers = _officers_for(task["id"], task["assignee_id"])
            if not officers:
                continue
            officer = data.draw(st.sampled_from(officers), label="officer")
            clock.advance(minutes=data.draw(st.integers(1, 90), label="minutes"))
            if action == "claim":
                assert api(officer).post(f"/tasks/{task['id']}/claim").status_code == 200
                if data.draw(st.booleans(), label="release"):
                    assert api(officer).post(f"/tasks/{task['id']}/release").status_code == 200
            else:
                detail = api(officer).get(f"/tasks/{task['id']}").get_json()
                form = _form_data(data.draw, detail)
                result = api(officer).post(f"/tasks/{task['id']}/complete", json={"data": form})
                assert result.status_code in (200, 422), result.get_json()  # 422: drawn data the form refuses
        now_seen = _seen(api, case_id)
        if now_seen[0] != seen[-1][0]:
            seen.append(now_seen)
        if now_seen[1] == "selesai":
            break

    auditor = api("auditor.cianjur")
    report = auditor.post(f"/cases/{case_id}/replay").get_json()
    assert report["ok"], report
    assert report["replayed"] == report["events"] == seen[-1][0]
    frames = verify.step_through(Actor.of(db.session.scalar(select(User).where(User.username == "auditor.cianjur"))),
                                case_id)["frames"]  # the case after each event, as the auditor's pages show it
    for count, status, variables, tasks in seen:
        state = frames[count - 1]
        assert state["seq"] == count and state["status"] == status
        assert state["variables"] == variables
        assert sorted((t["id"], t["element_id"]) for t in state["open_tasks"]) == tasks
