"""The complainant's identity leaves only on channels the configuration allows, enforced at the outbox
whatever the diagram wrote into the message; a confidential case never sends it. SQLite and PostgreSQL."""

import json
from dataclasses import replace

import pytest

from engine.cases import outbox
from engine.config import load_settings
from engine.errors import InvalidInput
from tests.cases.test_outbox import Agency
from tests.journeys import approve_pkh_referral, intake
from tests.processes.test_workflow_versions import publish

# An analyst's edit: the PKH referral now carries the whole complainant, the NIK under its own key,
# the phone number hidden inside a sentence and the name with spaces stretched.
LEAKY_PAYLOAD = ("workflows/sop_pkh.bpmn", "'pokok_masalah': pokok_masalah, 'uraian': uraian}",
                 "'pokok_masalah': pokok_masalah, 'uraian': uraian, 'pelapor': pelapor, 'nik': pelapor['nik'], "
                 "'catatan': 'hubungi ' + pelapor['telepon'] + ' a.n. ' + pelapor['nama'].upper(), "
                 "'lampiran': [{'nomor': pelapor['nik'][:6] + ' ' + pelapor['nik'][6:]}], "
                 "'keluarga': 'KK ' + pelapor['no_kk']}")


@pytest.fixture
def agency():
    server = Agency()
    yield server
    server.stop()


def _delivered(api, app, clock, agency, rahasia, identity_channels):
    publish(api, [LEAKY_PAYLOAD])
    case = approve_pkh_referral(api, intake(api, rahasia=rahasia, uraian="Bantuan belum diterima."))
    assert [m["saluran"] for m in case["rujukan"]] == ["langsung"]
    settings = replace(app.config["SLRT_SETTINGS"], outbox_endpoints={"langsung": agency.url},
                       identitas_saluran=identity_channels)
    assert outbox.deliver_due(clock(), settings) == (1, 0)
    (body,) = agency.accepted.values()
    return case, json.dumps(body, ensure_ascii=False), body["isi"]


def _identity(case):
    pelapor = case["data"]["pelapor"]
    assert len(pelapor["no_kk"]) == 16  # filled in from the DTKS at intake
    return {"nik": pelapor["nik"], "no_kk": pelapor["no_kk"], "telepon": "081234567890", "nama": "Siti Aminah",
            "alamat": "Kp. Babakan RT 01"}


def test_a_channel_not_named_for_identity_gets_none_of_it_whatever_the_diagram_wrote(api, app, clock, agency):
    case, sent, isi = _delivered(api, app, clock, agency, rahasia=False, identity_channels={"siks_ng": ["nik", "no_kk"]})
    for value in _identity(case).values():
        assert value not in sent and value.upper() not in sent
    assert case["data"]["pelapor"]["nik"][6:] not in sent  # not even split in two
    assert isi["nik"] == "[dirahasiakan]" and isi["pelapor"]["nik"] == "[dirahasiakan]"
    assert isi["catatan"] == "[dirahasiakan]" and isi["lampiran"] == [{"nomor": "[dirahasiakan]"}]
    assert isi["uraian"] == "Bantuan belum diterima." and isi["program"] == "PKH"  # the referral itself goes


def test_a_channel_allowed_name_and_phone_gets_those_and_still_no_nik(api, app, clock, agency):
    case, sent, isi = _delivered(api, app, clock, agency, rahasia=False,
                                 identity_channels={"langsung": ["nama", "telepon"]})
    assert isi["pelapor"]["nama"] == "Siti Aminah" and isi["pelapor"]["telepon"] == "081234567890"
    assert case["data"]["pelapor"]["nik"] not in sent and isi["nik"] == "[dirahasiakan]"
    assert "Kp. Babakan" not in sent


def test_a_channel_allowed_nik_and_kk_like_siks_ng_gets_those_and_nothing_else_of_the_identity(api, app, clock, agency):
    case, sent, isi = _delivered(api, app, clock, agency, rahasia=False, identity_channels={"langsung": ["nik", "no_kk"]})
    identity = _identity(case)
    assert isi["nik"] == identity["nik"] and isi["pelapor"]["nik"] == identity["nik"]
    assert isi["keluarga"] == "KK " + identity["no_kk"]
    for key in ("telepon", "nama", "alamat"):
        assert identity[key] not in sent and identity[key].upper() not in sent, key


def test_a_confidential_case_sends_no_identity_even_on_an_allowed_channel(api, app, clock, agency):
    case, sent, isi = _delivered(api, app, clock, agency, rahasia=True,
                                 identity_channels={"langsung": ["nik", "no_kk", "nama", "telepon", "alamat"]})
    for value in _identity(case).values():
        assert value not in sent and value.upper() not in sent
    assert isi["pelapor"]["nik"] == "[dirahasiakan]" and isi["uraian"] == "Bantuan belum diterima."


def test_a_misspelt_identity_field_in_the_configuration_is_refused_naming_it():
    with pytest.raises(InvalidInput) as refused:
        load_settings(overrides={"identitas_saluran": {"siks_ng": ["nik", "nomor_kk"]}}, environ={})
    assert list(refused.value.errors) == ["identitas_saluran.siks_ng[1]"]
    assert "no_kk" in refused.value.errors["identitas_saluran.siks_ng[1]"]
    assert load_settings(environ={}).identitas_saluran == {"siks_ng": ["nik", "no_kk"]}
