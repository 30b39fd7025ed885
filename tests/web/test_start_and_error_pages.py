"""Each role lands on its own start page after signing in; error pages say what happened and lead on."""

import re

import pytest
from flask import g

from tests.conftest import PASSWORD

START = [("fo.cianjur", "/kotak-masuk"), ("manajer.cianjur", "/kotak-masuk"), ("admin.cianjur", "/admin/pengguna"),
         ("analis.cianjur", "/alur-kerja"), ("auditor.cianjur", "/audit/"), ("pemantau.cianjur", "/dasbor")]


def _sign_in(client, username):
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
    g.pop("csrf_token", None)
    return answer


@pytest.mark.parametrize("username,path", START, ids=[s[0] for s in START])
def test_each_role_lands_on_the_start_page_of_its_work(app, username, path):
    client = app.test_client()
    answer = _sign_in(client, username)
    assert answer.status_code == 302
    assert answer.headers["Location"] == path
    assert client.get(path).status_code == 200


def test_a_missing_page_names_the_problem_and_leads_back_with_the_menu(app):
    client = app.test_client()
    _sign_in(client, "fo.cianjur")
    missing = client.get("/kasus/999999", headers={"Referer": "http://localhost/kotak-masuk"})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 404
    assert 'id="kembali-sebelumnya"' in page and 'href="/kotak-masuk" id="kembali-sebelumnya"' in page
    assert 'href="/" id="ke-beranda"' in page and "Ke halaman awal saya" in page
    assert 'aria-label="Menu utama"' in page and "Meja depan" in page  # the officer's own menu
    unknown = client.get("/tidak-ada-halaman-ini?lang=en")
    assert unknown.status_code == 404 and "Go to my start page" in unknown.get_data(as_text=True)


def test_a_forbidden_page_leads_to_the_officers_own_start_page(app):
    client = app.test_client()
    _sign_in(client, "pemantau.cianjur")
    refused = client.get("/meja-depan")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Halaman ini tidak untuk peran atau wilayah Anda." in page and 'id="ke-beranda"' in page
    assert client.get("/").headers["Location"] == "/dasbor"


def test_a_stranger_on_an_error_page_is_offered_sign_in_and_the_status_page(app):
    page = app.test_client().get("/tidak-ada").get_data(as_text=True)
    assert 'href="/masuk" id="ke-beranda"' in page and 'href="/status"' in page
