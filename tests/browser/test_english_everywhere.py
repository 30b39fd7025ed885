"""English means English (issue 17.7, gap a): in English the case page (its bpmn-js diagram included), the
task page, the inbox, the intake desk and the receipt carry none of the complaint process's Indonesian task
or field names. The names are read from workflows/*.bpmn, not listed by hand."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from lxml import etree

from tests.browser.conftest import screenshot, sign_in, wait_for
from engine.demo.seed import KNOWN_NIK
from tests.browser.test_decision_context import _bpnt_rice_complaint_at_the_manager, _open_task

ROOT = Path(__file__).resolve().parents[2]
NAMED = {"userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask", "businessRuleTask",
         "callActivity", "subProcess", "task", "formField", "value"}


def _indonesian_names():
    """Every task, field and option name of the diagrams whose English differs (not 'Madrasah', not 'Program')."""
    with (ROOT / "web/translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        english = read_po(po, locale="en")
    names = set()
    for path in sorted((ROOT / "workflows").glob("*.bpmn")):
        for element in etree.parse(str(path)).getroot().iter(etree.Element):
            local = etree.QName(element).localname
            text = (element.get("label" if local == "formField" else "name") or "").strip()
            if local in NAMED and text:
                message = english.get(text)
                assert message is not None and message.string, f"no English for {text!r} ({path.name})"
                if text.lower() not in message.string.lower():
                    names.add(text)
    return names


NAMES = _indonesian_names()


def _found(text):
    return sorted(name for name in NAMES if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def _page_text(page):
    """What a reader meets: the main text, every select's options, and the diagram's labels (not the office's
    own name and address from the configuration, 'Dinas Sosial Kabupaten Cianjur')."""
    office = page.locator("#kantor").inner_text() if page.locator("#kantor").count() else ""
    options = page.locator("main select").evaluate_all(
        "els => els.map(e => [...e.options].map(o => o.text).join('\\n')).join('\\n')")
    drawn = page.locator("main svg text").evaluate_all("els => els.map(e => e.textContent).join('\\n')")
    return "\n".join([page.locator("main").inner_text().replace(office, ""), options, drawn])


def test_the_names_come_from_the_diagrams():
    assert {"Telaah dan analisis keluhan", "Setujui rujukan", "Keputusan manajer", "Pokok masalah",
            "Kualitas beras", "Sampaikan hasil kepada pelapor"} <= NAMES
    assert len(NAMES) > 100


def test_english_pages_carry_no_indonesian_task_or_field_name(live_server, page, http_api):
    base = live_server
    case = _bpnt_rice_complaint_at_the_manager(http_api)
    sign_in(page, base, "manajer.cianjur")
    page.goto(f"{base}/kotak-masuk?lang=en")
    assert _found(_page_text(page)) == []
    _open_task(page, base, case["ticket"], "Approve the referral")
    assert _found(_page_text(page)) == []
    screenshot(page, "17a-tugas-inggris")

    page.goto(f"{base}/kasus/{case['id']}")
    wait_for(page, "Object.keys(window.slrtCaseDiagrams || {}).length > 0")
    drawn = page.locator("main svg text").evaluate_all("els => els.map(e => e.textContent).join(' ')")
    assert "Review and analyse" in drawn and "Approve the" in drawn and "Complaint channel?" in drawn  # bpmn-js
    assert "BPNT / Rastra SOP" in drawn and "SOP BPNT / Rastra" not in drawn  # the pool's label
    assert page.get_by_role("heading", name="SLRT complaint handling").is_visible()  # not workflows/keluhan.bpmn
    text = _page_text(page)
    assert "Non-cash food assistance" in text and "Bantuan Pangan Non Tunai" not in text
    assert _found(text) == []
    screenshot(page, "17a-kasus-inggris")

    page.context.clear_cookies()
    sign_in(page, base, "fo.cianjur")
    page.goto(f"{base}/kotak-masuk?lang=en")
    assert _found(_page_text(page)) == []
    screenshot(page, "17a-kotak-masuk-inggris")
    page.goto(f"{base}/meja-depan")
    text = _page_text(page)
    assert _found(text) == [] and "Family Hope Programme" in text
    page.locator("#nik").fill("32030")
    page.locator("#nik").press("Enter")
    assert "16 digits" in page.locator("#hasil-dtks").inner_text(timeout=5000) or wait_for(
        page, "document.getElementById('hasil-dtks').textContent.includes('16 digits')")
    page.locator("#nik").fill(KNOWN_NIK)
    page.locator("#nik").press("Enter")
    wait_for(page, "document.getElementById('hasil-dtks').textContent.includes('Registered in DTKS')")
    assert page.locator("#nama").input_value() != ""
    screenshot(page, "17a-meja-depan-inggris")
    page.goto(f"{base}/kasus/{case['id']}/tanda-terima")
    text = _page_text(page)
    assert _found(text) == []
    screenshot(page, "17a-tanda-terima-inggris")
