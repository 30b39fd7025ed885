"""English as a second language of the pages: choosing it, keeping it, and catalogues with no gaps."""

import ast
import re
from dataclasses import replace
from pathlib import Path

from flask import g

from tests.conftest import PASSWORD, sql
from tests.journeys import approve_pkh_referral, intake
from web.i18n import lang_url

ROOT = Path(__file__).resolve().parents[2]


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
    assert "Complainant's name is required".replace("'", "&#39;") in page
    assert re.search(r'id="galat-jenis_keluhan">([^<]*)<', page).group(1) == "Type of complaint is required"
    assert 'name="pelapor.nama"' in page and 'id="nama"' in page  # ids and names do not change


def test_task_page_in_english_shows_the_diagrams_words_in_english(app, api):
    case = intake(api)
    client = app.test_client()
    _sign_in(client)
    task_id = next(t["id"] for t in case["tasks"] if t["status"] == "siap")
    page = _text(client.get(f"/tugas/{task_id}"))  # Indonesian by default: the analysts' own words
    assert "<h1>Telaah dan analisis keluhan</h1>" in page and "Catatan telaah" in page
    assert "Kualitas beras" in page and "Pokok masalah" in page
    page = _text(client.get(f"/tugas/{task_id}?lang=en"))
    assert "Complete task" in page and "— choose —" in page and "Case context" in page
    assert "<h1>Review and analyse the complaint</h1>" in page and "Telaah dan analisis keluhan" not in page
    assert "Review notes" in page and "Catatan telaah" not in page  # a form label
    assert ">Rice quality</option>" in page and "Main issue" in page  # an option and an enum's label
    token = _csrf(client, f"/tugas/{task_id}")
    refused = client.post(f"/tugas/{task_id}", data={"csrf_token": token})
    page = _text(refused)
    assert refused.status_code == 422 and "Please check the following entries:" in page
    assert " is required" in page and "wajib diisi" not in page
    inbox = _text(client.get("/kotak-masuk"))
    assert "Review and analyse the complaint" in inbox
    case_page = _text(client.get(f"/kasus/{case['id']}"))
    assert f"<h1>Case {case['ticket']}</h1>" in case_page and "Complaint recorded" in case_page
    assert "Process flow" in case_page and "In progress" in case_page


def test_json_api_messages_are_indonesian_unless_english_is_asked_for(api):
    client = api("fo.cianjur")
    refused = client.post("/cases", json={"kanal": "sekretariat", "uraian": "x"})
    body = refused.get_json()
    assert refused.status_code == 422 and body["message"] == "Data tidak valid"
    assert body["errors"]["jenis_keluhan"] == "wajib diisi"
    refused = client.post("/cases?lang=en", json={"kanal": "sekretariat", "uraian": "x"})
    body = refused.get_json()
    assert refused.status_code == 422 and body["message"] == "Invalid data"
    assert body["errors"] == {"wilayah": "required", "pelapor": "required", "jenis_keluhan": "required",
                              "program": "required", "uraian": "5 to 4000 characters"}
    assert "Set-Cookie" not in refused.headers  # the API remembers nothing
    assert client.get("/cases/TIDAK-ADA?lang=en").get_json()["message"] == "Case not found"


def test_engine_messages_translate_with_their_parts_when_shown(app):
    from engine.bpmn.forms import FormField, validate_submission
    from engine.errors import InvalidInput
    from engine.i18n import N_
    from web.i18n import gettext

    fields = [FormField(id="pokok", label="Pokok masalah", type="enum", required=True,
                        options=(("kualitas_beras", "Kualitas beras"),)),
              FormField(id="catatan", label="Catatan telaah", type="string", minlength=5)]
    try:
        validate_submission(fields, {"catatan": "abc"}, {})
    except InvalidInput as exc:
        problems = exc.errors
    assert problems == {"pokok": "Pokok masalah wajib diisi", "catatan": "Catatan telaah minimal 5 karakter"}
    with app.test_request_context("/masuk?lang=en"):
        app.preprocess_request()  # chooses the language, as for a page
        assert gettext(problems["pokok"]) == "Main issue is required"  # the label is a diagram text too
        assert gettext(problems["catatan"]) == "Review notes must have at least 5 characters"
        assert gettext(N_("Tugas ini sedang dikerjakan oleh {nama}", nama="Budi Santoso")) == \
            "This task is being worked on by Budi Santoso"
        assert gettext(N_("{kolom} harus {n} angka", kolom="NIK", n=16)) == "NIK must be 16 digits"
        assert gettext("Kalimat yang belum ada di katalog") == "Kalimat yang belum ada di katalog"
        assert gettext("") == "" and gettext(None) is None
    with app.test_request_context("/masuk"):
        app.preprocess_request()
        assert gettext(problems["pokok"]) == "Pokok masalah wajib diisi"


def test_a_count_takes_the_right_noun_form(app):
    from web.i18n import ngettext

    with app.test_request_context("/masuk?lang=en"):
        app.preprocess_request()
        assert ngettext("{n} berkas", "{n} berkas", 1) == "1 file"
        assert ngettext("{n} berkas", "{n} berkas", 3) == "3 files"
    with app.test_request_context("/masuk"):
        app.preprocess_request()
        assert ngettext("{n} berkas", "{n} berkas", 3) == "3 berkas"


def _catalogue(language):
    from babel.messages.pofile import read_po

    with (ROOT / f"web/translations/{language}/LC_MESSAGES/messages.po").open("rb") as source:
        return read_po(source, locale=language)


def _key(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def test_pybabel_extract_finds_no_user_facing_string_outside_the_catalogues(tmp_path, monkeypatch):
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)  # the paths in babel.cfg are relative to the repository
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(pot), "."])
    with pot.open("rb") as source:
        extracted = [m for m in read_po(source) if m.id]
    sources = {path.split("/")[0] for m in extracted for path, _line in m.locations}
    assert {"engine", "web", "workflows", "rules"} <= sources  # the code, the templates and the diagrams
    assert "Telaah dan analisis keluhan" in {m.id for m in extracted}  # a task name from keluhan.bpmn
    indonesian, english = _catalogue("id"), _catalogue("en")
    wanted = {_key(m) for m in extracted}
    for language, catalogue in (("id", indonesian), ("en", english)):
        held = {_key(m) for m in catalogue if m.id}
        assert not wanted - held, f"missing in {language}/messages.po: {sorted(wanted - held)}"
        assert not held - wanted, f"in {language}/messages.po but marked nowhere: {sorted(held - wanted)}"
    for message in english:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(s.strip() for s in strings), f"no English for {message.id!r}"
            wanted = set(re.findall(r"\{(\w+)\}", "".join(message.id if message.pluralizable else (message.id,))))
            assert all(set(re.findall(r"\{(\w+)\}", s)) == wanted for s in strings), message.id


TEMPLATE_CODE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
SHOWN_ATTRIBUTES = re.compile(r"""\b(?:title|alt|placeholder|aria-label)\s*=\s*"([^"]*)\"""", re.I)
NOT_WORDS = {"SLRT", "NIK", "UTC"}  # names and abbreviations, the same in both languages


def test_templates_show_no_literal_text_outside_gettext():
    found = []
    for path in sorted((ROOT / "web" / "templates").glob("*.html")):
        markup = TEMPLATE_CODE.sub(" ", path.read_text(encoding="utf-8"))
        shown = SHOWN_ATTRIBUTES.findall(markup)
        text = re.sub(r"[\w-]+=\"[^\"]*\"", " ", re.sub(r"<[^>]*>", " ", markup))
        for words in [*shown, text]:
            found += [(path.name, w) for w in re.findall(r"[A-Za-z]{2,}", words) if w not in NOT_WORDS]
    assert not found, f"wrap these in _(): {found}"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _unmarked(node):
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)
                                               and bool(node.value))


# Every SlrtError subclass is scanned, diagram diagnostics included.
NOT_YET_MARKED: set[str] = set()


def _unmarked_field_errors(path):
    """Lines where a per-field message is put into an `errors` mapping unmarked: `errors["x"] = "…"`,
    `errors = {"x": "…"}` or `errors.setdefault("x", "…")` (the officer reads it beside the field)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and getattr(target.value, "id", "").endswith("errors")
                        and _unmarked(node.value)):
                    yield node.lineno
                if getattr(target, "id", "").endswith("errors") and isinstance(node.value, (ast.Dict, ast.IfExp)):
                    values = node.value.body.values if isinstance(node.value, ast.IfExp) and isinstance(
                        node.value.body, ast.Dict) else getattr(node.value, "values", [])
                    orelse = getattr(node.value, "orelse", None)
                    if isinstance(orelse, ast.Dict):
                        values = [*values, *orelse.values]
                    yield from (v.lineno for v in values if _unmarked(v))
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "setdefault"
              and getattr(node.func.value, "id", "").endswith("errors") and len(node.args) == 2
              and _unmarked(node.args[1])):
            yield node.lineno


def test_engine_raises_no_message_a_person_sees_without_marking_it():
    from engine.errors import SlrtError

    raised = {cls.__name__ for cls in _subclasses(SlrtError)} - NOT_YET_MARKED
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if path.name == "config.py":  # settings errors are for the operator reading the start-up log
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in raised and node.args and _unmarked(node.args[0]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            for keyword in node.keywords:
                if keyword.arg == "errors" and isinstance(keyword.value, ast.Dict):
                    found += [f"{path.relative_to(ROOT)}:{v.lineno}" for v in keyword.value.values if _unmarked(v)]
        found += [f"{path.relative_to(ROOT)}:{line}" for line in _unmarked_field_errors(path)]
    assert not found, f"wrap these messages in N_() (named parts instead of f-strings): {found}"


def test_a_delivery_error_is_stored_as_plain_text_and_shown_in_the_readers_language(app, api, clock):
    from engine.cases import outbox

    case = approve_pkh_referral(api, intake(api, uraian="Bantuan belum diterima."))
    assert outbox.deliver_due(clock(), replace(app.config["SLRT_SETTINGS"], outbox_endpoints={})) == (0, 1)
    (stored,) = sql("SELECT last_error FROM outbox WHERE case_id = :id", id=case["id"])[0]
    assert stored == "belum ada endpoint untuk saluran 'langsung'"
    client = app.test_client()
    _sign_in(client)
    assert "belum ada endpoint untuk saluran &#39;langsung&#39;" in _text(client.get(f"/kasus/{case['id']}"))
    page = _text(client.get(f"/kasus/{case['id']}?lang=en"))
    assert "no endpoint yet for channel &#39;langsung&#39;" in page and "belum ada endpoint" not in page
    assert outbox.delivery_error("HTTP 503") == "HTTP 503"  # not a sentence: shown as stored


def test_dashboard_programme_catalogue_and_api_errors_in_english_on_request_and_indonesian_by_default(app, api):
    manager = app.test_client()
    _sign_in(manager, "manajer.cianjur")
    page = _text(manager.get("/dasbor"))
    assert "<h1>Dasbor Kabupaten/Kota: Kabupaten Cianjur</h1>" in page and "<h2>Ringkasan</h2>" in page
    page = _text(manager.get("/dasbor?lang=en"))
    assert '<html lang="en">' in page and "<h1>District dashboard: Kabupaten Cianjur</h1>" in page
    assert "<h2>Summary</h2>" in page and "Monthly report" in page and "Ringkasan" not in page

    admin = app.test_client()
    g.pop("csrf_token", None)  # the manager's form token, cached in the shared `g`
    _sign_in(admin, "admin.cianjur")
    page = _text(admin.get("/admin/program"))
    assert "<h1>Katalog program</h1>" in page and "Nama program" in page and "Tambah program" in page
    page = _text(admin.get("/admin/program?lang=en"))
    assert "<h1>Programme catalogue</h1>" in page and "Programme name" in page and "Add program" in page
    assert "Nama program" not in page and "Katalog program" not in page

    client = api("fo.cianjur")
    missing = {"kanal": "sekretariat", "wilayah": "3203010001", "uraian": "Bantuan belum diterima."}
    body = client.post("/cases", json=missing).get_json()
    assert body["message"] == "Data tidak valid" and body["errors"]["pelapor"] == "wajib diisi"
    refused = client.post("/cases?lang=en", json=missing)
    assert refused.status_code == 422 and refused.get_json()["message"] == "Invalid data"
    assert refused.get_json()["errors"] == {"pelapor": "required", "jenis_keluhan": "required", "program": "required"}


def test_a_refused_upload_lists_its_diagram_diagnostics_in_english(app):
    import io

    client = app.test_client()
    _sign_in(client, "analis.cianjur")
    token = _csrf(client, "/alur-kerja?lang=en")
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    refused = client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1",
                                                      "berkas": (io.BytesIO(doctype), "sop_pkh.bpmn")},
                          content_type="multipart/form-data")
    page = _text(refused)
    assert refused.status_code == 422 and "DOCTYPE dan ENTITY" not in page
    summary, listed = page.split('class="temuan"', 1)
    assert "DOCTYPE and ENTITY" in summary and "DOCTYPE and ENTITY" in listed  # the finding itself too


def test_diagram_findings_are_given_in_the_analysts_language(api):
    """The publish checks' findings (a link event, a lane that is no role) read in English on request."""
    minimal = (ROOT / "tests" / "fixtures" / "minimal.bpmn").read_text(encoding="utf-8")
    broken = minimal.replace("<bpmn:endEvent", '<bpmn:intermediateThrowEvent id="Lompat"><bpmn:linkEventDefinition '
                             'id="Lompat_Def" name="x" /></bpmn:intermediateThrowEvent><bpmn:endEvent', 1)
    request = {"process_id": "minimal", "files": {"workflows/minimal.bpmn": broken}}
    indonesian = api("analis.cianjur").post("/workflows/validate", json=request).get_json()
    english = api("analis.cianjur").post("/workflows/validate?lang=en", json=request).get_json()
    assert not indonesian["ok"] and not english["ok"]
    assert any(f["message"].startswith("event link diabaikan oleh mesin") for f in indonesian["findings"])
    assert any(f["message"].startswith("link events are ignored by the engine") for f in english["findings"])
    assert len(english["findings"]) == len(indonesian["findings"])
    assert all(f["message"] != g["message"] for f, g in zip(english["findings"], indonesian["findings"]))
