"""The public status API (issue 17.5): stages with dates, the handling agency by name, the expected date
from the SLA; no identity. On SQLite and PostgreSQL."""

from tests.journeys import approve_pkh_referral, intake


def test_public_status_names_the_agency_and_the_stage_waiting_for_it(api):
    case = intake(api)
    approve_pkh_referral(api, case)
    response = api().get(f"/public/cases/{case['ticket']}?kode={case['tracking_code']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["instansi"] == "Kementerian Sosial, Direktorat Jaminan Sosial Keluarga"
    assert [(s["judul"], s["status"]) for s in body["tahapan"]] == [
        ("Pengaduan Anda diterima", "selesai"), ("Diperiksa dan ditangani petugas SLRT", "selesai"),
        ("Dirujuk kepada Kementerian Sosial, Direktorat Jaminan Sosial Keluarga", "selesai"),
        ("Jawaban dari Kementerian Sosial, Direktorat Jaminan Sosial Keluarga", "sekarang"), ("Selesai", "berikutnya")]
    # five working days after Monday 23 November 2026, 09:00 WIB (config.yaml sla.batas.tanggapan_rujukan)
    assert body["perkiraan_selesai"].startswith("2026-11-30T02:00")
    assert body["tahapan"][3]["perkiraan"] == body["perkiraan_selesai"]
    text = response.get_data(as_text=True)
    for secret in ("Siti", "081234567890", "Babakan", case["data"]["pelapor"]["nik"], "provinsi"):
        assert secret not in text
