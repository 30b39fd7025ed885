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


def _modeler(app, username):
    """A signed-in analyst's browser-like client and the modeler page's CSRF header."""
    from tests.web.test_pages import signed_in

    client = signed_in(app, username)
    page = client.get("/alur-kerja/1/ubah").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    return client, {"X-CSRFToken": token}


RELABEL = ("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"', 'name="Telaah keluhan"')


def test_the_modeler_saves_a_draft_that_reopens_and_publishing_spends_it(app):
    client, csrf = _modeler(app, "analis.cianjur")
    unfinished = files([RELABEL])
    saved = client.post("/alur-kerja/draf", json={"process_id": "keluhan", "dasar": 1, "files": unfinished},
                        headers=csrf)
    assert saved.status_code == 200 and saved.get_json()["saved_at"]
    assert sql("SELECT count(*) FROM diagram_versions")[0][0] == 1  # nothing validated or published
    page = client.get("/alur-kerja/1/ubah").get_data(as_text=True)
    assert "dibuka kembali" in page and 'name=\\"Telaah keluhan\\"' in page  # the draft's files are the page's
    other = _modeler(app, "analis.kendari")[0].get("/alur-kerja/1/ubah").get_data(as_text=True)
    assert "dibuka kembali" not in other  # one analyst's draft is theirs alone
    published = client.post("/alur-kerja/terbitkan", json={"process_id": "keluhan", "files": unfinished}, headers=csrf)
    assert published.status_code == 201, published.get_json()
    assert "dibuka kembali" not in client.get("/alur-kerja/1/ubah").get_data(as_text=True)


def test_the_publish_preview_of_unsaved_edits_shows_old_to_new_and_the_open_cases_of_the_area(app, api):
    from tests.journeys import intake

    for _ in range(5):
        intake(api)  # five open Cianjur cases on the national version 1
    intake(api, user="fo.kendari", wilayah=__import__("engine.demo.seed", fromlist=["x"]).KENDARI_VILLAGE)
    client, csrf = _modeler(app, "analis.cianjur")
    answer = client.post("/alur-kerja/pratinjau-terbit", json={"process_id": "keluhan", "files": files([RELABEL])},
                         headers=csrf)
    assert answer.status_code == 200, answer.get_json()
    preview = answer.get_json()
    assert (preview["cakupan"], preview["label_cakupan"], preview["dari_versi"]) == ("3203", "Kabupaten Cianjur (3203)", 1)
    (changed,) = preview["beda"]["diubah"]
    assert changed["perubahan"] == [{"bagian": "@name", "lama": "Telaah dan analisis keluhan", "baru": "Telaah keluhan"}]
    assert [(r["versi"], r["kasus_berjalan"], r["label_cakupan"]) for r in preview["kasus_berjalan"]] == [
        (1, 5, "seluruh Indonesia (nasional)")]  # Kendari's case is not in the analyst's area
    assert sql("SELECT count(*) FROM diagram_versions")[0][0] == 1  # a preview stores nothing
    broken = client.post("/alur-kerja/pratinjau-terbit", json={"process_id": "keluhan", "files": files([
        ("workflows/sop_pkh.bpmn", 'batas_sla("tanggapan_rujukan")', "7 hari kerja")])}, headers=csrf)
    assert broken.status_code == 422 and broken.get_json()["findings"][0]["element_id"] == "Pkh_Terlambat"
    nasional, csrf = _modeler(app, "analis.nasional")
    everywhere = nasional.post("/alur-kerja/pratinjau-terbit", json={"process_id": "keluhan", "files": files([RELABEL])},
                               headers=csrf).get_json()
    assert everywhere["label_cakupan"] == "seluruh Indonesia (nasional)" and everywhere["jumlah_kasus_berjalan"] == 6


def test_an_uploaded_form_schema_is_kept_beside_the_diagrams_and_invalid_json_is_refused_plainly(app):
    import json

    from tests.bpmn.test_spiff_dialect import SCHEMA, SPIFF, UI_SCHEMA

    client = _client(app, "analis.cianjur")
    token = _csrf(client, "/alur-kerja")
    response = client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1", "berkas": [
        (io.BytesIO(SPIFF.encode()), "verifikasi.bpmn"),
        (io.BytesIO(json.dumps(SCHEMA).encode()), "verifikasi-schema.json"),
        (io.BytesIO(json.dumps(UI_SCHEMA).encode()), "verifikasi-uischema.json")]}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)  # the diagram found its form schema
    (sources,) = sql("SELECT sources FROM diagram_versions WHERE version = 2")[0]
    stored = sources if isinstance(sources, dict) else json.loads(sources)
    assert json.loads(stored["workflows/verifikasi-schema.json"]) == SCHEMA and "workflows/verifikasi.bpmn" in stored
    token = _csrf(client, "/alur-kerja")
    refused = client.post("/alur-kerja/unggah", data={"csrf_token": token, "dasar": "1", "berkas": [
        (io.BytesIO(b'{"type": "object",\n "properties": {'), "verifikasi-schema.json")]},
                          content_type="multipart/form-data")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Berkas &#39;verifikasi-schema.json&#39; bukan JSON yang valid (baris 2)" in text
    assert sql("SELECT count(*) FROM diagram_versions")[0][0] == 2  # nothing stored
    listing = client.get("/alur-kerja").get_data(as_text=True)
    assert "bernama sama" not in listing and "id proses atau id keputusan yang didefinisikannya" in listing
    assert 'accept=".bpmn,.dmn,.json"' in listing


def test_the_modeler_dry_run_compares_with_the_version_the_analysts_district_starts_cases_on(app, api):
    variant = api("analis.cianjur").post("/workflows", json={"process_id": "keluhan", "files": files([BERAS_KE_TIKOR])})
    assert api("analis.cianjur").post(f"/workflows/{variant.get_json()['id']}/publish").status_code == 200
    client, csrf = _modeler(app, "analis.cianjur")
    # the Cianjur variant itself, unchanged: nothing differs from what Cianjur's cases start on
    same = client.post("/alur-kerja/uji-coba", json={"process_id": "keluhan", "files": files([BERAS_KE_TIKOR])},
                       headers=csrf).get_json()
    assert (same["dari_versi"], same["dari_cakupan"], same["berubah"]) == (2, "3203", [])
    # the national files are, for Cianjur, a change back from Tikor Rastra to BULOG
    back = client.post("/alur-kerja/uji-coba", json={"process_id": "keluhan", "files": files()}, headers=csrf).get_json()
    assert "05_rujukan_bpnt_kualitas_beras_ke_bulog" in back["berubah"]
    # a national analyst's dry run still compares with the national version
    nasional, csrf = _modeler(app, "analis.nasional")
    national = nasional.post("/alur-kerja/uji-coba", json={"process_id": "keluhan", "files": files()},
                             headers=csrf).get_json()
    assert (national["dari_versi"], national["dari_cakupan"], national["berubah"]) == (1, "", [])


def test_an_uploaded_draft_is_published_only_after_a_confirmation_page_with_the_diff_and_open_cases(app, api):
    from tests.journeys import intake

    for _ in range(5):
        intake(api)  # five open Cianjur cases on the national version 1
    client = _client(app, "analis.cianjur")
    edited = files([RELABEL])["workflows/keluhan.bpmn"].encode()
    client.post("/alur-kerja/unggah", data={"csrf_token": _csrf(client, "/alur-kerja"), "dasar": "1",
                                            "berkas": (io.BytesIO(edited), "keluhan.bpmn")},
                content_type="multipart/form-data")
    listing = client.get("/alur-kerja").get_data(as_text=True)
    confirm = f"/alur-kerja/{_draft_id()}/terbitkan"
    assert f'href="{confirm}">Terbitkan…</a>' in listing  # a link to the confirmation, no direct button
    page = client.get(confirm).get_data(as_text=True)
    assert "Terbitkan versi 2?" in page and "Berlaku untuk: Kabupaten Cianjur (3203)" in page
    assert "Perubahan dari versi 1 yang berlaku sekarang (lama → baru)" in page
    assert "nama:\n      <del>Telaah dan analisis keluhan</del> → <ins>Telaah keluhan</ins>" in page
    assert "<td>versi 1</td><td>seluruh Indonesia (nasional)</td><td>5</td>" in page
    assert sql("SELECT status FROM diagram_versions WHERE version = 2")[0][0] == "draft"  # nothing yet
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(confirm, data={"csrf_token": token}).status_code == 302
    assert sql("SELECT status FROM diagram_versions WHERE version = 2")[0][0] == "published"
    assert _client(app, "analis.kendari").get(confirm).status_code == 403  # another district's version
