"""The auditor steps through a referred complaint on its diagrams in a real browser."""

from tests.browser.conftest import screenshot, sign_in, wait_for
from tests.journeys import BERI_TAHU, telaah
from engine.demo.seed import DEMO_VILLAGE, KNOWN_NIK


def _api(page, base, tokens, user, method, path, body=None):
    response = page.request.fetch(f"{base}/api/v1{path}", method=method, data=body,
                                  headers={"Authorization": f"Bearer {tokens[user]}"})
    assert response.ok, response.text()
    return response.json()


def _act(page, base, tokens, user, case_id, element, data):
    (task,) = [t for t in _api(page, base, tokens, user, "GET", "/tasks")
               if t["case_id"] == case_id and t["element_id"] == element]
    return _api(page, base, tokens, user, "POST", f"/tasks/{task['id']}/complete", {"data": data})


def test_auditor_walks_the_events_of_a_referral_on_the_diagram(live_server, page, sqlite_template):
    base, (_template, tokens) = live_server, sqlite_template
    outside = []
    page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
    case = _api(page, base, tokens, "fo.cianjur", "POST", "/cases", {
        "kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pengaduan", "program": "PKH",
        "uraian": "Bantuan PKH tahap ini belum diterima.", "pelapor": {"nik": KNOWN_NIK, "nama": "Euis Komalasari"}})
    steps = [("fo.cianjur", "Task_Telaah", telaah()),
             ("bo.sosial", "Task_BackOffice", {"ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan.",
                                               "pokok_masalah": "penyaluran_bantuan", "program": "PKH"}),
             ("manajer.cianjur", "Pkh_Setujui", {"keputusan_manajer": "setuju"}),
             ("pp.kemensos", "Pkh_Tanggapi", {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Sudah dibayarkan."}),
             ("fo.cianjur", "Task_BeriTahu", BERI_TAHU)]
    for user, element, data in steps:
        _act(page, base, tokens, user, case["id"], element, data)

    sign_in(page, base, "auditor.cianjur")
    page.get_by_role("link", name="Audit").click()
    page.get_by_label("Nomor tiket, program atau tujuan rujukan").fill(case["ticket"])
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=case["ticket"]).click()
    wait_for(page, "window.slrtAudit && window.slrtAudit.ready === window.slrtAudit.drawings", timeout=30000)
    assert page.locator("#verifikasi .info").is_visible()
    assert page.locator("#langkah-judul").inner_text().startswith("Peristiwa #1 · Pengaduan dicatat")

    for _ in range(3):
        page.get_by_role("button", name="Berikutnya ›").click()
    assert page.evaluate("window.slrtAudit.step") == 4
    assert "Pkh_Setujui" in page.locator("#langkah-judul").inner_text()
    assert "Keputusan manajer" in page.locator("#langkah-data").inner_text()  # the variable by name (issue 17.7)
    assert "Tanggapi" in page.locator("#langkah-tugas").inner_text()
    assert page.locator(".djs-element.peristiwa-ini").count() == 1  # the approval, drawn in the PKH SOP
    assert page.locator(".djs-element.sekarang").count() == 1       # Kemensos's answer, waiting
    assert page.locator(".djs-element.selesai").count() > 4
    screenshot(page, "audit-langkah-4")

    page.locator("#lini-masa a[data-langkah='6']").click()
    assert page.evaluate("window.slrtAudit.step") == 6
    assert page.locator(".djs-element.sekarang").count() == 0
    assert "(tidak ada)" in page.locator("#langkah-tugas").inner_text()
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("window.slrtAudit.step") == 5
    assert outside == []
