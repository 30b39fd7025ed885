"""District variants: a version has a scope (national, a province or a district); a case starts on the
most specific published version for its area; analysts change versions only within their area.
Each on SQLite and PostgreSQL."""

from engine.demo.seed import KENDARI_VILLAGE
from tests.journeys import intake
from tests.processes.test_workflow_versions import BERAS_KE_TIKOR, bpnt_rice_complaint, files, route

RELABEL = ("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"', 'name="Telaah keluhan"')


def _publish(api, analyst, edits, cakupan=None):
    body = {"process_id": "keluhan", "files": files(edits)}
    if cakupan is not None:
        body["cakupan"] = cakupan
    draft = api(analyst).post("/workflows", json=body)
    assert draft.status_code == 201, draft.get_json()
    published = api(analyst).post(f"/workflows/{draft.get_json()['id']}/publish")
    assert published.status_code == 200, published.get_json()
    return published.get_json()


def _cianjur_case(api):
    return intake(api)


def _kendari_case(api):
    return intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE)


def test_a_district_variant_routes_that_district_only_and_the_national_version_stays(api):
    variant = _publish(api, "analis.cianjur", [BERAS_KE_TIKOR])
    assert (variant["version"], variant["cakupan"]) == (2, "3203")  # the analyst's own district by default
    assert route(api, bpnt_rice_complaint(api)) == ("TIKOR_RASTRA", "lapor")
    assert _kendari_case(api)["diagram_version_id"] == 1  # Kendari keeps the national process
    listed = {v["version"]: v for v in api("auditor.cianjur").get("/workflows").get_json()}
    assert (listed[1]["status"], listed[1]["cakupan"]) == ("published", "")
    assert (listed[2]["status"], listed[2]["cakupan"]) == ("published", "3203")


def test_the_most_specific_published_scope_wins_over_a_newer_wider_one(api):
    district = _publish(api, "analis.cianjur", [BERAS_KE_TIKOR])
    national = _publish(api, "analis.nasional", [RELABEL])  # newer, national: retires version 1 only
    province = _publish(api, "analis.nasional", [RELABEL, BERAS_KE_TIKOR], cakupan="74")
    assert (national["cakupan"], province["cakupan"]) == ("", "74")
    assert _cianjur_case(api)["diagram_version_id"] == district["id"]
    kendari = _kendari_case(api)
    assert kendari["diagram_version_id"] == province["id"]
    assert kendari["tasks"][0]["name"] == "Telaah keluhan"
    statuses = {v["id"]: v["status"] for v in api("auditor.cianjur").get("/workflows").get_json()}
    assert statuses == {1: "retired", district["id"]: "published", national["id"]: "published",
                        province["id"]: "published"}
    # the district's variant retired: Cianjur falls back to the national version
    assert api("analis.cianjur").post(f"/workflows/{district['id']}/retire").status_code == 200
    assert _cianjur_case(api)["diagram_version_id"] == national["id"]


def test_a_district_analyst_cannot_change_the_national_or_another_districts_process(api):
    cianjur = api("analis.cianjur")
    for cakupan in ("", "32", "7471"):
        refused = cianjur.post("/workflows", json={"process_id": "keluhan", "files": files([RELABEL]),
                                                   "cakupan": cakupan})
        assert refused.status_code == 403, (cakupan, refused.get_json())
        assert "wilayah Anda (3203)" in refused.get_json()["message"]
    assert cianjur.post("/workflows/1/retire").status_code == 403  # the national version
    assert cianjur.post("/workflows/1/migrate").status_code == 403
    kendari_draft = api("analis.kendari").post("/workflows", json={"process_id": "keluhan", "files": files([RELABEL])})
    assert kendari_draft.get_json()["cakupan"] == "7471"
    assert cianjur.post(f"/workflows/{kendari_draft.get_json()['id']}/publish").status_code == 403
    assert cianjur.post(f"/workflows/{kendari_draft.get_json()['id']}/retire").status_code == 403
    assert _kendari_case(api)["diagram_version_id"] == 1  # nothing of Kendari's changed
    # rolling the national version back as Cianjur's analyst makes a copy for Cianjur only
    rolled = cianjur.post("/workflows/1/rollback")
    assert rolled.status_code == 201 and rolled.get_json()["cakupan"] == "3203"
    bad = cianjur.post("/workflows", json={"process_id": "keluhan", "files": files([RELABEL]), "cakupan": "320"})
    assert bad.status_code == 422 and "cakupan" in bad.get_json()["errors"]
