"""Typed settings: config.yaml, SLRT_* variables and overrides are checked against the declared keys
and types when they are loaded, so a typo stops the start with a message naming the key."""

import pytest

from engine.config import Settings, load_settings
from engine.errors import InvalidInput
from engine.processes import dry_run

NO_ENVIRONMENT = {}


def _refusal(**kwargs):
    kwargs.setdefault("environ", NO_ENVIRONMENT)
    with pytest.raises(InvalidInput) as refused:
        load_settings(**kwargs)
    return refused.value


def test_the_shipped_configuration_loads_with_its_declared_types():
    settings = load_settings(environ=NO_ENVIRONMENT)
    assert isinstance(settings, Settings)
    assert settings.token_ttl_hours == 720 and settings.outbox_timeout_seconds == 10
    assert settings.batas_permintaan["sign_in"] == (10, 300)
    assert settings.sla["utc_offset_jam"] == 7
    assert settings.sla["batas"]["pengakuan"] == {"jam": 8.0}
    assert settings.scenarios_dir == "scenarios"


def test_a_misspelt_key_in_the_file_is_refused_naming_it_and_the_known_keys(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("database_url: sqlite://\ntoken_ttl_jam: 24\n", encoding="utf-8")
    refused = _refusal(path=path)
    assert list(refused.errors) == ["token_ttl_jam"]
    assert "token_ttl_jam" in str(refused) and "token_ttl_hours" in refused.errors["token_ttl_jam"]


def test_a_misspelt_key_inside_a_section_is_refused_with_its_path(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("sla:\n  batas:\n    penerusan: {hari: 3}\n", encoding="utf-8")
    refused = _refusal(path=path)
    assert list(refused.errors) == ["sla.batas.penerusan.hari"]
    assert "hari_kerja" in refused.errors["sla.batas.penerusan.hari"]


def test_an_unknown_override_is_refused():
    assert list(_refusal(overrides={"databse_url": "sqlite://"}).errors) == ["databse_url"]


@pytest.mark.parametrize("key, value, expected", [
    ("token_ttl_hours", "sebulan", "int"),
    ("smtp", {"host": "127.0.0.1", "port": "dua lima"}, "int"),
    ("batas_permintaan", {"public": [30]}, "tuple[int, int]"),
    ("outbox_endpoints", ["http://siks-ng.example"], "dict[str, str]"),
    ("sla", {"utc_offset_jam": True}, "int"),
])
def test_a_value_of_the_wrong_type_is_refused_naming_the_expected_type(key, value, expected):
    refused = _refusal(overrides={key: value})
    (where, message), = refused.errors.items()
    assert where.startswith(key) and expected in message


def test_an_unknown_slrt_variable_is_refused_but_the_process_variables_are_not():
    refused = _refusal(environ={"SLRT_DATABASE_URI": "sqlite://"})
    assert list(refused.errors) == ["SLRT_DATABASE_URI"]
    assert "SLRT_DATABASE_URL" in refused.errors["SLRT_DATABASE_URI"]
    settings = load_settings(environ={"SLRT_WEB_JOBS": "0", "SLRT_TEST_WORKERS": "2", "SLRT_BENCH_LOG": "x"})
    assert settings.database_url == "sqlite:///instance/slrt.db"


def test_environment_values_are_parsed_to_the_declared_types_and_overrides_win():
    environ = {"SLRT_TOKEN_TTL_HOURS": "24", "SLRT_SMTP": '{"host": "127.0.0.1", "port": 2525}',
               "SLRT_BATAS_PERMINTAAN": '{"public": [3, 60]}', "SLRT_SECRET_KEY": "dari-lingkungan"}
    settings = load_settings(environ=environ, overrides={"secret_key": "dari-kode"})
    assert settings.token_ttl_hours == 24
    assert settings.smtp == {"host": "127.0.0.1", "port": 2525}
    assert settings.batas_permintaan == {"public": (3, 60)}
    assert settings.secret_key == "dari-kode"
    assert list(_refusal(environ={"SLRT_TOKEN_TTL_HOURS": "satu hari"}).errors) == ["SLRT_TOKEN_TTL_HOURS"]


def test_the_dry_run_reads_its_scenarios_from_the_configured_folder(tmp_path):
    (tmp_path / "satu.yaml").write_text("nama: Satu\npengaduan: {}\nlangkah: []\nharapan: {selesai: true}\n",
                                        encoding="utf-8")
    settings = load_settings(environ=NO_ENVIRONMENT, overrides={"scenarios_dir": str(tmp_path)})
    assert [name for name, _scenario in dry_run.suite(settings)] == ["satu"]
    shipped = load_settings(environ=NO_ENVIRONMENT)
    assert len(dry_run.suite(shipped)) > 1
