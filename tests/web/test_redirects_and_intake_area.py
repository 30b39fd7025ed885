"""Security round two: the sign-in redirect stays on this site, and intake's registry lookup keeps
to the officer's area (issue 20, points 4 and 5)."""

import re

from engine.demo.seed import KENDARI_VILLAGE, KNOWN_KK, KNOWN_NIK
from tests.conftest import PASSWORD
from tests.journeys import intake
from tests.web.test_pages import PageClient


def _sign_in(app, next_value):
    client = PageClient(app.test_client())
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)).group(1)
    return client.post("/masuk", query_string={"next": next_value},
                       data={"username": "fo.cianjur", "password": PASSWORD, "csrf_token": token})


def test_sign_in_never_redirects_to_another_site(app):
    for hostile in ("/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example",
                    "https://evil.example/", "/ /evil.example", "/\x7f/evil.example"):
        response = _sign_in(app, hostile)
        assert response.status_code == 302, hostile
        location = response.headers["Location"]
        assert "evil.example" not in location, (hostile, location)
        assert location.endswith("/kotak-masuk"), (hostile, location)


def test_carriage_return_in_next_falls_back_to_the_start_page_not_500(app):
    response = _sign_in(app, "/kotak-masuk\r\nSet-Cookie: dicuri=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kotak-masuk")
    assert "dicuri" not in str(response.headers)


def test_a_local_next_still_works_after_sign_in(app):
    response = _sign_in(app, "/faq?q=PKH")
    assert response.status_code == 302 and response.headers["Location"].endswith("/faq?q=PKH")


def test_intake_in_kendari_with_a_cianjur_nik_gets_no_household_details(api):
    case = intake(api, user="fo.kendari", nik=KNOWN_NIK, wilayah=KENDARI_VILLAGE)
    body = str(case)
    assert KNOWN_KK not in body
    assert case["data"]["program_dtks"] == []
    assert case["data"]["pelapor"]["no_kk"] is None
    # the household is registered, and that much is said (as the officer's own DTKS search says)
    assert case["data"]["terdaftar_dtks"] is True


def test_intake_in_the_households_own_district_still_fills_kk_and_programs(api):
    case = intake(api, user="fo.cianjur", nik=KNOWN_NIK)
    assert case["data"]["pelapor"]["no_kk"] == KNOWN_KK
    assert sorted(case["data"]["program_dtks"]) == ["BPNT", "PKH"]
