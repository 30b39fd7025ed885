"""The decision context on the task page (issue 17.1), on SQLite and PostgreSQL: the program manager
reads the earlier steps' facts by label, the agency by name and the village by name; never who complained."""


from engine.store.models import HumanTask, db
from tests.journeys import approve_pkh_referral, intake
from tests.web.test_pages import signed_in


def test_program_manager_sees_earlier_facts_agency_and_village_but_not_the_complainant(app, api):
    case = intake(api)  # Siti Aminah, confidential by default
    approve_pkh_referral(api, case)
    task = db.session.scalars(db.select(HumanTask).where(
        HumanTask.case_id == case["id"], HumanTask.element_id == "Pkh_Tanggapi")).one()
    page = signed_in(app, "pp.kemensos").get(f"/tugas/{task.id}").get_data(as_text=True)
    context = page[page.index('id="konteks-keputusan"'):]
    assert "Kementerian Sosial, Direktorat Jaminan Sosial Keluarga" in context
    assert "Desa/kelurahan Sayang" in context and "Kabupaten/kota Kabupaten Cianjur" in context
    assert "Perlu rujukan." in context and "Telah diperiksa di meja depan." in context  # the officers' notes
    assert "Non-kepesertaan" in context and "non_kepesertaan" not in context
    assert "Keputusan manajer" in context and "Hendra Kusumah (Manajer)" in context
    assert "Siti Aminah" not in page and "081234567890" not in page and "Babakan" not in page
