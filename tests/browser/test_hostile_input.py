"""Script and markup typed into a complaint, a name or a diagram label are shown as text and never
run; the pages keep to their content security policy (no violation reported) while doing so."""

import re
from pathlib import Path

from engine.demo.seed import DEMO_VILLAGE
from tests.browser.conftest import screenshot, sign_in, wait_for
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "<script>alert('uraian')</script>"
IMAGE = '<img src=x onerror="alert(\'nama\')">'
LABEL = "Telaah <img src=y onerror=alert('diagram')> <b>tebal</b>"


def _watch(page):
    """Dialogs that fired and content-security-policy violations the page reported."""
    seen = {"dialogs": [], "csp": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def _publish_hostile_label(page, base):
    """As the analyst, over the API: a new diagram version whose review task has markup in its name."""
    token = page.request.post(f"{base}/api/v1/auth/token",
                              data={"username": "analis.cianjur", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    files = {}
    for folder, pattern in (("workflows", "*.bpmn"), ("rules", "*.dmn")):
        for path in sorted((ROOT / folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    escaped = LABEL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
    files["workflows/keluhan.bpmn"] = files["workflows/keluhan.bpmn"].replace(
        'name="Telaah dan analisis keluhan"', f'name="{escaped}"')
    draft = page.request.post(f"{base}/api/v1/workflows", data={"process_id": "keluhan", "files": files},
                              headers=headers)
    assert draft.status == 201, draft.text()
    version = draft.json()["id"]
    assert page.request.post(f"{base}/api/v1/workflows/{version}/publish", headers=headers).status == 200
    return version


def test_markup_in_complaint_name_and_diagram_label_is_shown_as_text(live_server, page):
    base = live_server
    seen = _watch(page)
    version = _publish_hostile_label(page, base)

    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/meja-depan")
    page.get_by_label("Desa/kelurahan pelapor").select_option(DEMO_VILLAGE)
    page.get_by_label("Nama", exact=True).fill(IMAGE)
    page.get_by_label("Jenis keluhan").select_option("pengaduan")
    page.get_by_label("Program", exact=True).select_option("PKH")
    page.get_by_label("Uraian keluhan").fill(f"Bantuan belum cair. {SCRIPT} {IMAGE}")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.wait_for_url(re.compile(r".*/tanda-terima$"))
    ticket = page.locator("#tiket").inner_text()

    page.goto(f"{base}/kotak-masuk")
    row = page.get_by_role("row").filter(has_text=ticket)
    assert LABEL in row.inner_text()  # the task name from the diagram, literally
    row.get_by_role("link", name=LABEL).click()
    page.wait_for_url(re.compile(r".*/tugas/.*"))
    assert page.get_by_role("heading", level=1).inner_text() == LABEL
    context = page.locator("aside").inner_text()
    assert SCRIPT in context and IMAGE in context
    assert page.locator("main img").count() == 0 and page.locator("main b").count() == 0  # no markup became elements
    screenshot(page, "xss-tugas")

    page.get_by_role("link", name=ticket).click()
    page.wait_for_url(re.compile(r".*/kasus/\d+$"))
    summary = page.locator("main table").first.inner_text()
    assert SCRIPT in summary and IMAGE in summary
    wait_for(page, "Object.keys(window.slrtCaseDiagrams || {}).length >= 1")
    assert page.locator("main img").count() == 0
    screenshot(page, "xss-kasus")

    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r".*/masuk.*"))
    page.get_by_label("Nama pengguna").fill("analis.cianjur")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r".*/alur-kerja$"))  # an analyst starts at the process list
    page.goto(f"{base}/diagram/{version}")
    wait_for(page, "window.slrtDiagramsDone === true", timeout=30000)
    assert page.evaluate("window.slrtDiagrams['workflows/keluhan.bpmn']") == {"warnings": [], "error": None}
    labels = "".join(page.locator("svg text").evaluate_all("nodes => nodes.map(n => n.textContent)"))
    assert "onerror=alert('diagram')" in labels and "<b>tebal</b>" in labels  # drawn as the label's words
    assert page.locator("main img").count() == 0
    screenshot(page, "xss-diagram")

    assert seen["dialogs"] == []
    assert seen["csp"] == []  # our own pages, bpmn-js included, need nothing the policy forbids
