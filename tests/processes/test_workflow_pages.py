"""Workflow management pages: who may see and change them, upload from a desktop modeler, diff page."""

import io
import re

from flask import g

from tests.conftest import PASSWORD, sql
from tests.processes.test_workflow_versions import BERAS_KE_TIKOR, files


def _csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _client(app, username):
    client = app.test_client()
    g.pop("csrf_token", None)  # a token an earlier client's page left in the test's app context
    token = _csrf(client, "/masuk")
    assert client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token}).status_code == 302
    g.pop("csrf_token", None)
    return client


def _draft_id():
    return sql("SELECT id FROM diagram_versions WHERE version = 2")[0][0]


def test_only_analysts_and_auditors_see_the_workflow_pages(app):
    assert _client(app, "fo.cianjur").get("/alur-kerja").status_code == 403
    page = _client(app, "auditor.cianjur").get("/alur-kerja")
    assert page.status_code == 200 and "keluhan" in page.get_data(as_text=True)
    assert "Pindahkan kasus berjalan" not in page.get_data(as_text=True)


def test_an_auditor_cannot_publish_through_the_page(app):
    client = _client(app, "auditor.cianjur")
    token = _csrf(client, "/alur-kerja")
    response = client.post("/alur-kerja/1/pulihkan", data={"csrf_token": token})
    assert response.status_code == 403


def test_a_table_edited_in_a_desktop_modeler_is_uploaded_as_a_draft_and_diffed(app):
    client = _client(app, "analis.cianjur")
    token = _csrf(client, "/alur-kerja")
    edited = files([BERAS_KE_TIKOR])["rules/tujuan_bpnt.dmn"].encode()
    response = client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1",
                                                       "berkas": (io.BytesIO(edited), "tujuan_bpnt.dmn")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    listing = client.get("/alur-kerja").get_data(as_text=True)
    assert "Draf versi 2 dibuat" in listing and "draf" in listing
    diff = client.get(f"/alur-kerja/{_draft_id()}/beda?dari=1").get_data(as_text=True)
    assert "TujuanBpnt_Aturan_Beras_Keluaran1" in diff
    assert "<del>&#34;BULOG&#34;</del> → <ins>&#34;TIKOR_RASTRA&#34;</ins>" in diff  # old → new value


def test_files_saved_under_another_name_replace_the_file_defining_the_same_process_or_decision(app):
    client = _client(app, "analis.cianjur")
    token = _csrf(client, "/alur-kerja")
    edited = files([BERAS_KE_TIKOR, ("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"',
                                     'name="Telaah keluhan"')])
    response = client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1", "berkas": [
        (io.BytesIO(edited["workflows/keluhan.bpmn"].encode()), "keluhan_edited.bpmn"),
        (io.BytesIO(edited["rules/tujuan_bpnt.dmn"].encode()), "tujuan_bpnt (1).dmn")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)  # no "Duplicate process ID"
    (sources,) = sql("SELECT sources FROM diagram_versions WHERE version = 2")[0]
    stored = sources if isinstance(sources, dict) else __import__("json").loads(sources)
    assert sorted(stored) == sorted(files())  # replaced in place: no file added
    assert 'name="Telaah keluhan"' in stored["workflows/keluhan.bpmn"]
    assert "TIKOR_RASTRA" in stored["rules/tujuan_bpnt.dmn"]
    diff = client.get(f"/alur-kerja/{_draft_id()}/beda?dari=1").get_data(as_text=True)
    assert "Task_Telaah" in diff and "TujuanBpnt_Aturan_Beras_Keluaran1" in diff


def test_an_upload_with_errors_is_refused_with_its_findings_listed(app):
    client = _client(app, "analis.cianjur")
    token = _csrf(client, "/alur-kerja")
    broken = files([("workflows/sop_pkh.bpmn", 'batas_sla("tanggapan_rujukan")', "P3X")])["workflows/sop_pkh.bpmn"]
    response = client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1",
                                                       "berkas": (io.BytesIO(broken.encode()), "sop_pkh.bpmn")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Pkh_Terlambat" in response.get_data(as_text=True)


def test_the_dry_run_page_lists_the_scenarios_a_draft_changes(app):
    client = _client(app, "analis.cianjur")
    token = _csrf(client, "/alur-kerja")
    edited = files([BERAS_KE_TIKOR])["rules/tujuan_bpnt.dmn"].encode()
    client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1",
                                            "berkas": (io.BytesIO(edited), "tujuan_bpnt.dmn")},
                content_type="multipart/form-data")
    page = client.post(f"/alur-kerja/{_draft_id()}/uji", data={"csrf_token": _csrf(client, "/alur-kerja")})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r"7 dari \d+ skenario berubah hasilnya\.", text)
    assert 'class="berubah" id="skenario-05_rujukan_bpnt_kualitas_beras_ke_bulog"' in text


def test_the_migration_button_reports_each_open_case(app, api):
    from tests.processes.test_workflow_versions import bpnt_rice_complaint, publish

    case = bpnt_rice_complaint(api)
    version = publish(api, [BERAS_KE_TIKOR])
    client = _client(app, "analis.nasional")
    page = client.post(f"/alur-kerja/{version['id']}/migrasi", data={"csrf_token": _csrf(client, "/alur-kerja")})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Dipindahkan: 1" in text and "Tidak dipindahkan: 0" in text
    assert f"{case['ticket']}: versi 1 → 2" in text
