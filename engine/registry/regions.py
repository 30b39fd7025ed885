"""Regions (BPS codes) for choosing where a complaint comes from."""

from sqlalchemy import select

from engine.store.models import Region, db


def area_name(code: str) -> str | None:
    """The name of an area code ('Kabupaten Cianjur'), or None for nationwide / unknown codes."""
    region = db.session.get(Region, code) if code else None
    return region.name if region else None


def villages_in(area: str) -> list[tuple[str, str]]:
    """[(code, 'Desa, Kecamatan')] of every village inside an area code prefix."""
    kecamatan = {r.code: r.name for r in db.session.scalars(
        select(Region).where(Region.level == "kecamatan", Region.code.like(f"{area}%")))}
    villages = db.session.scalars(select(Region).where(
        Region.level == "desa", Region.code.like(f"{area}%")).order_by(Region.code))
    return [(v.code, f"{v.name}, Kec. {kecamatan.get(v.parent_code or '', '')}") for v in villages]
