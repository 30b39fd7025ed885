"""Front-office search for a returning complainant: by ticket, NIK or name, inside the officer's area,
never showing a complaint about a village official to that village; on SQLite and PostgreSQL."""

import re

from flask import g

from engine.demo.seed import KENDARI_VILLAGE
from tests.conftest import PASSWORD
from tests.journeys import KNOWN_NIK, intake


def _page(app, username):
    client = app.test_client()
    g.pop("csrf_token", None)  # one app context for every client of the test: each signs in afresh
    form = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token}).status_code == 302
    g.pop("csrf_token", None)

    def search(text):
        answer = client.get("/cari-kasus", query_string={"q": text})
        return answer.status_code, re.findall(r'<a href="/kasus/\d+">([^<]+)</a>', answer.get_data(as_text=True)), \
            answer.get_data(as_text=True)

    return search


def _cases(api):
    siti = intake(api)["ticket"]  # Siti Aminah, KNOWN_NIK, in Sayang (Cianjur)
    about_official = intake(api, aparat_desa=True, uraian="Kepala desa memotong bantuan PKH warga.")["ticket"]
    other = intake(api, nik="3203019999000009", pelapor={"nik": "3203019999000009", "nama": "Ujang Sopandi"},
                   uraian="Kartu KIS tidak bisa dipakai di puskesmas.")["ticket"]
    kendari = intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE,
                     pelapor={"nik": KNOWN_NIK, "nama": "Siti Aminah"})["ticket"]
    return siti, about_official, other, kendari


def test_front_office_finds_a_returning_complainant_by_nik_name_or_ticket_in_its_area(app, api):
    siti, about_official, other, kendari = _cases(api)
    search = _page(app, "fo.cianjur")
    status, found, page = search(KNOWN_NIK)
    assert status == 200 and sorted(found) == sorted([siti, about_official])
    assert "Siti Aminah" in page and kendari not in page
    assert sorted(search("siti aminah")[1]) == sorted([siti, about_official])
    assert search("UJANG")[1] == [other]
    assert search(other)[1] == [other]
    assert search("3203-26")[1] == [other, about_official, siti]  # newest first
    assert search("Budi Santoso")[1] == []


def test_other_districts_and_the_village_see_only_what_they_may(app, api):
    siti, about_official, other, kendari = _cases(api)
    assert _page(app, "fo.kendari")(KNOWN_NIK)[1] == [kendari]
    assert _page(app, "fo.kendari")(siti)[1] == []
    village = _page(app, "fo.puskesos.sayang")  # a front office placed in the village itself
    assert sorted(village(KNOWN_NIK)[1]) == [siti]  # the complaint about its village official stays hidden
    assert about_official not in village("Siti")[2]


def test_search_is_for_the_intake_desk_and_explains_a_query_it_cannot_use(app, api):
    _cases(api)
    assert _page(app, "bo.sosial")(KNOWN_NIK)[0] == 403
    status, found, page = _page(app, "fo.cianjur")("ab")
    assert status == 422 and found == [] and "nama pelapor minimal 3 huruf" in page


def test_the_api_inbox_searches_by_ticket_within_the_officers_tasks(api):
    siti, about_official, other, kendari = _cases(api)
    found = api("fo.cianjur").get("/tasks", query_string={"tiket": other}).get_json()
    assert [t["ticket"] for t in found] == [other]
    assert api("fo.cianjur").get("/tasks", query_string={"tiket": kendari}).get_json() == []


def test_nik_and_name_are_found_by_an_indexed_key_lookup_that_keeps_no_identity_in_the_clear(app, api):
    from sqlalchemy import select, text

    from engine.cases import search
    from engine.store.models import CaseSearchKey, db

    siti, about_official, other, kendari = _cases(api)
    search_page = _page(app, "fo.cianjur")
    assert sorted(search_page("aminah siti")[1]) == sorted([siti, about_official])  # every word, any order
    assert sorted(search_page("Sit Amin")[1]) == sorted([siti, about_official])  # starts of words
    assert search_page("mina")[1] == []  # not the middle of a word
    stored = set(db.session.scalars(select(CaseSearchKey.kunci)))
    assert stored and not any(KNOWN_NIK in key or "siti" in key for key in stored)
    lookup = search.key_lookup([search.digest("nomor", KNOWN_NIK)])
    sql = str(lookup.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "USING" in plan and "INDEX" in plan and "SCAN case_search_keys" not in plan, plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny test table; ask whether an index serves
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        assert "Index" in plan and "Seq Scan" not in plan, plan
    db.session.rollback()
