"""Dashboards and monitoring reports: the page, each table as CSV, the monthly and quarterly
reports as a printable page and as a spreadsheet. Scoped by the viewer's area (reports service)."""

from time import perf_counter

from flask import Response, abort, current_app, g, render_template, request

from engine.audit import checkpoint
from engine.domain import access
from engine.errors import InvalidInput
from engine.i18n import N_
from engine.reports import figures
from web.downloads import attachment
from web.auth import now, requires
from web.i18n import current_language, gettext, translate
from web.pages.reports import spreadsheets
from web.pages.reports import bp


LEVEL_TITLES = {"nasional": N_("Dasbor Nasional"), "provinsi": N_("Dasbor Provinsi"),
                "kabupaten": N_("Dasbor Kabupaten/Kota"), "kecamatan": N_("Dasbor Kecamatan"),
                "desa": N_("Dasbor Desa/Kelurahan")}
MONTHS = (N_("Januari"), N_("Februari"), N_("Maret"), N_("April"), N_("Mei"), N_("Juni"), N_("Juli"),
          N_("Agustus"), N_("September"), N_("Oktober"), N_("November"), N_("Desember"))


@bp.app_context_processor
def dashboard_context():
    return {"dashboard_roles": access.DASHBOARD_ROLES}


@bp.app_template_filter("angka")
def number(value):
    """A figure as the reader's language writes it: 1.234 and 12,5 in Indonesian; None as a dash."""
    if value is None:
        return "–"
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)
    return text.translate(str.maketrans(",.", ".,")) if current_language() == "id" else text


def _offset():
    return int((current_app.config["SLRT_SETTINGS"].sla or {}).get("utc_offset_jam", 7))


def _area():
    """The area a report is asked for (else the officer's own): its zone decides which month is 'this month'."""
    return request.args.get("wilayah") or g.actor.wilayah


def _dashboard_scope():
    args = request.args
    return figures.resolve_scope(g.actor, now(), _offset(), args.get("wilayah"), args.get("dari"), args.get("sampai"))


def _timed(response, started):
    response.headers["Server-Timing"] = f"app;dur={(perf_counter() - started) * 1000:.1f}"
    return response


@bp.get("/dasbor")
@requires(access.DASHBOARD)
def dashboard():
    started = perf_counter()
    board = figures.dashboard(g.actor, _dashboard_scope(), now())
    page = render_template("dashboard.html", actor=g.actor, board=board, title=LEVEL_TITLES[board.scope.level],
                           charts=[spreadsheets.chart_spec(t, translate) for t in board.tables().values()])
    return _timed(Response(page), started)


@bp.get("/dasbor/<key>.csv")
@requires(access.DASHBOARD)
def table_csv(key):
    board = figures.dashboard(g.actor, _dashboard_scope(), now())
    table = board.tables().get(key)
    if table is None:
        abort(404)
    return attachment(spreadsheets.to_csv(table, translate), "text/csv", f"{key}-{_slug(board)}.csv")


def _slug(board):
    scope = board.scope
    period = scope.months[0] if len(scope.months) == 1 else f"{scope.months[0]}_{scope.months[-1]}"
    return f"{scope.wilayah or 'nasional'}-{period}"


def _month_label(month):
    year, number = month.split("-")
    return f"{translate(MONTHS[int(number) - 1])} {year}"


def _monthly():
    month = request.args.get("bulan") or figures.current_month(now(), _offset(), _area())
    scope = figures.month_scope(g.actor, now(), _offset(), month, request.args.get("wilayah"))
    board = figures.dashboard(g.actor, scope, now())
    return board, gettext("Laporan bulanan pelaksanaan SLRT"), _month_label(scope.months[0])


def _quarterly():
    current = figures.current_month(now(), _offset(), _area())
    try:
        year = int(request.args.get("tahun") or current[:4])
        quarter = int(request.args.get("triwulan") or (int(current[5:]) - 1) // 3 + 1)
    except ValueError:
        raise InvalidInput(N_("Periode tidak valid"), errors={"triwulan": N_("tahun dan triwulan berupa angka")}) from None
    scope = figures.quarter_scope(g.actor, now(), _offset(), year, quarter, request.args.get("wilayah"))
    board = figures.dashboard(g.actor, scope, now())
    period = gettext("Triwulan {nomor} {tahun}", nomor=quarter, tahun=year)
    return board, gettext("Laporan monitoring triwulanan SLRT"), period


REPORTS = {"bulanan": _monthly, "triwulanan": _quarterly}


@bp.get("/laporan/<kind>")
@requires(access.DASHBOARD)
def report(kind):
    if kind not in REPORTS:
        abort(404)
    started = perf_counter()
    board, title, period = REPORTS[kind]()
    anchor = checkpoint.latest(checkpoint.Store.from_settings(current_app.config["SLRT_SETTINGS"]))
    page = render_template("report.html", actor=g.actor, board=board, kind=kind, report_title=title, period=period,
                           generated=now(), anchor=anchor)
    return _timed(Response(page), started)


@bp.get("/laporan/<kind>.xlsx")
@requires(access.DASHBOARD)
def report_xlsx(kind):
    if kind not in REPORTS:
        abort(404)
    board, title, period = REPORTS[kind]()
    anchor = checkpoint.latest(checkpoint.Store.from_settings(current_app.config["SLRT_SETTINGS"]))
    body = spreadsheets.to_xlsx(board, translate, title, period, now(), anchor)
    return attachment(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"laporan-{kind}-{_slug(board)}.xlsx")
