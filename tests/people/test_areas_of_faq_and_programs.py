"""FAQ and program catalogue entries carry an area (issue 20, point 8): a district administrator's
entry shows only in that district; national entries everywhere; each administrator keeps only the
entries of their own area."""

import pytest
from sqlalchemy import delete, select

from engine.demo.seed import DEMO_VILLAGE, KENDARI_VILLAGE
from engine.people import auth
from engine.store.models import Faq, Program, db
from tests.web.test_pages import csrf_of, signed_in

LOCAL = {"code": "BANSOS-CJR", "name": "Bansos Kabupaten Cianjur", "agency": "OPD_DAERAH", "level": "daerah",
         "proses_sop": "sop_daerah", "sektor": "sosial", "description": "Bantuan sosial dari APBD Cianjur.",
         "criteria": "Warga Cianjur di luar DTKS.", "active": "ya"}
COMPLAINT = {"kanal": "sekretariat", "jenis_keluhan": "pengaduan", "uraian": "Bantuan daerah belum diterima.",
             "pelapor": {"nama": "Oom Komariah", "telepon": "081233344455", "alamat": "Kp. Cibodas"}}


@pytest.fixture(autouse=True)
def forget_additions(app):
    """PostgreSQL keeps the catalogue and the FAQ between tests: take out what these tests add."""
    faq_ids = set(db.session.scalars(select(Faq.id)))
    yield
    db.session.rollback()
    db.session.execute(delete(Program).where(Program.code == LOCAL["code"]))
    db.session.execute(delete(Faq).where(Faq.id.notin_(faq_ids)))
    db.session.commit()


@pytest.fixture
def national_admin(app):
    auth.create_user("admin.nasional", "kata-sandi-pusat", "Rudi Hartono", "administrator", "",
                     now=app.config["SLRT_CLOCK"]())
    return signed_in(app, "admin.nasional", "kata-sandi-pusat")


def _post(client, path, page, data):
    return client.post(path, data={"csrf_token": csrf_of(client, page), **data})


def test_a_district_faq_entry_shows_only_in_that_district_and_national_ones_everywhere(app, national_admin):
    admin = signed_in(app, "admin.cianjur")
    assert _post(admin, "/admin/faq", "/admin/faq", {"pertanyaan": "Kapan bansos Cianjur cair?",
                                                     "jawaban": "Setiap bulan Maret.", "aktif": "ya"}).status_code == 302
    assert _post(national_admin, "/admin/faq", "/admin/faq", {"pertanyaan": "Apa itu SLRT nasional?",
                                                              "jawaban": "Layanan terpadu.", "aktif": "ya"}
                 ).status_code == 302
    cianjur = signed_in(app, "fo.cianjur").get("/faq").get_data(as_text=True)
    village = signed_in(app, "fo.puskesos.sayang").get("/faq").get_data(as_text=True)
    kendari = signed_in(app, "fo.kendari").get("/faq").get_data(as_text=True)
    assert "Kapan bansos Cianjur cair?" in cianjur and "Kapan bansos Cianjur cair?" in village
    assert "Kapan bansos Cianjur cair?" not in kendari
    for page in (cianjur, village, kendari):
        assert "Apa itu SLRT nasional?" in page and "Bagaimana cara mendaftar ke DTKS?" in page  # national: seeded too


def test_a_district_administrator_cannot_change_national_entries(app, national_admin):
    admin = signed_in(app, "admin.cianjur")
    national = db.session.scalar(select(Faq.id).where(Faq.wilayah == "").limit(1))
    changed = _post(admin, f"/admin/faq/{national}", "/admin/faq", {"pertanyaan": "Diubah kabupaten",
                                                                     "jawaban": "x", "aktif": "ya"})
    assert changed.status_code == 404
    assert db.session.get(Faq, national).pertanyaan != "Diubah kabupaten"
    assert "Bagaimana cara mendaftar ke DTKS?" not in admin.get("/admin/faq").get_data(as_text=True)
    pkh = db.session.get(Program, "PKH")
    fields = {"name": pkh.name, "agency": pkh.agency, "level": pkh.level, "proses_sop": pkh.proses_sop,
              "sektor": pkh.sektor, "description": pkh.description, "criteria": "Diubah kabupaten", "active": "ya"}
    refused = _post(admin, "/admin/program/PKH", "/admin/program", fields)
    assert refused.status_code == 403 and "hanya administrator wilayah itu" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Program, "PKH").criteria != "Diubah kabupaten"
    assert _post(national_admin, "/admin/program/PKH", "/admin/program",
                 {**fields, "criteria": pkh.criteria}).status_code == 302


def test_a_district_program_is_offered_at_intake_only_in_that_district(app, api):
    admin = signed_in(app, "admin.cianjur")
    assert _post(admin, "/admin/program", "/admin/program", LOCAL).status_code == 302
    assert db.session.get(Program, LOCAL["code"]).wilayah == "3203"
    assert "wilayah 3203" in admin.get("/admin/program").get_data(as_text=True)
    taken = api("fo.cianjur").post("/cases", json={**COMPLAINT, "program": LOCAL["code"], "wilayah": DEMO_VILLAGE})
    assert taken.status_code == 201, taken.get_json()
    refused = api("fo.kendari").post("/cases", json={**COMPLAINT, "program": LOCAL["code"], "wilayah": KENDARI_VILLAGE})
    assert refused.status_code == 422
    assert "tidak berlaku di wilayah ini" in refused.get_json()["errors"]["program"]
    national = api("fo.kendari").post("/cases", json={**COMPLAINT, "program": "PKH", "wilayah": KENDARI_VILLAGE})
    assert national.status_code == 201
