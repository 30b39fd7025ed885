"""Roles of SLRT officers and the lane names that stand for them in diagrams."""

from engine.i18n import N_

FRONT_OFFICE = "front_office"
BACK_OFFICE = "back_office"
FASILITATOR = "fasilitator"
SUPERVISOR = "supervisor"
MANAJER = "manajer"
PENGELOLA_PROGRAM = "pengelola_program"
ADMINISTRATOR = "administrator"
ANALIS = "analis"
AUDITOR = "auditor"
PEMANTAU = "pemantau"

# Roles that can own a task (appear as lanes), in the order of the complaint flow.
LANE_ROLES = (FRONT_OFFICE, BACK_OFFICE, FASILITATOR, SUPERVISOR, MANAJER, PENGELOLA_PROGRAM)
ALL_ROLES = LANE_ROLES + (ADMINISTRATOR, ANALIS, AUDITOR, PEMANTAU)

ROLE_LABELS = {
    FRONT_OFFICE: N_("Front Office"),
    BACK_OFFICE: N_("Back Office"),
    FASILITATOR: N_("Fasilitator"),
    SUPERVISOR: N_("Supervisor"),
    MANAJER: N_("Manajer"),
    PENGELOLA_PROGRAM: N_("Pengelola Program"),
    ADMINISTRATOR: N_("Administrator"),
    ANALIS: N_("Analis"),
    AUDITOR: N_("Auditor"),
    PEMANTAU: N_("Pemantau Dasbor"),
}

_LANE_ALIASES = {
    "manager": MANAJER,
    "program manager": PENGELOLA_PROGRAM,
    "facilitator": FASILITATOR,
}


def role_for_lane(lane_name: str | None) -> str | None:
    """Return the role code a lane name stands for, or None when the name is not a role."""
    if not lane_name:
        return None
    key = " ".join(lane_name.strip().lower().replace("_", " ").split())
    if key in _LANE_ALIASES:
        return _LANE_ALIASES[key]
    code = key.replace(" ", "_")
    return code if code in LANE_ROLES else None
