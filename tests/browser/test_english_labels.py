"""Labels, never codes, and English means English (issue 17.7): the manager's task page in English names
the task, the form's fields and options, the earlier steps and their facts in English, and no page shows
a vocabulary code (non_kepesertaan, NONPEMERINTAH, "lewat lapor", rujukan_diterima)."""

import re

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_decision_context import _bpnt_rice_complaint_at_the_manager, _open_task
from tests.journeys import intake

# Indonesian diagram texts and vocabulary labels an English reader must not meet on this page
INDONESIAN = ("Setujui rujukan", "Telaah dan analisis keluhan", "Tangani keluhan di back office", "Pengaduan dicatat",
              "Keputusan manajer", "Catatan manajer", "Catatan telaah", "Pokok masalah", "Hasil penanganan",
              "Jenis keluhan", "Kualitas beras", "Non-kepesertaan", "Kembalikan untuk diperbaiki", "Tujuan rujukan",
              "Saluran rujukan", "ditetapkan aturan", "Keputusan sebelumnya", "Sekretariat SLRT", "Terdaftar di DTKS")
CODES = ("non_kepesertaan", "kualitas_beras", "NONPEMERINTAH", "lewat lapor", "rujukan_diterima", "sekretariat ·")


def _visible_text(page):
    return page.locator("main").inner_text() + "\n" + page.locator("main select").evaluate_all(
        "els => els.map(e => [...e.options].map(o => o.text).join('\\n')).join('\\n')")


def test_the_english_task_page_has_no_indonesian_task_or_field_names(live_server, page, http_api):
    base = live_server
    case = _bpnt_rice_complaint_at_the_manager(http_api)
    sign_in(page, base, "manajer.cianjur")
    page.goto(f"{base}/kotak-masuk?lang=en")
    _open_task(page, base, case["ticket"], "Approve the referral")
    text = _visible_text(page)
    found = [word for word in INDONESIAN + CODES if word in text]
    assert found == [], found
    assert page.get_by_role("heading", level=1).inner_text() == "Approve the referral"
    assert "Perum BULOG (state logistics agency)" in text and "LAPOR! (national complaints portal)" in text
    assert "Not about membership" in text or "Non-membership" in text
    screenshot(page, "17-7-tugas-manajer-bahasa-inggris")

    page.goto(f"{base}/kasus/{case['id']}")
    text = page.locator("main").inner_text()
    found = [word for word in CODES if word in text]
    assert found == [], found
    assert re.search(r"SLRT secretariat · Complaint", text)
    screenshot(page, "17-7-kasus-bahasa-inggris")


def test_intake_desk_and_inbox_offer_labels_not_codes(live_server, page, http_api):
    intake_case = intake(http_api, program="NONPEMERINTAH")
    sign_in(page, live_server, "fo.cianjur")
    page.goto(f"{live_server}/meja-depan?lang=en")
    options = _visible_text(page)
    assert "SLRT secretariat" in options and "Facilitator's home visit" in options and "Suggestion" in options
    assert "sekretariat" not in options and "pengaduan" not in options and "fasilitator" not in options
    page.goto(f"{live_server}/kotak-masuk?lang=id")
    row = page.get_by_role("row").filter(has_text=intake_case["ticket"]).inner_text()
    assert "Program non-pemerintah" in row and "Sekretariat SLRT" in row and "NONPEMERINTAH" not in row
    filters = _visible_text(page)
    assert "Non-kepesertaan" in filters and "non_kepesertaan" not in filters
    screenshot(page, "17-7-kotak-masuk-label")
