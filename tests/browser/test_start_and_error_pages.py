"""In a real browser (issue 17.4): each role lands on the start page of its work, and an error page names the
problem, keeps the officer's menu and leads back; screenshots of each."""

import re

import pytest

from tests.browser.conftest import screenshot, sign_in

START = [("analis.cianjur", "/alur-kerja"), ("auditor.cianjur", "/audit/"), ("pemantau.cianjur", "/dasbor"),
         ("admin.cianjur", "/admin/pengguna"), ("fo.cianjur", "/kotak-masuk")]


@pytest.mark.parametrize("username,path", START, ids=[s[0] for s in START])
def test_each_role_lands_on_its_own_start_page_not_on_the_account_page(live_server, page, username, path):
    sign_in(page, live_server, username)
    assert page.url == f"{live_server}{path}"
    assert "Akun saya" not in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, f"17-4-halaman-awal-{username}")


def test_a_missing_case_says_so_and_leads_back_to_where_the_officer_was(live_server, page):
    sign_in(page, live_server, "fo.cianjur")
    page.goto(f"{live_server}/kasus/999999", referer=f"{live_server}/cari-kasus")  # as from a stale link
    main = page.locator("main").inner_text()
    assert "404" in main
    assert page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Meja depan").is_visible()
    screenshot(page, "17-4-halaman-galat-404")
    page.locator("#kembali-sebelumnya").click()
    page.wait_for_url(re.compile(r".*/cari-kasus$"))
    page.goto(f"{live_server}/kasus/999999")
    page.locator("#ke-beranda").click()
    page.wait_for_url(re.compile(r".*/kotak-masuk$"))
