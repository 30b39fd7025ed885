"""Limits counted in Indonesian working days, and diagrams that use them."""

from datetime import datetime, timedelta, timezone

import pytest

from engine.domain.sla import SlaPolicy
from engine.domain.workdays import WIB, WorkCalendar, calendar_from
from engine.errors import InvalidInput
from tests.journeys import TELAAH, act, approve_pkh_referral, intake


def wib(*args):
    return datetime(*args, tzinfo=WIB)


def test_three_working_days_from_friday_end_on_wednesday():
    assert WorkCalendar().add_working_days(wib(2026, 11, 20, 10), 3) == wib(2026, 11, 25, 10)


def test_a_limit_spanning_idul_fitri_and_its_joint_leave_ends_on_the_right_working_day():
    # Nyepi (19 March 2026) with joint leave on the 18th; Idul Fitri 21-22 March with joint leave
    # on the 20th, 23rd and 24th. Three working days from Tuesday the 17th: 25, 26, 27 March.
    start = wib(2026, 3, 17, 10)
    assert WorkCalendar().add_working_days(start, 3) == wib(2026, 3, 27, 10)
    assert start + timedelta(hours=72) == wib(2026, 3, 20, 10)  # what a naive 72-hour timer would say


def test_regional_days_off_from_configuration_are_skipped():
    calendar = calendar_from({"libur_daerah": ["2026-11-24"]})
    assert calendar.add_working_days(wib(2026, 11, 23, 9), 1) == wib(2026, 11, 25, 9)


def test_working_days_between_two_instants():
    assert WorkCalendar().working_days_between(wib(2026, 3, 17, 10), wib(2026, 3, 27, 9)) == 3


def test_sla_policy_defaults_follow_the_national_complaint_channel_and_config_overrides_them():
    policy = SlaPolicy.from_config({"batas": {"tanggapan_rujukan": {"hari_kerja": 7}}})
    calendar = WorkCalendar()
    start = wib(2026, 11, 23, 9)
    assert policy.limit("penerusan").due(start, calendar) == wib(2026, 11, 26, 9)
    assert policy.limit("tanggapan_rujukan").due(start, calendar) == wib(2026, 12, 2, 9)
    assert policy.limit("pengakuan").due(start, calendar) == start + timedelta(hours=8)


def test_a_malformed_sla_entry_is_refused_by_name():
    with pytest.raises(InvalidInput) as refused:
        SlaPolicy.from_config({"batas": {"penerusan": {"hari_kerja": 3, "jam": 4}}})
    assert "sla.batas.penerusan" in refused.value.errors


def test_the_agency_answer_is_due_five_working_days_after_approval(api, clock):
    clock.now = datetime(2026, 3, 17, 3, 0, tzinfo=timezone.utc)  # Tuesday 10:00 WIB, before Nyepi and Lebaran
    case = intake(api)
    case = approve_pkh_referral(api, case)
    (answer,) = [t for t in case["tasks"] if t["element_id"] == "Pkh_Tanggapi"]
    # 25, 26, 27, 30, 31 March are the five working days
    assert answer["due_at"].startswith("2026-03-31T03:00:00")
    (timer,) = [t for t in case["timers"] if t["element_id"] == "Pkh_Terlambat"]
    assert timer["status"] == "menunggu" and timer["due_at"] == answer["due_at"]
    # answered in time: the timer is cancelled and never fires
    case = act(api, "pp.kemensos", case["id"], "Pkh_Tanggapi",
               {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Sudah dicairkan."})
    (timer,) = [t for t in case["timers"] if t["element_id"] == "Pkh_Terlambat"]
    assert timer["status"] == "dibatalkan" and timer["fired_at"] is None


def test_an_answer_left_past_its_limit_is_reminded_the_working_day_before_and_marked_late_at_it(api, clock):
    from engine.domain.actor import SYSTEM
    from engine.cases import commands

    clock.now = datetime(2026, 3, 17, 3, 0, tzinfo=timezone.utc)
    case = intake(api)
    case = approve_pkh_referral(api, case)
    # the fourth working day after Nyepi, Idul Fitri and their joint leave is Monday 30 March
    assert commands.fire_due_timers(case["id"], datetime(2026, 3, 30, 2, 59, tzinfo=timezone.utc), SYSTEM) == 0
    assert commands.fire_due_timers(case["id"], datetime(2026, 3, 30, 3, 0, tzinfo=timezone.utc), SYSTEM) == 1
    assert commands.fire_due_timers(case["id"], datetime(2026, 3, 31, 2, 59, tzinfo=timezone.utc), SYSTEM) == 0
    assert commands.fire_due_timers(case["id"], datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc), SYSTEM) == 1
    assert commands.fire_due_timers(case["id"], datetime(2026, 4, 1, 3, 0, tzinfo=timezone.utc), SYSTEM) == 0
    view = api("fo.cianjur").get(f"/cases/{case['id']}").get_json()
    fired = {t["element_id"]: t["fired_at"][:19] for t in view["timers"] if t["status"] == "terpicu"}
    assert fired == {"Pkh_Pengingat": "2026-03-30T03:00:00", "Pkh_Terlambat": "2026-03-31T03:00:00"}
    events = api("fo.cianjur").get(f"/cases/{case['id']}/events").get_json()
    assert [e["type"] for e in events].count("timer_terpicu") == 2
    assert [t["element_id"] for t in view["tasks"] if t["status"] == "siap"] == ["Pkh_Tanggapi"]  # still open


def test_every_task_gets_a_due_time_and_the_inbox_puts_overdue_first(api, clock):
    clock.now = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)  # Friday 10:00 WIB
    first = intake(api)
    (telaah_task,) = first["tasks"]
    assert telaah_task["due_at"].startswith("2026-11-25T03:00:00")  # 3 working days: Mon, Tue, Wed
    clock.now = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
    second = intake(api)
    clock.now = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)  # the first is now late
    inbox = [t for t in api("fo.cianjur").get("/tasks").get_json() if t["element_id"] == TELAAH]
    assert [t["case_id"] for t in inbox] == [first["id"], second["id"]]
    assert [t["overdue"] for t in inbox] == [True, False]


def test_sla_task_patterns_must_name_known_limits():
    with pytest.raises(InvalidInput) as refused:
        SlaPolicy.from_config({"tugas": {"*": "tidak_ada"}})
    assert "sla.tugas" in refused.value.errors
