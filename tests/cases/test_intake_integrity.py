"""Intake never registers a complaint twice: the API's Idempotency-Key, on SQLite and PostgreSQL."""

from tests.conftest import sql
from tests.journeys import DEMO_VILLAGE, KNOWN_NIK


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
