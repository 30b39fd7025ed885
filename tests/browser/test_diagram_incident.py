"""An officer sees on the case page, marked as an incident, that a diagram step was stopped."""

import json
import urllib.error
import urllib.request

from tests.browser.conftest import screenshot, sign_in
from tests.journeys import TELAAH, telaah
from tests.processes.test_expression_incidents import RUNAWAY
from tests.processes.test_workflow_versions import files
from engine.demo.seed import DEMO_VILLAGE, KNOWN_NIK


def _api(base_url, token, path, body=None):
    request = urllib.request.Request(f"{base_url}/api/v1{path}", method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_stopped_step_shows_as_an_incident_in_the_case_history(live_server, page, sqlite_template):
    _template, tokens = sqlite_template
    status, draft = _api(live_server, tokens["analis.cianjur"], "/workflows",
                         {"process_id": "keluhan", "files": files([RUNAWAY])})
    assert status == 201, draft
    assert _api(live_server, tokens["analis.cianjur"], f"/workflows/{draft['id']}/publish", {})[0] == 200
    status, case = _api(live_server, tokens["fo.cianjur"], "/cases", {
        "kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pengaduan", "program": "PKH",
        "uraian": "Bantuan PKH tahap ini belum diterima keluarga kami.",
        "pelapor": {"nik": KNOWN_NIK, "nama": "Siti Aminah", "telepon": "081234567890", "jenis_kelamin": "P"}})
    assert status == 201, case
    task = next(t for t in case["tasks"] if t["element_id"] == TELAAH) if "tasks" in case else None
    if task is None:
        task = next(t for t in _api(live_server, tokens["fo.cianjur"], "/tasks")[1]
                    if t["case_id"] == case["id"] and t["element_id"] == TELAAH)
    status, refused = _api(live_server, tokens["fo.cianjur"], f"/tasks/{task['id']}/complete", {"data": telaah()})
    assert status == 422 and refused["element_id"] == "Gw_Jenis"

    sign_in(page, live_server, "fo.cianjur")
    page.goto(f"{live_server}/kasus/{case['id']}")
    label = page.locator("strong.label-insiden")
    assert label.count() == 1 and label.is_visible() and label.inner_text() == "Insiden"
    row = page.locator("tr", has=label)
    assert "langkah “Jenis keluhan?” (Gw_Jenis) dihentikan karena ekspresinya melebihi batas langkah" in row.inner_text()
    row.scroll_into_view_if_needed()
    screenshot(page, "kasus-insiden-diagram")
