"""Diagram versions over the API, replay verification, registry lookup, sign-in and the inbox page."""

import re
from pathlib import Path

from engine.demo.seed import KNOWN_NIK, UNREGISTERED_NIK
from tests.conftest import PASSWORD, sql
from tests.journeys import TELAAH, act, intake, telaah

ROOT = Path(__file__).resolve().parents[2]


def _diagram_files(transform=lambda name, text: text):
    files = {}
    for folder, pattern in (("workflows", "*.bpmn"), ("rules", "*.dmn")):
        for path in sorted((ROOT / folder).glob(pattern)):
            name = f"{folder}/{path.name}"
            files[name] = transform(name, path.read_text(encoding="utf-8"))
    return files


def test_analyst_uploads_a_draft_and_publishes_it_for_new_cases_only(api):
    old_case = intake(api)
    relabelled = _diagram_files(lambda name, text: text.replace(
        'name="Telaah dan analisis keluhan"', 'name="Telaah keluhan (versi 2)"'))
    response = api("analis.cianjur").post("/workflows", json={"process_id": "keluhan", "files": relabelled})
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert (draft["status"], draft["version"]) == ("draft", 2)
    assert intake(api)["tasks"][0]["name"] == "Telaah dan analisis keluhan"  # drafts do not run
    published = api("analis.cianjur").post(f"/workflows/{draft['id']}/publish")
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    new_case = intake(api)
    assert new_case["tasks"][0]["name"] == "Telaah keluhan (versi 2)"
    # the case started before keeps running on its own version
    old = act(api, "fo.cianjur", old_case["id"], TELAAH, telaah())
    assert {t["element_id"]: t["name"] for t in old["tasks"]}[TELAAH] == "Telaah dan analisis keluhan"
    assert old["tasks"] and all(t["element_id"] != TELAAH or t["status"] == "selesai" for t in old["tasks"])
    assert api("analis.cianjur").post(f"/workflows/{draft['id']}/publish").status_code == 409


def test_upload_of_a_diagram_with_an_unsafe_expression_is_refused_naming_the_element(api):
    unsafe = _diagram_files(lambda name, text: text.replace(
        'hasil_akhir = "dijawab"', 'hasil_akhir = __import__("os").getcwd()'))
    response = api("analis.cianjur").post("/workflows", json={"process_id": "keluhan", "files": unsafe})
    assert response.status_code == 422
    body = response.get_json()
    assert body["element_id"] == "Script_Dijawab" and body["file"] == "workflows/keluhan.bpmn" and body["line"]
    assert len(api("analis.cianjur").get("/workflows").get_json()) == 1


def test_only_analysts_may_upload_diagrams(api):
    response = api("manajer.cianjur").post("/workflows", json={"process_id": "keluhan", "files": _diagram_files()})
    assert response.status_code == 403


def test_replay_of_an_untouched_case_matches_and_tampering_is_reported(api):
    case = intake(api)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    report = api("auditor.cianjur").post(f"/cases/{case['id']}/replay")
    assert report.status_code == 200
    assert report.get_json()["ok"] is True and report.get_json()["events"] == 2
    # someone edits the stored variables behind the engine's back
    sql("UPDATE cases SET data = replace(data, '\"sosial\"', '\"kesehatan\"') WHERE id = :id", id=case["id"])
    tampered = api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()
    assert tampered["ok"] is False
    assert any("sektor" in p["problem"] for p in tampered["replay"])


def test_replay_is_refused_to_officers_without_audit_rights(api):
    case = intake(api)
    assert api("bo.sosial").post(f"/cases/{case['id']}/replay").status_code == 403


def test_front_office_looks_up_dtks_status_by_nik(api):
    found = api("fo.cianjur").get(f"/registry?nik={KNOWN_NIK}").get_json()
    assert found["terdaftar"] is True and set(found["program"]) == {"PKH", "BPNT"}
    assert api("fo.cianjur").get(f"/registry?nik={UNREGISTERED_NIK}").get_json()["terdaftar"] is False
    bad = api("fo.cianjur").get("/registry?nik=123")
    assert bad.status_code == 422 and "nik" in bad.get_json()["errors"]
    assert api("pp.bulog").get(f"/registry?nik={KNOWN_NIK}").status_code == 403


def _csrf(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_officer_signs_in_and_sees_their_inbox_page(app):
    client = app.test_client()
    assert client.get("/kotak-masuk").status_code == 302
    refused = client.post("/masuk", data={"username": "fo.cianjur", "password": PASSWORD})
    assert refused.status_code == 400  # no CSRF token
    token = _csrf(client, "/masuk")
    bad = client.post("/masuk", data={"username": "fo.cianjur", "password": "salah", "csrf_token": token})
    assert bad.status_code == 401 and "salah" in bad.get_data(as_text=True)
    ok = client.post("/masuk", data={"username": "fo.cianjur", "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
    page = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Kotak masuk" in page and "Front Office" in page


def test_token_endpoint_issues_tokens_only_for_valid_credentials(api):
    anonymous = api()
    assert anonymous.post("/auth/token", json={"username": "fo.cianjur", "password": "salah"}).status_code == 401
    response = anonymous.post("/auth/token", json={"username": "fo.cianjur", "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    anonymous.headers = {"Authorization": f"Bearer {token}"}
    assert anonymous.get("/tasks").status_code == 200
    assert anonymous.post("/auth/token", json={"username": "x"}).status_code == 422
