"""A task form offers and accepts only the programs valid in the case's area (national, its province's,
its district's): another district's program is neither listed nor stored, whether it comes through
the API, the task page, a field of another type, the intake desk, the inbox filter or the FAQ."""

import re

import pytest
from sqlalchemy import delete, select

from engine.demo.seed import KENDARI_VILLAGE
from engine.store.models import Faq, Program, db
from tests.journeys import TELAAH, inbox_task, intake, telaah
from tests.web.test_pages import csrf_of, signed_in

KENDARI = Program(code="BANSOS-KDI", name="Bansos Kota Kendari", agency="OPD_DAERAH", level="daerah",
                  proses_sop="sop_daerah", sektor="sosial", description="", criteria="", active=True, urutan=90,
                  wilayah="7471")
CIANJUR = Program(code="BANSOS-CJR", name="Bansos Kabupaten Cianjur", agency="OPD_DAERAH", level="daerah",
                  proses_sop="sop_daerah", sektor="sosial", description="", criteria="", active=True, urutan=91,
                  wilayah="3203")
JABAR = Program(code="JABAR-SEHAT", name="Jabar Sehat", agency="OPD_DAERAH", level="daerah",
                proses_sop="sop_daerah", sektor="kesehatan", description="", criteria="", active=True, urutan=92,
                wilayah="32")
CODES = ("BANSOS-KDI", "BANSOS-CJR", "JABAR-SEHAT")


@pytest.fixture(autouse=True)
def district_programs(app):
    """One program of Kendari, one of Cianjur, one of West Java (PostgreSQL keeps the catalogue: removed after)."""
    faq_ids = set(db.session.scalars(select(Faq.id)))
    for row in (KENDARI, CIANJUR, JABAR):
        db.session.merge(row)
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(delete(Faq).where(Faq.id.notin_(faq_ids)))
    db.session.execute(delete(Program).where(Program.code.in_(CODES)))
    db.session.commit()


def _program_options(form):
    (field,) = [f for f in form if f["id"] == "program"]
    return {o["id"] for o in field["options"]}


def test_the_review_form_lists_only_programs_valid_in_the_cases_area(api, app):
    case = intake(api)  # a Cianjur village
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    options = _program_options(api("fo.cianjur").get(f"/tasks/{task['id']}").get_json()["form"])
    assert {"PKH", "BANSOS-CJR", "JABAR-SEHAT"} <= options
    assert "BANSOS-KDI" not in options
    page = signed_in(app, "fo.cianjur").get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert 'value="BANSOS-CJR"' in page and 'value="BANSOS-KDI"' not in page


def test_another_districts_program_submitted_through_the_api_is_refused_and_not_stored(api):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    refused = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah(program="BANSOS-KDI")})
    assert refused.status_code == 422
    message = refused.get_json()["errors"]["program"]
    assert "BANSOS-KDI" in message and "tidak berlaku di wilayah kasus ini" in message and "BANSOS-CJR" in message
    assert api("fo.cianjur").get(f"/cases/{case['id']}").get_json()["program"] == "PKH"
    english = api("fo.cianjur").post(f"/tasks/{task['id']}/complete?lang=en",
                                     json={"data": telaah(program="BANSOS-KDI")})
    assert "not valid in this case's area" in english.get_json()["errors"]["program"]
    accepted = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah(program="BANSOS-CJR")})
    assert accepted.status_code == 200, accepted.get_json()
    assert api("fo.cianjur").get(f"/cases/{case['id']}").get_json()["program"] == "BANSOS-CJR"


def test_another_districts_program_posted_on_the_task_page_is_refused_with_a_message(api, app):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    officer = signed_in(app, "fo.cianjur")
    token = csrf_of(officer, f"/tugas/{task['id']}")
    answer = officer.post(f"/tugas/{task['id']}", data={**telaah(program="BANSOS-KDI"), "csrf_token": token})
    assert answer.status_code == 422
    assert "tidak berlaku di wilayah kasus ini" in answer.get_data(as_text=True)
    assert api("fo.cianjur").get(f"/cases/{case['id']}").get_json()["program"] == "PKH"


def test_a_kendari_case_refuses_the_cianjur_and_west_java_programs(api):
    case = intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE)
    task = inbox_task(api, "fo.kendari", case["id"], TELAAH)
    assert not {"BANSOS-CJR", "JABAR-SEHAT"} & _program_options(api("fo.kendari").get(f"/tasks/{task['id']}")
                                                                .get_json()["form"])
    for code in ("BANSOS-CJR", "JABAR-SEHAT"):
        refused = api("fo.kendari").post(f"/tasks/{task['id']}/complete", json={"data": telaah(program=code)})
        assert refused.status_code == 422 and code in refused.get_json()["errors"]["program"]


def test_the_intake_desk_the_inbox_filter_and_the_faq_offer_only_programs_of_the_officers_area(app):
    kendari_desk = signed_in(app, "fo.kendari").get("/meja-depan").get_data(as_text=True)
    assert 'value="BANSOS-KDI"' in kendari_desk and 'value="BANSOS-CJR"' not in kendari_desk
    assert 'value="JABAR-SEHAT"' not in kendari_desk
    inbox = signed_in(app, "fo.cianjur").get("/kotak-masuk").get_data(as_text=True)
    assert 'value="BANSOS-CJR"' in inbox and 'value="BANSOS-KDI"' not in inbox
    admin = signed_in(app, "admin.cianjur")
    faq = admin.get("/admin/faq").get_data(as_text=True)
    assert re.search(r"<option[^>]*>BANSOS-CJR</option>", faq) and "BANSOS-KDI" not in faq
    refused = admin.post("/admin/faq", data={"csrf_token": csrf_of(admin, "/admin/faq"), "pertanyaan": "Bansos?",
                                             "jawaban": "Lihat dinas.", "program": "BANSOS-KDI", "aktif": "ya"})
    assert refused.status_code == 422 and "tidak berlaku di wilayah entri ini" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Faq).where(Faq.program == "BANSOS-KDI")) is None


def test_a_program_in_a_field_of_another_type_is_held_to_the_area_too(app):
    from engine.errors import InvalidInput
    from engine.people import catalogue

    derive = catalogue.deriving_in("3203012001")
    assert derive({"program": "BANSOS-CJR"})["proses_sop"] == "sop_daerah"
    with pytest.raises(InvalidInput) as refused:
        derive({"program": "BANSOS-KDI"})
    assert "tidak berlaku di wilayah kasus ini" in refused.value.errors["program"]
