"""Intake never registers a complaint twice (the API's Idempotency-Key), fills in what DTKS knows for the
intake desk only, and reads Indonesian numbers; on SQLite and PostgreSQL."""

from tests.conftest import sql
from tests.journeys import DEMO_VILLAGE, KNOWN_NIK, UNREGISTERED_NIK, act, inbox_task, intake, telaah


def _complaint(**fields):
    payload = {
        "kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pengaduan", "program": "PKH",
        "uraian": "Bantuan PKH tahap ini belum diterima keluarga kami.",
        "pelapor": {"nik": KNOWN_NIK, "nama": "Siti Aminah", "telepon": "081234567890"},
    }
    payload.update(fields)
    return payload


def _case_count():
    return sql("SELECT count(*) FROM cases")[0][0]


def test_a_repeated_request_with_the_same_key_answers_with_the_first_case(api):
    first = api("fo.cianjur").post("/cases", json=_complaint(), headers={"Idempotency-Key": "meja-1-0001"})
    again = api("fo.cianjur").post("/cases", json=_complaint(), headers={"Idempotency-Key": "meja-1-0001"})
    assert first.status_code == 201, first.get_json()
    assert again.status_code == 200, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (again.get_json()["id"], again.get_json()["ticket"]) == (first.get_json()["id"], first.get_json()["ticket"])
    assert again.get_json()["tracking_code"] == first.get_json()["tracking_code"]
    assert _case_count() == 1


def test_the_same_key_with_a_different_complaint_is_refused_with_a_clear_message(api):
    first = api("fo.cianjur").post("/cases", json=_complaint(), headers={"Idempotency-Key": "k-42"})
    other = api("fo.cianjur").post("/cases", json=_complaint(uraian="Keluhan lain: beras BPNT rusak dan berkutu."),
                                   headers={"Idempotency-Key": "k-42"})
    assert first.status_code == 201
    assert other.status_code == 409
    assert "isi berbeda" in other.get_json()["message"]
    english = api("fo.cianjur").post("/cases?lang=en", json=_complaint(uraian="Yet another different complaint."),
                                     headers={"Idempotency-Key": "k-42"})
    assert english.status_code == 409
    assert "different" in english.get_json()["message"]
    assert _case_count() == 1


def test_different_keys_and_requests_without_a_key_each_register_a_case(api):
    tickets = {api("fo.cianjur").post("/cases", json=_complaint(), headers={"Idempotency-Key": key}).get_json()["ticket"]
               for key in ("a", "b")}
    tickets |= {api("fo.cianjur").post("/cases", json=_complaint()).get_json()["ticket"] for _ in range(2)}
    assert len(tickets) == 4
    assert _case_count() == 4


def test_a_key_belongs_to_the_officer_who_used_it(api):
    mine = api("fo.cianjur").post("/cases", json=_complaint(), headers={"Idempotency-Key": "bersama"})
    theirs = api("fasilitator.cianjur").post("/cases", json=_complaint(kanal="fasilitator"),
                                              headers={"Idempotency-Key": "bersama"})
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.get_json()
    assert mine.get_json()["id"] != theirs.get_json()["id"]


def test_an_unusable_key_is_refused(api):
    response = api("fo.cianjur").post("/cases", json=_complaint(), headers={"Idempotency-Key": "x" * 201})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert _case_count() == 0


def test_the_dtks_lookup_gives_the_citizens_details_to_the_intake_desk_only(api):
    desk = api("fo.cianjur").get(f"/registry?nik={KNOWN_NIK}").get_json()
    assert (desk["nama"], desk["jenis_kelamin"], desk["wilayah"]) == ("Euis Komalasari", "P", DEMO_VILLAGE)
    assert desk["alamat"] and desk["no_kk"]
    back_office = api("bo.sosial").get(f"/registry?nik={KNOWN_NIK}").get_json()
    assert back_office["terdaftar"] is True
    assert (back_office["nama"], back_office["alamat"], back_office["jenis_kelamin"]) == (None, None, None)
    elsewhere = api("fo.kendari").get(f"/registry?nik={KNOWN_NIK}").get_json()
    assert elsewhere["terdaftar"] is True and (elsewhere["nama"], elsewhere["alamat"], elsewhere["no_kk"]) == (None,) * 3


def test_an_amount_with_indonesian_thousand_separators_is_read_as_a_whole_number(api):
    case = intake(api, nik=UNREGISTERED_NIK, program="LAINNYA", uraian="Keluarga kami miskin tetapi tidak terdata.")
    act(api, "fo.cianjur", case["id"], "Task_Telaah",
        telaah(program="LAINNYA", kategori="kepesertaan", pokok_masalah="tidak_terdaftar"))
    profile = {"jumlah_anggota_keluarga": "5", "pekerjaan_kepala_keluarga": "buruh tani",
               "kondisi_rumah": "tidak_layak_huni", "alasan_usulan": "Tidak memiliki penghasilan tetap."}
    task = inbox_task(api, "fo.cianjur", case["id"], "Task_ProfilPraDaftar")
    for wrong in ("1.50.000", "1,500,000", "1.500.00"):
        refused = api("fo.cianjur").post(f"/tasks/{task['id']}/complete",
                                         json={"data": {**profile, "penghasilan_bulanan": wrong}})
        assert refused.status_code == 422, wrong
        assert refused.get_json()["errors"]["penghasilan_bulanan"].startswith("Penghasilan keluarga per bulan")
    done = act(api, "fo.cianjur", case["id"], "Task_ProfilPraDaftar", {**profile, "penghasilan_bulanan": "1.500.000"})
    assert done["data"]["penghasilan_bulanan"] == 1500000
