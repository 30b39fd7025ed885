"""Each app keeps its own state (app.extensions["slrt"]): two apps in one process never answer from
each other's caches or time zone."""

from dataclasses import replace
from datetime import datetime, timezone

from engine import state
from engine.cases import persistence
from engine.processes import versions
from engine.store.models import db
from tests.conftest import Clock, _settings
from web import create_app

NOON_UTC = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)


def test_two_apps_keep_their_own_time_zone_and_parsed_diagrams(backend):
    url, _tokens = backend
    wib = create_app(settings=_settings(url), clock=Clock())
    wit_settings = _settings(url)
    wit = create_app(settings=replace(wit_settings, sla={**wit_settings.sla, "utc_offset_jam": 9}), clock=Clock())
    with wib.app_context():
        bundle = versions.bundle_for(versions.latest_version_id("keluhan"))
        assert versions.bundle_for(versions.latest_version_id("keluhan")) is bundle  # parsed once per app
        assert persistence.local_time(NOON_UTC) == "2026-11-23 12:00 (UTC+07:00)"
    with wit.app_context():
        assert state.current() is not wib.extensions["slrt"]
        assert not state.current().bundles  # nothing the first app parsed is seen here
        assert versions.bundle_for(versions.latest_version_id("keluhan")) is not bundle
        assert persistence.local_time(NOON_UTC) == "2026-11-23 14:00 (UTC+09:00)"
        versions.forget_cached_bundles()
    with wib.app_context():
        assert state.current().bundles  # forgetting in the second app left the first one's cache
        assert persistence.local_time(NOON_UTC) == "2026-11-23 12:00 (UTC+07:00)"
    for app in (wib, wit):
        with app.app_context():
            db.engine.dispose()
