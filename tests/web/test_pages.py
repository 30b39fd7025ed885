"""Officer pages through the Flask client: what an officer sees when things go wrong, and the queue."""

import re

import pytest
from flask import g

from engine.people import auth
from tests.conftest import PASSWORD
from tests.journeys import TELAAH, inbox_task, intake, telaah


class PageClient:
    """A browser-like client. The test holds an app context, which Flask reuses for each request,
    so the per-request CSRF cache in `g` is cleared before every request, as a real request would."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        g.pop("csrf_token", None)
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        g.pop("csrf_token", None)
        return self.client.post(*args, **kwargs)


def signed_in(app, username, password=PASSWORD):
    client = PageClient(app.test_client())
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)).group(1)
    response = client.post("/masuk", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302
    return client


def csrf_of(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def second_front_office(app):
    auth.create_user("fo.cianjur2", "rahasia-sekali", "Dewi Lestari", "front_office", "3203",
                     now=app.config["SLRT_CLOCK"]())
    return signed_in(app, "fo.cianjur2", "rahasia-sekali")


def test_submitting_a_task_someone_else_completed_says_so_and_keeps_what_was_typed(api, app, second_front_office):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    mine = signed_in(app, "fo.cianjur")
    token = csrf_of(mine, f"/tugas/{task['id']}")
    assert api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()}).status_code == 200
    typed = {**telaah(), "catatan_telaah": "Catatan panjang yang saya ketik sendiri.", "csrf_token": token}
    response = mine.post(f"/tugas/{task['id']}", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sudah diselesaikan oleh petugas lain" in page and "tidak ada yang hilang" in page
    assert "Catatan panjang yang saya ketik sendiri." in page


def test_invalid_task_form_shows_each_error_in_indonesian_and_keeps_the_values(api, app):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    client = signed_in(app, "fo.cianjur")
    token = csrf_of(client, f"/tugas/{task['id']}")
    response = client.post(f"/tugas/{task['id']}", data={"jenis_keluhan": "pengaduan", "catatan_telaah": "draf",
                                                         "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kategori wajib diisi" in page and "Pokok masalah wajib diisi" in page
    assert 'aria-invalid="true"' in page and ">draf</textarea>" in page


def test_task_form_posted_without_csrf_token_is_refused(api, app):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    client = signed_in(app, "fo.cianjur")
    assert client.post(f"/tugas/{task['id']}", data=telaah()).status_code == 400
    assert inbox_task(api, "fo.cianjur", case["id"], TELAAH)["status"] == "siap"


def test_a_task_claimed_by_someone_else_is_shown_as_taken_in_the_inbox(api, app, second_front_office):
    case = intake(api)
    task = inbox_task(api, "fo.cianjur", case["id"], TELAAH)
    client = signed_in(app, "fo.cianjur")
    response = client.post(f"/tugas/{task['id']}/ambil", data={"csrf_token": csrf_of(client, "/kotak-masuk")})
    assert response.status_code == 302
    page = second_front_office.get("/kotak-masuk").get_data(as_text=True)
    assert "Rina Marlina" in page and "Dikerjakan petugas lain: 1" in page
    mine = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Saya kerjakan: 1" in mine and ">Lepas</button>" in mine


def test_inbox_filters_by_program(api, app):
    intake(api, program="PKH")
    intake(api, program="PIP")
    client = signed_in(app, "fo.cianjur")
    page = client.get("/kotak-masuk?program=PIP").get_data(as_text=True)
    assert "Semua: <strong>1</strong>" in page and "3203-26-00002" in page and "3203-26-00001" not in page


def test_queue_numbers_are_taken_and_called_in_order(app):
    client = signed_in(app, "fo.cianjur")
    for _ in range(2):
        client.post("/antrian/ambil", data={"csrf_token": csrf_of(client, "/meja-depan")})
    client.post("/antrian/panggil", data={"csrf_token": csrf_of(client, "/meja-depan")})
    page = client.get("/meja-depan").get_data(as_text=True)
    assert 'id="dipanggil">A-001<' in page and "Menunggu: A-002" in page
    assert 'value="A-001"' in page  # the called number is ready for the registration form


def test_intake_desk_refuses_bad_input_naming_each_field_and_keeps_values(app):
    client = signed_in(app, "fo.cianjur")
    response = client.post("/meja-depan", data={"csrf_token": csrf_of(client, "/meja-depan"), "kanal": "sekretariat",
                                                "pelapor.nik": "123", "pelapor.nama": "Asep", "uraian": "ok"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "NIK harus 16 angka" in page and "wilayah" in page and 'value="Asep"' in page


def test_public_status_page_refuses_a_wrong_code(api, app):
    case = intake(api, jenis_keluhan="pertanyaan")
    client = PageClient(app.test_client())
    assert client.get(f"/status?tiket={case['ticket']}&kode=XXXXXX").status_code == 404
    ok = client.get(f"/status?tiket={case['ticket']}&kode={case['tracking_code']}")
    assert ok.status_code == 200 and "sedang ditangani" in ok.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://jahat.example/", "//jahat.example/", "/\\jahat.example/"])
def test_sign_in_never_redirects_off_the_site(app, target):
    client = PageClient(app.test_client())
    token = csrf_of(client, "/masuk")
    response = client.post(f"/masuk?next={target}", data={"username": "fo.cianjur", "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/kotak-masuk"
