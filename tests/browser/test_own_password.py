"""An officer changes their own password in the browser: a wrong current password is marked next to its field;
the change keeps this window signed in and signs the officer out in another browser."""

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

NEW = "sandi-baru-bo-2026"


def test_an_officer_changes_their_password_and_their_other_browser_is_signed_out(live_server, page, browser):
    base = live_server
    other = browser.new_context(locale="id-ID").new_page()
    sign_in(other, base, "bo.sosial")
    sign_in(page, base, "bo.sosial")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Akun saya").click()
    form = page.get_by_role("region", name="Ubah kata sandi")
    form.get_by_label("Kata sandi saat ini").fill("bukan-sandinya")
    form.get_by_label("Kata sandi baru", exact=True).fill(NEW)
    form.get_by_label("Ulangi kata sandi baru").fill(NEW)
    form.get_by_role("button", name="Ubah kata sandi").click()
    current = page.get_by_label("Kata sandi saat ini")
    assert current.get_attribute("aria-invalid") == "true"
    assert page.locator("#galat-sandi_lama").inner_text() == "Kata sandi saat ini salah"
    screenshot(page, "sec20-ubah-sandi-salah")

    current.fill(PASSWORD)
    page.get_by_label("Kata sandi baru", exact=True).fill(NEW)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW)
    page.get_by_role("button", name="Ubah kata sandi").click()
    page.wait_for_url(f"{base}/akun")
    assert "Kata sandi diubah" in page.get_by_role("status").first.inner_text()
    screenshot(page, "sec20-ubah-sandi-berhasil")

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Kotak masuk").click()
    page.wait_for_url(f"{base}/kotak-masuk")  # still signed in here
    other.goto(f"{base}/kotak-masuk")
    assert "/masuk" in other.url  # the other browser's session is over
    other.get_by_label("Nama pengguna").fill("bo.sosial")
    other.get_by_label("Kata sandi").fill(NEW)
    other.get_by_role("button", name="Masuk").click()
    other.wait_for_url(f"{base}/kotak-masuk")
    other.context.close()
