"""The migrations build exactly the schema the models declare (tables, columns, indexes)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.store.models import db


def test_the_migrated_database_has_the_models_schema(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []

