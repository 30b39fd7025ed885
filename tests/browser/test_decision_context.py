"""Officers decide with the facts (issue 17.1): every task page shows what the earlier steps recorded,
who recorded it and when, as labels; the program manager sees the village; the complainant's identity
stays masked for whoever may not see it."""

import re

from tests.browser.conftest import screenshot, sign_in
from tests.journeys import KNOWN_NIK, TELAAH, act, intake, telaah

BO_NOTE = "Beras yang diterima 12 keluarga di e-warong Sukamaju berkutu dan berbau apek."
AGENCY_ANSWER = "Beras pengganti dikirim ke e-warong Sukamaju pada 2 Desember."
SECRET_NAME = "Nyai Rahasia Pisan"


def _bpnt_rice_complaint_at_the_manager(http_api):
    pelapor = {"nik": KNOWN_NIK, "nama": SECRET_NAME, "telepon": "081211112222", "alamat": "Kp. Sukamaju",
               "jenis_kelamin": "P", "disabilitas": False, "penerima_manfaat": True}
    case = intake(http_api, program="BPNT", pelapor=pelapor, rahasia=True,
                  uraian="Beras BPNT bulan ini berkutu.")
    act(http_api, "fo.cianjur", case["id"], TELAAH, telaah(program="BPNT", pokok_masalah="kualitas_beras"))
    act(http_api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": BO_NOTE, "pokok_masalah": "kualitas_beras",
        "program": "BPNT"})
    return case


def _open_task(page, base, ticket, name):
    page.goto(f"{base}/kotak-masuk")
    page.get_by_role("row").filter(has_text=ticket).get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r".*/tugas/.*"))


def _sign_in_as(page, base, username):
    page.context.clear_cookies()
    sign_in(page, base, username)


def test_manager_program_manager_and_front_office_decide_with_the_earlier_steps_facts(live_server, page, http_api):
    base = live_server
    case = _bpnt_rice_complaint_at_the_manager(http_api)
    ticket = case["ticket"]

    # the manager, before approving, sees where it goes (BULOG, by LAPOR!) and the back office's note
    sign_in(page, base, "manajer.cianjur")
    _open_task(page, base, ticket, "Setujui rujukan")
    context = page.locator("#konteks-keputusan")
    text = context.inner_text()
    assert "Tujuan rujukan: Perum BULOG · lewat LAPOR!" in text
    assert BO_NOTE in text and "Dadang Suryana (Back Office)" in text
    assert "Non-kepesertaan" in text and "Kualitas beras" in text and "Bantuan Pangan Non Tunai" in text
    assert "non_kepesertaan" not in text and "kualitas_beras" not in text
    assert "BULOG" not in [line.strip() for line in text.splitlines()]  # the agency by name, not its code
    assert re.search(r"23-11-2026 \d\d:\d\d WIB · Rina Marlina \(Front Office\)", text)
    assert SECRET_NAME not in page.content()  # the manager may not see who complained
    screenshot(page, "17-1-manajer-setujui-rujukan-bulog")
    page.get_by_label("Keputusan manajer").select_option("setuju")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))
    assert "Keputusan manajer\nSetuju" in page.locator("#konteks-keputusan").inner_text()

    # the program manager sees the village, kecamatan and district by name, and the facts
    _sign_in_as(page, base, "pp.bulog")
    _open_task(page, base, ticket, "Tanggapi rujukan")
    area = page.locator("#wilayah-kasus").inner_text()
    assert re.search(r"Desa/kelurahan \w+, Kecamatan \w+, Kabupaten/kota Kabupaten Cianjur", area), area
    assert BO_NOTE in page.locator("#konteks-keputusan").inner_text()
    assert SECRET_NAME not in page.content()
    screenshot(page, "17-1-pengelola-program-melihat-desa")
    page.get_by_label("Tanggapan pengelola program").select_option("diterima")
    page.get_by_label("Isi tanggapan").fill(AGENCY_ANSWER)
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_timeout(300)

    # the front office telling the complainant the result sees the agency's answer
    _sign_in_as(page, base, "fo.cianjur")
    _open_task(page, base, ticket, "Sampaikan hasil kepada pelapor")
    text = page.locator("#konteks-keputusan").inner_text()
    assert "Tanggapan pengelola program\nDiterima" in text and AGENCY_ANSWER in text
    assert "Teguh Prasetyo (Pengelola Program)" in text
    screenshot(page, "17-1-sampaikan-hasil-jawaban-instansi")
