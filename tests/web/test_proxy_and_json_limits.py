"""Issue 20, point 3 (the parts tests can show without nginx): deeply nested JSON gets 400, never 500,
and throttling keys on the real client address only when the peer is a trusted proxy."""

import pytest

from engine.config import load_settings
from engine.store.models import db
from web import create_app

LIMITS = {"public": [2, 60]}


def _app(backend, clock, **overrides):
    url, _tokens = backend
    settings = load_settings(overrides={"database_url": url, "secret_key": "kunci-uji",
                                        "batas_permintaan": LIMITS, **overrides})
    return create_app(settings=settings, clock=clock, config={"TESTING": True})


@pytest.mark.parametrize("levels", [33, 1000, 200_000])
def test_deeply_nested_json_is_refused_with_400(api, levels):
    body = "[" * levels + "]" * levels
    for path in ("/cases", "/auth/token"):
        response = api("fo.cianjur").client.post(f"/api/v1{path}", data=body, content_type="application/json",
                                                 headers=api("fo.cianjur").headers)
        assert response.status_code == 400, (path, levels)
        assert "terlalu dalam" in response.get_json()["message"]


def test_ordinary_nesting_still_works(api):
    response = api("fo.cianjur").post("/cases", json={"pelapor": {"nama": [[["x"]]]}})
    assert response.status_code == 422  # refused for its content, as before, not for its shape


def _public(client, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.get("/api/v1/public/cases/TIDAK-ADA", query_string={"kode": "x"}, headers=headers).status_code


def test_without_a_trusted_proxy_a_forwarded_header_cannot_dodge_the_throttle(backend, clock):
    app = _app(backend, clock)
    with app.app_context():
        client = app.test_client()
        codes = [_public(client, f"10.0.0.{n}") for n in range(1, 5)]
        assert 429 not in codes[:2] and codes[2:] == [429, 429]  # all counted against the peer
        db.session.remove()
        db.engine.dispose()


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(backend, clock):
    app = _app(backend, clock, proxy_tepercaya=["127.0.0.0/8"])
    with app.app_context():
        client = app.test_client()
        first = [_public(client, "203.0.113.7") for _ in range(3)]
        assert 429 not in first[:2] and first[2] == 429
        assert _public(client, "198.51.100.9") != 429  # another client behind the same proxy
        # a client that sends its own header is known by the address the proxy appended
        assert _public(client, "198.51.100.9, 203.0.113.7") == 429
        assert _public(client, "203.0.113.7, 192.0.2.44") != 429
        db.session.remove()
        db.engine.dispose()
