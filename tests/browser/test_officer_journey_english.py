"""The whole officer journey in English (issue 17, gap f): intake desk with queue number and DTKS lookup,
review, back office, manager approval (seeing the agency and the back office's note), program manager
(seeing the village), report back to the complainant, and the public status page, each page in English
with no Indonesian task or field name of the diagrams; a screenshot of every step."""

import re

from engine.demo.seed import DEMO_VILLAGE, KNOWN_NIK
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_english_everywhere import _found, _page_text

NOTE = "Needs a referral: stage III was never paid."


def _as(page, base, username):
    page.context.clear_cookies()
    sign_in(page, base, username)
    page.goto(f"{base}/kotak-masuk?lang=en")


def _english(page, name):
    found = _found(_page_text(page))
    screenshot(page, f"17f-en-{name}")
    assert found == [], (name, found)


def _open(page, base, ticket, task):
    page.goto(f"{base}/kotak-masuk")
    page.get_by_role("row").filter(has_text=ticket).get_by_role("link", name=task).click()
    page.wait_for_url(re.compile(r".*/tugas/.*"))


def _complete(page):
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))


def _yes_no(page, question, value):
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(value, exact=True).check()


def test_every_officer_works_the_complaint_in_english(live_server, page):
    base = live_server
    _as(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_role("button", name="Take a number").click()
    page.get_by_role("button", name="Call next").click()
    assert page.get_by_label("Queue number").input_value() == "A-001"
    page.get_by_label("Complainant's village").select_option(DEMO_VILLAGE)
    page.get_by_label("NIK").fill(KNOWN_NIK)
    page.get_by_role("button", name="Check DTKS").click()
    page.get_by_text("Registered in DTKS").wait_for()
    page.get_by_label("Name", exact=True).fill("Euis Komalasari")
    page.get_by_label("Phone").fill("081312345678")
    page.get_by_label("Type of complaint").select_option("pengaduan")
    page.get_by_label("Programme", exact=True).select_option("PKH")
    page.get_by_label("Description of the complaint").fill("Stage III of PKH has not reached our family.")
    _english(page, "01-front-desk")
    page.get_by_role("button", name="Save and print the receipt").click()
    page.wait_for_url(re.compile(r".*/tanda-terima$"))
    ticket, code = page.locator("#tiket").inner_text(), page.locator("#kode").inner_text()
    assert "Family Hope Programme" in page.locator("#ringkasan-tanda-terima").inner_text()
    _english(page, "02-receipt")

    _open(page, base, ticket, "Review and analyse the complaint")
    page.get_by_label("Category").select_option("non_kepesertaan")
    page.get_by_label("Main issue").select_option("penyaluran_bantuan")
    page.get_by_label("Review notes").fill("Not paid since August.")
    _english(page, "03-review")
    _complete(page)
    _english(page, "04-case-after-review")

    _as(page, base, "bo.sosial")
    _english(page, "05-back-office-inbox")
    _open(page, base, ticket, "Handle the complaint in the back office")
    page.get_by_label("Outcome of handling / detailed information").fill(NOTE)
    page.get_by_role("button", name="Complete task").click()
    page.get_by_role("alert").wait_for()
    assert "is required" in page.locator(".pesan-kolom").first.inner_text()
    _english(page, "06-back-office-error")
    _yes_no(page, "Can the back office handle it directly?", "No")
    _complete(page)

    _as(page, base, "manajer.cianjur")
    _open(page, base, ticket, "Approve the referral")
    context = page.locator("#konteks-keputusan").inner_text()
    assert "Ministry of Social Affairs" in context and NOTE in context
    _english(page, "07-manager-approves")
    page.get_by_label("Manager's decision").select_option("setuju")
    _complete(page)

    _as(page, base, "pp.kemensos")
    _open(page, base, ticket, "Respond to the referral")
    assert re.search(r"Village \w+, Subdistrict \w+", page.locator("#wilayah-kasus").inner_text())
    _english(page, "08-programme-manager")
    page.get_by_label("Programme manager's response").select_option("diterima")
    page.get_by_label("Content of the response").fill("Stage III will be paid next week.")
    _complete(page)

    _as(page, base, "fo.cianjur")
    _open(page, base, ticket, "Inform the complainant of the outcome")
    assert "Stage III will be paid next week." in page.locator("#konteks-keputusan").inner_text()
    _english(page, "09-report-back")
    page.get_by_label("How the outcome is delivered").select_option("telepon")
    _yes_no(page, "Is the complainant satisfied with the outcome?", "Yes")
    _yes_no(page, "Does the complainant appeal?", "No")
    _complete(page)
    assert "Completed" in page.locator("main table").first.inner_text()
    _english(page, "10-case-closed")

    page.context.clear_cookies()
    page.goto(f"{base}/status?lang=en")
    page.get_by_label("Ticket number").fill(ticket)
    page.get_by_label("Tracking code").fill(code)
    page.get_by_role("button", name="View status").click()
    page.locator("#hasil").wait_for()
    status = page.locator("main").inner_text()
    assert "Euis" not in status and "081312345678" not in status
    _english(page, "11-public-status")


def test_an_officer_reading_another_roles_task_is_told_whose_it_is_instead_of_a_form(live_server, page, http_api):
    from tests.journeys import intake

    case = intake(http_api)
    sign_in(page, live_server, "fo.cianjur")
    page.goto(f"{live_server}/kasus/{case['id']}")
    page.get_by_role("link", name="Telaah dan analisis keluhan").click()
    assert page.get_by_role("button", name="Selesaikan tugas").is_visible()  # the front office's own task
    page.context.clear_cookies()
    sign_in(page, live_server, "supervisor.cianjur")
    page.goto(f"{live_server}/kasus/{case['id']}")
    page.get_by_role("link", name="Telaah dan analisis keluhan").click()
    note = page.locator("#bukan-tugas-anda").inner_text()
    assert note == "Tugas ini untuk peran Front Office. Anda dapat membacanya, tetapi tidak dapat menyelesaikannya."
    assert page.get_by_role("button", name="Selesaikan tugas").count() == 0
    screenshot(page, "17f-tugas-peran-lain")
