"""Flask-SQLAlchemy models and the queries over them."""

from engine.store.models import db

__all__ = ["db"]
