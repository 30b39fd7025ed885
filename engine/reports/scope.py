"""What a dashboard covers: an area and a run of local months (shared by the figures and the summary rows)."""

from dataclasses import dataclass

LEVELS = {0: "nasional", 2: "provinsi", 4: "kabupaten", 6: "kecamatan", 10: "desa"}
SUB_DIGITS = {0: 2, 2: 4, 4: 6, 6: 10, 10: 10}


@dataclass(frozen=True)
class Scope:
    """The area (BPS code prefix, "" nationwide) and the local months a dashboard covers."""

    wilayah: str
    months: tuple  # ("2026-01", ...), local calendar months, in order
    offset_hours: int

    @property
    def level(self) -> str:
        return LEVELS.get(len(self.wilayah), "desa")

    @property
    def sub_digits(self) -> int:
        return SUB_DIGITS.get(len(self.wilayah), 10)
