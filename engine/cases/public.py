"""What the complainant reads at /status: plain-language stages with their dates, who handles the
complaint (the agency by name once it was referred), when the current stage is expected to be done
(the open task's limit, counted in working days by the SLA), the result, and how to appeal.

Never the identity, never officers' names or internal notes: only the case's own columns, its task
index (roles and times, not the forms) and the agencies its referrals went to.
"""

from typing import Any

from sqlalchemy import select

from engine.domain import roles
from engine.domain.labels import value_label
from engine.domain.statuses import CaseStatus, TaskStatus
from engine.errors import NotFound
from engine.i18n import N_
from engine.store.models import Case, HumanTask, OutboxMessage, db

PUBLIC_STAGES = {
    CaseStatus.SELESAI: N_("Pengaduan Anda telah selesai ditangani."),
    CaseStatus.TERBUKA: N_("Pengaduan Anda sedang ditangani."),
}
PUBLIC_RESULTS = {
    "dijawab": N_("Pertanyaan Anda telah dijawab."),
    "selesai_lokal": N_("Pengaduan Anda telah diselesaikan oleh Sekretariat SLRT."),
    "ditolak_manajer": N_("Pengaduan Anda tidak dapat dirujuk; petugas akan menjelaskan alasannya."),
    "rujukan_diterima": N_("Rujukan Anda telah diterima oleh pengelola program."),
    "rujukan_ditolak": N_("Rujukan Anda ditolak oleh pengelola program."),
    "pradaftar_layak": N_("Hasil verifikasi: keluarga Anda layak diusulkan masuk data terpadu."),
    "pradaftar_tidak_layak": N_("Hasil verifikasi: keluarga Anda belum memenuhi syarat."),
    "saran_diterima": N_("Saran/usulan Anda telah diterima pengelola program."),
}
SLRT_OFFICE = N_("Dinas Sosial (Sekretariat SLRT)")
DONE, NOW, NEXT = "selesai", "sekarang", "berikutnya"


def _stage(title: Any, state: str, at: Any = None, due: Any = None) -> dict[str, Any]:
    return {"judul": title, "status": state, "pada": at, "perkiraan": due}


def _timeline(case: Any, tasks: list[Any], referrals: list[Any]) -> list[dict[str, Any]]:
    """Received → checked by the office → [referred to the agency → the agency's answer] → done."""
    open_tasks = [t for t in tasks if t.status == TaskStatus.SIAP]
    done_tasks = sorted((t for t in tasks if t.status == TaskStatus.SELESAI and t.completed_at),
                        key=lambda t: t.completed_at)
    due = max((t.due_at for t in open_tasks if t.due_at), default=None)
    closed = case.status == CaseStatus.SELESAI
    stages = [_stage(N_("Pengaduan Anda diterima"), DONE, case.created_at)]
    checked = next((t for t in done_tasks if t.role != roles.PENGELOLA_PROGRAM), None)
    stages.append(_stage(N_("Diperiksa dan ditangani petugas SLRT"), DONE if checked else NOW,
                         checked.completed_at if checked else None, None if checked else due))
    if referrals:
        agency = value_label("tujuan_rujukan", referrals[-1].tujuan)
        stages.append(_stage(N_("Dirujuk kepada {instansi}", instansi=agency), DONE, referrals[-1].created_at))
        answers = [t for t in tasks if t.role == roles.PENGELOLA_PROGRAM and t.created_at >= referrals[-1].created_at]
        answered = next((t for t in reversed(done_tasks) if t in answers), None)
        waiting = any(t.status == TaskStatus.SIAP for t in answers)
        state = NOW if waiting else (DONE if answered else (DONE if closed else NOW))
        stages.append(_stage(N_("Jawaban dari {instansi}", instansi=agency), state,
                             answered.completed_at if answered and not waiting else None, due if waiting else None))
    if checked and not closed and stages[-1]["status"] == DONE:
        stages.append(_stage(N_("Hasil disampaikan kepada Anda"), NOW, None, due))
    stages.append(_stage(N_("Selesai"), DONE if closed else NEXT, case.closed_at if closed else None))
    return stages


def public_status(ticket: str, code: str | None) -> dict[str, Any]:
    """What the complainant may read: stages, handling agency, expected date, result; nothing else."""
    case = db.session.scalar(select(Case).where(Case.ticket == ticket))
    if case is None or not code or case.tracking_code != str(code).strip().upper():
        raise NotFound(N_("Nomor tiket atau kode pelacakan tidak cocok"))
    tasks = list(db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)
                                    .order_by(HumanTask.created_at)))
    referrals = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.case_id == case.id, OutboxMessage.tujuan.isnot(None)).order_by(OutboxMessage.id)))
    open_due: list[Any] = [t.due_at for t in tasks if t.status == TaskStatus.SIAP and t.due_at]
    return {
        "ticket": case.ticket, "status": case.status,
        "tahap": PUBLIC_STAGES.get(case.status, ""),
        "hasil": PUBLIC_RESULTS.get(case.hasil_akhir or "", None),
        "diterima_pada": case.created_at, "diperbarui_pada": case.updated_at,
        "instansi": value_label("tujuan_rujukan", referrals[-1].tujuan) if referrals else SLRT_OFFICE,
        "perkiraan_selesai": max(open_due) if open_due and case.status != CaseStatus.SELESAI else None,
        "tahapan": _timeline(case, tasks, referrals),
        "provinsi": (case.wilayah or "")[:2],  # only for the zone its dates are shown in (not in the API)
    }
