"""Every notification recipient passes the same visibility rules as viewing the case (issue 20,
point 6): a complaint about a village official is not emailed to that village's officers."""

from dataclasses import replace

from engine.domain.actor import SYSTEM
from engine.cases import commands, outbox
from tests.cases.test_escalation import LIMIT, MONDAY_0900_WIB, mails
from tests.journeys import intake

VILLAGE_FO = "fo.puskesos.sayang@slrt-demo.example"  # placed in the case's village, Sayang


def _review_limit_mails(api, app, clock, mailbox, aparat_desa):
    clock.now = MONDAY_0900_WIB
    case = intake(api, aparat_desa=aparat_desa)  # nobody claims the review: every front office of the area may
    assert commands.fire_due_timers(case["id"], LIMIT, SYSTEM) == 2  # the review's reminder and its limit
    outbox.deliver_due(LIMIT, replace(app.config["SLRT_SETTINGS"], smtp={"host": "127.0.0.1", "port": mailbox.port}))
    return case, mails(mailbox)


def test_a_case_about_a_village_official_is_not_emailed_to_that_villages_officer(api, app, clock, mailbox):
    case, sent = _review_limit_mails(api, app, clock, mailbox, aparat_desa=True)
    assert api("fo.puskesos.sayang").get(f"/cases/{case['id']}").status_code in (403, 404)  # hidden from them
    assert sent, "the deadline emails went out"
    for to, subject, _body in sent:
        assert VILLAGE_FO not in to, subject
    late = [to for to, subject, _body in sent if subject.startswith("[SLRT] Batas waktu tercapai:")]
    assert late == [["fo.cianjur@slrt-demo.example", "manajer.cianjur@slrt-demo.example"]]


def test_an_ordinary_case_of_the_village_is_emailed_to_its_officer_too(api, app, clock, mailbox):
    _case, sent = _review_limit_mails(api, app, clock, mailbox, aparat_desa=False)
    late = [to for to, subject, _body in sent if subject.startswith("[SLRT] Batas waktu tercapai:")]
    assert late == [["fo.cianjur@slrt-demo.example", VILLAGE_FO, "manajer.cianjur@slrt-demo.example"]]
