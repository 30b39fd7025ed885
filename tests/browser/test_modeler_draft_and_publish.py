"""The analyst's modeler keeps drafts apart from publishing: a draft saved on the server comes back when
the page is reopened; publishing asks first in a dialog showing the diff old -> new and the open cases it
concerns; leaving with unsaved edits warns; the findings sit beside the canvas, reachable by keyboard,
and take the analyst to the element. Indonesian by default, English on request."""

import json
import urllib.request

import pytest

from tests.browser.conftest import screenshot, sign_in, wait_for
from tests.journeys import intake
from tests.processes.test_workflow_versions import files

OLD_LABEL, NEW_LABEL = "Telaah dan analisis keluhan", "Telaah keluhan (draf)"
BROKEN_TIMER = ("workflows/sop_pkh.bpmn", 'batas_sla("tanggapan_rujukan")', "7 hari kerja")


def _watch(page):
    """Script errors and CSP refusals of the page, collected (asserted empty at the end of each test)."""
    failures = []
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.on("console", lambda m: failures.append(m.text) if "Content Security Policy" in m.text else None)
    return failures


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    failures = _watch(page)
    yield page
    context.close()
    assert failures == []


@pytest.fixture
def small_page(browser):
    """A laptop screen: 1280 x 800."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = context.new_page()
    failures = _watch(page)
    yield page
    context.close()
    assert failures == []


def _api(base_url, token, path, body=None, method=None):
    request = urllib.request.Request(f"{base_url}/api/v1{path}", method=method or ("POST" if body is not None else "GET"),
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _open(page, base_url, query=""):
    page.goto(f"{base_url}/alur-kerja/1/ubah{query}")
    wait_for(page, "window.slrtEditor && window.slrtEditor.ready", timeout=30000)


def _relabel(page, element_id, label):
    page.locator(f'.djs-element[data-element-id="{element_id}"]').first.click()
    wait_for(page, "document.querySelector('#bio-properties-panel-name') !== null")
    header = page.locator(".bio-properties-panel-group-header", has_text="General").first
    if "open" not in (header.get_attribute("class") or ""):
        header.click()
    field = page.locator("#bio-properties-panel-name")
    field.fill(label)
    field.press("Tab")
    wait_for(page, "window.slrtEditor.dirty")


def _drawn_label(page, element_id):
    return page.locator(f'.djs-element[data-element-id="{element_id}"]').first.text_content()


def _versions(base_url, tokens):
    return [(v["version"], v["status"]) for v in _api(base_url, tokens["analis.cianjur"], "/workflows")]


def test_a_saved_draft_comes_back_when_the_modeler_is_reopened_and_can_be_discarded(live_server, page,
                                                                                    sqlite_template):
    _template, tokens = sqlite_template
    sign_in(page, live_server, "analis.cianjur")
    _open(page, live_server)
    _relabel(page, "Task_Telaah", NEW_LABEL)
    page.get_by_role("button", name="Simpan draf").click()
    wait_for(page, "window.slrtEditor.draftSaved !== null && !window.slrtEditor.dirty")
    assert "Draf disimpan" in page.locator("#status-modeler").inner_text()
    assert _versions(live_server, tokens) == [(1, "published")]  # nothing published, no version made

    page.reload()
    wait_for(page, "window.slrtEditor && window.slrtEditor.ready", timeout=30000)
    assert page.evaluate("window.slrtEditor.restored") is True
    assert NEW_LABEL in _drawn_label(page, "Task_Telaah")
    notice = page.locator("#status-draf")
    assert notice.is_visible() and "dibuka kembali" in notice.inner_text() and "dari versi 1" in notice.inner_text()
    screenshot(page, "modeler-draf-dipulihkan")

    page.get_by_role("button", name="Buang draf, buka versi 1").click()
    wait_for(page, "window.slrtEditor.ready && !window.slrtEditor.restored")
    assert OLD_LABEL in _drawn_label(page, "Task_Telaah") and not notice.is_visible()
    page.reload()
    wait_for(page, "window.slrtEditor && window.slrtEditor.ready", timeout=30000)
    assert page.evaluate("window.slrtEditor.restored") is False and OLD_LABEL in _drawn_label(page, "Task_Telaah")


def test_publishing_asks_first_showing_the_diff_and_the_open_cases_and_cancel_publishes_nothing(
        live_server, page, sqlite_template, http_api):
    _template, tokens = sqlite_template
    for _ in range(5):
        intake(http_api)  # five open Cianjur cases on version 1
    sign_in(page, live_server, "analis.cianjur")
    _open(page, live_server)
    _relabel(page, "Task_Telaah", NEW_LABEL)

    publish = page.get_by_role("button", name="Terbitkan", exact=True)
    publish.click()
    dialog = page.get_by_role("dialog", name="Terbitkan suntingan ini?")
    dialog.wait_for(state="visible", timeout=30000)
    assert page.evaluate("document.getElementById('dialog-terbit').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.textContent") == "Batal"
    shown = dialog.inner_text()
    assert "Berlaku untuk: Kabupaten Cianjur (3203)" in shown
    assert "Perubahan dari versi 1 yang berlaku sekarang (lama → baru)" in shown
    assert dialog.locator("del").first.inner_text() == OLD_LABEL and dialog.locator("ins").first.inner_text() == NEW_LABEL
    assert "«Telaah keluhan (draf)» (Task_Telaah)" in shown
    rows = dialog.locator("#terbit-kasus tbody tr")
    assert rows.count() == 1 and rows.first.inner_text().split("\t") == ["versi 1", "seluruh Indonesia (nasional)", "5"]
    assert "5 kasus berjalan tetap di versinya masing-masing" in shown
    screenshot(page, "modeler-konfirmasi-terbit")

    page.keyboard.press("Escape")  # cancels
    dialog.wait_for(state="hidden")
    assert page.evaluate("window.slrtEditor.publishCanceled") is True
    assert "tidak ada yang diterbitkan" in page.locator("#status-modeler").inner_text()
    assert page.evaluate("document.activeElement.id") == "tombol-terbit"
    publish.click()
    dialog.wait_for(state="visible", timeout=30000)
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="hidden")
    assert _versions(live_server, tokens) == [(1, "published")]  # nothing published either way
    screenshot(page, "modeler-terbit-dibatalkan")

    publish.click()
    dialog.wait_for(state="visible", timeout=30000)
    dialog.get_by_role("button", name="Ya, terbitkan").click()
    wait_for(page, "window.slrtEditor.published !== null", timeout=30000)
    published = page.evaluate("window.slrtEditor.published")
    assert (published["version"], published["status"]) == (2, "published")
    assert "Versi 2 diterbitkan" in page.locator("#status-modeler").inner_text()
    assert page.evaluate("window.slrtEditor.dirty") is False
    # the page is now the new version's editor: its heading, its address (a reload opens version 2)
    assert "versi 2 (terbit)" in page.locator("h1").inner_text()
    assert page.url.endswith(f"/alur-kerja/{published['id']}/ubah")
    screenshot(page, "modeler-terbit-selesai")
    stored = _api(live_server, tokens["analis.cianjur"], f"/workflows/{published['id']}")
    assert stored["cakupan"] == "3203" and f'name="{NEW_LABEL}"' in stored["sources"]["workflows/keluhan.bpmn"]


def test_leaving_with_unsaved_edits_asks_first_and_not_after_saving(live_server, page):
    sign_in(page, live_server, "analis.cianjur")
    _open(page, live_server)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    with page.expect_event("close"):
        page.close(run_before_unload=True)  # nothing edited yet: closes without asking
    assert asked == [] and page.is_closed()


def test_unsaved_edits_warn_before_leaving_until_the_draft_is_saved(live_server, page):
    sign_in(page, live_server, "analis.cianjur")
    _open(page, live_server)
    _relabel(page, "Task_Telaah", NEW_LABEL)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and not page.is_closed()
    assert "belum disimpan" in page.locator("#status-modeler").inner_text()

    page.get_by_role("button", name="Simpan draf").click()
    wait_for(page, "window.slrtEditor.draftSaved !== null && !window.slrtEditor.dirty")
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert asked == ["beforeunload"] and page.is_closed()


def _draft_with_an_error(base_url, tokens):
    _api(base_url, tokens["analis.cianjur"], "/workflows/drafts/keluhan",
         {"process_id": "keluhan", "dasar": 1, "files": files([BROKEN_TIMER])}, method="PUT")


def _tab_to_finding(page, limit=60):
    page.locator("#tombol-validasi").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#temuan') !== null"):
            return page.evaluate("document.activeElement.dataset.elementId")
    raise AssertionError("no finding reached by Tab")


def test_findings_sit_beside_the_canvas_reachable_by_tab_and_enter_selects_the_element(live_server, small_page,
                                                                                       sqlite_template):
    page = small_page
    _template, tokens = sqlite_template
    _draft_with_an_error(live_server, tokens)
    sign_in(page, live_server, "analis.cianjur")
    _open(page, live_server)
    assert page.evaluate("window.slrtEditor.current") == "workflows/keluhan.bpmn"
    page.get_by_role("button", name="Validasi").click()
    wait_for(page, "window.slrtEditor.findings !== null", timeout=30000)

    panel = page.locator("#panel-temuan")
    box = panel.bounding_box()
    assert page.evaluate("window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + 120 <= 800 and box["x"] + box["width"] <= 1280  # on screen, unscrolled
    finding = page.locator("#temuan button").first
    finding_box = finding.bounding_box()
    assert finding_box["y"] + finding_box["height"] <= 800
    shown = page.locator("#temuan").inner_text()
    assert shown.startswith("Galat") and "[error]" not in shown and "7 hari kerja" in shown
    assert page.locator("#ringkasan-temuan").inner_text() == "Ada 1 galat; perbaiki sebelum menerbitkan."
    assert "Pkh_Terlambat" in shown and "workflows/sop_pkh.bpmn" in shown
    screenshot(page, "modeler-temuan-di-samping-1280")

    assert _tab_to_finding(page) == "Pkh_Terlambat"
    page.keyboard.press("Enter")  # opens the SOP diagram, selects the timer, scrolls to it
    wait_for(page, "window.slrtEditor.ready && window.slrtEditor.selected === 'Pkh_Terlambat'", timeout=30000)
    assert page.evaluate("window.slrtEditor.current") == "workflows/sop_pkh.bpmn"
    selected = page.evaluate("window.slrtEditor.modeler.get('selection').get().map(e => e.id)")
    assert selected == ["Pkh_Terlambat"]
    assert "Batas tanggapan 5 hari kerja" in page.locator("#panel-properti .bio-properties-panel-header").inner_text()
    canvas, shape = page.locator("#kanvas-modeler").bounding_box(), page.locator(
        '.djs-element[data-element-id="Pkh_Terlambat"]').first.bounding_box()
    assert canvas["x"] <= shape["x"] + shape["width"] / 2 <= canvas["x"] + canvas["width"]
    assert canvas["y"] <= shape["y"] + shape["height"] / 2 <= canvas["y"] + canvas["height"]
    wait_for(page, "document.getElementById('panel-properti').contains(document.activeElement)")
    assert "Dipilih:" in page.locator("#status-modeler").inner_text()
    screenshot(page, "modeler-temuan-dipilih")


def test_english_mode_shows_english_findings(live_server, small_page, sqlite_template):
    page = small_page
    _template, tokens = sqlite_template
    _draft_with_an_error(live_server, tokens)
    sign_in(page, live_server, "analis.cianjur")
    _open(page, live_server, "?lang=en")
    page.get_by_role("button", name="Validate").click()
    wait_for(page, "window.slrtEditor.findings !== null", timeout=30000)
    shown = page.locator("#temuan").inner_text()
    assert shown.startswith("Error") and "Galat" not in shown and "[error]" not in shown
    assert page.locator("#ringkasan-temuan").inner_text() == "1 error; fix it before publishing."
    message = page.evaluate("window.slrtEditor.findings.find(f => f.severity === 'error').message")
    assert "7 hari kerja" in message and "timer" in message.lower(), message
    assert page.get_by_role("button", name="Save draft").is_visible()
    assert page.get_by_role("button", name="Publish", exact=True).is_visible()
    screenshot(page, "modeler-temuan-english")


def test_an_uploaded_draft_is_published_from_its_confirmation_page(live_server, page, sqlite_template, http_api):
    _template, tokens = sqlite_template
    for _ in range(5):
        intake(http_api)
    relabel = ("workflows/keluhan.bpmn", f'name="{OLD_LABEL}"', f'name="{NEW_LABEL}"')
    draft = _api(live_server, tokens["analis.cianjur"], "/workflows", {"process_id": "keluhan", "files": files([relabel])})
    sign_in(page, live_server, "analis.cianjur")
    page.goto(f"{live_server}/alur-kerja")
    page.get_by_role("link", name="Terbitkan…").click()
    assert page.locator("h1").inner_text() == "Terbitkan versi 2?"
    assert page.locator("#terbit-kasus tbody tr").first.inner_text().split("\t") == [
        "versi 1", "seluruh Indonesia (nasional)", "5"]
    screenshot(page, "alur-kerja-konfirmasi-terbit-unggahan")
    page.get_by_role("button", name="Ya, terbitkan").click()
    assert "Versi 2 diterbitkan" in page.locator("main").inner_text()
    assert _api(live_server, tokens["analis.cianjur"], f"/workflows/{draft['id']}")["status"] == "published"
