"""The demo seed, the DTKS registry (lookup and CSV import) and password sign-in."""

import re
from datetime import date, datetime, timezone

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import func, select

from engine.domain.roles import ALL_ROLES
from engine.errors import AuthenticationFailed, InvalidInput, SlrtError
from engine.people import auth
from engine.registry import dtks
from engine.demo import seed
from engine.demo.seed import DEMO_VILLAGE, KENDARI_VILLAGE, KNOWN_KK, KNOWN_NIK, UNREGISTERED_NIK
from engine.store.database import configure_engine
from engine.store.models import Household, HouseholdMember, Program, Region, User, db

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
PASSWORD = "slrt-demo-2026"
HEADER = "no_kk,nik,nama,jenis_kelamin,tanggal_lahir,hubungan,disabilitas,wilayah,alamat,desil,program\n"
# Test numbers end in 0000, a serial the seed never generates.
NEW_KK = "3203020101240000"
NEW_ROW = f"{NEW_KK},3203024403900000,Imas Maryati,P,1990-03-04,kepala keluarga,0,3203022001,Kp. Munjul,2,PKH;PIP\n"


@pytest.fixture
def app(tmp_path):
    app = Flask("t")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/t.db"
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        db.create_all()
        yield app
        db.session.remove()


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2 at its smallest cost: the seed hashes 25 passwords per test."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def seeded(app):
    return seed.seed_demo(NOW)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _counts():
    return {m.__name__: _count(m) for m in (Region, Program, Household, HouseholdMember, User)}


# --- seed -----------------------------------------------------------------------------------------

def test_seed_builds_a_region_tree_from_province_to_village(seeded):
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    parent_level = {"desa": "kecamatan", "kecamatan": "kabupaten", "kabupaten": "provinsi"}
    digits = {"provinsi": 2, "kabupaten": 4, "kecamatan": 6, "desa": 10}
    for region in regions.values():
        assert len(region.code) == digits[region.level] and region.code.isdigit()
        if region.level == "provinsi":
            assert region.parent_code is None
        else:
            parent = regions[region.parent_code]
            assert parent.level == parent_level[region.level]
            assert region.code.startswith(parent.code)
    villages = [r for r in regions.values() if r.level == "desa"]
    assert sum(v.code.startswith("3203") for v in villages) == 9
    assert sum(v.code.startswith("7471") for v in villages) == 4
    assert regions[DEMO_VILLAGE].level == regions[KENDARI_VILLAGE].level == "desa"
    assert regions["3203"].name == "Kabupaten Cianjur" and regions["7471"].name == "Kota Kendari"
    assert seeded["regions"] == len(regions)


def test_seed_creates_the_program_catalogue_with_routing_agencies(seeded):
    programs = {p.code: p for p in db.session.scalars(select(Program))}
    assert set(programs) == {"PKH", "BPNT", "PIP", "PIS-PBI", "DAERAH", "NONPEMERINTAH", "LAINNYA"}
    assert programs["PKH"].agency == "KEMENSOS_JSK"
    assert programs["BPNT"].agency == "TIKOR_RASTRA"
    assert programs["PIS-PBI"].agency == "BPJS_KESEHATAN"
    assert programs["NONPEMERINTAH"].level == "nonpemerintah"
    assert all(p.description and p.criteria and p.active for p in programs.values())


def test_seed_creates_at_least_one_user_per_role_and_reports_them(seeded):
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {u.role for u in users.values()} == set(ALL_ROLES)
    assert [u["username"] for u in seeded["users"]] == [u.username for u in
                                                          db.session.scalars(select(User).order_by(User.id))]
    assert users["bo.kesehatan"].sektor == "kesehatan" and users["bo.kendari"].sektor is None
    assert users["fasilitator.cianjur"].wilayah == "320301"
    assert users["pp.kemensos"].instansi == "KEMENSOS_JSK" and users["pp.kemensos"].wilayah == ""
    assert users["pp.dinkes"].wilayah == "3203" and users["fo.kendari"].wilayah == "7471"
    assert all(re.fullmatch(r"[a-z]+(\.[a-z]+)+", name) for name in users)
    assert all(u.created_at == NOW for u in users.values())


def test_seed_loads_households_with_well_formed_numbers(seeded):
    households = list(db.session.scalars(select(Household)))
    members = list(db.session.scalars(select(HouseholdMember)))
    assert len(households) == seeded["households"] == 320
    assert len(members) == seeded["members"]
    assert sum(h.wilayah.startswith("3203") for h in households) == 300
    by_kk = {h.no_kk: h for h in households}
    sizes = {}
    for m in members:
        sizes[m.no_kk] = sizes.get(m.no_kk, 0) + 1
        household = by_kk[m.no_kk]
        assert re.fullmatch(r"\d{16}", m.nik) and m.nik[:6] == household.wilayah[:6]
        born = date.fromisoformat(m.tanggal_lahir)
        day = born.day + (40 if m.jenis_kelamin == "P" else 0)
        assert m.nik[6:12] == f"{day:02d}{born.month:02d}{born.year % 100:02d}"
    for h in households:
        assert re.fullmatch(r"\d{16}", h.no_kk) and h.no_kk[:6] == h.wilayah[:6]
        assert 1 <= h.desil <= 4 and set(h.programs) <= {"PKH", "BPNT", "PIP", "PIS-PBI"}
        assert 2 <= sizes[h.no_kk] <= 6
    assert any(not h.programs for h in households)
    assert 0 < sum(m.disabilitas for m in members) < len(members) * 0.1


def test_seed_keeps_the_fixed_records_apart_from_the_random_sample(seeded):
    assert db.session.get(HouseholdMember, UNREGISTERED_NIK) is None
    known = db.session.get(HouseholdMember, KNOWN_NIK)
    assert known.no_kk == KNOWN_KK and known.jenis_kelamin == "P"
    assert db.session.get(Household, KNOWN_KK).wilayah == DEMO_VILLAGE
    family = db.session.scalars(select(HouseholdMember.nik).where(HouseholdMember.no_kk == KNOWN_KK)).all()
    assert set(family) == {m[0] for m in seed.KNOWN_MEMBERS}


def test_seed_is_deterministic(app):
    def snapshot():
        rows = db.session.execute(select(HouseholdMember.nik, HouseholdMember.nama, HouseholdMember.no_kk)
                                  .order_by(HouseholdMember.nik)).all()
        return [tuple(r) for r in rows]

    seed.seed_demo(NOW)
    first = snapshot()
    db.session.remove()
    db.drop_all()
    db.create_all()
    seed.seed_demo(NOW)
    assert snapshot() == first


def test_seeding_twice_is_refused_and_changes_nothing(seeded):
    before = _counts()
    with pytest.raises(SlrtError, match="sudah berisi data"):
        seed.seed_demo(NOW, password="another-password")
    assert _counts() == before
    auth.authenticate("fo.cianjur", PASSWORD)


# --- registry lookup ------------------------------------------------------------------------------

def test_registered_citizen_is_found_by_nik_with_programs(seeded):
    found = dtks.lookup(nik=KNOWN_NIK)
    assert found["terdaftar"] is True and found["nik_cocok"] is True
    assert found["no_kk"] == KNOWN_KK and found["wilayah"] == DEMO_VILLAGE
    assert set(found["program"]) == {"PKH", "BPNT"}
    assert found["anggota"] == len(seed.KNOWN_MEMBERS)


def test_household_is_found_by_family_card_number_alone(seeded):
    found = dtks.lookup(no_kk=KNOWN_KK)
    assert found["terdaftar"] is True and found["no_kk"] == KNOWN_KK
    assert set(found["program"]) == {"PKH", "BPNT"} and found["nik_cocok"] is False


def test_unregistered_citizen_is_reported_not_registered(seeded):
    found = dtks.lookup(nik=UNREGISTERED_NIK)
    assert found["terdaftar"] is False and found["no_kk"] is None and found["program"] == []


# --- registry CSV import --------------------------------------------------------------------------

def test_csv_import_adds_a_new_household_and_updates_an_existing_one(seeded):
    households, members = _count(Household), _count(HouseholdMember)
    text = (HEADER + NEW_ROW
            + f"{NEW_KK},3203021505150000,Raka Maryati,L,2015-05-15,anak,1,3203022001,Kp. Munjul,2,PKH;PIP\n"
            + f"{KNOWN_KK},{KNOWN_NIK},Euis Komalasari,P,1985-06-05,istri,0,{DEMO_VILLAGE},"
              f"Kp. Babakan RT 003/RW 005,1,PKH;BPNT;PIS-PBI\n"
            + f"{KNOWN_KK},3203014702200000,Salsabila Saepudin,P,2020-02-07,anak,0,{DEMO_VILLAGE},"
              f"Kp. Babakan RT 003/RW 005,1,PKH;BPNT;PIS-PBI\n")
    assert dtks.import_csv(text, NOW) == (2, 4)
    assert _count(Household) == households + 1 and _count(HouseholdMember) == members + 3
    new = dtks.lookup(nik="3203021505150000")
    assert new["no_kk"] == NEW_KK and new["anggota"] == 2 and new["program"] == ["PKH", "PIP"]
    assert db.session.get(HouseholdMember, "3203021505150000").disabilitas is True
    updated = dtks.lookup(nik=KNOWN_NIK)
    assert updated["program"] == ["PKH", "BPNT", "PIS-PBI"] and updated["anggota"] == len(seed.KNOWN_MEMBERS) + 1
    assert db.session.get(Household, KNOWN_KK).alamat == "Kp. Babakan RT 003/RW 005"


@pytest.mark.parametrize("bad_row, complaint", [
    (f"{NEW_KK},32030244039,Imas,P,1990-03-04,anak,0,3203022001,Kp. Munjul,2,PKH\n", "nik"),
    (f"{NEW_KK},3203024403910000,Imas,P,1991-03-04,anak,0,3203029999,Kp. Munjul,2,PKH\n", "wilayah"),
    (f"{NEW_KK},3203024403910000,Imas,P,1991-03-04,anak,0,3203022001,Kp. Munjul,2,PKH;BLT\n", "program"),
    (f"{NEW_KK},3203020403910000,Ujang,X,1991-03-04,anak,0,3203022001,Kp. Munjul,2,PKH\n", "jenis_kelamin"),
])
def test_csv_with_one_bad_row_is_refused_naming_the_line_and_writes_nothing(seeded, bad_row, complaint):
    before = _counts()
    good_update = f"{KNOWN_KK},{KNOWN_NIK},Euis Diubah,P,1985-06-05,istri,0,{DEMO_VILLAGE},Kp. Lain,3,PIP\n"
    with pytest.raises(InvalidInput) as refused:
        dtks.import_csv(HEADER + NEW_ROW + good_update + bad_row, NOW)
    assert list(refused.value.errors) == ["baris 4"]
    assert complaint in refused.value.errors["baris 4"]
    assert _counts() == before
    assert db.session.get(HouseholdMember, KNOWN_NIK).nama == "Euis Komalasari"
    assert db.session.get(Household, NEW_KK) is None


def test_csv_missing_a_column_is_refused(seeded):
    before = _counts()
    header = HEADER.replace(",desil", "")
    row = NEW_ROW.replace(",2,PKH;PIP", ",PKH;PIP")
    with pytest.raises(InvalidInput) as refused:
        dtks.import_csv(header + row, NOW)
    assert "desil" in refused.value.errors["kolom"]
    assert _counts() == before


# --- sign-in --------------------------------------------------------------------------------------

def test_seeded_officer_signs_in_with_the_demo_password(seeded):
    actor = auth.authenticate("bo.kesehatan", PASSWORD)
    assert (actor.username, actor.role, actor.wilayah, actor.sektor) == \
        ("bo.kesehatan", "back_office", "3203", "kesehatan")
    assert auth.authenticate("pp.bpjs", PASSWORD).instansi == "BPJS_KESEHATAN"


@pytest.mark.parametrize("username, password", [
    ("bo.kesehatan", "salah-sandi-2026"),
    ("tidak.ada", PASSWORD),
    ("bo.kesehatan", ""),
    ("", PASSWORD),
])
def test_sign_in_fails_with_a_wrong_password_or_an_unknown_user(seeded, username, password):
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(username, password)


def test_seed_uses_the_password_it_is_given(app):
    seed.seed_demo(NOW, password="kata-sandi-lain")
    assert auth.authenticate("manajer.kendari", "kata-sandi-lain").wilayah == "7471"
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("manajer.kendari", PASSWORD)
