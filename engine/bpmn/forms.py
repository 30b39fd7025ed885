"""Task forms from `camunda:formData`: read once from the spec, and validate submissions."""

import re
from dataclasses import dataclass, field, replace
from datetime import date
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.errors import DiagramError, InvalidInput
from engine.i18n import N_

FIELD_TYPES = ("string", "long", "boolean", "date", "enum")
# An enum field whose options come from the engine, not the diagram: the field carries
# <camunda:properties><camunda:property id="pilihan" value="katalog_program" /></camunda:properties>
# (Camunda Modeler: form field > Properties) and lists no values of its own.
OPTIONS_PROPERTY = "pilihan"
OPTION_SOURCES = ("katalog_program",)
_FIELD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TRUE = {"true", "1", "on", "ya", "yes"}
_FALSE = {"false", "0", "off", "tidak", "no", ""}


@dataclass(frozen=True)
class FormField:
    """One field of a task form, with the constraints the diagram gives it."""

    id: str
    label: str
    type: str
    required: bool = False
    readonly: bool = False
    options: tuple = ()
    default: object = None
    min: int | None = None
    max: int | None = None
    minlength: int | None = None
    maxlength: int | None = None
    properties: dict = field(default_factory=dict)

    @property
    def source(self) -> str | None:
        """Where the options come from (OPTION_SOURCES), or None when the diagram lists them."""
        return self.properties.get(OPTIONS_PROPERTY) if self.type == "enum" else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "type": self.type, "required": self.required,
            "readonly": self.readonly, "options": [{"id": k, "label": v} for k, v in self.options],
            "default": self.default, "min": self.min, "max": self.max,
            "minlength": self.minlength, "maxlength": self.maxlength,
        }


def form_of(task_spec: Any) -> list[FormField]:
    """Return the FormField list of a Camunda user task spec (empty when it has no form)."""
    form = getattr(task_spec, "form", None)
    if form is None:
        return []
    fields = []
    seen = set()
    for raw in form.fields:
        if not raw.id or not _FIELD_ID.match(raw.id):
            raise DiagramError(N_("id kolom formulir '{kolom}' tidak valid", kolom=raw.id))
        if raw.id in seen:
            raise DiagramError(N_("kolom formulir '{kolom}' muncul dua kali", kolom=raw.id))
        seen.add(raw.id)
        if raw.type not in FIELD_TYPES:
            raise DiagramError(N_("tipe kolom '{tipe}' pada '{kolom}' tidak didukung ({pilihan})",
                                  tipe=raw.type, kolom=raw.id, pilihan=", ".join(FIELD_TYPES)))
        constraints = {v.name: v.config for v in raw.validation}
        options = tuple((o.id, o.name or o.id) for o in getattr(raw, "options", []))
        properties = {p.id: p.value for p in raw.properties}
        source = properties.get(OPTIONS_PROPERTY) if raw.type == "enum" else None
        if source is not None and source not in OPTION_SOURCES:
            raise DiagramError(N_("sumber pilihan '{sumber}' pada '{kolom}' tidak dikenal ({pilihan})",
                                  sumber=source, kolom=raw.id, pilihan=", ".join(OPTION_SOURCES)))
        if raw.type == "enum" and not options and source is None:
            raise DiagramError(N_("kolom pilihan '{kolom}' tidak punya nilai", kolom=raw.id))
        fields.append(FormField(
            id=raw.id, label=raw.label or raw.id, type=raw.type,
            required="required" in constraints, readonly="readonly" in constraints,
            options=options, default=_default(raw),
            min=_int_config(raw.id, constraints, "min"), max=_int_config(raw.id, constraints, "max"),
            minlength=_int_config(raw.id, constraints, "minlength"),
            maxlength=_int_config(raw.id, constraints, "maxlength"),
            properties=properties,
        ))
    return fields


def with_options(fields: Iterable[FormField],
                 sources: Callable[[], Mapping[str, Iterable[tuple[str, str]]]]) -> list[FormField]:
    """The fields with the options of each engine-sourced enum taken from `sources()`, {source: ((id, label),
    ...)}, asked only when a field has such options (most forms have none: no catalogue read)."""
    fields = list(fields)
    if not any(f.source for f in fields):
        return fields
    found = sources()
    return [replace(f, options=tuple(found.get(f.source, ()))) if f.source else f for f in fields]


def _default(raw):
    value = raw.default_value
    if value in (None, ""):
        return None
    if raw.type == "boolean":
        return str(value).lower() in _TRUE
    if raw.type == "long":
        try:
            return int(value)
        except ValueError:
            raise DiagramError(N_("nilai bawaan '{nilai}' pada '{kolom}' bukan bilangan bulat", nilai=value, kolom=raw.id))
    return value


def _int_config(field_id, constraints, name):
    if name not in constraints:
        return None
    try:
        return int(constraints[name])
    except (TypeError, ValueError):
        raise DiagramError(N_("batasan {batasan} pada '{kolom}' harus bilangan bulat", batasan=name, kolom=field_id))


def validate_submission(fields: list[FormField], submitted: Any, current: dict[str, Any]) -> dict[str, Any]:
    """Return the values to merge into the case data, or raise InvalidInput naming each bad field."""
    if not isinstance(submitted, dict):
        raise InvalidInput(N_("Data formulir harus berupa objek"), errors={"data": N_("harus berupa objek")})
    errors = {}
    by_id = {f.id: f for f in fields}
    for key in submitted:
        if key not in by_id:
            errors[key] = N_("kolom ini tidak ada pada formulir tugas")
    values = {}
    for form_field in fields:
        if form_field.readonly:
            continue
        raw = submitted.get(form_field.id)
        if _is_blank(raw):
            if form_field.required:
                errors[form_field.id] = N_("{kolom} wajib diisi", kolom=N_(form_field.label))
            elif form_field.id not in current:
                values[form_field.id] = form_field.default
            continue
        try:
            values[form_field.id] = _coerce(form_field, raw)
        except ValueError as exc:
            errors[form_field.id] = exc.args[0]  # the Message, translated when shown
    if errors:
        raise InvalidInput(N_("Data formulir tidak valid"), errors=errors)
    return values


def _is_blank(raw):
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _coerce(form_field, raw):
    coerce = {"string": _string, "long": _long, "boolean": _boolean, "date": _date, "enum": _enum}
    return coerce[form_field.type](form_field, raw)


def _string(form_field, raw):
    if not isinstance(raw, str):
        raise ValueError(N_("{kolom} harus berupa teks", kolom=N_(form_field.label)))
    value = raw.strip()
    if form_field.minlength is not None and len(value) < form_field.minlength:
        raise ValueError(N_("{kolom} minimal {n} karakter", kolom=N_(form_field.label), n=form_field.minlength))
    if form_field.maxlength is not None and len(value) > form_field.maxlength:
        raise ValueError(N_("{kolom} maksimal {n} karakter", kolom=N_(form_field.label), n=form_field.maxlength))
    return value


# digits, optionally grouped by threes with Indonesian thousand separators (1.500.000)
_WHOLE_NUMBER = re.compile(r"-?(\d{1,18}|\d{1,3}(\.\d{3}){1,5})")


def _long(form_field, raw):
    if isinstance(raw, bool):
        raise ValueError(N_("{kolom} harus berupa bilangan bulat", kolom=N_(form_field.label)))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
        value = int(raw.strip().replace(".", ""))  # "1.500.000": Indonesian thousand separators
    else:
        raise ValueError(N_("{kolom} harus berupa bilangan bulat", kolom=N_(form_field.label)))
    if form_field.min is not None and value < form_field.min:
        raise ValueError(N_("{kolom} tidak boleh kurang dari {n}", kolom=N_(form_field.label), n=form_field.min))
    if form_field.max is not None and value > form_field.max:
        raise ValueError(N_("{kolom} tidak boleh lebih dari {n}", kolom=N_(form_field.label), n=form_field.max))
    return value


def _boolean(form_field, raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ValueError(N_("{kolom} harus ya atau tidak", kolom=N_(form_field.label)))


def _date(form_field, raw):
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(N_("{kolom} harus berupa tanggal (TTTT-BB-HH)", kolom=N_(form_field.label)))


def _enum(form_field, raw):
    allowed = [key for key, _label in form_field.options]
    if raw not in allowed and form_field.source:  # the catalogue's programs valid in the case's area
        raise ValueError(N_("{kolom} '{nilai}' tidak berlaku di wilayah kasus ini; pilih salah satu dari: {pilihan}",
                            kolom=N_(form_field.label), nilai=raw, pilihan=", ".join(allowed)))
    if raw not in allowed:
        raise ValueError(N_("{kolom} harus salah satu dari: {pilihan}", kolom=N_(form_field.label),
                            pilihan=", ".join(allowed)))
    return raw
