"""The `slrt` command: database upgrade, demo data, registry import, users, tokens, serving."""

import os
import sys
from datetime import datetime, timezone

import click
from flask.cli import with_appcontext

from engine.domain.actor import Actor


def _now():
    return datetime.now(timezone.utc)


def _instant(as_of):
    """An --as-of value as an aware instant (UTC when no offset is given); now when absent."""
    try:
        instant = datetime.fromisoformat(as_of) if as_of else _now()
    except ValueError:
        raise click.BadParameter(f"'{as_of}' bukan waktu ISO-8601", param_hint="--as-of")
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)


class _Group(click.Group):
    """Show the product's own errors as a plain message and exit 1, never as a traceback."""

    def invoke(self, ctx):
        from engine.errors import SlrtError

        try:
            return super().invoke(ctx)
        except SlrtError as exc:
            details = "".join(f"\n  {k}: {v}" for k, v in getattr(exc, "errors", {}).items())
            raise click.ClickException(f"{exc}{details}") from exc


@click.group(name="slrt", cls=_Group)
def cli():
    """Mesin rujukan pengaduan SLRT."""


def _settings():
    from flask import current_app

    return current_app.config["SLRT_SETTINGS"]


@cli.command("upgrade")
@with_appcontext
def upgrade_cmd():
    """Create or upgrade the database schema (Alembic) and register the diagrams on disk."""
    from flask_migrate import upgrade

    from engine.processes import versions

    upgrade()
    version = versions.sync_from_disk(_settings(), _now())
    click.echo(f"Basis data mutakhir. Diagram '{version.process_id}' versi {version.version} terbit.")
    _rebuild_stale_dashboards()


def _rebuild_stale_dashboards():
    """Recount the dashboards' summary rows when the configured UTC offset changed since they were counted."""
    from engine.reports import rollups
    from engine.store.models import db

    count = rollups.rebuild_if_stale(db.session.connection())
    db.session.commit()
    if count is not None:
        click.echo(f"Ringkasan dasbor dihitung ulang untuk zona waktu baru: {count} baris.")


@cli.command("rebuild-dashboards")
@with_appcontext
def rebuild_dashboards_cmd():
    """Derive the dashboards' summary rows again from every case and task (after changing the UTC offset)."""
    from engine.reports import rollups
    from engine.store.models import db

    count = rollups.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Ringkasan dasbor dihitung ulang: {count} baris.")


@cli.command("demo")
@click.option("--password", default="slrt-demo-2026", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="where `slrt serve` will listen (for the banner)")
@click.option("--port", default=5000, show_default=True, help="the port `slrt serve` will listen on (for the banner)")
@with_appcontext
def demo_cmd(password, host, port):
    """Upgrade the database and load the demo district, officers and DTKS households (once)."""
    from flask import current_app
    from flask_migrate import upgrade
    from sqlalchemy import select

    from engine.processes import versions
    from engine.demo import seed
    from engine.store.models import User, db

    upgrade()
    versions.sync_from_disk(_settings(), _now())
    _rebuild_stale_dashboards()
    if db.session.scalar(select(User).limit(1)) is None:
        summary = seed.seed_demo(_now(), password=password)
        click.echo(f"Data demo dimuat: {summary['households']} rumah tangga DTKS, {len(summary['users'])} petugas.")
    users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    click.echo(f"\nAkun demo (kata sandi: {password}):")
    for user in users:
        scope = user.instansi or user.sektor or ""
        click.echo(f"  {user.username:<22} {user.role:<18} wilayah {user.wilayah or 'nasional':<8} {scope}")
    address = current_app.config["SLRT_SETTINGS"].public_address or f"http://{host}:{port}"
    click.echo(f"\nBuka {address}/masuk")


@cli.command("import-registry")
@click.argument("csv_file", type=click.File(encoding="utf-8"))
@with_appcontext
def import_registry_cmd(csv_file):
    """Import DTKS households and members from a CSV file (all rows or none)."""
    from engine.errors import InvalidInput
    from engine.registry import dtks

    try:
        households, members = dtks.import_csv(csv_file.read(), _now())
    except InvalidInput as exc:
        click.echo(exc.message, err=True)
        for where, problem in exc.errors.items():
            click.echo(f"  {where}: {problem}", err=True)
        sys.exit(1)
    click.echo(f"Diimpor: {households} rumah tangga, {members} anggota.")


@cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--wilayah", default="")
@click.option("--sektor", default=None)
@click.option("--instansi", default=None)
@click.password_option()
@with_appcontext
def create_user_cmd(username, role, full_name, wilayah, sektor, instansi, password):
    """Create an officer account."""
    from engine.people import auth

    auth.create_user(username, password, full_name, role, wilayah, sektor, instansi, now=_now())
    click.echo(f"Pengguna {username} dibuat.")


@cli.command("create-token")
@click.argument("username")
@click.option("--hours", type=int, default=None, help="Masa berlaku (jam)")
@with_appcontext
def create_token_cmd(username, hours):
    """Issue an API token for an existing user and print it once."""
    from sqlalchemy import select

    from engine.people import auth
    from engine.store.models import User, db

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        click.echo(f"Pengguna {username} tidak ada.", err=True)
        sys.exit(1)
    token, expires = auth.issue_token(Actor.of(user), _now(), hours or _settings().token_ttl_hours, label="cli")
    click.echo(token)
    click.echo(f"berlaku sampai {expires.isoformat()}", err=True)


@cli.command("fire-timers")
@click.option("--as-of", "as_of", default=None, help="Waktu ISO-8601; bawaan: sekarang")
@with_appcontext
def fire_timers_cmd(as_of):
    """Fire every timer due at the given instant."""
    from engine.cases import timers

    instant = _instant(as_of)
    click.echo(f"{timers.sweep(instant)} timer terpicu.")


@cli.command("deliver-outbox")
@click.option("--as-of", "as_of", default=None, help="Waktu ISO-8601; bawaan: sekarang")
@with_appcontext
def deliver_outbox_cmd(as_of):
    """Deliver pending referrals to their configured endpoints (retries back off)."""
    from engine.cases import outbox

    instant = _instant(as_of)
    delivered, failed = outbox.deliver_due(instant, _settings())
    click.echo(f"{delivered} rujukan terkirim, {failed} gagal dan akan dicoba lagi.")


@cli.command("scheduler")
@click.option("--interval", default=15, show_default=True, type=int, help="detik antara dua sapuan")
@with_appcontext
def scheduler_cmd(interval):
    """Run the timer sweep and outbox delivery as a process of its own (production).

    The first sweep runs at once, so timers that fell due while no scheduler ran fire on start.
    """
    from flask import current_app

    from web.jobs import run_jobs_forever

    run_jobs_forever(current_app._get_current_object(), interval)


@cli.command("check")
@with_appcontext
def check_cmd():
    """Check that every case's state, task index, timer index and event log agree (exit 1 if not)."""
    from engine.audit import checkpoint, invariants
    from web.cli import audit as audit_report

    anchor = checkpoint.read_held(checkpoint.Store.from_settings(_settings()))
    audit_report.print_anchor(click.echo, anchor)
    report = invariants.check_all(anchor=anchor)
    for violation in report.violations:
        click.echo(violation, err=True)
    click.echo(f"{report.cases} kasus, {report.events} peristiwa diperiksa: {len(report.violations)} pelanggaran.")
    if not report.ok:
        sys.exit(1)
@cli.command("audit")
@click.argument("case", required=False)
@click.option("--all", "every", is_flag=True,
              help="Periksa semua kasus: rantai hash, titik jangkar, dan kolom serta baris tugas, timer dan outbox "
                   "terhadap hasil yang dicatat tiap peristiwa (tanpa menjalankan diagram)")
@click.option("--ulang", is_flag=True,
              help="Dengan --all: putar ulang juga setiap kasus pada diagramnya dan bandingkan keadaan alur kerja "
                   "tersimpan (jauh lebih lambat)")
@click.option("--proses", type=int, default=None,
              help="Dengan --all: jumlah proses (bawaan: satu per inti bila kasus banyak)")
@click.option("--sampai", type=int, default=None, help="Putar ulang sampai peristiwa ke-N (satu kasus)")
@click.option("--tanpa-samaran", "reveal", is_flag=True,
              help="Dengan --all: tampilkan identitas pelapor (NIK, KK, nama, telepon, alamat) tanpa samaran; "
                   "penggunaan ini dicatat di jurnal audit dan log")
@with_appcontext
def audit_cmd(case, every, ulang, proses, sampai, reveal):
    """Check one case (id or ticket) or every case (--all); exit 1 on any problem.

    One case is always replayed on its diagram. --all checks every case's hash chain, holds it against
    the last signed checkpoint, and folds the outcome each event recorded into what the stored case
    columns, task, timer and outbox rows must be; it does not run the diagrams. --all --ulang also
    replays every case on its diagram: that each recorded outcome is what the diagram gives, and the
    serialized workflow (about a hundred times slower).
    """
    from web.cli import audit as audit_report

    if bool(case) == bool(every):
        raise click.UsageError("Sebutkan satu kasus (id atau tiket) atau --all")
    if case and (ulang or proses or reveal):
        raise click.UsageError("--ulang, --proses dan --tanpa-samaran hanya untuk --all (satu kasus selalu diputar ulang)")
    ok = (audit_report.run(click.echo, case, sampai) if case
          else audit_report.run_all(click.echo, _settings(), replay=ulang, processes=proses, reveal=reveal, now=_now()))
    sys.exit(0 if ok else 1)


@cli.command("checkpoint")
@click.option("--lihat", is_flag=True, help="Cetak titik jangkar terakhir tanpa menulis yang baru")
@with_appcontext
def checkpoint_cmd(lihat):
    """Write a signed checkpoint of every case's chain head outside the database, and print it."""
    from web.cli import audit as audit_report

    sys.exit(0 if audit_report.checkpoint(click.echo, _settings(), _now(), write=not lihat) else 1)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def serve_cmd(host, port, workers, threads):
    """Serve the product with gunicorn."""
    argv = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--threads", str(threads), "--access-logfile", "-", "web.wsgi:app"]
    os.execv(sys.executable, argv)


def main():
    from flask.cli import ScriptInfo

    from web import create_app

    app = create_app()
    with app.app_context():
        cli.main(prog_name="slrt", obj=ScriptInfo(create_app=lambda: app))
