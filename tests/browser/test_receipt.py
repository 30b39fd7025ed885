"""The receipt names the office and the queue number, and its link and QR code lead to the configured
public address (or, with none configured, to the address the desk really uses)."""

import re
import shutil
import threading

import pytest
import segno
from werkzeug.serving import make_server

from engine.config import load_settings
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_intake_desk import _fill_complaint, _save
from tests.conftest import Clock
from web import create_app

PUBLIC = "https://slrt.cianjurkab.example"
KANTOR = {"nama": "Dinas Sosial Kabupaten Cianjur", "alamat": "Jl. Siliwangi No. 7, Cianjur",
          "telepon": "(0263) 555 0101", "email": "pengaduan@dinsos.cianjurkab.example"}


@pytest.fixture
def configured_server(sqlite_template, tmp_path):
    database = tmp_path / "receipt.db"
    shutil.copy(sqlite_template[0], database)
    settings = load_settings(overrides={"database_url": f"sqlite:///{database}", "secret_key": "kunci-uji",
                                        "alamat_publik": PUBLIC + "/", "kantor": KANTOR})
    server = make_server("127.0.0.1", 0, create_app(settings=settings, clock=Clock()), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _register(page, base):
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_role("button", name="Ambil nomor").click()
    page.get_by_role("button", name="Panggil berikutnya").click()
    _fill_complaint(page, "Euis Komalasari", "Bantuan PKH tahap III belum diterima keluarga kami.")
    return _save(page)


def test_receipt_shows_the_office_the_queue_number_and_the_configured_public_address(configured_server, page):
    ticket, number = _register(page, configured_server)
    assert number == "A-001"
    office = page.locator("#kantor").inner_text()
    for value in KANTOR.values():
        assert value in office
    link = page.locator("main a[href*='/status?tiket=']").get_attribute("href")
    code = page.locator("#kode").inner_text()
    assert link == f"{PUBLIC}/status?tiket={ticket}&kode={code}"
    qr = segno.make(link, error="m").svg_inline(scale=4, dark="#1d2433", title=f"Kode QR status {ticket}")
    drawn = re.search(r' d="([^"]+)"', qr).group(1)  # the modules of the QR code of exactly that link
    assert re.search(r' d="([^"]+)"', page.locator("main svg").evaluate("e => e.outerHTML")).group(1) == drawn
    assert "127.0.0.1" not in page.locator("main").inner_text()
    screenshot(page, "h17-08-tanda-terima-kantor-antrian-alamat")


def test_without_a_configured_address_the_receipt_links_to_where_the_desk_is_served(live_server, page):
    ticket, _number = _register(page, live_server)
    code = page.locator("#kode").inner_text()
    link = page.locator("main a[href*='/status?tiket=']").get_attribute("href")
    assert link == f"{live_server}/status?tiket={ticket}&kode={code}"
    assert live_server != "http://127.0.0.1:5000"
    page.goto(link)  # the link works: the status page answers
    assert page.get_by_role("heading").first.is_visible()


def test_the_receipt_names_the_complaint_type_program_and_status_in_words(live_server, page):
    ticket, _number = _register(page, live_server)
    summary = page.locator("#ringkasan-tanda-terima").inner_text()
    assert re.search(r"Jenis keluhan\s+Pengaduan", summary), summary
    assert re.search(r"Program\s+PKH \(Program Keluarga Harapan\)", summary), summary
    assert re.search(r"Status\s+Sedang diproses · Telaah dan analisis keluhan", summary), summary
    assert "pengaduan" not in summary and "terbuka" not in summary
    screenshot(page, "17b-tanda-terima-label")
    page.goto(f"{page.url}?lang=en")
    summary = page.locator("#ringkasan-tanda-terima").inner_text()
    assert re.search(r"Type of complaint\s+Complaint", summary), summary
    assert re.search(r"Programme\s+PKH \(Family Hope Programme\)", summary), summary
    assert re.search(r"Status\s+In progress · Review and analyse the complaint", summary), summary
    screenshot(page, "17b-tanda-terima-label-inggris")
