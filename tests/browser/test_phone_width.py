"""Every page of the officer journey and the complainant's status page fit a 390 px phone without sideways
scrolling (issue 17.4, gap e), in Indonesian and English: inbox, case page, task page, intake desk, receipt,
find-case page and public status; a screenshot of each."""

import pytest

from tests.browser.conftest import screenshot, sign_in, wait_for
from tests.browser.test_decision_context import _bpnt_rice_complaint_at_the_manager
from tests.journeys import inbox_task

WIDTH = 390


def _phone(browser):
    return browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="id-ID", is_mobile=True,
                               has_touch=True, device_scale_factor=2)


def _fits(page, name):
    """No sideways scroll: the document is no wider than the phone; the widest element is named on failure."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    widest = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    screenshot(page, f"17e-390px-{name}")
    assert width <= WIDTH, (name, width, widest)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_officer_pages_and_the_status_page_fit_a_390_px_phone(live_server, browser, http_api, lang):
    base = live_server
    case = _bpnt_rice_complaint_at_the_manager(http_api)
    context = _phone(browser)
    page = context.new_page()
    sign_in(page, base, "manajer.cianjur")
    page.goto(f"{base}/kotak-masuk?lang={lang}")
    task = inbox_task(http_api, "manajer.cianjur", case["id"], "Bpnt_Setujui")
    page.goto(f"{base}/tugas/{task['id']}")
    _fits(page, f"tugas-{lang}")
    page.goto(f"{base}/kasus/{case['id']}")
    wait_for(page, "Object.keys(window.slrtCaseDiagrams || {}).length > 0")
    _fits(page, f"kasus-{lang}")

    page.context.clear_cookies()
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/kotak-masuk?lang={lang}")
    _fits(page, f"kotak-masuk-{lang}")
    page.goto(f"{base}/meja-depan")
    _fits(page, f"meja-depan-{lang}")
    page.goto(f"{base}/kasus/{case['id']}/tanda-terima")
    _fits(page, f"tanda-terima-{lang}")
    page.goto(f"{base}/cari-kasus?q={case['ticket']}")
    assert page.locator("#hasil-cari").count() == 1
    _fits(page, f"cari-kasus-{lang}")

    page.context.clear_cookies()
    page.goto(f"{base}/status?tiket={case['ticket']}&kode={case['tracking_code']}&lang={lang}")
    page.locator("#hasil").wait_for()
    _fits(page, f"status-publik-{lang}")
    context.close()
