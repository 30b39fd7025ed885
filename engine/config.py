"""Settings from config.yaml, with environment overrides (SLRT_DATABASE_URL, SLRT_SECRET_KEY, ...)."""

import json
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from engine.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent
_ENV_PREFIX = "SLRT_"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/slrt.db"
    secret_key: str = "ganti-kunci-ini"
    workflows_dir: str = "workflows"
    rules_dir: str = "rules"
    main_process: str = "keluhan"
    token_ttl_hours: int = 720
    public_base_url: str = "http://127.0.0.1:5000"
    language: str = "id"
    outbox_endpoints: dict = field(default_factory=dict)  # saluran -> URL
    sla: dict = field(default_factory=dict)  # utc_offset_jam, libur_daerah, batas (see config.yaml)
    smtp: dict = field(default_factory=dict)  # host, port, pengirim: where notification emails go
    outbox_timeout_seconds: int = 10
    batas_permintaan: dict = field(default_factory=dict)  # throttling: name -> [requests, seconds]
    extra: dict = field(default_factory=dict)

    def path(self, value):
        """Resolve a configured path against the project root."""
        candidate = Path(value)
        return candidate if candidate.is_absolute() else ROOT / candidate

    @property
    def sqlalchemy_url(self):
        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix):]))
        if url.startswith("postgresql://"):
            return "postgresql+psycopg://" + url[len("postgresql://"):]
        return url


def load_settings(path=None, overrides=None):
    """Read config.yaml (or `path`), apply SLRT_* environment variables, then `overrides`."""
    path = Path(path or os.environ.get("SLRT_CONFIG") or ROOT / "config.yaml")
    values = {}
    if path.exists():
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = {f.name: f for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in values.items() if k in known})
    env = {}
    for name, spec in known.items():
        raw = os.environ.get(_ENV_PREFIX + name.upper())
        if raw is None or name == "extra":
            continue
        if spec.type in (dict, "dict"):  # a mapping is given as JSON, e.g. SLRT_SMTP='{"host": "127.0.0.1"}'
            try:
                env[name] = json.loads(raw)
            except ValueError as exc:
                raise InvalidInput("Konfigurasi tidak valid",
                                   errors={f"{_ENV_PREFIX}{name.upper()}": f"bukan JSON yang valid: {exc}"}) from exc
        else:
            env[name] = int(raw) if spec.type in (int, "int") else raw
    settings = replace(settings, **env)
    if overrides:
        settings = replace(settings, **overrides)
    return settings
