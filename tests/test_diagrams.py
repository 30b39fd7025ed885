"""The shipped diagrams: layout for modelers, lanes named after roles, decision tables on their own."""

import itertools
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.decisions import decide, load_decision, matching_rules
from engine.domain.roles import role_for_lane
from engine.domain.vocabulary import KATEGORI, PROGRAM
from engine.errors import WorkflowFailure

ROOT = Path(__file__).resolve().parent.parent
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
FLOW_NODES = ("startEvent", "endEvent", "userTask", "scriptTask", "businessRuleTask", "serviceTask", "task",
              "exclusiveGateway", "parallelGateway", "inclusiveGateway", "boundaryEvent", "callActivity",
              "intermediateCatchEvent", "intermediateThrowEvent", "subProcess")
DIAGRAMS = sorted((ROOT / "workflows").glob("*.bpmn"))
POKOK = ("kualitas_beras", "kuantitas_beras", "penyaluran_bantuan", "layanan_kesehatan", "kartu_kepesertaan",
         "iuran", "pencairan_dana", "lainnya", None)


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


@pytest.fixture(scope="module")
def routing():
    return load_decision((ROOT / "rules" / "tujuan_rujukan.dmn").read_bytes(), "tujuan_rujukan.dmn")


@pytest.mark.parametrize("inputs,expected", [
    ({"kategori": "kepesertaan", "program": "PIP", "pokok_masalah": None, "jenis_sekolah": None},
     ("POKJA_DATA_TERPADU", "siks_ng")),
    ({"kategori": "non_kepesertaan", "program": "PKH", "pokok_masalah": "pendamping", "jenis_sekolah": None},
     ("KEMENSOS_JSK", "langsung")),
    ({"kategori": "non_kepesertaan", "program": "BPNT", "pokok_masalah": "kualitas_beras", "jenis_sekolah": None},
     ("BULOG", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "BPNT", "pokok_masalah": "kuantitas_beras", "jenis_sekolah": None},
     ("BULOG", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "BPNT", "pokok_masalah": "penyaluran_bantuan",
      "jenis_sekolah": None}, ("TIKOR_RASTRA", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "PIP", "pokok_masalah": None, "jenis_sekolah": "umum"},
     ("KEMENDIKBUD", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "PIP", "pokok_masalah": None, "jenis_sekolah": "madrasah"},
     ("KEMENAG", "langsung")),
    ({"kategori": "non_kepesertaan", "program": "PIS-PBI", "pokok_masalah": "layanan_kesehatan",
      "jenis_sekolah": None}, ("DINKES", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "PIS-PBI", "pokok_masalah": "kartu_kepesertaan",
      "jenis_sekolah": None}, ("BPJS_KESEHATAN", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "PIS-PBI", "pokok_masalah": "iuran", "jenis_sekolah": None},
     ("BPJS_KESEHATAN", "lapor")),
    ({"kategori": "non_kepesertaan", "program": "DAERAH", "pokok_masalah": None, "jenis_sekolah": None},
     ("OPD_DAERAH", "langsung")),
    ({"kategori": "non_kepesertaan", "program": "NONPEMERINTAH", "pokok_masalah": None, "jenis_sekolah": None},
     ("MITRA_NONPEMERINTAH", "langsung")),
])
def test_routing_table_gives_each_row_of_the_domain_table(routing, inputs, expected):
    result = decide(routing, inputs)
    assert (result["tujuan_rujukan"], result["saluran_rujukan"]) == expected


def test_routing_table_matches_exactly_one_rule_for_every_combination(routing):
    for kategori, program, pokok, sekolah in itertools.product(KATEGORI, PROGRAM, POKOK, ("umum", "madrasah", None)):
        inputs = {"kategori": kategori, "program": program, "pokok_masalah": pokok, "jenis_sekolah": sekolah}
        assert len(matching_rules(routing, inputs)) == 1, inputs


def test_a_case_no_rule_matches_fails_loudly_instead_of_routing_nowhere(routing):
    with pytest.raises(WorkflowFailure) as failed:
        decide(routing, {"kategori": "non_kepesertaan", "program": "BARU", "pokok_masalah": None,
                         "jenis_sekolah": None})
    assert "tidak punya aturan yang cocok" in failed.value.message


@pytest.mark.parametrize("program,sektor", [("PKH", "sosial"), ("BPNT", "sosial"), ("PIP", "pendidikan"),
                                            ("PIS-PBI", "kesehatan"), ("DAERAH", "lainnya"),
                                            ("NONPEMERINTAH", "lainnya"), ("LAINNYA", "lainnya")])
def test_sector_table_sends_each_program_to_its_back_office(program, sektor):
    table = load_decision((ROOT / "rules" / "sektor_program.dmn").read_bytes(), "sektor_program.dmn")
    assert decide(table, {"program": program}) == {"sektor": sektor}
