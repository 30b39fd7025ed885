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
