"""Bad input gets a clear answer and changes nothing; concurrent writers never lose an update."""

import threading

import pytest

from engine.people import auth
from engine.demo.seed import KENDARI_VILLAGE
from engine.store.models import db
from tests.conftest import sql
from tests.journeys import TELAAH, act, inbox_task, intake, telaah


def _counts(case_id):
    (revision,), = sql("SELECT revision FROM cases WHERE id = :id", id=case_id)
    (events,), = sql("SELECT count(*) FROM events WHERE case_id = :id", id=case_id)
    tasks = sql("SELECT id, status, assignee_id FROM human_tasks WHERE case_id = :id ORDER BY id", id=case_id)
    timers = sql("SELECT id, status FROM timers WHERE case_id = :id ORDER BY id", id=case_id)
    return revision, events, [tuple(t) for t in tasks], [tuple(t) for t in timers]


def test_completing_a_finished_task_is_a_conflict_that_changes_nothing(api):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    assert api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()}).status_code == 200
    before = _counts(case["id"])
    again = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
    assert again.status_code == 409
    assert "sudah diselesaikan" in again.get_json()["message"]
    assert _counts(case["id"]) == before


def test_two_officers_completing_the_same_task_at_once_exactly_one_wins(api, app, backend):
    _url, tokens = backend
    auth.create_user("fo.cianjur2", "rahasia-sekali", "Dewi Lestari", "front_office", "3203", now=app.config["SLRT_CLOCK"]())
    token2, _ = auth.issue_token(auth.authenticate("fo.cianjur2", "rahasia-sekali"), app.config["SLRT_CLOCK"](), 1)
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    barrier = threading.Barrier(2)
    results = []

    def complete(token):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": telaah()},
                               headers={"Authorization": f"Bearer {token}"})
        results.append(response.status_code)

    threads = [threading.Thread(target=complete, args=(t,)) for t in (tokens["fo.cianjur"], token2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    revision, events, tasks, _timers = _counts(case["id"])
    assert events == 2  # case created + exactly one completion
    assert [s for _id, s, _a in tasks].count("selesai") == 1


def test_invalid_form_data_is_refused_naming_each_bad_field(api):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    before = _counts(case["id"])
    response = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": {
        "jenis_keluhan": "keberatan", "program": "PKH", "catatan_telaah": "x" * 2001, "tujuan_rujukan": "BULOG"}})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"jenis_keluhan", "kategori", "pokok_masalah", "catatan_telaah", "tujuan_rujukan"}
    assert "wajib diisi" in errors["kategori"]
    assert "tidak ada pada formulir" in errors["tujuan_rujukan"]
    assert _counts(case["id"]) == before


def test_invalid_intake_is_refused_naming_each_bad_field(api):
    response = api("fo.cianjur").post("/cases", json={
        "kanal": "telepon", "wilayah": "32", "jenis_keluhan": "pengaduan", "program": "PKH", "uraian": "ok",
        "pelapor": {"nik": "123", "nama": ""}})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"kanal", "wilayah", "uraian", "pelapor.nik", "pelapor.nama"} <= set(errors)
    assert sql("SELECT count(*) FROM cases")[0][0] == 0


def test_wrong_role_is_forbidden(api):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    for user in ("bo.sosial", "manajer.cianjur", "pp.kemensos"):
        response = api(user).post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
        assert response.status_code == 403, user
    assert api("bo.sosial").post("/cases", json={}).status_code in (403, 422)


def test_officer_of_another_district_is_forbidden_and_sees_nothing(api):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    kendari = api("fo.kendari")
    assert kendari.post(f"/tasks/{task['id']}/complete", json={"data": telaah()}).status_code == 403
    assert kendari.get(f"/cases/{case['id']}").status_code == 403
    assert kendari.get(f"/cases/{case['ticket']}/events").status_code == 403
    assert all(t["case_id"] != case["id"] for t in kendari.get("/tasks").get_json())
    assert all(c["id"] != case["id"] for c in kendari.get("/cases").get_json())
    # and a Cianjur officer may not register a complaint in Kendari
    response = api("fo.cianjur").post("/cases", json={
        "kanal": "sekretariat", "wilayah": KENDARI_VILLAGE, "jenis_keluhan": "pertanyaan", "program": "PKH",
        "uraian": "Pertanyaan dari Kendari.", "pelapor": {"nama": "Ahmad"}})
    assert response.status_code == 403


def test_unknown_ids_are_not_found(api):
    assert api("fo.cianjur").get("/cases/999999").status_code == 404
    assert api("fo.cianjur").get("/cases/3203-26-99999").status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert api("fo.cianjur").get(f"/tasks/{missing}").status_code == 404
    assert api("fo.cianjur").post(f"/tasks/{missing}/complete", json={"data": {}}).status_code == 404
    assert api("fo.cianjur").post(f"/tasks/{missing}/claim").status_code == 404


def test_requests_without_a_valid_token_are_unauthorised(api):
    assert api().get("/tasks").status_code == 401
    bad = api()
    bad.headers = {"Authorization": "Bearer bukan-token"}
    assert bad.get("/cases").status_code == 401


def test_a_failure_half_way_through_a_completion_leaves_no_partial_write(api, app):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    before = _counts(case["id"])

    # the database itself refuses the event, the last row a completion writes
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        sql("CREATE FUNCTION uji_gagal() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk penuh (disuntikkan)'; "
            "END $$ LANGUAGE plpgsql")
        sql("CREATE TRIGGER uji_gagal BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION uji_gagal()")
    else:
        sql("CREATE TRIGGER uji_gagal BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk penuh (disuntikkan)'); END")
    try:
        response = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
    finally:
        sql("DROP TRIGGER uji_gagal ON events" if postgres else "DROP TRIGGER uji_gagal")
        if postgres:
            sql("DROP FUNCTION uji_gagal()")
    assert response.status_code == 500
    assert _counts(case["id"]) == before
    # nothing was lost: the same task can be completed once the fault is gone
    case = act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    assert [t["element_id"] for t in case["tasks"] if t["status"] == "siap"] == ["Task_BackOffice"]


def test_claimed_task_is_shown_as_taken_and_others_cannot_complete_it(api, app):
    auth.create_user("fo.cianjur2", "rahasia-sekali", "Dewi Lestari", "front_office", "3203", now=app.config["SLRT_CLOCK"]())
    token2, _ = auth.issue_token(auth.authenticate("fo.cianjur2", "rahasia-sekali"), app.config["SLRT_CLOCK"](), 1)
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    claimed = api("fo.cianjur").post(f"/tasks/{task['id']}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee_id"] is not None
    other = api()
    other.headers = {"Authorization": f"Bearer {token2}"}
    response = other.post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
    assert response.status_code == 409 and "sedang dikerjakan" in response.get_json()["message"]
    assert api("fo.cianjur").post(f"/tasks/{task['id']}/release").status_code == 200
    assert other.post(f"/tasks/{task['id']}/complete", json={"data": telaah()}).status_code == 200


def test_event_log_refuses_update_and_delete_at_the_database(api):
    case = intake(api)
    with pytest.raises(Exception):
        sql("UPDATE events SET actor = 'orang lain' WHERE case_id = :id", id=case["id"])
    db.session.rollback()
    with pytest.raises(Exception):
        sql("DELETE FROM events WHERE case_id = :id", id=case["id"])
    db.session.rollback()
    assert sql("SELECT count(*) FROM events WHERE case_id = :id", id=case["id"])[0][0] == 1


def test_event_log_is_hash_chained(api):
    case = intake(api)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    events = api("fo.cianjur").get(f"/cases/{case['id']}/events").get_json()
    assert [e["seq"] for e in events] == [1, 2]
    assert events[0]["prev_hash"] == "0" * 64
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert events[1]["actor"] == "fo.cianjur" and events[1]["element_id"] == TELAAH


def test_openapi_document_describes_the_endpoints(api):
    doc = api().get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/cases", "/api/v1/tasks/{task_id}/complete", "/api/v1/public/cases/{ticket}"):
        assert path in doc["paths"]
    assert "Intake" in doc["components"]["schemas"]
