"""The auditor's pages: search, the step-through of a case, and its history as JSON and as a printable page."""

import json

from engine.demo.seed import KENDARI_VILLAGE
from tests.conftest import sql
from tests.journeys import approve_pkh_referral, intake
from tests.web.test_pages import signed_in


def _text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_auditor_finds_a_case_by_ticket_and_steps_through_its_events(app, api):
    case = intake(api)
    other = intake(api, program="BPNT")
    approve_pkh_referral(api, case)
    auditor = signed_in(app, "auditor.cianjur")
    page = _text(auditor.get(f"/audit/?q={case['ticket']}"))
    assert f">{case['ticket']}</a>" in page and other["ticket"] not in page
    assert _text(auditor.get("/audit/?q=BPNT")).count("/audit/kasus/") == 1
    page = _text(auditor.get(f"/audit/kasus/{case['id']}"))
    assert "Rantai hash utuh dan putar ulang cocok" in page
    frames = json.loads(page.split('id="langkah-data-json">')[1].split("</script>")[0])["frames"]
    assert [f["seq"] for f in frames] == [1, 2, 3, 4]
    assert frames[1]["changed"]["catatan_telaah"] == "Telah diperiksa di meja depan."
    assert [t["element_id"] for t in frames[3]["open_tasks"]] == ["Pkh_Tanggapi"]
    assert frames[0]["variables"]["pelapor"]["nama"] == "S***" and "Siti" not in page  # confidential complainant
    assert 'data-file="workflows/sop_pkh.bpmn"' in page  # the subprocess the case ran through is drawn


def test_a_tampered_case_shows_where_it_first_differs(app, api):
    case = intake(api)
    approve_pkh_referral(api, case)
    sql("UPDATE cases SET data = replace(data, '\"setuju\"', '\"tolak\"') WHERE id = :id", id=case["id"])
    page = _text(signed_in(app, "auditor.cianjur").get(f"/audit/kasus/{case['id']}?lang=en"))
    assert "This case&#39;s record does not match: it first differs at event #4." in page


def test_history_exports_as_json_and_as_a_printable_page_with_identity_masked(app, api):
    case = intake(api)
    approve_pkh_referral(api, case)
    auditor = signed_in(app, "auditor.cianjur")
    response = auditor.get(f"/audit/kasus/{case['ticket']}/riwayat.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="riwayat-{case["ticket"]}.json"'
    history = json.loads(response.get_data(as_text=True))
    assert history["verification"]["ok"] is True and len(history["events"]) == 4
    first = history["events"][0]
    assert first["data"]["pelapor"]["nama"] == "S***" and first["outcome"]["set"]["pelapor"]["nama"] == "S***"
    assert "Siti Aminah" not in response.get_data(as_text=True) and "081234567890" not in response.get_data(as_text=True)
    assert [e["hash"] for e in history["events"][:-1]] == [e["prev_hash"] for e in history["events"][1:]]
    page = _text(auditor.get(f"/audit/kasus/{case['id']}/cetak"))
    assert "Utuh: rantai hash dan putar ulang cocok." in page and "Siti Aminah" not in page
    assert page.count("<tr>") >= 4 + 6


def test_a_case_without_confidentiality_shows_the_complainant_to_the_auditor(app, api):
    case = intake(api, rahasia=False)
    history = json.loads(signed_in(app, "auditor.cianjur").get(f"/audit/kasus/{case['id']}/riwayat.json")
                         .get_data(as_text=True))
    assert history["events"][0]["data"]["pelapor"]["nama"] == "Siti Aminah"


def test_audit_pages_are_only_for_auditors_of_the_area(app, api):
    case = intake(api)
    officer = signed_in(app, "bo.sosial")
    assert officer.get("/audit/").status_code == 403
    assert officer.get(f"/audit/kasus/{case['id']}").status_code == 403
    assert officer.get(f"/audit/kasus/{case['id']}/riwayat.json").status_code == 403
    kendari = intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE)
    auditor = signed_in(app, "auditor.cianjur")
    assert auditor.get(f"/audit/kasus/{kendari['id']}").status_code == 403  # another district
    assert kendari["ticket"] not in _text(auditor.get("/audit/"))
    assert 'href="/audit/"' in _text(auditor.get("/akun"))
    assert 'href="/audit/"' not in _text(officer.get("/kotak-masuk"))
