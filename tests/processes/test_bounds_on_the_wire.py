"""The modeler's dry run of unsaved edits (POST /alur-kerja/uji-coba, signed in as an analyst in a browser
session) answers each hostile shape of issue 19 within 2 s on a threaded loopback server while another
officer is served; and a runaway script at run time fails only that step, answers the officer within 2 s,
shows as an incident on the case page, and leaves the server serving. On SQLite and PostgreSQL."""

import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from engine.demo.seed import DEMO_VILLAGE, KNOWN_NIK
from tests.conftest import PASSWORD
from tests.journeys import TELAAH, inbox_task, intake, telaah
from tests.processes.hostile import shapes
from tests.processes.test_validation_bounds import ANSWER_WITHIN, EXPECTED, _call
from tests.processes.test_workflow_versions import publish


@pytest.fixture
def server(app):
    """The app on a threaded loopback server (as gunicorn's threads would serve it)."""
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()


class Browser:
    """An officer's browser session against the live server: cookies and the page's CSRF token."""

    def __init__(self, base, username):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = self.opener.open(base + "/masuk", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(base + "/masuk", data=body, timeout=30).read()
        self.token = None

    def page(self, path):
        text = self.opener.open(self.base + path, timeout=30).read().decode()
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', text)
        self.token = found.group(1) if found else self.token
        return text

    def post_json(self, path, body):
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/json", "X-CSRFToken": self.token or ""})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, payload = response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            status, payload = error.code, json.loads(error.read() or b"{}")
        return status, payload, time.perf_counter() - started


def _beside_an_inbox_read(server, tokens, action):
    """Run `action()` in a thread; meanwhile the front office reads its inbox over the API."""
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("answer", action()))
    worker.start()
    time.sleep(0.05)
    other = _call(server + "/api/v1/tasks", tokens["fo.cianjur"])
    worker.join(timeout=60)
    return outcome["answer"], other


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_the_modelers_dry_run_of_each_hostile_shape_answers_within_2_s_while_others_are_served(server, backend, shape):
    _url, tokens = backend
    analyst = Browser(server, "analis.cianjur")
    assert "tombol-uji" in analyst.page("/alur-kerja/1/ubah")
    body = {"process_id": "keluhan", "files": shapes()[shape]}
    (status, answer, seconds), (other_status, _inbox, other_seconds) = _beside_an_inbox_read(
        server, tokens, lambda: analyst.post_json("/alur-kerja/uji-coba", body))
    assert status == 422, answer
    assert seconds < ANSWER_WITHIN, f"{shape}: {seconds:.2f} s"
    assert other_status == 200 and other_seconds < ANSWER_WITHIN
    assert any(EXPECTED[shape] in f["message"] for f in answer["findings"]), answer["findings"]


# The script after the review (Dmn_Sektor's neighbour) counts through the complaint text cubed: the
# expression checker cannot know how long the text will be, so only the run-time bound stops it.
RUNAWAY_SCRIPT = ("workflows/keluhan.bpmn", 'sourceRef="Task_Telaah" targetRef="Dmn_Sektor" />',
                  'sourceRef="Task_Telaah" targetRef="Script_Hitung" />'
                  '<bpmn:scriptTask id="Script_Hitung" name="Hitung kata" scriptFormat="python"><bpmn:script>'
                  "n = 0\nfor a in uraian:\n    for b in uraian:\n        for c in uraian:\n            n += 1"
                  '</bpmn:script></bpmn:scriptTask>'
                  '<bpmn:sequenceFlow id="Flow_HitungKeSektor" sourceRef="Script_Hitung" targetRef="Dmn_Sektor" />')
IN_LANE = ("workflows/keluhan.bpmn", "<bpmn:flowNodeRef>Task_Telaah</bpmn:flowNodeRef>",
           "<bpmn:flowNodeRef>Task_Telaah</bpmn:flowNodeRef><bpmn:flowNodeRef>Script_Hitung</bpmn:flowNodeRef>")


def test_a_runaway_script_at_run_time_fails_its_step_within_2_s_shows_on_the_case_page_and_frees_the_worker(
        server, backend, api):
    _url, tokens = backend
    publish(api, [RUNAWAY_SCRIPT, IN_LANE])
    case = intake(api, uraian="Bantuan PKH belum diterima sejak tiga bulan; mohon diperiksa kembali datanya. " * 3)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    officer = Browser(server, "fo.cianjur")
    (status, answer, seconds), (other_status, _inbox, other_seconds) = _beside_an_inbox_read(
        server, tokens, lambda: _call(f"{server}/api/v1/tasks/{task['id']}/complete", tokens["fo.cianjur"],
                                      {"data": telaah()}, method="POST"))
    assert status == 422 and answer["element_id"] == "Script_Hitung", answer
    assert "batas langkah" in answer["message"]
    assert seconds < ANSWER_WITHIN, f"{seconds:.2f} s"
    assert other_status == 200 and other_seconds < ANSWER_WITHIN
    page = officer.page(f"/kasus/{case['id']}")
    assert '<strong class="label-insiden">Insiden</strong>' in page
    assert "langkah “Hitung kata” (Script_Hitung) dihentikan karena ekspresinya melebihi batas langkah" in page
    # the step did not happen, the worker is free: the review is still open and the next intake is served
    assert inbox_task(api, "fo.cianjur", case["id"], TELAAH)["id"] == task["id"]
    status, other_case, seconds = _call(server + "/api/v1/cases", tokens["fo.cianjur"], {
        "kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pertanyaan", "program": "PKH",
        "uraian": "Kapan bantuan PKH cair?", "pelapor": {"nik": KNOWN_NIK, "nama": "Siti Aminah"}}, method="POST")
    assert status == 201 and seconds < ANSWER_WITHIN, other_case
