"""The intake desk in a real browser: one case per complaint whatever the officer does with Back and
Simpan, a queue number per case, the DTKS lookup filling the form, Enter in NIK, plain messages and
Indonesian numbers."""

import json
import re
import urllib.request

from engine.demo.seed import DEMO_VILLAGE, KNOWN_KK, KNOWN_NIK, UNREGISTERED_NIK
from tests.browser.conftest import screenshot, sign_in


def _api(base, token, path, body=None):
    request = urllib.request.Request(f"{base}/api/v1{path}", data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                     method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def _fill_complaint(page, name, text):
    page.get_by_label("Desa/kelurahan pelapor").select_option(DEMO_VILLAGE)
    page.get_by_label("Nama", exact=True).fill(name)
    page.get_by_label("Jenis keluhan").select_option("pengaduan")
    page.get_by_label("Program", exact=True).select_option("PKH")
    page.get_by_label("Uraian keluhan").fill(text)


def _save(page):
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.wait_for_url(re.compile(r".*/tanda-terima$"))
    return page.locator("#tiket").inner_text(), page.locator("#antrian").inner_text()


def test_back_and_save_again_keeps_one_case_and_each_save_uses_the_next_queue_number(
        live_server, page, sqlite_template):
    base, tokens = live_server, sqlite_template[1]
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    for _ in range(3):
        page.get_by_role("button", name="Ambil nomor").click()
    page.get_by_role("button", name="Panggil berikutnya").click()
    assert page.get_by_label("Nomor antrian").input_value() == "A-001"
    _fill_complaint(page, "Euis Komalasari", "Bantuan PKH tahap III belum diterima keluarga kami.")
    first, number = _save(page)
    assert number == "A-001"
    screenshot(page, "h17-01-tanda-terima-A-001")

    page.go_back()  # the officer goes Back to the filled form and presses Simpan again
    page.wait_for_url(re.compile(r".*/meja-depan$"))
    screenshot(page, "h17-02-kembali-ke-formulir")
    if page.get_by_label("Uraian keluhan").input_value() == "":  # the browser showed a fresh form: fill it again
        _fill_complaint(page, "Euis Komalasari", "Bantuan PKH tahap III belum diterima keluarga kami.")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.wait_for_load_state()
    screenshot(page, "h17-03-simpan-lagi")
    cases = _api(base, tokens["fo.cianjur"], "/cases")
    assert [c["ticket"] for c in cases] == [first]

    page.goto(f"{base}/meja-depan")  # the next complainant: the next number is offered
    assert page.get_by_label("Nomor antrian").input_value() == "A-002"
    assert page.locator("#dipanggil").inner_text() == "-"
    _fill_complaint(page, "Siti Aminah", "Beras BPNT bulan ini berkutu dan tidak layak dimakan.")
    second, number = _save(page)
    assert number == "A-002" and second != first
    screenshot(page, "h17-04-tanda-terima-A-002")
    assert sorted(c["ticket"] for c in _api(base, tokens["fo.cianjur"], "/cases")) == sorted([first, second])


def test_a_queue_number_already_used_is_refused_naming_the_field(live_server, page):
    base = live_server
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_role("button", name="Ambil nomor").click()
    page.get_by_role("button", name="Panggil berikutnya").click()
    _fill_complaint(page, "Euis Komalasari", "Bantuan PKH tahap III belum diterima keluarga kami.")
    _save(page)
    page.goto(f"{base}/meja-depan")
    page.get_by_label("Nomor antrian").fill("A-001")
    _fill_complaint(page, "Siti Aminah", "Beras BPNT bulan ini berkutu dan tidak layak dimakan.")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.get_by_role("alert").filter(has_text="Periksa kembali").wait_for()
    assert "Nomor antrian A-001 sudah dipakai" in page.locator("#galat-nomor_antrian").inner_text()
    assert page.get_by_label("Uraian keluhan").input_value().startswith("Beras BPNT")  # nothing lost


def test_enter_in_nik_runs_the_dtks_lookup_which_fills_the_known_fields(live_server, page):
    base = live_server
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_label("NIK").fill(KNOWN_NIK)
    page.get_by_label("NIK").press("Enter")
    page.get_by_text("Terdaftar di DTKS; peserta PKH, BPNT.").wait_for()
    assert page.url.endswith("/meja-depan")  # Enter did not submit the form
    assert page.get_by_role("alert").count() == 0
    assert page.get_by_label("Nama", exact=True).input_value() == "Euis Komalasari"
    assert page.get_by_label("No. KK").input_value() == KNOWN_KK
    assert page.get_by_label("Alamat").input_value() != ""
    assert page.get_by_label("Desa/kelurahan pelapor").input_value() == DEMO_VILLAGE
    assert page.get_by_label("Jenis kelamin").input_value() == "P"
    assert page.get_by_label("Penerima manfaat program").is_checked()
    assert "Diisi dari DTKS" in page.locator("#hasil-dtks").inner_text()
    screenshot(page, "h17-05-cek-dtks-mengisi-formulir")

    page.goto(f"{base}/meja-depan?lang=en")
    page.get_by_label("NIK").fill(UNREGISTERED_NIK)
    page.get_by_label("NIK").press("Enter")
    page.get_by_text("Not registered in DTKS", exact=False).wait_for()
    assert page.get_by_label("Name", exact=True).input_value() == ""


def test_missing_fields_are_named_by_their_labels_in_indonesian_and_english(live_server, page):
    base = live_server
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.get_by_role("alert").filter(has_text="Periksa kembali").wait_for()
    messages = page.locator(".pesan-kolom").all_inner_texts()
    assert "Jenis keluhan wajib diisi" in messages and "Desa/kelurahan pelapor wajib dipilih" in messages
    assert not [m for m in messages if "_" in m]  # no variable names
    screenshot(page, "h17-06-pesan-dengan-label")
    page.goto(f"{base}/meja-depan?lang=en")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.locator(".pesan-kolom").first.wait_for()
    messages = page.locator(".pesan-kolom").all_inner_texts()
    assert "Type of complaint is required" in messages, messages
    assert not [m for m in messages if "wajib" in m]


def test_an_income_written_with_thousand_separators_is_accepted(live_server, page, sqlite_template):
    base, tokens = live_server, sqlite_template[1]
    case = _api(base, tokens["fo.cianjur"], "/cases", {
        "kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pengaduan", "program": "LAINNYA",
        "uraian": "Keluarga kami miskin tetapi tidak pernah terdata.",
        "pelapor": {"nik": UNREGISTERED_NIK, "nama": "Dede Kurnia"}})
    review = [t for t in case["tasks"] if t["element_id"] == "Task_Telaah"][0]
    _api(base, tokens["fo.cianjur"], f"/tasks/{review['id']}/complete", {"data": {
        "jenis_keluhan": "pengaduan", "kategori": "kepesertaan", "program": "LAINNYA",
        "pokok_masalah": "tidak_terdaftar", "catatan_telaah": "Belum terdata di DTKS."}})
    task = [t for t in _api(base, tokens["fo.cianjur"], "/tasks") if t["element_id"] == "Task_ProfilPraDaftar"][0]
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/tugas/{task['id']}")
    page.get_by_label("Jumlah anggota keluarga").fill("5")
    page.get_by_label("Pekerjaan kepala keluarga").fill("buruh tani")
    page.get_by_label("Penghasilan keluarga per bulan (Rp)").fill("1.500.000")
    page.get_by_label("Kondisi rumah").select_option("tidak_layak_huni")
    page.get_by_label("Alasan usulan", exact=False).fill("Tidak memiliki penghasilan tetap.")
    screenshot(page, "h17-07-penghasilan-1.500.000")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))
    stored = _api(base, tokens["supervisor.cianjur"], f"/cases/{case['id']}")
    assert stored["data"]["penghasilan_bulanan"] == 1500000
