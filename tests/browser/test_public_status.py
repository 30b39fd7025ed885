"""The complainant's status page on a phone (issue 17.5): a plain-language timeline of stages, the
handling agency by name, the expected date from the SLA, the office's contact and how to appeal;
never the identity."""

from tests.browser.conftest import screenshot
from tests.journeys import KNOWN_NIK, TELAAH, act, intake, telaah

NAME = "Euis Komalasari Rahasia"
PHONE = "081355556666"


def _phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", is_mobile=True,
                               device_scale_factor=2)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_status_page_shows_the_agency_and_the_timeline_at_390_px(live_server, browser, http_api):
    base = live_server
    pelapor = {"nik": KNOWN_NIK, "nama": NAME, "telepon": PHONE, "alamat": "Kp. Sukamaju RT 02",
               "jenis_kelamin": "P", "disabilitas": False, "penerima_manfaat": True}
    case = intake(http_api, program="BPNT", pelapor=pelapor, uraian="Beras BPNT berkutu.")
    act(http_api, "fo.cianjur", case["id"], TELAAH, telaah(program="BPNT", pokok_masalah="kualitas_beras"))
    act(http_api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan ke BULOG.", "pokok_masalah": "kualitas_beras",
        "program": "BPNT"})
    act(http_api, "manajer.cianjur", case["id"], "Bpnt_Setujui", {"keputusan_manajer": "setuju"})

    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{base}/status")
    page.get_by_label("Nomor tiket").fill(case["ticket"])
    page.get_by_label("Kode pelacakan").fill(case["tracking_code"].lower())
    page.get_by_role("button", name="Lihat status").click()
    page.locator("#hasil").wait_for()

    assert page.locator("#instansi").inner_text() == "Perum BULOG"
    stages = [li.inner_text() for li in page.locator("#tahapan li").all()]
    assert [s.split("\n")[1] for s in stages] == [
        "Pengaduan Anda diterima", "Diperiksa dan ditangani petugas SLRT", "Dirujuk kepada Perum BULOG",
        "Jawaban dari Perum BULOG", "Selesai"]
    assert "selesai 23-11-2026" in stages[0] and "selesai 23-11-2026" in stages[2]
    # the agency answers a referral within 5 working days (config.yaml sla.batas.tanggapan_rujukan)
    assert "sedang berlangsung, perkiraan selesai 30-11-2026" in stages[3]
    assert page.locator("#perkiraan").inner_text().startswith("30-11-2026")
    assert page.locator("[aria-current=step]").count() == 1
    assert "banding" in page.locator("#cara-banding").inner_text()
    contact = page.locator("#kantor").inner_text()
    assert "Dinas Sosial Kabupaten Cianjur" in contact and "(0263) 261234" in contact
    body = page.content()
    assert NAME not in body and PHONE not in body and KNOWN_NIK not in body and "Sukamaju" not in body
    assert _no_horizontal_scroll(page)
    screenshot(page, "17-5-status-publik-390px")
    context.close()


def test_status_page_in_english_names_the_stages_in_english(live_server, browser, http_api):
    case = intake(http_api, jenis_keluhan="pertanyaan", uraian="Kapan PKH cair?")
    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{live_server}/status?tiket={case['ticket']}&kode={case['tracking_code']}&lang=en")
    text = page.locator("#hasil").inner_text()
    assert "Your complaint was received" in text and "Pengaduan Anda diterima" not in text
    assert "in progress" in text
    assert _no_horizontal_scroll(page)
    screenshot(page, "17-5-status-publik-390px-en")
    context.close()
