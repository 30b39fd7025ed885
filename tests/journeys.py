"""Helpers that walk a complaint through the API the way officers would."""

from engine.demo.seed import DEMO_VILLAGE, KNOWN_NIK, UNREGISTERED_NIK

TELAAH = "Task_Telaah"


def intake(api, user="fo.cianjur", nik=KNOWN_NIK, **fields):
    """Register a complaint at the front office; return the created case (201 asserted)."""
    payload = {
        "kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pengaduan", "program": "PKH",
        "uraian": "Bantuan PKH tahap ini belum diterima keluarga kami.",
        "pelapor": {"nik": nik, "nama": "Siti Aminah", "telepon": "081234567890", "alamat": "Kp. Babakan RT 01",
                    "jenis_kelamin": "P", "disabilitas": False, "penerima_manfaat": True},
    }
    payload.update(fields)
    response = api(user).post("/cases", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def inbox_task(api, user, case_id, element_id):
    """The one open task of this case in the officer's inbox (asserts it is there exactly once)."""
    response = api(user).get("/tasks")
    assert response.status_code == 200, response.get_json()
    found = [t for t in response.get_json() if t["case_id"] == case_id and t["element_id"] == element_id]
    assert len(found) == 1, f"{user} should see {element_id} of case {case_id}; inbox: " + str(
        [(t["case_id"], t["element_id"]) for t in response.get_json()])
    return found[0]


def act(api, user, case_id, element_id, data):
    """Complete the case's open `element_id` task as `user`; return the case after it."""
    task = inbox_task(api, user, case_id, element_id)
    response = api(user).post(f"/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def open_elements(case):
    return sorted(t["element_id"] for t in case["tasks"] if t["status"] == "siap")


def telaah(program="PKH", kategori="non_kepesertaan", pokok_masalah="penyaluran_bantuan", jenis="pengaduan",
           jenis_sekolah=None):
    data = {"jenis_keluhan": jenis, "kategori": kategori, "program": program, "pokok_masalah": pokok_masalah,
            "catatan_telaah": "Telah diperiksa di meja depan."}
    if jenis_sekolah:
        data["jenis_sekolah"] = jenis_sekolah
    return data


def approve_pkh_referral(api, case):
    """Take a registered PKH complaint through review and back office to the manager's approval;
    the PKH SOP then sends the referral and waits for Kemensos's answer (Pkh_Tanggapi)."""
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan.", "pokok_masalah": "penyaluran_bantuan",
        "program": "PKH"})
    return act(api, "manajer.cianjur", case["id"], "Pkh_Setujui", {"keputusan_manajer": "setuju"})


BERI_TAHU = {"cara_penyampaian": "telepon", "puas": True, "banding": False}

__all__ = ["intake", "inbox_task", "act", "approve_pkh_referral", "open_elements", "telaah", "BERI_TAHU", "KNOWN_NIK",
           "UNREGISTERED_NIK", "DEMO_VILLAGE", "TELAAH"]
