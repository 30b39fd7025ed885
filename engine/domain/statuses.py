"""The status families, one StrEnum each (a member equals its stored string, so templates and SQL
comparing with the plain value keep working)."""

from enum import StrEnum

from engine.i18n import N_


class CaseStatus(StrEnum):
    """cases.status"""

    TERBUKA = "terbuka"
    SELESAI = "selesai"


class TaskStatus(StrEnum):
    """human_tasks.status"""

    SIAP = "siap"
    SELESAI = "selesai"
    DIBATALKAN = "dibatalkan"


class TimerStatus(StrEnum):
    """timers.status"""

    MENUNGGU = "menunggu"
    TERPICU = "terpicu"
    DIBATALKAN = "dibatalkan"


class OutboxStatus(StrEnum):
    """outbox.status"""

    MENUNGGU = "menunggu"
    TERKIRIM = "terkirim"


class QueueStatus(StrEnum):
    """antrian.status (the secretariat's queue numbers)"""

    MENUNGGU = "menunggu"
    DIPANGGIL = "dipanggil"
    DILAYANI = "dilayani"  # a case was registered with it


class VersionStatus(StrEnum):
    """diagram_versions.status (shown as draf / terbit / pensiun)"""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


# The pages show a stored status through `_(status)`; these are those words, marked for extraction.
SHOWN = (N_("terbuka"), N_("selesai"), N_("siap"), N_("dibatalkan"), N_("menunggu"), N_("terpicu"), N_("terkirim"))
