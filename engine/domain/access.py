"""Who may do what, where: every check on a case or task goes through these functions.

A user's `wilayah` is a BPS code prefix (2 digits a province, 4 a district, 6 a kecamatan,
10 a village; empty means nationwide). Back-office officers may be bound to a sector and
program managers to an agency (`instansi`, the `tujuan_rujukan` code referrals carry).
"""

from engine.domain import roles

INTAKE_ROLES = frozenset({roles.FRONT_OFFICE, roles.FASILITATOR})
# Roles that see cases of their area; program managers see only referrals to their agency.
AREA_CASE_ROLES = frozenset({
    roles.FRONT_OFFICE, roles.BACK_OFFICE, roles.FASILITATOR, roles.SUPERVISOR, roles.MANAJER,
    roles.ADMINISTRATOR, roles.AUDITOR, roles.PEMANTAU,
})
# Roles that must be able to contact the complainant and so see a confidential identity.
IDENTITY_ROLES = frozenset({roles.FRONT_OFFICE, roles.FASILITATOR})


def in_area(user, wilayah):
    """True when the region code lies inside the user's assigned area."""
    return bool(wilayah) and wilayah.startswith(user.wilayah or "")


def may_intake(user, wilayah):
    return user.role in INTAKE_ROLES and in_area(user, wilayah)


def may_view_case(user, case):
    if user.role == roles.PENGELOLA_PROGRAM:
        return bool(user.instansi) and case.tujuan_rujukan == user.instansi and in_area(user, case.wilayah)
    return user.role in AREA_CASE_ROLES and in_area(user, case.wilayah)


# How short a user's area code must be to act on a manager task at each level.
LEVEL_AREA_DIGITS = {"provinsi": 2}


def at_level(user, task):
    """A manager task raised to the province (an appeal) is for province-level managers only."""
    digits = LEVEL_AREA_DIGITS.get(getattr(task, "tingkat", None) or "")
    return digits is None or task.role != roles.MANAJER or len(user.wilayah or "") <= digits


def may_act_on_task(user, task):
    """Role, area, level, sector and agency must all fit; a claim by someone else is checked separately."""
    if user.role != task.role or not in_area(user, task.wilayah) or not at_level(user, task):
        return False
    if user.role == roles.BACK_OFFICE and user.sektor and task.sektor != user.sektor:
        return False
    if user.role == roles.PENGELOLA_PROGRAM and task.instansi != user.instansi:
        return False
    return True


def may_see_identity(user, case):
    return not case.rahasia or user.role in IDENTITY_ROLES and in_area(user, case.wilayah)


def may_audit(user, case):
    return user.role in {roles.AUDITOR, roles.ADMINISTRATOR, roles.MANAJER} and in_area(user, case.wilayah)


# Dashboards and monitoring reports (Pedoman BAB VI.E): district managers and supervisors, the
# province and national levels, and dashboard monitors (Pemda, Bappeda), each over their own area.
DASHBOARD_ROLES = frozenset({roles.MANAJER, roles.SUPERVISOR, roles.PEMANTAU})


def may_view_dashboard(user, wilayah):
    """True when the user may see aggregates of the area `wilayah` (a prefix; "" is nationwide)."""
    return user.role in DASHBOARD_ROLES and (wilayah or "").startswith(user.wilayah or "")
