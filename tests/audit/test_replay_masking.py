"""A replay divergence report masks the complainant's identity as every other view does (issue 20,
point 7): the manager and the auditor learn which event and which value diverged, not who complained."""

import re

from engine.demo.seed import KNOWN_KK, KNOWN_NIK
from tests.audit.test_audit_tampering import _rehash, attacker  # noqa: F401 (fixture)
from tests.conftest import PASSWORD, sql
from tests.journeys import approve_pkh_referral, intake
from tests.web.test_pages import PageClient

PELAPOR = {"nik": KNOWN_NIK, "nama": "Nyai Kartika Sembunyi", "telepon": "081299887766",
           "alamat": "Kp. Tersembunyi RT 09/RW 04", "jenis_kelamin": "P", "disabilitas": False,
           "penerima_manfaat": True}
SECRETS = (KNOWN_NIK, KNOWN_KK, "Kartika", "081299887766", "081200001111", "Tersembunyi")


def _case(api, rahasia=True):
    case = intake(api, pelapor=PELAPOR, rahasia=rahasia)
    approve_pkh_referral(api, case)
    return case


def _page(app, username, path):
    client = PageClient(app.test_client())
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)).group(1)
    assert client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token}
                       ).status_code == 302
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _leaks(text):
    return [secret for secret in SECRETS if secret in text]


def test_a_divergence_in_the_stored_complainant_is_reported_masked_to_manager_and_auditor(app, api):
    case = _case(api)
    sql("UPDATE cases SET data = replace(data, '081299887766', '081200001111') WHERE id = :id", id=case["id"])
    for username in ("manajer.cianjur", "auditor.cianjur"):
        response = api(username).post(f"/cases/{case['id']}/replay")
        report = response.get_json()
        assert response.status_code == 200 and report["ok"] is False
        (found,) = report["replay"]
        assert found["event"] == 1 and "pelapor" in found["problem"]
        # which field diverged is still plain: the two phone numbers mask to two numbered stand-ins
        assert '"telepon":"********[2]"' in found["found"] and '"telepon":"********[1]"' in found["expected"]
        assert found["expected"].replace("[1]", "") == found["found"].replace("[2]", "")
        assert not _leaks(response.get_data(as_text=True)), (username, report)
        assert KNOWN_NIK[-4:] in found["expected"]  # masked as elsewhere: the last four digits stay
    page = _page(app, "auditor.cianjur", f"/audit/kasus/{case['id']}")
    assert "pelapor" in page and not _leaks(page)
    export = _page(app, "auditor.cianjur", f"/audit/kasus/{case['id']}/riwayat.json")
    assert not _leaks(export)


def test_a_rewritten_intake_event_is_reported_without_the_identity_it_carried(app, api, attacker):  # noqa: F811
    case = _case(api)
    attacker("UPDATE events SET data = replace(data, 'Nyai Kartika Sembunyi', 'Nyai Kartika Lain') "
             "WHERE case_id = :id AND seq = 1", id=case["id"])
    _rehash(attacker, case["id"])
    response = api("manajer.cianjur").post(f"/cases/{case['id']}/replay")
    report = response.get_json()
    assert report["ok"] is False and report["first_divergence"]["event"] == 1
    assert not _leaks(response.get_data(as_text=True)), report
    assert "N***" in response.get_data(as_text=True)


def test_an_open_complainant_is_shown_in_the_report_to_whoever_sees_the_case(api):
    case = _case(api, rahasia=False)
    sql("UPDATE cases SET data = replace(data, '081299887766', '081200001111') WHERE id = :id", id=case["id"])
    (found,) = api("manajer.cianjur").post(f"/cases/{case['id']}/replay").get_json()["replay"]
    assert "081299887766" in found["expected"] + found["found"] and "081200001111" in found["expected"] + found["found"]
