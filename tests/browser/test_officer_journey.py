"""One complaint from the intake desk to the public status page, in a real browser, by the officers
who handle it; and an officer of another district who sees none of it."""

import re

from engine.demo.seed import DEMO_VILLAGE, KNOWN_NIK
from tests.browser.conftest import screenshot, sign_in, wait_for


def sign_out(page):
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r".*/masuk.*"))


def open_task(page, base_url, ticket, task_name):
    page.goto(f"{base_url}/kotak-masuk")
    row = page.get_by_role("row").filter(has_text=ticket).filter(has_text=task_name)
    row.get_by_role("link", name=task_name).click()
    page.wait_for_url(re.compile(r".*/tugas/.*"))


def answer(page, label, value):
    page.get_by_role("group", name=re.compile(re.escape(label))).get_by_label(value, exact=True).check()


def submit_task(page):
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))


def every_control_is_labelled(page):
    return page.evaluate("""() => [...document.querySelectorAll('main input:not([type=hidden]):not([hidden]), main select, main textarea')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name)""")


def test_complaint_goes_from_the_intake_desk_to_the_public_status_page(live_server, page, browser):
    base = live_server
    outside = []
    page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
    sign_in(page, base, "fo.cianjur")
    screenshot(page, "01-kotak-masuk-kosong")

    # intake desk: a queue number, the DTKS lookup, the registration and its receipt
    page.goto(f"{base}/meja-depan")
    page.get_by_role("button", name="Ambil nomor").click()
    page.get_by_role("button", name="Panggil berikutnya").click()
    assert page.locator("#dipanggil").inner_text() == "A-001"
    assert page.get_by_label("Nomor antrian").input_value() == "A-001"
    page.get_by_label("Desa/kelurahan pelapor").select_option(DEMO_VILLAGE)
    page.get_by_label("NIK").fill(KNOWN_NIK)
    page.get_by_role("button", name="Cek DTKS").click()
    page.get_by_text("Terdaftar di DTKS; peserta PKH, BPNT.").wait_for()
    page.get_by_label("Nama", exact=True).fill("Euis Komalasari")
    page.get_by_label("Telepon").fill("081312345678")
    page.get_by_label("Jenis keluhan").select_option("pengaduan")
    page.get_by_label("Program", exact=True).select_option("PKH")
    page.get_by_label("Uraian keluhan").fill("Bantuan PKH tahap III belum diterima keluarga kami.")
    assert every_control_is_labelled(page) == []
    screenshot(page, "02-meja-depan")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.wait_for_url(re.compile(r".*/tanda-terima$"))
    ticket = page.locator("#tiket").inner_text()
    code = page.locator("#kode").inner_text()
    assert re.fullmatch(r"3203-26-\d{5}", ticket) and len(code) == 6
    assert page.locator("svg").count() == 1  # the QR code
    screenshot(page, "03-tanda-terima")

    # front office review, typed with the keyboard alone
    open_task(page, base, ticket, "Telaah dan analisis keluhan")
    assert every_control_is_labelled(page) == []
    page.get_by_label("Jenis keluhan").focus()
    page.keyboard.press("Tab")  # to Kategori
    page.keyboard.type("Non")
    page.keyboard.press("Tab")  # to Program (pre-filled from intake)
    page.keyboard.press("Tab")  # to Pokok masalah
    page.keyboard.type("Peny")
    page.keyboard.press("Tab")  # to Jenis sekolah (optional)
    page.keyboard.press("Tab")  # to Sektor back office (optional: the decision table decides)
    page.keyboard.press("Tab")  # to Catatan telaah
    page.keyboard.type("Belum cair sejak Agustus.")
    screenshot(page, "04-tugas-telaah")
    page.keyboard.press("Tab")  # to the submit button
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))
    sign_out(page)

    # back office: first a form with a missing answer, then the referral
    sign_in(page, base, "bo.sosial")
    open_task(page, base, ticket, "Tangani keluhan di back office")
    page.get_by_label("Hasil penanganan").fill("Perlu dirujuk ke Kemensos.")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.get_by_role("alert").filter(has_text="Periksa kembali").wait_for()
    assert "wajib diisi" in page.locator(".pesan-kolom").first.inner_text()
    assert page.get_by_label("Hasil penanganan").input_value() == "Perlu dirujuk ke Kemensos."  # nothing lost
    screenshot(page, "05-tugas-back-office-galat")
    answer(page, "Dapat ditangani langsung", "Tidak")
    submit_task(page)
    sign_out(page)

    sign_in(page, base, "manajer.cianjur")
    open_task(page, base, ticket, "Setujui rujukan")
    page.get_by_label("Keputusan manajer").select_option("setuju")
    submit_task(page)
    sign_out(page)

    sign_in(page, base, "pp.kemensos")
    open_task(page, base, ticket, "Tanggapi rujukan")
    page.get_by_label("Tanggapan pengelola program").select_option("diterima")
    page.get_by_label("Isi tanggapan").fill("Bantuan tahap III akan dicairkan minggu depan.")
    submit_task(page)
    sign_out(page)

    sign_in(page, base, "fo.cianjur")
    open_task(page, base, ticket, "Sampaikan hasil kepada pelapor")
    page.get_by_label("Cara penyampaian hasil").select_option("telepon")
    answer(page, "Pelapor puas", "Ya")
    answer(page, "Pelapor mengajukan banding", "Tidak")
    submit_task(page)
    assert "Status\tSelesai · Rujukan diterima" in page.locator("main table").first.inner_text()
    wait_for(page, "Object.keys(window.slrtCaseDiagrams || {}).length >= 2")
    drawn = page.evaluate("window.slrtCaseDiagrams")
    assert all(d.get("warnings") == 0 for d in drawn.values()), drawn
    assert page.locator(".djs-element.selesai").count() >= 5
    assert ("Rujukan ke Kementerian Sosial, Direktorat Jaminan Sosial Keluarga lewat surat atau kunjungan langsung"
            in page.inner_text("main"))  # the agency and channel by name (issue 17.7)
    assert page.locator("#jawaban-rujukan").inner_text() == "Diterima: Bantuan tahap III akan dicairkan minggu depan."
    assert "Kabupaten Cianjur" in page.locator("header").inner_text()
    screenshot(page, "06-kasus-selesai")
    assert outside == []  # every script, style and diagram library came from the app itself

    # the complainant, on a phone, with only the ticket and the code
    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="id-ID", is_mobile=True)
    public = phone.new_page()
    public.goto(f"{base}/status")
    public.get_by_label("Nomor tiket").fill(ticket)
    public.get_by_label("Kode pelacakan").fill(code)
    public.get_by_label("Kode pelacakan").press("Enter")
    public.locator("#hasil").wait_for()
    text = public.inner_text("main")
    assert "Rujukan Anda telah diterima oleh pengelola program." in text
    for secret in ("Euis", "081312345678", KNOWN_NIK, "Kemensos."):
        assert secret not in text
    assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(public, "07-status-publik-ponsel")
    phone.close()


def test_front_office_of_another_district_sees_none_of_it(live_server, page):
    base = live_server
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_label("Desa/kelurahan pelapor").select_option(DEMO_VILLAGE)
    page.get_by_label("Nama", exact=True).fill("Asep")
    page.get_by_label("Jenis keluhan").select_option("pertanyaan")
    page.get_by_label("Program", exact=True).select_option("PKH")
    page.get_by_label("Uraian keluhan").fill("Kapan pencairan PKH berikutnya?")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.wait_for_url(re.compile(r".*/kasus/(\d+)/tanda-terima$"))
    case_id = re.search(r"/kasus/(\d+)/", page.url).group(1)
    ticket = page.locator("#tiket").inner_text()
    sign_out(page)

    sign_in(page, base, "fo.kendari")
    assert ticket not in page.inner_text("main")
    assert "Tidak ada tugas" in page.inner_text("main")
    response = page.goto(f"{base}/kasus/{case_id}")
    assert response.status == 403 and "tidak berwenang" in page.inner_text("main")
    response = page.goto(f"{base}/kasus/{case_id}/tanda-terima")
    assert response.status == 403
    screenshot(page, "08-kabupaten-lain-ditolak")
