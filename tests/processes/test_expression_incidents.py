"""A diagram expression that runs past its bound at run time fails that step only: the officer gets a
clear error at once, the case records an `insiden_diagram` event in its chain and shows it with a
label, nothing else changes and the audit replay still agrees. On SQLite and PostgreSQL."""

from tests.journeys import TELAAH, inbox_task, intake, telaah
from tests.processes.test_workflow_pages import _client
from tests.processes.test_workflow_versions import publish

# A condition of the gateway after the front office's review that loops over the complaint text cubed.
RUNAWAY = ("workflows/keluhan.bpmn", 'jenis_keluhan == "pertanyaan"</bpmn:conditionExpression>',
           'jenis_keluhan == "pertanyaan" or len([1 for a in uraian for b in uraian for c in uraian]) &lt; 0'
           '</bpmn:conditionExpression>')


def test_runaway_condition_fails_the_step_with_an_incident_on_the_case(api, app):
    publish(api, [RUNAWAY])
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)

    answer = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
    assert answer.status_code == 422
    body = answer.get_json()
    assert "batas langkah" in body["message"] and body["element_id"] == "Gw_Jenis"

    events = api("auditor.cianjur").get(f"/cases/{case['id']}/events").get_json()
    incident = events[-1]
    assert incident["type"] == "insiden_diagram" and incident["element_id"] == "Gw_Jenis"
    assert incident["task_id"] == task["id"] and incident["data"]["batas"] == "langkah"
    assert incident["data"]["nama"] == "Jenis keluhan?"
    assert incident["prev_hash"] == events[-2]["hash"]  # in the case's hash chain

    # the step did not happen: the review is still open, and the replay agrees with the stored case
    assert inbox_task(api, "fo.cianjur", case["id"], TELAAH)["id"] == task["id"]
    report = api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()
    assert report["ok"], report

    officer = _client(app, "fo.cianjur")
    page = officer.get(f"/kasus/{case['id']}").get_data(as_text=True)
    assert '<strong class="label-insiden">Insiden</strong>' in page
    assert "langkah “Jenis keluhan?” (Gw_Jenis) dihentikan karena ekspresinya melebihi batas langkah" in page
    english = officer.get(f"/kasus/{case['id']}?lang=en").get_data(as_text=True)
    assert "Incident</strong>" in english and "step “Jenis keluhan?” (Gw_Jenis) was stopped" in english


def test_a_second_attempt_records_a_second_incident_and_the_chain_stays_intact(api):
    publish(api, [RUNAWAY])
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    for _ in range(2):
        assert api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()}).status_code == 422
    events = api("auditor.cianjur").get(f"/cases/{case['id']}/events").get_json()
    assert [e["type"] for e in events].count("insiden_diagram") == 2
    assert api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()["ok"]


# The script after the review's deadline timer loops over the complaint text cubed.
RUNAWAY_AFTER_TIMER = ("workflows/keluhan.bpmn", "<bpmn:script>telaah_terlambat = True</bpmn:script>",
                       "<bpmn:script>n = 0\nfor a in uraian:\n    for b in uraian:\n        for c in uraian:\n"
                       "            n += 1\ntelaah_terlambat = True</bpmn:script>")


def test_a_timer_whose_next_step_runs_away_records_one_incident_and_the_sweep_goes_on(api, clock):
    from engine.cases import timers
    from engine.domain.actor import SYSTEM

    publish(api, [RUNAWAY_AFTER_TIMER])
    stuck = intake(api)
    assert api("analis.cianjur").post("/workflows/1/rollback").status_code == 201  # new complaints: sound again
    sound = intake(api)
    clock.advance(days=14)
    assert timers.sweep(clock.now, SYSTEM) >= 1  # the sound case's timers fire; the stuck one does not stop it
    assert timers.sweep(clock.now, SYSTEM) == 0  # nothing more to fire, and no second incident
    events = api("auditor.cianjur").get(f"/cases/{stuck['id']}/events").get_json()
    incidents = [e for e in events if e["type"] == "insiden_diagram"]
    assert len(incidents) == 1
    assert incidents[0]["element_id"] == "Script_TelaahTerlambat" and incidents[0]["actor"] == SYSTEM.username
    assert "timer_terpicu" in [e["type"] for e in api("auditor.cianjur").get(f"/cases/{sound['id']}/events").get_json()]
    assert api("auditor.cianjur").post(f"/cases/{stuck['id']}/replay").get_json()["ok"]
