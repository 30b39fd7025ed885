"""The busiest answers (case detail, task lists, task detail) dumped without marshmallow's machinery.

A schema stays the one description of an answer (the OpenAPI document is made from it); `dumper`
reads its fields once and returns a plain function that gives the same dict as `schema.dump`
for the dicts the services return, in a fraction of the time: marshmallow looks every value up
through accessor and field objects, which for a case with its tasks is a few hundred calls.
Field kinds with no fast path here keep the field's own serialization, and tests/web/test_dumping.py
compares both ways on real answers.
"""

from datetime import datetime

from marshmallow import fields, missing


def dumper(schema):
    """obj -> dict, equal to `schema.dump(obj)` (a list of them if the schema is `many`)."""
    steps = []
    for name, field in schema.dump_fields.items():
        if field.dump_default is not missing:
            steps = None  # defaults for missing values: leave the whole schema to marshmallow
            break
        steps.append((field.attribute or name, field.data_key or name, _converter(field)))

    def one(obj):
        if steps is None or not isinstance(obj, dict):
            return schema.dump(obj, many=False)
        out = {}
        for attribute, key, convert in steps:
            value = obj.get(attribute, missing)
            if value is not missing:  # marshmallow leaves out what the object does not have
                out[key] = None if value is None else convert(value)
        return out

    if schema.many:
        return lambda objs: [one(obj) for obj in objs]
    return one


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _converter(field):
    kind = type(field)
    if kind is fields.String:
        return _text
    if kind is fields.Integer and not field.as_string:
        return int
    if kind is fields.DateTime and field.format in (None, "iso", "iso8601"):
        return datetime.isoformat
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return dict
    if kind is fields.Raw:
        return lambda value: value
    if kind is fields.Nested:
        return _nested(field)
    if kind is fields.List and type(field.inner) is fields.Nested and not field.inner.many:
        inner = _nested(field.inner)
        return lambda values: [None if value is None else inner(value) for value in values]
    return lambda value: field._serialize(value, None, None)


def _nested(field):
    schema = field.schema
    if field.many or schema.many or field.only or field.exclude:
        return lambda value: field._serialize(value, None, None)
    return dumper(schema)
