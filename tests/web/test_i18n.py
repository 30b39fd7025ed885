"""English as a second language of the pages: choosing it, keeping it, and a catalogue with no gaps."""

import re
from pathlib import Path

import pytest
from flask import g

from tests.conftest import PASSWORD, sql
from tests.journeys import intake
from web.i18n import CATALOGUE, PATTERNS, english, lang_url

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
# _("...") or _('...') with a literal first argument; _(variable) is a message passed through at run time
LITERAL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _csrf(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(client, username="fo.cianjur"):
    token = _csrf(client, "/masuk")
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    # the `app` fixture keeps one app context (and so one `g`) for all of the test client's requests;
    # signing in clears the session, so the form token Flask-WTF cached in `g` must be made afresh
    g.pop("csrf_token", None)
    return response


def _text(response):
    return response.get_data(as_text=True)


def _switch(page):
    """The two language links as {code: the whole <a ...> tag}."""
    return {code: tag for tag, code in re.findall(r'(<a href="[^"]*"\s+lang="(id|en)"[^>]*>)', page)}


def test_login_page_is_indonesian_by_default_and_english_on_request(app):
    client = app.test_client()
    page = _text(client.get("/masuk"))
    assert '<html lang="id">' in page and "Kata sandi" in page and "Nama pengguna" in page
    links = _switch(page)
    assert set(links) == {"id", "en"} and 'aria-current="true"' in links["id"]
    assert 'aria-current' not in links["en"]
    assert ">Bahasa Indonesia</a>" in page and ">English</a>" in page

    page = _text(client.get("/masuk?lang=en"))
    assert '<html lang="en">' in page
    assert "Password" in page and "Username" in page and "Sign in" in page
    assert "Kata sandi" not in page and "Nama pengguna" not in page
    assert "<title>Sign in — Complaint Referral Service</title>" in page
    links = _switch(page)
    assert 'aria-current="true"' in links["en"] and "aria-current" not in links["id"]


def test_language_links_keep_the_other_query_parameters(app):
    client = app.test_client()
    page = _text(client.get("/masuk?next=/kotak-masuk&lang=en"))
    links = _switch(page)
    assert 'href="/masuk?next=%2Fkotak-masuk&amp;lang=id"' in links["id"]
    assert 'href="/masuk?next=%2Fkotak-masuk&amp;lang=en"' in links["en"]
    with app.test_request_context("/kotak-masuk?program=PKH&lang=id&program=BPNT"):
        assert lang_url("en") == "/kotak-masuk?program=PKH&program=BPNT&lang=en"


def test_english_inbox_stays_english_on_later_requests_until_changed(app):
    client = app.test_client()
    _sign_in(client)
    assert "Kotak masuk" in _text(client.get("/kotak-masuk"))
    page = _text(client.get("/kotak-masuk?lang=en"))
    assert '<html lang="en">' in page
    assert "<h1>Inbox</h1>" in page and 'aria-label="Number of tasks"' in page and "Overdue" in page
    assert "Sign out" in page and "Front desk" in page and "Filter" in page
    page = _text(client.get("/kotak-masuk"))  # no parameter: the session remembers
    assert '<html lang="en">' in page and "<h1>Inbox</h1>" in page and "Kotak masuk" not in page
    page = _text(client.get("/kotak-masuk?lang=id"))
    assert '<html lang="id">' in page and "<h1>Kotak masuk</h1>" in page
    assert "<h1>Kotak masuk</h1>" in _text(client.get("/kotak-masuk"))


def test_language_chosen_on_the_sign_in_page_outlives_signing_in(app):
    client = app.test_client()
    client.get("/masuk?lang=en")
    token = _csrf(client, "/masuk")
    refused = client.post("/masuk", data={"username": "fo.cianjur", "password": "salah", "csrf_token": token})
    assert refused.status_code == 401 and "Wrong username or password" in _text(refused)
    _sign_in(client)
    assert "<h1>Inbox</h1>" in _text(client.get("/kotak-masuk"))


def test_unknown_language_falls_back_to_the_choice_in_force(app):
    client = app.test_client()
    assert '<html lang="id">' in _text(client.get("/masuk?lang=fr"))
    client.get("/masuk?lang=en")
    assert '<html lang="en">' in _text(client.get("/masuk?lang=xx"))


def test_public_status_page_in_english_for_a_complainant_without_a_session(app, api):
    case = intake(api)
    code = sql("SELECT tracking_code FROM cases WHERE id = :id", id=case["id"])[0][0]
    phone = app.test_client()  # the complainant: no cookie, no sign-in
    response = phone.get(f"/status?tiket={case['ticket']}&kode={code}&lang=en")
    page = _text(response)
    assert response.status_code == 200 and '<html lang="en">' in page
    assert "Ticket number" in page and "Tracking code" in page and "View status" in page
    assert f"Ticket {case['ticket']}" in page and "Your complaint is being dealt with." in page
    assert "Received " in page and " · updated " in page
    assert "Siti" not in page
    wrong = phone.get(f"/status?tiket={case['ticket']}&kode=SALAH")  # still English, from the session
    assert wrong.status_code == 404
    assert "The ticket number or tracking code does not match" in _text(wrong)
    # and in Indonesian for someone else
    assert "Pengaduan Anda sedang ditangani." in _text(
        app.test_client().get(f"/status?tiket={case['ticket']}&kode={code}"))


def test_flash_messages_and_field_errors_are_shown_in_english(app):
    client = app.test_client()
    _sign_in(client)
    client.get("/meja-depan?lang=en")
    token = _csrf(client, "/meja-depan")
    taken = client.post("/antrian/ambil", data={"csrf_token": token}, follow_redirects=True)
    assert "New queue number: A-001" in _text(taken) and "Today&#39;s queue" in _text(taken)
    called = client.post("/antrian/panggil", data={"csrf_token": token}, follow_redirects=True)
    assert "Calling number A-001" in _text(called)
    empty = client.post("/antrian/panggil", data={"csrf_token": token}, follow_redirects=True)
    assert "No queue numbers are waiting" in _text(empty)
    refused = client.post("/meja-depan", data={"csrf_token": token, "kanal": "sekretariat", "uraian": "x"})
    page = _text(refused)
    assert refused.status_code == 422
    assert "Please check the marked entries." in page
    assert "the complainant&#39;s name is required" in page
    assert "jenis_keluhan is required" in page
    assert 'name="pelapor.nama"' in page and 'id="nama"' in page  # ids and names do not change


def test_task_page_in_english_keeps_the_diagrams_own_words(app, api):
    case = intake(api)
    client = app.test_client()
    _sign_in(client)
    task_id = next(t["id"] for t in case["tasks"] if t["status"] == "siap")
    page = _text(client.get(f"/tugas/{task_id}?lang=en"))
    assert "Complete task" in page and "— choose —" in page and "Case context" in page
    assert "Telaah dan analisis keluhan" in page  # the task's name is the analysts' word
    token = _csrf(client, f"/tugas/{task_id}")
    refused = client.post(f"/tugas/{task_id}", data={"csrf_token": token})
    page = _text(refused)
    assert refused.status_code == 422 and "Please check the following entries:" in page
    assert " is required" in page and "wajib diisi" not in page
    case_page = _text(client.get(f"/kasus/{case['id']}"))
    assert f"<h1>Case {case['ticket']}</h1>" in case_page and "Complaint recorded" in case_page
    assert "Process flow" in case_page and "open" in case_page


def test_every_template_string_has_an_english_entry():
    found = {}
    for path in sorted(TEMPLATES.glob("*.html")):
        for double, single in LITERAL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(double or single, path.name)
    assert len(found) > 100  # the scan really sees the templates
    missing = {text: name for text, name in found.items() if text not in CATALOGUE}
    assert not missing, f"add these to a catalogue in web/i18n_*.py: {missing}"


def test_catalogue_entries_keep_their_placeholders():
    for source, target in CATALOGUE.items():
        assert target.strip(), source
        assert set(re.findall(r"\{(\w+)\}", source)) == set(re.findall(r"\{(\w+)\}", target)), source
    for pattern, template in PATTERNS:
        assert set(re.findall(r"\{(\w+)\}", template)) == set(pattern.groupindex), pattern.pattern


@pytest.mark.parametrize(("message", "expected"), [
    ("Nomor antrian baru: A-001", "New queue number: A-001"),
    ("Memanggil nomor B-012", "Calling number B-012"),
    ('Tugas "Telaah dan analisis keluhan" selesai.', 'Task "Telaah dan analisis keluhan" completed.'),
    ("Kategori wajib diisi", "Kategori is required"),  # the label is the diagram's own word
    ("jenis_keluhan wajib diisi", "jenis_keluhan is required"),
    ("nama pelapor wajib diisi", "the complainant's name is required"),  # the catalogue comes first
    ("program harus salah satu dari: PKH, BPNT", "program must be one of: PKH, BPNT"),
    ("NIK harus 16 angka", "NIK must be 16 digits"),
    ("Catatan minimal 5 karakter", "Catatan must have at least 5 characters"),
    ("Catatan maksimal 4000 karakter", "Catatan may have at most 4000 characters"),
    ("Jumlah anggota tidak boleh kurang dari 1", "Jumlah anggota must not be less than 1"),
    ("Tanggal harus berupa tanggal (TTTT-BB-HH)", "Tanggal must be a date (YYYY-MM-DD)"),
    ("Tugas ini sedang dikerjakan oleh Budi Santoso", "This task is being worked on by Budi Santoso"),
    ("Tugas ini sedang dikerjakan oleh petugas lain", "This task is being worked on by another officer"),
    ("Tugas diselesaikan: Telaah dan analisis keluhan", "Task completed: Telaah dan analisis keluhan"),
    ("tidak terhubung: timed out", "not connected: timed out"),
    ("Tugas ini sudah diselesaikan oleh petugas lain atau tidak berlaku lagi",
     "This task has already been completed by another officer or no longer applies"),
])
def test_messages_with_variable_parts_translate_by_pattern(message, expected):
    assert english(message) == expected


def test_unknown_text_shows_through_unchanged():
    assert english("Kalimat yang belum ada di katalog") == "Kalimat yang belum ada di katalog"
    assert english("") == ""
    assert english(None) is None
