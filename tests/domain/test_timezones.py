"""The district's zone follows its province: WIB, WITA or WIT, labelled."""

from datetime import datetime, timezone

import pytest

from engine.domain.timezones import local_text

NOON_UTC = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("wilayah, expected", [
    ("3203012001", "23-11-2026 12:00 WIB"),    # Cianjur, West Java
    ("7471011001", "23-11-2026 13:00 WITA"),   # Kendari, Southeast Sulawesi
    ("5171", "23-11-2026 13:00 WITA"),         # Denpasar, Bali
    ("6371", "23-11-2026 13:00 WITA"),         # Banjarmasin, South Kalimantan
    ("6171", "23-11-2026 12:00 WIB"),          # Pontianak, West Kalimantan
    ("9171", "23-11-2026 14:00 WIT"),          # Jayapura, Papua
    ("8171", "23-11-2026 14:00 WIT"),          # Ambon, Maluku
])
def test_an_instant_reads_in_the_zone_of_the_areas_province(wilayah, expected):
    assert local_text(NOON_UTC, wilayah) == expected


def test_without_an_area_the_configured_zone_is_used_and_stored_text_reads_as_utc():
    assert local_text(NOON_UTC, "", default=8) == "23-11-2026 13:00 WITA"
    assert local_text("2026-11-23T05:00:00", None) == "23-11-2026 12:00 WIB"  # naive ISO text is UTC
    assert local_text(None, "3203") == "-"
