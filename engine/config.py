"""Typed settings from config.yaml, with environment overrides (SLRT_DATABASE_URL, SLRT_SECRET_KEY, ...).

Every key is declared below with its type; a key nobody declared (in the file, in `overrides` or as an
SLRT_* environment variable) and a value of the wrong type are refused at load, naming the key. The
sections `sla` and `smtp` keep the shape of config.yaml (a mapping, as engine/domain reads them); their
keys and types are declared by the dataclasses `SlaSettings`, `SlaLimit` and `SmtpSettings`.
"""

import json
import os
import types
import typing
from dataclasses import dataclass, field, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Union

import yaml

from engine.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent
_ENV_PREFIX = "SLRT_"
# SLRT_* variables that steer the process around the settings, not settings themselves.
PROCESS_VARIABLES = frozenset({"SLRT_CONFIG", "SLRT_WEB_JOBS", "SLRT_TEST_WORKERS", "SLRT_TEST_PG_ADMIN",
                               "SLRT_BENCH_LOG"})
_INVALID = "Konfigurasi tidak valid"
# The complainant's identity fields (what `identitas_saluran` may name per channel).
IDENTITY_FIELDS = ("nik", "no_kk", "nama", "telepon", "alamat")


@dataclass(frozen=True)
class SmtpSettings:
    """Where deadline notifications are mailed; nothing is sent while `host` is empty."""

    host: str | None = None
    port: int = 25
    pengirim: str | None = None


@dataclass(frozen=True)
class KantorSettings:
    """The district social office as the receipt and the public pages name it (its contact for citizens)."""

    nama: str = ""
    alamat: str = ""
    telepon: str = ""
    email: str = ""


@dataclass(frozen=True)
class SlaLimit:
    """One service level: exactly one of working days or hours, with an optional reminder."""

    hari_kerja: int | None = None
    jam: float | None = None
    pengingat_hari_kerja: int | None = None


@dataclass(frozen=True)
class SlaSettings:
    """The `sla` section: time zone, regional holidays, named limits, task -> limit patterns."""

    utc_offset_jam: int = 7
    libur_daerah: list[Union[str, date]] = field(default_factory=list)
    batas: dict[str, SlaLimit] = field(default_factory=dict)
    tugas: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/slrt.db"
    secret_key: str = ""  # empty (or a shipped value): the installation's own key, kept in secret_key_file
    secret_key_file: str = "instance/secret_key"
    workflows_dir: str = "workflows"
    rules_dir: str = "rules"
    scenarios_dir: str = "scenarios"
    main_process: str = "keluhan"
    token_ttl_hours: int = 720
    # the address citizens open (receipt links and QR codes, the demo banner), e.g. https://slrt.cianjurkab.go.id;
    # empty: the address each request came in on (so the demo links show the host and port it really serves on)
    alamat_publik: str = ""
    public_base_url: str = ""  # the older name of alamat_publik, still read
    kantor: dict[str, Any] = field(default_factory=dict)  # shape: KantorSettings
    language: str = "id"
    outbox_endpoints: dict[str, str] = field(default_factory=dict)  # saluran -> URL
    outbox_timeout_seconds: int = 10
    # saluran -> the complainant's identity fields a message on it may carry (none for a confidential case)
    identitas_saluran: dict[str, list[str]] = field(default_factory=dict)
    sla: dict[str, Any] = field(default_factory=dict)  # shape: SlaSettings
    smtp: dict[str, Any] = field(default_factory=dict)  # shape: SmtpSettings
    batas_permintaan: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (requests, seconds)
    # addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For names the real client
    proxy_tepercaya: list[str] = field(default_factory=list)
    # signed checkpoints of the audit chains, outside the database (engine/audit/checkpoint.py)
    checkpoint_dir: str = "instance/titik-jangkar"
    checkpoint_key_file: str = "instance/titik-jangkar.key"
    checkpoint_minutes: int = 60

    def path(self, value: str | Path) -> Path:
        """Resolve a configured path against the project root."""
        candidate = Path(value)
        return candidate if candidate.is_absolute() else ROOT / candidate

    @property
    def public_address(self) -> str:
        """The configured public address without a trailing slash ('' when none is configured)."""
        return (self.alamat_publik or self.public_base_url).rstrip("/")

    @property
    def sqlalchemy_url(self) -> str:
        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix):]))
        if url.startswith("postgresql://"):
            return "postgresql+psycopg://" + url[len("postgresql://"):]
        return url


# The declared shape of the sections kept as mappings.
_SECTIONS: dict[str, type] = {"sla": SlaSettings, "smtp": SmtpSettings, "kantor": KantorSettings}


def _type_name(hint: Any) -> str:
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("NoneType", "None")


def _refuse(key: str, message: str) -> InvalidInput:
    return InvalidInput(f"{_INVALID}: {key}: {message}", errors={key: message})


def _unknown(key: str, known: typing.Iterable[str]) -> InvalidInput:
    return _refuse(key, f"kunci tidak dikenal; kunci yang dikenal: {', '.join(sorted(known))}")


def _wrong_type(key: str, hint: Any, value: Any) -> InvalidInput:
    return _refuse(key, f"harus bertipe {_type_name(hint)}, bukan {type(value).__name__} ({value!r})")


def _check_dataclass(cls: type, values: Any, key: str) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise _wrong_type(key, cls, values)
    hints = typing.get_type_hints(cls)
    checked = {}
    for name, value in values.items():
        if name not in hints:
            raise _unknown(f"{key}.{name}", hints)
        checked[name] = _check(value, hints[name], f"{key}.{name}")
    return checked


def _check(value: Any, hint: Any, key: str) -> Any:
    """`value` when it has type `hint` (tuples and nested sections normalised), else InvalidInput."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        for option in args:
            try:
                return _check(value, option, key)
            except InvalidInput:
                continue
        raise _wrong_type(key, hint, value)
    if hint is type(None):
        if value is None:
            return None
        raise _wrong_type(key, hint, value)
    if isinstance(hint, type) and is_dataclass(hint):
        return _check_dataclass(hint, value, key)  # kept as a mapping of checked values
    if origin is dict:
        if not isinstance(value, Mapping):
            raise _wrong_type(key, hint, value)
        return {_check(k, args[0], key): _check(v, args[1], f"{key}.{k}") for k, v in value.items()}
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise _wrong_type(key, hint, value)
        return [_check(item, args[0], f"{key}[{i}]") for i, item in enumerate(value)]
    if origin is tuple:
        if not isinstance(value, (list, tuple)) or len(value) != len(args):
            raise _wrong_type(key, hint, value)
        return tuple(_check(item, arg, f"{key}[{i}]") for i, (item, arg) in enumerate(zip(value, args)))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
        return value
    raise _wrong_type(key, hint, value)


def _check_values(values: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Each value checked against its declared type; `origin` says where a bad key came from."""
    hints = typing.get_type_hints(Settings)
    checked = {}
    for name, value in values.items():
        if name not in hints:
            raise _unknown(f"{origin}{name}", hints)
        hint = _SECTIONS.get(name, hints[name])
        checked[name] = _check(value, hint, f"{origin}{name}")
    return checked


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    hints = typing.get_type_hints(Settings)
    values = {}
    for variable, raw in environ.items():
        if not variable.startswith(_ENV_PREFIX) or variable in PROCESS_VARIABLES:
            continue
        name = variable[len(_ENV_PREFIX):].lower()
        if name not in hints:
            known = [_ENV_PREFIX + k.upper() for k in hints] + sorted(PROCESS_VARIABLES)
            raise _unknown(variable, known)
        hint = hints[name]
        if typing.get_origin(hint) is dict:  # a mapping is given as JSON, e.g. SLRT_SMTP='{"host": "127.0.0.1"}'
            try:
                values[name] = json.loads(raw)
            except ValueError as exc:
                raise _refuse(variable, f"bukan JSON yang valid: {exc}") from exc
        elif hint is int:
            try:
                values[name] = int(raw)
            except ValueError as exc:
                raise _wrong_type(variable, int, raw) from exc
        else:
            values[name] = raw
    return {name: _check(value, _SECTIONS.get(name, hints[name]), _ENV_PREFIX + name.upper())
            for name, value in values.items()}


def load_settings(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Read config.yaml (or `path`), apply SLRT_* environment variables, then `overrides`; refuse unknown
    keys and values of the wrong type (InvalidInput naming the key)."""
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get("SLRT_CONFIG") or ROOT / "config.yaml")
    values: Any = {}
    if path.exists():
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(values, Mapping):
        raise _refuse(str(path), "berkas konfigurasi harus berupa mapping kunci: nilai")
    merged = {**_check_values(values, ""), **_from_environment(environ),
              **_check_values(overrides or {}, "")}
    _check_identity_channels(merged.get("identitas_saluran") or {})
    return replace(Settings(), **merged)


def _check_identity_channels(channels: Mapping[str, list[str]]) -> None:
    """Refuse a field in `identitas_saluran` that is not an identity field (a typo would send nothing)."""
    for channel, names in channels.items():
        for i, name in enumerate(names):
            if name not in IDENTITY_FIELDS:
                raise _refuse(f"identitas_saluran.{channel}[{i}]",
                              f"bukan kolom identitas; yang dikenal: {', '.join(IDENTITY_FIELDS)}")

