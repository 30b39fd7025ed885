"""Flask app factory: settings, database, blueprints, error handlers, CLI."""

from datetime import datetime, timezone

from flask import Flask
from werkzeug.routing import IntegerConverter
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from engine import logsafe
from engine import state as engine_state
from engine.config import load_settings
from engine.people import keys
from engine.store.database import LARGEST_ID, configure_engine
from engine.store.models import db

migrate = Migrate()
csrf = CSRFProtect()


def utc_now():
    return datetime.now(timezone.utc)


def _engine_options(url):
    """A connection to PostgreSQL is checked before use, so a restarted server costs no request; a
    SQLite file cannot go away under an open connection. On a SQLite file a request takes the
    connection used last (LIFO), which most often made the last write itself and so keeps its page
    cache: a connection that finds another's commit in the log drops its cached pages (measured in
    turns: 0.94 of the submit's median server time, one worker of four threads)."""
    if not url.startswith("sqlite"):
        return {"pool_pre_ping": True}
    in_memory = url in ("sqlite://", "sqlite:///") or ":memory:" in url  # one connection, no pool to order
    return {} if in_memory else {"pool_use_lifo": True}


class RowIdConverter(IntegerConverter):
    """`<int:…>` in the pages' routes is a row id: a number the integer columns hold (a larger one is 404,
    not a database error)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


MAX_REQUEST_BYTES = 16 * 1024 * 1024  # a whole diagram set with tables at their rule limit fits well within


def create_app(config=None, settings=None, clock=None):
    """Build the app. `config` overrides Flask config, `settings` the SLRT settings, `clock` the time."""
    settings = settings or load_settings()
    logsafe.install()
    app = Flask(__name__, instance_path=str(settings.path("instance")))
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    app.config.update(
        SECRET_KEY=keys.signing_key(settings.secret_key, settings.path(settings.secret_key_file)),
        SQLALCHEMY_DATABASE_URI=settings.sqlalchemy_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.sqlalchemy_url),
        SLRT_SETTINGS=settings,
        SLRT_CLOCK=clock or utc_now,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    settings.path("instance").mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.path("migrations")))
    with app.app_context():
        configure_engine(db.engine)
    # The runner with this installation's SLA set-up, and caches keyed by ids of this app's database.
    engine_state.init_app(app, settings)

    from web import errors
    from web.api import bp as api_bp
    from web.assets import bp as assets_bp
    from web.formatting import init_app as init_formatting
    from web.i18n import init_i18n
    from web.pages import account, admin, audit, home, officer, processes, public, reports

    app.register_blueprint(api_bp)
    app.register_blueprint(assets_bp)
    for package in (home, officer, public, processes, account, audit, reports):
        app.register_blueprint(package.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin.faq_bp)
    init_i18n(app)
    init_formatting(app)
    csrf.init_app(app)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens; cookies only for safe methods
    errors.register(app)
    from web.security import init_security

    init_security(app)
    return app
