"""Administration pages: officers and their areas, deactivation with hand-over, programs, the FAQ."""

import pytest
from sqlalchemy import delete, select, update

from engine.store.models import ApiToken, Faq, HumanTask, Program, User, db
from engine.people import auth
from tests.conftest import PASSWORD
from tests.journeys import TELAAH, act, inbox_task, intake, telaah


@pytest.fixture(autouse=True)
def restore_people_and_catalogue(app):
    """PostgreSQL keeps people and the catalogue between tests: put back what these tests change."""
    users = {u.id: (u.wilayah, u.active, u.full_name) for u in db.session.scalars(select(User))}
    programs = {p.code: (p.name, p.agency, p.description, p.criteria, p.active) for p in db.session.scalars(select(Program))}
    faq_ids = set(db.session.scalars(select(Faq.id)))
    live_tokens = set(db.session.scalars(select(ApiToken.id).where(ApiToken.revoked_at.is_(None))))
    yield
    db.session.rollback()
    db.session.execute(update(ApiToken).where(ApiToken.id.in_(live_tokens)).values(revoked_at=None))
    for user in db.session.scalars(select(User)):
        if user.id in users:
            user.wilayah, user.active, user.full_name = users[user.id]
    for program in db.session.scalars(select(Program)):
        program.name, program.agency, program.description, program.criteria, program.active = programs[program.code]
    db.session.execute(delete(Faq).where(Faq.id.notin_(faq_ids)))
    db.session.commit()


def _signed_in(app, username, password=PASSWORD):
    app.config["WTF_CSRF_ENABLED"] = False  # the CSRF refusal has its own test (test_hardening.py)
    client = app.test_client()
    assert client.post("/masuk", data={"username": username, "password": password}).status_code == 302
    return client


def _user_id(username):
    return db.session.scalar(select(User.id).where(User.username == username))


def _new_back_office(admin, username="bo.sosial2", wilayah="3203"):
    return admin.post("/admin/pengguna", data={
        "username": username, "password": "kata-sandi-baru", "full_name": "Nia Kurniati", "role": "back_office",
        "wilayah": wilayah, "sektor": "sosial", "instansi": "", "email": ""})


def test_administrator_creates_an_officer_in_their_area_who_can_then_sign_in(app):
    admin = _signed_in(app, "admin.cianjur")
    assert _new_back_office(admin).status_code == 302
    page = admin.get("/admin/pengguna").get_data(as_text=True)
    assert "bo.sosial2" in page and "Nia Kurniati" in page
    _signed_in(app, "bo.sosial2", "kata-sandi-baru")
    outside = _new_back_office(admin, "bo.kendari2", wilayah="7471")
    assert outside.status_code == 422 and "wilayah harus berada di dalam wilayah Anda" in outside.get_data(as_text=True)
    assert _user_id("bo.kendari2") is None
    # officers outside the administrator's area are neither listed nor editable
    assert "fo.kendari" not in page and admin.get(f"/admin/pengguna/{_user_id('fo.kendari')}").status_code == 404


def test_administrator_changes_an_officers_area_and_the_inbox_follows(app, api):
    case = intake(api)
    admin = _signed_in(app, "admin.cianjur")
    fo_id = _user_id("fo.puskesos.sayang")
    moved = admin.post(f"/admin/pengguna/{fo_id}", data={
        "full_name": "Yanti Rohayati", "role": "front_office", "wilayah": "3203022001", "sektor": "", "instansi": "",
        "email": ""})
    assert moved.status_code == 302
    assert db.session.get(User, fo_id).wilayah == "3203022001"
    inbox = _signed_in(app, "fo.puskesos.sayang").get("/kotak-masuk").get_data(as_text=True)
    assert case["ticket"] not in inbox  # the case is in 3203012001, no longer her village


def test_deactivating_an_officer_hands_their_claimed_tasks_to_the_replacement_in_one_recorded_step(app, api):
    first, second = intake(api), intake(api)
    for case in (first, second):
        act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    tasks = [inbox_task(api, "bo.sosial", case["id"], "Task_BackOffice")["id"] for case in (first, second)]
    for task_id in tasks:
        assert api("bo.sosial").post(f"/tasks/{task_id}/claim").status_code == 200
    admin = _signed_in(app, "admin.cianjur")
    assert _new_back_office(admin).status_code == 302
    bo_id, replacement_id = _user_id("bo.sosial"), _user_id("bo.sosial2")

    # a replacement who may not act on the tasks (front office) is refused and nothing changes
    refused = admin.post(f"/admin/pengguna/{bo_id}/nonaktifkan", data={"pengganti": _user_id("fo.cianjur")},
                         follow_redirects=True)
    assert "Pengganti tidak berwenang" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, bo_id).active
    assert {db.session.get(HumanTask, t).assignee_id for t in tasks} == {bo_id}

    done = admin.post(f"/admin/pengguna/{bo_id}/nonaktifkan", data={"pengganti": replacement_id},
                      follow_redirects=True)
    assert "Pengguna dinonaktifkan; 2 tugas dialihkan ke pengganti." in done.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, bo_id).active
    assert {db.session.get(HumanTask, t).assignee_id for t in tasks} == {replacement_id}
    for case, task_id in zip((first, second), tasks):
        events = api("auditor.cianjur").get(f"/cases/{case['id']}/events").get_json()
        handed = [e for e in events if e["type"] == "tugas_dialihkan"]
        assert len(handed) == 1 and handed[0]["task_id"] == task_id and handed[0]["actor"] == "admin.cianjur"
        assert handed[0]["data"] == {"dari": bo_id, "kepada": "bo.sosial2"}
        report = api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()
        assert report["ok"] is True and report["chain"] == [] and report["replay"] == [], report
    # the deactivated officer is out: token refused, sign-in refused
    assert api("bo.sosial").get("/tasks").status_code == 401
    assert app.test_client().post("/masuk", data={"username": "bo.sosial", "password": PASSWORD}).status_code == 401
    # and the replacement carries on with the case
    replacement = _signed_in(app, "bo.sosial2", "kata-sandi-baru")
    assert first["ticket"] in replacement.get("/kotak-masuk").get_data(as_text=True)


def test_program_criteria_and_the_front_office_faq_are_kept_by_the_administrator(app):
    # a national program is kept by a national administrator (a district's may not change it)
    auth.create_user("admin.pusat", "kata-sandi-pusat", "Rudi Hartono", "administrator", "",
                     now=app.config["SLRT_CLOCK"]())
    national = _signed_in(app, "admin.pusat", "kata-sandi-pusat")
    saved = national.post("/admin/program/PKH", data={
        "name": "Program Keluarga Harapan", "agency": "KEMENSOS_JSK", "proses_sop": "sop_pkh", "sektor": "sosial",
        "description": "Bantuan bersyarat.",
        "criteria": "Keluarga DTKS dengan ibu hamil, anak sekolah, lansia atau disabilitas berat.", "active": "ya"})
    assert saved.status_code == 302
    assert db.session.get(Program, "PKH").criteria.startswith("Keluarga DTKS dengan ibu hamil")
    assert national.post("/admin/program/PKH", data={"name": "", "agency": "x"}).status_code == 422
    admin = _signed_in(app, "admin.cianjur")
    assert admin.post("/admin/faq", data={"pertanyaan": "Kapan bantuan PKH cair?", "jawaban": "Empat tahap setahun.",
                                          "program": "PKH", "urutan": "1", "aktif": "ya"}).status_code == 302
    assert admin.post("/admin/faq", data={"pertanyaan": "Draf", "jawaban": "Belum tampil.", "urutan": "2"}
                      ).status_code == 302
    faq = _signed_in(app, "fo.cianjur").get("/faq").get_data(as_text=True)
    assert "Kapan bantuan PKH cair?" in faq and "Empat tahap setahun." in faq and "Draf" not in faq
    assert _signed_in(app, "pemantau.cianjur").get("/faq").status_code == 403
