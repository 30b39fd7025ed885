"""Who is acting: a plain value handed from the web or CLI edge into the services."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    id: int | None
    username: str
    role: str
    wilayah: str = ""
    sektor: str | None = None
    instansi: str | None = None
    full_name: str = ""

    @classmethod
    def of(cls, user: Any) -> "Actor":
        return cls(user.id, user.username, user.role, user.wilayah or "", user.sektor, user.instansi, user.full_name)


SYSTEM = Actor(None, "sistem", "sistem", "", None, None, "Sistem")
