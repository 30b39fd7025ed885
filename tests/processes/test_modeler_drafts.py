"""The modeler's drafts are kept on the server per analyst and process, apart from publishing: saved
half-finished (nothing validated, nothing published), reloaded, replaced, discarded. SQLite and PostgreSQL."""

from tests.processes.test_workflow_versions import files

EDIT = ("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"', 'name="Telaah (belum selesai')


def test_a_saved_draft_is_reloaded_by_its_analyst_only_and_publishes_nothing(api):
    unfinished = files([EDIT])  # broken XML: a draft may be half-finished
    saved = api("analis.cianjur").put("/workflows/drafts/keluhan", json={"process_id": "keluhan", "dasar": 1,
                                                                        "files": unfinished})
    assert saved.status_code == 200, saved.get_json()
    reloaded = api("analis.cianjur").get("/workflows/drafts/keluhan").get_json()
    assert reloaded["dasar"] == 1 and reloaded["files"] == unfinished and reloaded["saved_at"]
    assert api("analis.kendari").get("/workflows/drafts/keluhan").get_json()["files"] == {}  # another analyst's
    assert [v["version"] for v in api("auditor.cianjur").get("/workflows").get_json()] == [1]  # no version made
    assert api("fo.cianjur").get("/workflows/drafts/keluhan").status_code == 403
    again = files([("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"', 'name="Telaah keluhan"')])
    api("analis.cianjur").put("/workflows/drafts/keluhan", json={"process_id": "keluhan", "dasar": 1, "files": again})
    assert api("analis.cianjur").get("/workflows/drafts/keluhan").get_json()["files"] == again  # replaced
    assert api("analis.cianjur").delete("/workflows/drafts/keluhan").status_code == 204
    assert api("analis.cianjur").get("/workflows/drafts/keluhan").get_json()["files"] == {}


def test_a_draft_with_a_bad_file_name_or_base_is_refused_naming_the_field(api):
    bad = api("analis.cianjur").put("/workflows/drafts/keluhan", json={
        "process_id": "keluhan", "dasar": 1, "files": {"workflows/../x.bpmn": "<x/>"}})
    assert bad.status_code == 422 and "files" in bad.get_json()["errors"]
    missing = api("analis.cianjur").put("/workflows/drafts/keluhan", json={"process_id": "keluhan", "dasar": 999,
                                                                          "files": files()})
    assert missing.status_code == 404
    other = api("analis.cianjur").put("/workflows/drafts/lain", json={"process_id": "lain", "dasar": 1, "files": files()})
    assert other.status_code == 422 and "dasar" in other.get_json()["errors"]


def test_the_publish_confirmation_shows_the_diff_and_the_open_cases_of_each_running_version(api):
    from tests.journeys import intake
    from tests.processes.test_workflow_versions import BERAS_KE_TIKOR

    for _ in range(2):
        intake(api)  # two open Cianjur cases on the national version 1
    first = api("analis.nasional").post("/workflows", json={"process_id": "keluhan", "files": files([BERAS_KE_TIKOR])})
    assert api("analis.nasional").post(f"/workflows/{first.get_json()['id']}/publish").status_code == 200
    intake(api)  # one on version 2
    relabel = ("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"', 'name="Telaah keluhan"')
    draft = api("analis.nasional").post("/workflows", json={"process_id": "keluhan",
                                                            "files": files([BERAS_KE_TIKOR, relabel])}).get_json()
    preview = api("analis.nasional").get(f"/workflows/{draft['id']}/publish-preview").get_json()
    assert (preview["dari_versi"], preview["ke_versi"], preview["cakupan"]) == (2, 3, "")
    assert [(r["versi"], r["status"], r["kasus_berjalan"]) for r in preview["kasus_berjalan"]] == [
        (1, "retired", 2), (2, "published", 1)]
    assert preview["jumlah_kasus_berjalan"] == 3
    (changed,) = preview["beda"]["diubah"]
    assert changed["element_id"] == "Task_Telaah" and changed["perubahan"] == [
        {"bagian": "@name", "lama": "Telaah dan analisis keluhan", "baru": "Telaah keluhan"}]
    # a Cianjur variant's confirmation counts Cianjur's variants only (none running yet)
    variant = api("analis.cianjur").post("/workflows", json={"process_id": "keluhan", "files": files([relabel])}).get_json()
    mine = api("analis.cianjur").get(f"/workflows/{variant['id']}/publish-preview").get_json()
    assert mine["cakupan"] == "3203" and mine["kasus_berjalan"] == [] and mine["dari_versi"] == 2
