"""The `slrt` command: demo set-up, registry import, users and tokens, firing timers as of an instant."""

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from engine.config import load_settings
from engine.demo.seed import DEMO_VILLAGE
from web import create_app
from web.cli import cli


@pytest.fixture
def run(tmp_path):
    settings = load_settings(overrides={"database_url": f"sqlite:///{tmp_path}/cli.db"})
    app = create_app(settings=settings)

    def invoke(*args, input=None):
        with app.app_context():
            result = CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app), input=input)
        return result

    return invoke


def test_demo_loads_data_once_and_prints_the_logins(run):
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "fo.cianjur" in first.output and "slrt-demo-2026" in first.output
    again = run("demo", "--port", "8123")
    assert again.exit_code == 0 and "Data demo dimuat" not in again.output
    assert "Buka http://127.0.0.1:5000/masuk" in first.output  # the port `./run demo` serves on by default
    assert "Buka http://127.0.0.1:8123/masuk" in again.output  # and the one it was told


def test_registry_import_is_all_or_nothing(run, tmp_path):
    assert run("demo").exit_code == 0
    good = tmp_path / "dtks.csv"
    good.write_text(
        "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan,disabilitas,wilayah,alamat,desil,program\n"
        f"3203019999000001,3203011201800001,Ujang Sopandi,L,1980-01-12,kepala keluarga,0,{DEMO_VILLAGE},Kp. Cibodas,2,PKH\n",
        encoding="utf-8")
    result = run("import-registry", str(good))
    assert result.exit_code == 0 and "1 rumah tangga" in result.output
    bad = tmp_path / "buruk.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace("3203011201800001", "12345"), encoding="utf-8")
    refused = run("import-registry", str(bad))
    assert refused.exit_code == 1 and "baris 2" in refused.output


def test_created_user_gets_a_token(run):
    assert run("demo").exit_code == 0
    made = run("create-user", "fo.baru", "--role", "front_office", "--name", "Rina Marlina", "--wilayah", "3203",
               input="kata-sandi-kuat\nkata-sandi-kuat\n")
    assert made.exit_code == 0, made.output
    token = run("create-token", "fo.baru", "--hours", "2")
    assert token.exit_code == 0 and len(token.output.splitlines()[0]) >= 40
    assert run("create-token", "tidak.ada").exit_code == 1
    duplicate = run("create-user", "fo.baru", "--role", "front_office", "--name", "X",
                    input="kata-sandi-kuat\nkata-sandi-kuat\n")
    assert duplicate.exit_code == 1 and "sudah dipakai" in duplicate.output


def test_fire_timers_as_of_an_instant_with_nothing_due(run):
    assert run("demo").exit_code == 0
    result = run("fire-timers", "--as-of", "2026-12-01T09:00:00+07:00")
    assert result.exit_code == 0 and "0 timer" in result.output
