"""Finding work in a real browser: the front office's case search (in its area only), the inbox's ticket
search and pages, and the inbox on a 390 px phone without sideways scrolling."""

import re

from engine.demo.seed import DEMO_VILLAGE, KENDARI_VILLAGE, KNOWN_NIK
from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in
from tests.browser.test_intake_desk import _api


def _complaint(base, token, nik, nama, wilayah=DEMO_VILLAGE):
    return _api(base, token, "/cases", {
        "kanal": "sekretariat", "wilayah": wilayah, "jenis_keluhan": "pengaduan", "program": "PKH",
        "uraian": "Bantuan PKH tahap ini belum diterima keluarga kami.", "pelapor": {"nik": nik, "nama": nama}})


def test_front_office_finds_a_returning_complainant_in_its_area_only(live_server, page, sqlite_template):
    base, tokens = live_server, sqlite_template[1]
    mine = _complaint(base, tokens["fo.cianjur"], KNOWN_NIK, "Euis Komalasari")["ticket"]
    kendari = _complaint(base, tokens["fo.kendari"], KNOWN_NIK, "Euis Komalasari", KENDARI_VILLAGE)["ticket"]
    sign_in(page, base, "fo.cianjur")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Cari kasus").click()
    page.get_by_label("Nomor tiket, NIK / No. KK, atau nama pelapor").fill(KNOWN_NIK)
    page.get_by_role("button", name="Cari", exact=True).click()
    results = page.locator("#hasil-cari")
    assert results.get_by_role("link").all_inner_texts() == [mine]
    assert "Euis Komalasari" in results.inner_text() and kendari not in page.content()
    screenshot(page, "h17-09-cari-kasus-nik")
    page.get_by_label("Nomor tiket, NIK / No. KK, atau nama pelapor").fill("euis koma")
    page.get_by_role("button", name="Cari", exact=True).click()
    assert page.locator("#hasil-cari").get_by_role("link").all_inner_texts() == [mine]
    results.get_by_role("link", name=mine).click()
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))

    page.get_by_role("button", name="Keluar").click()
    sign_in(page, base, "fo.kendari")
    page.goto(f"{base}/cari-kasus?q={mine}")
    assert page.locator("#hasil-cari").count() == 0
    assert "Tidak ada kasus yang cocok di wilayah Anda" in page.locator("main").inner_text()


def test_inbox_pages_searches_tickets_and_fits_a_phone(live_server, browser, sqlite_template):
    base, tokens = live_server, sqlite_template[1]
    tickets = [_complaint(base, tokens["fo.cianjur"], None, f"Pelapor {n:02d}")["ticket"] for n in range(30)]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, base, "fo.cianjur")
    assert page.url.endswith("/kotak-masuk")
    assert page.locator("#posisi-halaman").inner_text() == "Halaman 1 dari 2"
    assert page.locator("#tugas tbody tr").count() == 25
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "h17-10-kotak-masuk-390px.png"))  # what the phone shows first
    page.get_by_role("link", name="Berikutnya").click()
    assert page.locator("#posisi-halaman").inner_text() == "Halaman 2 dari 2"
    assert page.locator("#tugas tbody tr").count() == 5
    shown = set(page.locator("#tugas tbody tr td:first-child a").all_inner_texts())
    page.get_by_role("link", name="Sebelumnya").click()
    shown |= set(page.locator("#tugas tbody tr td:first-child a").all_inner_texts())
    assert shown == set(tickets)  # every task on exactly one of the two pages
    page.get_by_label("Cari nomor tiket").fill(tickets[7])
    page.get_by_role("button", name="Saring").click()
    assert page.locator("#tugas tbody tr td:first-child a").all_inner_texts() == [tickets[7]]
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width
    screenshot(page, "h17-11-kotak-masuk-cari-tiket-390px")
    context.close()
