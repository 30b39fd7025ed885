"""SLA reminders and escalation as the diagrams define them, fired with an injected clock."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from engine.domain.actor import SYSTEM
from engine.cases import commands
from engine.cases import outbox
from tests.journeys import TELAAH, act, inbox_task, intake, open_elements, telaah

MONDAY_0900_WIB = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
REMINDER = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # 2 working days: Tuesday, Wednesday
LIMIT = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)  # 3 working days: Thursday
BACK_OFFICE = {"ditangani_langsung": True, "hasil_penanganan": "Bantuan dicairkan ulang oleh pendamping.",
               "pokok_masalah": "penyaluran_bantuan", "program": "PKH"}


def at_back_office(api, clock):
    clock.now = MONDAY_0900_WIB
    case = intake(api)
    case = act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    assert open_elements(case) == ["Task_BackOffice"]
    return case


def mails(mailbox):
    """(sorted recipients, subject, body) of every message the local SMTP server received."""
    found = []
    for to, text in mailbox.messages:
        head, body = text.split("\n\n", 1)
        found.append((sorted(to), head.removeprefix("Subject: "), body))
    return found


def timer(case, element_id):
    (found,) = [t for t in case["timers"] if t["element_id"] == element_id]
    return found


def fired_in_order(api, case_id):
    events = api("auditor.cianjur").get(f"/cases/{case_id}/events").get_json()
    return [e["data"]["timer"] for e in events if e["type"] == "timer_terpicu"]


def test_the_back_office_task_gets_a_reminder_first_and_its_limit_as_due_time(api, clock):
    case = at_back_office(api, clock)
    (task,) = [t for t in case["tasks"] if t["element_id"] == "Task_BackOffice"]
    assert task["due_at"].startswith("2026-11-26T02:00:00")  # the limit, not the reminder
    assert timer(case, "BackOffice_Pengingat")["due_at"].startswith("2026-11-25T02:00:00")
    assert timer(case, "BackOffice_Eskalasi")["due_at"].startswith("2026-11-26T02:00:00")


def test_a_back_office_task_left_past_its_limit_is_handed_to_the_supervisor(api, clock):
    case = at_back_office(api, clock)
    assert commands.fire_due_timers(case["id"], REMINDER - timedelta(minutes=1), SYSTEM) == 0
    assert commands.fire_due_timers(case["id"], REMINDER, SYSTEM) == 1
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    assert open_elements(view) == ["Task_BackOffice"]  # a reminder leaves the task where it is
    assert commands.fire_due_timers(case["id"], LIMIT, SYSTEM) == 1
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    assert open_elements(view) == ["Task_BackOfficeEskalasi"]
    assert fired_in_order(api, case["id"]) == [["BackOffice_Pengingat"], ["BackOffice_Eskalasi"]]
    assert timer(view, "BackOffice_Eskalasi")["fired_at"].startswith("2026-11-26T02:00:00")
    # the back office no longer has it; the kecamatan's supervisor does, and finishes the work
    assert [t for t in api("bo.sosial").get("/tasks").get_json() if t["case_id"] == case["id"]] == []
    clock.now = LIMIT
    done = act(api, "supervisor.cianjur", case["id"], "Task_BackOfficeEskalasi", BACK_OFFICE)
    assert open_elements(done) == ["Task_BeriTahu"]
    assert done["data"]["hasil_akhir"] == "selesai_lokal"


def test_the_escalated_task_goes_on_to_the_manager_like_the_back_office_would(api, clock):
    case = at_back_office(api, clock)
    commands.fire_due_timers(case["id"], LIMIT, SYSTEM)
    clock.now = LIMIT
    routed = act(api, "supervisor.cianjur", case["id"], "Task_BackOfficeEskalasi",
                 {**BACK_OFFICE, "ditangani_langsung": False, "hasil_penanganan": "Perlu dirujuk ke Kemensos."})
    assert open_elements(routed) == ["Pkh_Setujui"]
    inbox_task(api, "manajer.cianjur", case["id"], "Pkh_Setujui")


def test_both_timers_falling_due_at_once_fire_in_one_sweep_and_escalate(api, clock):
    case = at_back_office(api, clock)
    assert commands.fire_due_timers(case["id"], LIMIT, SYSTEM) == 2  # the scheduler was down for days
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    assert open_elements(view) == ["Task_BackOfficeEskalasi"]
    assert commands.fire_due_timers(case["id"], LIMIT, SYSTEM) == 0


def test_completing_the_task_in_time_cancels_its_timers_and_they_never_fire(api, clock):
    case = at_back_office(api, clock)
    clock.now = REMINDER.replace(hour=1)
    done = act(api, "bo.sosial", case["id"], "Task_BackOffice", BACK_OFFICE)
    for element_id in ("BackOffice_Pengingat", "BackOffice_Eskalasi", "Telaah_Pengingat", "Telaah_Terlambat"):
        assert timer(done, element_id)["status"] == "dibatalkan"
    assert commands.fire_due_timers(case["id"], datetime(2027, 1, 1, tzinfo=timezone.utc), SYSTEM) == 0
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    assert open_elements(view) == ["Task_BeriTahu"]
    assert fired_in_order(api, case["id"]) == []


def test_reminder_goes_to_the_holder_and_escalation_to_the_supervisor_and_manager(api, app, clock, mailbox):
    case = at_back_office(api, clock)
    task = inbox_task(api, "bo.sosial", case["id"], "Task_BackOffice")
    assert api("bo.sosial").post(f"/tasks/{task['id']}/claim").status_code == 200
    commands.fire_due_timers(case["id"], REMINDER, SYSTEM)
    commands.fire_due_timers(case["id"], LIMIT, SYSTEM)
    settings = replace(app.config["SLRT_SETTINGS"], smtp={"host": "127.0.0.1", "port": mailbox.port})
    outbox.deliver_due(LIMIT, settings)
    reminders = [to for to, subject, _body in mails(mailbox) if subject.startswith("[SLRT] Pengingat:")]
    escalations = [(to, body) for to, subject, body in mails(mailbox) if subject.startswith("[SLRT] Eskalasi:")]
    assert reminders == [["bo.sosial@slrt-demo.example"]]  # the one who holds it, nobody above yet
    ((to, escalation),) = escalations
    assert to == ["bo.sosial@slrt-demo.example", "manajer.cianjur@slrt-demo.example",
                  "supervisor.cianjur@slrt-demo.example"]
    assert len(mailbox.messages) == 2
    assert "26-11-2026 09:00 WIB" in escalation and case["ticket"] in escalation  # the district's local time, zone named
    assert "Siti" not in escalation and "081234567890" not in escalation


def test_the_review_limit_tells_the_manager_but_leaves_the_task_at_the_front_office(api, app, clock, mailbox):
    clock.now = MONDAY_0900_WIB
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    assert api("fo.cianjur").post(f"/tasks/{task['id']}/claim").status_code == 200
    assert commands.fire_due_timers(case["id"], LIMIT, SYSTEM) == 2  # reminder and limit of the review
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    assert open_elements(view) == [TELAAH]
    assert view["data"].get("telaah_terlambat") is True
    outbox.deliver_due(LIMIT, replace(app.config["SLRT_SETTINGS"], smtp={"host": "127.0.0.1", "port": mailbox.port}))
    late = [to for to, subject, _body in mails(mailbox) if subject.startswith("[SLRT] Batas waktu tercapai:")]
    assert late == [["fo.cianjur@slrt-demo.example", "manajer.cianjur@slrt-demo.example"]]


def test_the_inbox_shows_deadlines_in_the_districts_time_and_marks_due_soon_then_overdue(app, api, clock):
    from tests.web.test_pages import signed_in

    case = at_back_office(api, clock)
    officer = signed_in(app, "bo.sosial")
    clock.now = LIMIT - timedelta(hours=3)
    row = _inbox_row(officer, case["ticket"])
    assert "26-11-2026 09:00 WIB" in row and "(segera)" in row and "(terlambat)" not in row
    clock.now = LIMIT + timedelta(minutes=1)
    row = _inbox_row(officer, case["ticket"])
    assert "26-11-2026 09:00 WIB" in row and "(terlambat)" in row


def _inbox_row(client, ticket):
    page = client.get("/kotak-masuk").get_data(as_text=True)
    (row,) = [r for r in page.split("<tr") if ticket in r]
    return row
