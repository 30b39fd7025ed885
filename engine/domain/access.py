"""Who may do what, where: every check on a page, an endpoint, a case or a task goes through here.

Two questions, asked in this order:

1. May this role perform the action at all?  ``ROLE_ACTIONS`` below is the one table of it;
   ``allowed(actor, action)`` answers it and ``web.auth.requires(action)`` enforces it on a
   page or endpoint (a new page declares its action with that decorator, nothing else).
2. Does the object lie in the actor's area (and agency, and sector)?  ``allowed(actor,
   action, area)`` adds the area test; the finer object checks (``may_view_case``,
   ``may_act_on_task``, ``may_see_identity``) and their SQL twins in
   ``engine/cases/queries.py`` (``case_scope``, ``task_scope``) answer it for cases and
   tasks, so listings never return what the single-object checks would refuse.

A user's ``wilayah`` is a BPS code prefix (2 digits a province, 4 a district, 6 a kecamatan,
10 a village; empty means nationwide). Back-office officers may be bound to a sector and
program managers to an agency (``instansi``, the ``tujuan_rujukan`` code referrals carry):
a program manager sees only the cases referred to their agency.

Confidentiality: with ``rahasia`` (the default) the complainant's NIK, KK, name, phone and
address are shown only to ``IDENTITY_ROLES`` of the case's area — the front office (who
registers the complainant and tells them the result) and the facilitator (who visits the
home). Everyone else, program managers included, sees a masked record; the public status
page and exports never carry identity at all.
"""

from collections.abc import Collection
from typing import Any

from engine.domain import roles

# Actions (the vocabulary of ROLE_ACTIONS and of web.auth.requires).
TASKS = "tasks"                    # have an inbox; claim, release, complete tasks that fit role/area
INTAKE = "intake"                  # register a complaint for a village in the area
QUEUE = "queue"                    # run the walk-in queue of a district secretariat
CASES = "cases"                    # read cases of the area (program managers: of their agency)
REGISTRY = "registry"              # look a citizen up in DTKS
AUDIT = "audit"                    # verify a case's event chain and replay it
EXPORT = "export"                  # download case lists (never with identity)
DIAGRAMS_VIEW = "diagrams.view"    # look at stored diagram versions
DIAGRAMS_EDIT = "diagrams.edit"    # upload and publish diagram versions
DASHBOARD = "dashboard"            # aggregate figures of the area (no case content)
ADMIN = "admin"                    # users and areas, hand-overs, program catalogue, FAQ
FAQ = "faq"                        # read the front office's FAQ
ACCOUNT = "account"                # one's own API tokens

_EVERYONE = {ACCOUNT}
ROLE_ACTIONS: dict[str, set[str] | frozenset[str]] = {
    roles.FRONT_OFFICE: {TASKS, INTAKE, QUEUE, CASES, REGISTRY, FAQ},
    roles.BACK_OFFICE: {TASKS, CASES, REGISTRY, FAQ},
    roles.FASILITATOR: {TASKS, INTAKE, CASES, REGISTRY, FAQ},
    roles.SUPERVISOR: {TASKS, CASES, REGISTRY, EXPORT, DASHBOARD, FAQ},
    roles.MANAJER: {TASKS, CASES, REGISTRY, AUDIT, EXPORT, DASHBOARD, DIAGRAMS_VIEW, FAQ},
    roles.PENGELOLA_PROGRAM: {TASKS, CASES},
    roles.ADMINISTRATOR: {ADMIN, AUDIT, DIAGRAMS_VIEW, FAQ},
    roles.ANALIS: {DIAGRAMS_VIEW, DIAGRAMS_EDIT, DASHBOARD},
    roles.AUDITOR: {CASES, AUDIT, EXPORT, DIAGRAMS_VIEW, DASHBOARD},
    roles.PEMANTAU: {DASHBOARD},
}
ROLE_ACTIONS = {role: frozenset(actions | _EVERYONE) for role, actions in ROLE_ACTIONS.items()}
ALL_ACTIONS = frozenset().union(*ROLE_ACTIONS.values())

INTAKE_ROLES = frozenset(r for r, a in ROLE_ACTIONS.items() if INTAKE in a)
# Roles that see the cases of their area; program managers see only referrals to their agency.
AREA_CASE_ROLES = frozenset(r for r, a in ROLE_ACTIONS.items() if CASES in a) - {roles.PENGELOLA_PROGRAM}
# Roles that must be able to contact the complainant and so see a confidential identity.
IDENTITY_ROLES = frozenset({roles.FRONT_OFFICE, roles.FASILITATOR})


def in_area(user: Any, wilayah: str | None) -> bool:
    """True when the region code lies inside the user's assigned area."""
    return bool(wilayah and wilayah.startswith(user.wilayah or ""))


def allowed(actor: Any, action: str, area: str | None = None) -> bool:
    """May the actor perform `action` (and, with `area`, on something in that region code)?"""
    if action not in ROLE_ACTIONS.get(getattr(actor, "role", None) or "", ()):
        return False
    return area is None or in_area(actor, area)


# A diagram version's scope (cakupan): "" national, a province's 2-digit or a district's 4-digit code.
SCOPE_DIGITS = (0, 2, 4)


def own_scope(user: Any) -> str:
    """The scope an analyst's versions get unless they name one: their area, cut to a district."""
    return (user.wilayah or "")[:max(SCOPE_DIGITS)]


def may_edit_scope(user: Any, cakupan: str) -> bool:
    """Analysts change versions only within their area: a district's analyst neither another district's
    nor the province's or the national process."""
    return allowed(user, DIAGRAMS_EDIT) and len(cakupan) in SCOPE_DIGITS and cakupan.startswith(user.wilayah or "")


def may_intake(user: Any, wilayah: str) -> bool:
    return allowed(user, INTAKE, wilayah)


VILLAGE_DIGITS = 10


def shielded(user: Any, aparat_desa: bool | None) -> bool:
    """A complaint about a village official is kept from officers placed in a single village."""
    return bool(aparat_desa) and len(user.wilayah or "") >= VILLAGE_DIGITS


def may_view_case(user: Any, case: Any, referred_to: Collection[str] = ()) -> bool:
    """`referred_to`: the agencies whose program-manager tasks the case has had (the referral reached
    them); a program manager sees a case only once it was referred to their agency, and while it is."""
    if shielded(user, getattr(case, "aparat_desa", False)):
        return False
    if user.role == roles.PENGELOLA_PROGRAM:
        return (bool(user.instansi) and case.tujuan_rujukan == user.instansi and user.instansi in referred_to
                and in_area(user, case.wilayah))
    return allowed(user, CASES, case.wilayah)


# How short a user's area code must be to act on a manager task at each level.
LEVEL_AREA_DIGITS = {"provinsi": 2}


def at_level(user: Any, task: Any) -> bool:
    """A manager task raised to the province (an appeal) is for province-level managers only."""
    digits = LEVEL_AREA_DIGITS.get(getattr(task, "tingkat", None) or "")
    return digits is None or task.role != roles.MANAJER or len(user.wilayah or "") <= digits


def may_act_on_task(user: Any, task: Any) -> bool:
    """Role, area, level, sector and agency must all fit; a claim by someone else is checked separately."""
    if user.role != task.role or not allowed(user, TASKS, task.wilayah) or not at_level(user, task):
        return False
    if user.role == roles.BACK_OFFICE and user.sektor and task.sektor != user.sektor:
        return False
    if user.role == roles.PENGELOLA_PROGRAM and task.instansi != user.instansi:
        return False
    return True


def may_see_identity(user: Any, case: Any) -> bool:
    """The complainant's identity: open cases (rahasia false) to whoever sees the case; else contact roles only."""
    return not case.rahasia or user.role in IDENTITY_ROLES and in_area(user, case.wilayah)


def may_audit(user: Any, case: Any) -> bool:
    return allowed(user, AUDIT, case.wilayah)


# Dashboards and monitoring reports (Pedoman BAB VI.E), each over the viewer's own area.
DASHBOARD_ROLES = frozenset(r for r, a in ROLE_ACTIONS.items() if DASHBOARD in a)


def may_view_dashboard(user: Any, wilayah: str | None) -> bool:
    """True when the user may see aggregates of the area `wilayah` (a prefix; "" is nationwide)."""
    return user.role in DASHBOARD_ROLES and (wilayah or "").startswith(user.wilayah or "")
