"""The shipped diagrams: layout for modelers, lanes named after roles, decision tables on their own."""

import itertools
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.decisions import decide, load_decision, matching_rules
from engine.domain.roles import role_for_lane
from engine.domain.vocabulary import KATEGORI, SEKTOR
from engine.errors import WorkflowFailure
from engine.people import catalogue

ROOT = Path(__file__).resolve().parents[2]
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
FLOW_NODES = ("startEvent", "endEvent", "userTask", "scriptTask", "businessRuleTask", "serviceTask", "task",
              "exclusiveGateway", "parallelGateway", "inclusiveGateway", "boundaryEvent", "callActivity",
              "intermediateCatchEvent", "intermediateThrowEvent", "subProcess")
DIAGRAMS = sorted((ROOT / "workflows").glob("*.bpmn"))
INITIAL_CATALOGUE = {p.code: p for p in catalogue.initial_rows()}  # rules/program.yaml
PROGRAM = tuple(INITIAL_CATALOGUE)
POKOK = ("kualitas_beras", "kuantitas_beras", "penyaluran_bantuan", "layanan_kesehatan", "kartu_kepesertaan",
         "iuran", "pencairan_dana", "tidak_terdaftar", "data_tidak_sesuai", "administrasi_kependudukan",
         "usaha_ekonomi", "lainnya", None)


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_element_of_the_diagram_has_a_shape_or_edge(path):
    tree = etree.parse(str(path))
    drawn = set(tree.xpath("//bpmndi:BPMNShape/@bpmnElement | //bpmndi:BPMNEdge/@bpmnElement", namespaces=NS))
    ids = set()
    for tag in FLOW_NODES + ("sequenceFlow", "lane", "participant"):
        ids |= set(tree.xpath(f"//bpmn:{tag}/@id", namespaces=NS))
    assert ids and ids <= drawn, f"without DI: {sorted(ids - drawn)}"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_lane_is_named_after_a_role_and_every_node_sits_in_one(path):
    tree = etree.parse(str(path))
    lanes = tree.xpath("//bpmn:lane", namespaces=NS)
    assert lanes
    assert all(role_for_lane(lane.get("name")) for lane in lanes), [lane.get("name") for lane in lanes]
    refs = tree.xpath("//bpmn:flowNodeRef/text()", namespaces=NS)
    nodes = set(itertools.chain.from_iterable(
        tree.xpath(f"//bpmn:process/bpmn:{tag}/@id", namespaces=NS) for tag in FLOW_NODES))
    assert sorted(refs) == sorted(nodes)


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_diagram_says_what_it_is_in_its_first_lines(path):
    head = path.read_text(encoding="utf-8").splitlines()[:3]
    assert any(line.strip().startswith("<!--") and len(line.strip()) > 40 for line in head)


def table(name):
    return load_decision((ROOT / "rules" / f"{name}.dmn").read_bytes(), f"{name}.dmn")


# Every row of the routing table in DOMAIN.md, as the program SOP's own decision table gives it.
ROUTING = [
    ("tujuan_kepesertaan", {"kategori": "kepesertaan"}, ("POKJA_DATA_TERPADU", "siks_ng")),
    ("tujuan_pkh", {"program": "PKH"}, ("KEMENSOS_JSK", "langsung")),
    ("tujuan_bpnt", {"pokok_masalah": "kualitas_beras"}, ("BULOG", "lapor")),
    ("tujuan_bpnt", {"pokok_masalah": "kuantitas_beras"}, ("BULOG", "lapor")),
    ("tujuan_bpnt", {"pokok_masalah": "penyaluran_bantuan"}, ("TIKOR_RASTRA", "lapor")),
    ("tujuan_pip", {"jenis_sekolah": "umum"}, ("KEMENDIKBUD", "lapor")),
    ("tujuan_pip", {"jenis_sekolah": None}, ("KEMENDIKBUD", "lapor")),
    ("tujuan_pip", {"jenis_sekolah": "madrasah"}, ("KEMENAG", "langsung")),
    ("tujuan_pis_pbi", {"pokok_masalah": "layanan_kesehatan"}, ("DINKES", "lapor")),
    ("tujuan_pis_pbi", {"pokok_masalah": "kartu_kepesertaan"}, ("BPJS_KESEHATAN", "lapor")),
    ("tujuan_pis_pbi", {"pokok_masalah": "iuran"}, ("BPJS_KESEHATAN", "lapor")),
    ("tujuan_daerah", {"program": "DAERAH"}, ("OPD_DAERAH", "langsung")),
    ("tujuan_daerah", {"program": "LAINNYA"}, ("OPD_DAERAH", "langsung")),
    ("tujuan_daerah", {"program": "NONPEMERINTAH"}, ("MITRA_NONPEMERINTAH", "langsung")),
]


@pytest.mark.parametrize("name,inputs,expected", ROUTING, ids=[f"{r[0]}-{list(r[1].values())[0]}" for r in ROUTING])
def test_each_program_table_gives_its_row_of_the_routing_table(name, inputs, expected):
    result = decide(table(name), inputs)
    assert (result["tujuan_rujukan"], result["saluran_rujukan"]) == expected


VOCABULARY = {
    "kategori": (*KATEGORI, None), "program": (*PROGRAM, None), "pokok_masalah": POKOK,
    "jenis_sekolah": ("umum", "madrasah", None), "terdaftar_dtks": (True, False, None), "sektor_bawaan": SEKTOR,
    "sektor_pilihan": (*SEKTOR, None),
}


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("*.dmn")), ids=lambda p: p.stem)
def test_every_table_matches_exactly_one_rule_for_every_combination_of_its_inputs(path):
    engine = load_decision(path.read_bytes(), path.name)
    names = [i.expression for i in engine.decision_table.inputs]
    for values in itertools.product(*(VOCABULARY[n] for n in names)):
        inputs = dict(zip(names, values))
        assert len(matching_rules(engine, inputs)) == 1, (path.name, inputs)


def test_a_case_no_rule_matches_fails_loudly_instead_of_routing_nowhere():
    narrow = (ROOT / "rules" / "tujuan_bpnt.dmn").read_text(encoding="utf-8").replace(
        '? not in ("kualitas_beras", "kuantitas_beras")', '"penyaluran_bantuan"')
    with pytest.raises(WorkflowFailure) as failed:
        decide(load_decision(narrow.encode(), "tujuan_bpnt.dmn"), {"pokok_masalah": "iuran"})
    assert "tidak punya aturan yang cocok" in failed.value.message


@pytest.mark.parametrize("program,pokok,sektor", [
    ("PKH", "penyaluran_bantuan", "sosial"), ("BPNT", "kualitas_beras", "sosial"), ("PIP", None, "pendidikan"),
    ("PIS-PBI", "iuran", "kesehatan"), ("DAERAH", None, "lainnya"), ("NONPEMERINTAH", None, "lainnya"),
    ("LAINNYA", None, "lainnya"), ("PKH", "administrasi_kependudukan", "kependudukan"),
    ("BPNT", "usaha_ekonomi", "ekonomi")])
def test_sector_table_sends_each_complaint_to_its_back_office(program, pokok, sektor):
    """Without the reviewing officer's choice: the catalogue's sector of the program, refined by the issue."""
    inputs = {"sektor_bawaan": INITIAL_CATALOGUE[program].sektor, "pokok_masalah": pokok, "sektor_pilihan": None}
    assert decide(table("sektor_program"), inputs) == {"sektor": sektor}


@pytest.mark.parametrize("program,pokok,chosen", [
    ("NONPEMERINTAH", "pencairan_dana", "pendidikan"), ("DAERAH", "layanan_kesehatan", "kesehatan"),
    ("PKH", "administrasi_kependudukan", "sosial"), ("BPNT", "usaha_ekonomi", "lainnya")])
def test_the_sector_the_reviewing_officer_chose_wins_over_the_table(program, pokok, chosen):
    inputs = {"sektor_bawaan": INITIAL_CATALOGUE[program].sektor, "pokok_masalah": pokok, "sektor_pilihan": chosen}
    assert decide(table("sektor_program"), inputs) == {"sektor": chosen}


@pytest.mark.parametrize("terdaftar,pokok,kategori", [
    (False, None, "kepesertaan"), (True, "data_tidak_sesuai", "kepesertaan"), (True, "tidak_terdaftar", "kepesertaan"),
    (True, "penyaluran_bantuan", "non_kepesertaan")])
def test_category_suggestion_follows_registry_status_and_sub_issue(terdaftar, pokok, kategori):
    result = decide(table("saran_kategori"), {"terdaftar_dtks": terdaftar, "pokok_masalah": pokok})
    assert result == {"saran_kategori": kategori}
