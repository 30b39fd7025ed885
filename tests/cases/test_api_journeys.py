"""Complete complaint journeys through the HTTP API, on SQLite and on PostgreSQL."""

import pytest

from tests.journeys import (
    BERI_TAHU, TELAAH, UNREGISTERED_NIK, act, inbox_task, intake, open_elements, telaah,
)

MANAJER = "manajer.cianjur"


def test_question_is_answered_at_the_front_office(api):
    case = intake(api, jenis_keluhan="pertanyaan", uraian="Kapan jadwal pencairan PKH tahap berikutnya?")
    assert case["ticket"].startswith("3203-26-")
    assert open_elements(case) == [TELAAH]
    case = act(api, "fo.cianjur", case["id"], TELAAH, telaah(jenis="pertanyaan", pokok_masalah="pencairan_dana"))
    assert open_elements(case) == ["Task_JawabPertanyaan"]
    case = act(api, "fo.cianjur", case["id"], "Task_JawabPertanyaan",
               {"jawaban": "Pencairan tahap IV dijadwalkan pada bulan Desember."})
    assert case["status"] == "selesai"
    assert case["hasil_akhir"] == "dijawab"
    assert case["tujuan_rujukan"] is None


def test_non_kepesertaan_complaint_is_resolved_locally_by_the_back_office(api):
    case = intake(api)
    assert case["data"]["terdaftar_dtks"] is True
    case = act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    assert case["sektor"] == "sosial"
    case = act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": True, "hasil_penanganan": "Dana sudah dicairkan melalui bank penyalur.",
        "pokok_masalah": "penyaluran_bantuan", "program": "PKH"})
    assert open_elements(case) == ["Task_BeriTahu"]
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", BERI_TAHU)
    assert (case["status"], case["hasil_akhir"], case["tujuan_rujukan"]) == ("selesai", "selesai_lokal", None)


# Every row of the routing table (DOMAIN.md): what the back office records, which program SOP
# takes the referral (its task ids carry the SOP's prefix), and who must answer.
ROUTING_ROWS = [
    # program, pokok_masalah, jenis_sekolah, back office, SOP, tujuan_rujukan, saluran_rujukan, program manager
    ("PKH", "penyaluran_bantuan", None, "bo.sosial", "Pkh", "KEMENSOS_JSK", "langsung", "pp.kemensos"),
    ("BPNT", "kualitas_beras", None, "bo.sosial", "Bpnt", "BULOG", "lapor", "pp.bulog"),
    ("BPNT", "kuantitas_beras", None, "bo.sosial", "Bpnt", "BULOG", "lapor", "pp.bulog"),
    ("BPNT", "penyaluran_bantuan", None, "bo.sosial", "Bpnt", "TIKOR_RASTRA", "lapor", "pp.tikor"),
    ("PIP", "pencairan_dana", "umum", "bo.pendidikan", "Pip", "KEMENDIKBUD", "lapor", "pp.kemendikbud"),
    ("PIP", "pencairan_dana", "madrasah", "bo.pendidikan", "Pip", "KEMENAG", "langsung", "pp.kemenag"),
    ("PIS-PBI", "layanan_kesehatan", None, "bo.kesehatan", "Pispbi", "DINKES", "lapor", "pp.dinkes"),
    ("PIS-PBI", "kartu_kepesertaan", None, "bo.kesehatan", "Pispbi", "BPJS_KESEHATAN", "lapor", "pp.bpjs"),
    ("PIS-PBI", "iuran", None, "bo.kesehatan", "Pispbi", "BPJS_KESEHATAN", "lapor", "pp.bpjs"),
    ("DAERAH", "besaran_bantuan", None, "bo.lainnya", "Daerah", "OPD_DAERAH", "langsung", "pp.opd"),
    ("NONPEMERINTAH", "penyaluran_bantuan", None, "bo.lainnya", "Daerah", "MITRA_NONPEMERINTAH", "langsung",
     "pp.mitra"),
]


@pytest.mark.parametrize("program,pokok,sekolah,back_office,sop,tujuan,saluran,manager", ROUTING_ROWS,
                         ids=[f"{r[0]}-{r[1]}-{r[2] or ''}" for r in ROUTING_ROWS])
def test_non_kepesertaan_referral_reaches_the_agency_of_its_routing_row(
        api, program, pokok, sekolah, back_office, sop, tujuan, saluran, manager):
    case = intake(api, program=program)
    case = act(api, "fo.cianjur", case["id"], TELAAH, telaah(program=program, pokok_masalah=pokok,
                                                             jenis_sekolah=sekolah))
    bo_data = {"ditangani_langsung": False, "hasil_penanganan": "Perlu ditangani pengelola program.",
               "pokok_masalah": pokok, "program": program}
    if sekolah:
        bo_data["jenis_sekolah"] = sekolah
    case = act(api, back_office, case["id"], "Task_BackOffice", bo_data)
    assert open_elements(case) == [f"{sop}_Setujui"]
    assert (case["tujuan_rujukan"], case["saluran_rujukan"]) == (tujuan, saluran)
    assert case["rujukan"] == []  # nothing leaves before the manager approves
    case = act(api, MANAJER, case["id"], f"{sop}_Setujui", {"keputusan_manajer": "setuju"})
    assert [(m["kind"], m["tujuan"], m["saluran"], m["status"]) for m in case["rujukan"]] == [
        ("rujukan", tujuan, saluran, "menunggu")]
    case = act(api, manager, case["id"], f"{sop}_Tanggapi",
               {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Akan ditindaklanjuti dalam 5 hari kerja."})
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", BERI_TAHU)
    assert case["status"] == "selesai"
    assert (case["tujuan_rujukan"], case["saluran_rujukan"], case["hasil_akhir"]) == (
        tujuan, saluran, "rujukan_diterima")


def test_kepesertaan_complaint_of_registered_household_goes_to_pokja_data_through_siks_ng(api):
    case = intake(api, program="BPNT", uraian="Nama kami hilang dari daftar penerima BPNT.")
    case = act(api, "fo.cianjur", case["id"], TELAAH,
               telaah(program="BPNT", kategori="kepesertaan", pokok_masalah="data_tidak_sesuai"))
    assert open_elements(case) == ["Kep_Setujui"]
    assert (case["tujuan_rujukan"], case["saluran_rujukan"]) == ("POKJA_DATA_TERPADU", "siks_ng")
    case = act(api, MANAJER, case["id"], "Kep_Setujui", {"keputusan_manajer": "setuju"})
    case = act(api, "pp.pokja", case["id"], "Kep_Tanggapi",
               {"tanggapan_rujukan": "ditolak", "isi_tanggapan": "Data sudah sesuai hasil verifikasi."})
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", BERI_TAHU)
    assert (case["status"], case["hasil_akhir"]) == ("selesai", "rujukan_ditolak")


@pytest.mark.parametrize("hasil", ["layak", "tidak_layak"])
def test_citizen_not_in_dtks_is_proposed_for_the_pre_list(api, hasil):
    case = intake(api, nik=UNREGISTERED_NIK, program="LAINNYA",
                  uraian="Keluarga kami miskin tetapi tidak pernah terdata.")
    assert case["data"]["terdaftar_dtks"] is False
    case = act(api, "fo.cianjur", case["id"], TELAAH,
               telaah(program="LAINNYA", kategori="kepesertaan", pokok_masalah="tidak_terdaftar"))
    assert open_elements(case) == ["Task_ProfilPraDaftar"]
    case = act(api, "fo.cianjur", case["id"], "Task_ProfilPraDaftar", {
        "jumlah_anggota_keluarga": 5, "pekerjaan_kepala_keluarga": "buruh tani", "penghasilan_bulanan": 900000,
        "kondisi_rumah": "tidak_layak_huni", "alasan_usulan": "Tidak memiliki penghasilan tetap."})
    case = act(api, "supervisor.cianjur", case["id"], "Task_TinjauPraDaftar", {"keputusan_supervisor": "setuju"})
    case = act(api, MANAJER, case["id"], "Task_SetujuiPraDaftar", {"keputusan_manajer": "setuju"})
    assert (case["tujuan_rujukan"], case["saluran_rujukan"]) == ("POKJA_DATA_TERPADU", "siks_ng")
    assert [(m["kind"], m["tujuan"], m["saluran"]) for m in case["rujukan"]] == [
        ("usulan_pradaftar", "POKJA_DATA_TERPADU", "siks_ng")]
    case = act(api, "pp.pokja", case["id"], "Task_HasilVerifikasi", {"hasil_verifikasi": hasil})
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", BERI_TAHU)
    assert (case["status"], case["hasil_akhir"]) == ("selesai", f"pradaftar_{hasil}")


def _to_manager(api, program="PKH", pokok="penyaluran_bantuan"):
    case = intake(api, program=program)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah(program=program, pokok_masalah=pokok))
    return act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan.", "pokok_masalah": pokok,
        "program": program})


def test_manager_who_rejects_a_referral_closes_it_without_reaching_the_agency(api):
    case = _to_manager(api)
    case = act(api, MANAJER, case["id"], "Pkh_Setujui",
               {"keputusan_manajer": "tolak", "catatan_manajer": "Bukti belum cukup."})
    assert open_elements(case) == ["Task_BeriTahu"]
    assert all(t["element_id"] != "Pkh_Tanggapi" for t in case["tasks"])
    assert case["rujukan"] == []
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", BERI_TAHU)
    assert (case["status"], case["hasil_akhir"]) == ("selesai", "ditolak_manajer")


def test_manager_who_returns_a_referral_sends_it_back_to_the_back_office_for_correction(api):
    case = _to_manager(api)
    case = act(api, MANAJER, case["id"], "Pkh_Setujui",
               {"keputusan_manajer": "kembalikan", "catatan_manajer": "Lengkapi kronologi."})
    assert open_elements(case) == ["Task_BackOffice"]
    case = act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Kronologi dilengkapi.", "pokok_masalah": "penyaluran_bantuan",
        "program": "PKH"})
    case = act(api, MANAJER, case["id"], "Pkh_Setujui", {"keputusan_manajer": "setuju"})
    assert open_elements(case) == ["Pkh_Tanggapi"]
    done = [t["element_id"] for t in case["tasks"] if t["status"] == "selesai"]
    assert done.count("Task_BackOffice") == 2 and done.count("Pkh_Setujui") == 2


def test_task_of_a_referral_appears_only_in_the_inbox_of_its_agency(api):
    case = _to_manager(api)
    case = act(api, MANAJER, case["id"], "Pkh_Setujui", {"keputusan_manajer": "setuju"})
    inbox_task(api, "pp.kemensos", case["id"], "Pkh_Tanggapi")
    others = api("pp.bulog").get("/tasks").get_json()
    assert all(t["case_id"] != case["id"] for t in others)
    assert api("pp.bulog").get(f"/cases/{case['id']}").status_code == 403


def test_ticket_numbers_count_up_within_the_district_and_year(api):
    first, second = intake(api), intake(api)
    assert first["ticket"] == "3203-26-00001" and second["ticket"] == "3203-26-00002"
    assert len(first["tracking_code"]) == 6


def test_public_status_shows_stage_and_result_without_identity(api):
    case = intake(api, jenis_keluhan="pertanyaan")
    act(api, "fo.cianjur", case["id"], TELAAH, telaah(jenis="pertanyaan"))
    act(api, "fo.cianjur", case["id"], "Task_JawabPertanyaan", {"jawaban": "Silakan datang ke kantor desa."})
    response = api().get(f"/public/cases/{case['ticket']}?kode={case['tracking_code']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "selesai" and "dijawab" in body["hasil"]
    text = response.get_data(as_text=True)
    for secret in ("Siti", "081234567890", "Babakan", case["data"]["pelapor"]["nik"]):
        assert secret not in text
    assert api().get(f"/public/cases/{case['ticket']}?kode=XXXXXX").status_code == 404


def _referred_and_answered(api, answer="ditolak"):
    case = _to_manager(api)
    act(api, MANAJER, case["id"], "Pkh_Setujui", {"keputusan_manajer": "setuju"})
    return act(api, "pp.kemensos", case["id"], "Pkh_Tanggapi",
               {"tanggapan_rujukan": answer, "isi_tanggapan": "Tidak memenuhi syarat."})


def test_appeal_goes_up_to_the_province_and_is_handled_there(api):
    case = _referred_and_answered(api)
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", {**BERI_TAHU, "puas": False, "banding": True})
    assert open_elements(case) == ["Task_TinjauBanding"]
    assert case["data"]["tingkat"] == "provinsi"
    # the district manager no longer decides: the province does
    assert all(t["case_id"] != case["id"] for t in api(MANAJER).get("/tasks").get_json())
    case = act(api, "manajer.jabar", case["id"], "Task_TinjauBanding",
               {"keputusan_banding": "terima", "catatan_banding": "Perlu ditinjau ulang oleh Kemensos."})
    assert open_elements(case) == ["Pkh_Setujui"]
    case = act(api, "manajer.jabar", case["id"], "Pkh_Setujui", {"keputusan_manajer": "setuju"})
    case = act(api, "pp.kemensos", case["id"], "Pkh_Tanggapi",
               {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Setelah ditinjau, bantuan dicairkan."})
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", {**BERI_TAHU, "puas": False, "banding": True})
    # there is no level above the province: the case closes
    assert (case["status"], case["hasil_akhir"]) == ("selesai", "rujukan_diterima")
    assert len([m for m in case["rujukan"] if m["kind"] == "rujukan"]) == 2


def test_rejected_appeal_is_told_to_the_complainant(api):
    case = _referred_and_answered(api)
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", {**BERI_TAHU, "puas": False, "banding": True})
    case = act(api, "manajer.jabar", case["id"], "Task_TinjauBanding",
               {"keputusan_banding": "tolak", "catatan_banding": "Keputusan sudah sesuai ketentuan."})
    assert open_elements(case) == ["Task_BeriTahu"]
    case = act(api, "fo.cianjur", case["id"], "Task_BeriTahu", BERI_TAHU)
    assert (case["status"], case["hasil_akhir"]) == ("selesai", "banding_ditolak")


def test_not_our_mandate_bounces_back_and_the_re_routed_referral_reaches_the_right_agency(api):
    case = intake(api, program="BPNT")
    act(api, "fo.cianjur", case["id"], TELAAH, telaah(program="BPNT", pokok_masalah="kualitas_beras"))
    act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Beras berkutu.", "pokok_masalah": "kualitas_beras",
        "program": "BPNT"})
    act(api, MANAJER, case["id"], "Bpnt_Setujui", {"keputusan_manajer": "setuju"})
    case = act(api, "pp.bulog", case["id"], "Bpnt_Tanggapi",
               {"tanggapan_rujukan": "bukan_wewenang", "isi_tanggapan": "Penyaluran di luar tanggung jawab BULOG."})
    assert open_elements(case) == ["Task_BackOffice"]
    act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Dialihkan ke Tikor.", "pokok_masalah": "penyaluran_bantuan",
        "program": "BPNT"})
    case = act(api, MANAJER, case["id"], "Bpnt_Setujui", {"keputusan_manajer": "setuju"})
    assert (case["tujuan_rujukan"], case["saluran_rujukan"]) == ("TIKOR_RASTRA", "lapor")
    inbox_task(api, "pp.tikor", case["id"], "Bpnt_Tanggapi")
    assert [m["tujuan"] for m in case["rujukan"]] == ["BULOG", "TIKOR_RASTRA"]
