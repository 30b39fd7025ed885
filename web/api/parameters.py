"""Query-string schemas of the API views: each both loads `request.args` and documents the parameters.

A parameter left out of the query string is left out of the loaded dict (the service's default applies).
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from web.api.schemas import _msg
from engine.i18n import N_


class QuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # other parameters (the page language, a cache buster) are not the view's business


def _text(description):
    return fields.String(error_messages=_msg(), metadata={"description": description})


class CaseListQuerySchema(QuerySchema):
    status = _text("status kasus, mis. terbuka")
    q = _text("cari nomor tiket")
    limit = fields.Integer(load_default=100, validate=validate.Range(0, 500, error="0 sampai 500"),
                           error_messages=_msg(invalid="harus bilangan bulat"))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000, error="0 sampai 1000000"),
                            error_messages=_msg(invalid="harus bilangan bulat"))


class InboxQuerySchema(QuerySchema):
    program = _text("hanya tugas program ini")
    kategori = _text("hanya tugas kategori ini")
    kanal = _text("hanya tugas dari kanal ini")
    wilayah = _text("hanya tugas wilayah ini (kode BPS atau awalannya)")
    tiket = _text("hanya tugas kasus yang nomor tiketnya memuat teks ini")


class PublicStatusQuerySchema(QuerySchema):
    kode = fields.String(required=True, error_messages=_msg(),
                         metadata={"description": "kode pelacakan yang diterima pelapor saat pengaduan dicatat"})


class ReplayQuerySchema(QuerySchema):
    sampai = fields.Integer(validate=validate.Range(0, 2**31 - 1, error=N_("harus bilangan bulat positif")),
                            error_messages=_msg(invalid=N_("harus bilangan bulat positif")),
                            metadata={"description": "putar ulang sampai peristiwa ke-N saja; `state` berisi keadaan "
                                                     "kasus saat itu"})


class RegistryQuerySchema(QuerySchema):
    nik = _text("NIK 16 angka")
    no_kk = _text("No. KK 16 angka")


class DiffQuerySchema(QuerySchema):
    dari = fields.Integer(required=True, validate=validate.Range(0, 2**31 - 1, error="bukan id versi"),
                          error_messages=_msg(required=N_("id versi pembanding wajib diisi"),
                                                             invalid="harus bilangan bulat"),
                          metadata={"description": "id versi pembanding"})
