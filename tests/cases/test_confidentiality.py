"""A confidential complainant's identity never reaches a role that may not see it: not in an API
response, a page, an export, the public status, nor a log line."""

import json
import logging
import threading
import urllib.request

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.domain.actor import Actor
from engine.people import auth
from engine.demo.seed import KNOWN_KK, KNOWN_NIK
from engine.store.models import User, db
from tests.conftest import PASSWORD
from tests.journeys import approve_pkh_referral, intake

IDENTITY = {"nik": KNOWN_NIK, "nama": "Nyai Kartika Sembunyi", "telepon": "081299887766",
            "alamat": "Kp. Tersembunyi RT 09/RW 04"}
SECRETS = (KNOWN_NIK, KNOWN_KK, IDENTITY["nama"], IDENTITY["telepon"], IDENTITY["alamat"])
# Roles that see the case (or parts of it) but must not see who complained.
MAY_NOT_SEE = ("bo.sosial", "supervisor.cianjur", "manajer.cianjur", "pp.kemensos", "auditor.cianjur",
               "admin.cianjur", "analis.cianjur", "pemantau.cianjur", "fo.kendari", "manajer.kendari")


def _register(api, rahasia=True):
    pelapor = {**IDENTITY, "jenis_kelamin": "P", "disabilitas": False, "penerima_manfaat": True}
    case = intake(api, pelapor=pelapor, rahasia=rahasia)
    after = approve_pkh_referral(api, case)  # now waiting for KEMENSOS_JSK, so the program manager sees it
    task = next(t["id"] for t in after["tasks"] if t["element_id"] == "Pkh_Tanggapi" and t["status"] == "siap")
    return case, task


def _signed_in(app, username):
    client = app.test_client()
    assert client.post("/masuk", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def _everything_seen_by(app, username, case, task_id):
    """The bodies of every page and endpoint that could show the case, as this officer."""
    user = db.session.scalar(select(User).where(User.username == username))
    token, _ = auth.issue_token(Actor.of(user), app.config["SLRT_CLOCK"](), 1)
    headers = {"Authorization": f"Bearer {token}"}
    client = _signed_in(app, username)
    bodies = {}
    for path in (f"/cases/{case['id']}", f"/cases/{case['ticket']}", f"/cases/{case['id']}/events", "/cases",
                 f"/cases?q={case['ticket']}", "/tasks", f"/tasks/{task_id}"):
        bodies["GET /api/v1" + path] = client.get("/api/v1" + path, headers=headers)
    bodies["POST replay"] = client.post(f"/api/v1/cases/{case['id']}/replay", headers=headers)
    bodies["POST complete"] = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=headers)
    for path in (f"/kasus/{case['id']}", f"/tugas/{task_id}", f"/kasus/{case['id']}/tanda-terima", "/kotak-masuk",
                 "/ekspor/kasus.csv", "/admin/pengguna", "/akun"):
        bodies["GET " + path] = client.get(path)
    return {name: response.get_data(as_text=True) for name, response in bodies.items()}


def test_confidential_identity_reaches_no_role_that_may_not_see_it(app, api):
    app.config["WTF_CSRF_ENABLED"] = False
    case, task_id = _register(api)
    shown_somewhere = set()
    for username in MAY_NOT_SEE:
        seen = _everything_seen_by(app, username, case, task_id)
        for name, body in seen.items():
            leaked = [s for s in SECRETS if s in body]
            assert not leaked, f"{username}: {name} shows {leaked}"
            if case["ticket"] in body:
                shown_somewhere.add((username, name))
    # the case itself was on screen for these roles, only its complainant was not
    for username in ("bo.sosial", "manajer.cianjur", "pp.kemensos", "auditor.cianjur"):
        assert (username, f"GET /kasus/{case['id']}") in shown_somewhere
    assert ("manajer.cianjur", "GET /ekspor/kasus.csv") in shown_somewhere
    masked = api("manajer.cianjur").get(f"/cases/{case['id']}").get_json()["data"]["pelapor"]
    assert masked["nik"].endswith(KNOWN_NIK[-4:]) and masked["nik"].startswith("*") and masked["nama"] == "N***"


def test_the_roles_that_contact_the_complainant_do_see_the_identity(app, api):
    app.config["WTF_CSRF_ENABLED"] = False
    case, _task = _register(api)
    for username in ("fo.cianjur", "fasilitator.cianjur"):
        page = _signed_in(app, username).get(f"/kasus/{case['id']}").get_data(as_text=True)
        assert IDENTITY["nama"] in page
        assert api(username).get(f"/cases/{case['id']}").get_json()["data"]["pelapor"]["nik"] == KNOWN_NIK


def test_a_complainant_who_waives_confidentiality_is_named_to_the_officers_handling_the_case(app, api):
    app.config["WTF_CSRF_ENABLED"] = False
    case, _task = _register(api, rahasia=False)
    page = _signed_in(app, "bo.sosial").get(f"/kasus/{case['id']}").get_data(as_text=True)
    assert IDENTITY["nama"] in page
    export = _signed_in(app, "manajer.cianjur").get("/ekspor/kasus.csv").get_data(as_text=True)
    assert case["ticket"] in export and not [s for s in SECRETS if s in export]  # exports never carry identity


@pytest.mark.parametrize("rahasia", [True, False])
def test_the_public_status_page_never_shows_identity(app, api, rahasia):
    case, _task = _register(api, rahasia=rahasia)
    client = app.test_client()
    for response in (client.get(f"/api/v1/public/cases/{case['ticket']}", query_string={"kode": case["tracking_code"]}),
                     client.get("/status", query_string={"tiket": case["ticket"], "kode": case["tracking_code"]})):
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and case["ticket"] in body
        assert not [s for s in SECRETS if s in body]


def test_no_log_line_carries_a_nik(app, api, caplog, sqlite_template):
    """Through a real HTTP server: the access log of a registry lookup by NIK, and our own loggers."""
    caplog.set_level(logging.DEBUG)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        token = json.loads(urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/v1/auth/token", data=json.dumps({"username": "fo.cianjur", "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"})).read())["token"]
        lookup = urllib.request.Request(f"{base}/api/v1/registry?nik={KNOWN_NIK}&no_kk={KNOWN_KK}",
                                        headers={"Authorization": f"Bearer {token}"})
        assert json.loads(urllib.request.urlopen(lookup).read())["terdaftar"] is True
        pelapor = {**IDENTITY, "jenis_kelamin": "P"}
        body = {"kanal": "sekretariat", "wilayah": "3203012001", "jenis_keluhan": "pengaduan", "program": "PKH",
                "uraian": f"NIK saya {KNOWN_NIK}", "pelapor": pelapor}
        created = urllib.request.Request(f"{base}/api/v1/cases", data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        assert urllib.request.urlopen(created).status == 201
    finally:
        server.shutdown()
    logging.getLogger("slrt.test").warning("pelapor %s dengan KK %s", KNOWN_NIK, KNOWN_KK)
    try:
        raise ValueError(f"NIK {KNOWN_NIK} tidak cocok")
    except ValueError:
        logging.getLogger("slrt.test").exception("gagal memeriksa")
    lines = [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    assert any("/api/v1/registry?nik=************0001" in line for line in lines), lines  # the access log ran
    assert any("tidak cocok" in line for line in lines)
    assert not [line for line in lines if KNOWN_NIK in line or KNOWN_KK in line]
    assert KNOWN_NIK not in caplog.text and KNOWN_KK not in caplog.text


def test_a_complaint_about_a_village_official_is_not_readable_in_that_village(app, api):
    """Registered at the district secretariat: the village's own officers neither list nor open it."""
    app.config["WTF_CSRF_ENABLED"] = False
    shielded = intake(api, aparat_desa=True, uraian="Kepala desa memotong bantuan PKH warga.")
    ordinary = intake(api)
    for username in ("fo.puskesos.sayang", "bo.puskesos.sayang"):
        listed = {c["ticket"] for c in api(username).get("/cases").get_json()}
        assert ordinary["ticket"] in listed and shielded["ticket"] not in listed
        assert api(username).get(f"/cases/{shielded['id']}").status_code == 403
        assert api(username).get(f"/cases/{shielded['id']}/events").status_code == 403
        tasks = api(username).get("/tasks").get_json()
        assert shielded["ticket"] not in {t["ticket"] for t in tasks}
        task_id = next(t["id"] for t in shielded["tasks"] if t["status"] == "siap")
        assert api(username).get(f"/tasks/{task_id}").status_code == 403
        assert api(username).post(f"/tasks/{task_id}/claim").status_code == 403
        page = _signed_in(app, username)
        assert shielded["ticket"] not in page.get("/kotak-masuk").get_data(as_text=True)
        assert page.get(f"/kasus/{shielded['id']}").status_code == 403
    # the district handles it as usual
    assert shielded["ticket"] in {t["ticket"] for t in api("fo.cianjur").get("/tasks").get_json()}
    assert api("manajer.cianjur").get(f"/cases/{shielded['id']}").status_code == 200
