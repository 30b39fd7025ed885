"""bench/national.py at small scale: its cases are the engine's own (pages open, tasks complete, chains verify)."""

import json
from datetime import datetime, timezone

import psycopg
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from bench import national
from engine.config import load_settings
from engine.domain.actor import Actor
from engine.people import auth
from engine.reports import rollups
from engine.store.models import User, db
from tests.conftest import PG_ADMIN, Api, Clock, pg_database_name
from tests.journeys import telaah
from tests.web.test_pages import signed_in
from web import create_app
from web.cli import cli

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def generated(request, tmp_path):
    """A database of its own filled by the generator: 200 cases cloned from two months of six journeys."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'national.db'}"
    else:
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + pg_database_name("national")
    summary = national.generate(url, 200, NOW, months=2, scenarios=6, batch=50, fresh=True, provinces=("32", "94"),
                                log=lambda _line: None)
    yield url, summary
    if request.param == "postgres":
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_generated_cases_open_complete_and_verify(generated):
    url, summary = generated
    assert summary["cases"] == 200 + summary["templates"]
    clock = Clock(NOW)
    app = create_app(settings=load_settings(overrides={"database_url": url, "secret_key": "kunci-uji"}), clock=clock,
                     config={"TESTING": True})
    with app.app_context():
        first_clone = summary["templates"] + 1
        provinces = {row[0] for row in db.session.execute(text("SELECT DISTINCT substr(wilayah, 1, 2) FROM cases"))}
        assert provinces == {"32", "94"}  # clones spread over the provinces asked for
        # the dashboards' summary rows equal what the product derives from the rows themselves
        connection = db.session.connection()
        stored = {k: v for k, v in rollups.stored(connection).items() if k[0] != "zona"}
        assert stored == rollups.computed_from_scratch(connection, rollups.current_offset())
        task_id, ticket, wilayah = db.session.execute(text(
            "SELECT t.id, c.ticket, c.wilayah FROM human_tasks t JOIN cases c ON c.id = t.case_id WHERE t.status = "
            "'siap' AND t.element_id = 'Task_Telaah' AND t.assignee_id IS NULL AND c.id >= :first ORDER BY c.id "
            "LIMIT 1"), {"first": first_clone}).one()
        officer = f"fo.{wilayah[:4]}"  # the district's generated front office
        client = signed_in(app, officer)
        page = client.get(f"/tugas/{task_id}")
        assert page.status_code == 200 and ticket in page.get_data(as_text=True)
        data = db.session.scalar(text("SELECT data FROM cases WHERE ticket = :t"), {"t": ticket})
        nik = json.loads(data)["pelapor"]["nik"]
        assert nik.startswith(wilayah[:6])  # the complainant's NIK follows the village the case was cloned into
        found = client.get(f"/cari-kasus?q={nik}")  # through the search keys written with the clone
        assert found.status_code == 200 and ticket in found.get_data(as_text=True)
        user = db.session.scalar(db.select(User).where(User.username == officer))
        token, _ = auth.issue_token(Actor.of(user), NOW, 24)
        db.session.commit()
        clock.advance(hours=1)
        response = Api(app.test_client(), token).post(f"/tasks/{task_id}/complete", json={"data": telaah()})
        assert response.status_code == 200, response.get_json()
        assert [t["element_id"] for t in response.get_json()["tasks"] if t["status"] == "siap"] != ["Task_Telaah"]
        runner = CliRunner()
        result = runner.invoke(cli, ["audit", ticket], obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
        assert result.output.strip().endswith("UTUH")
        result = runner.invoke(cli, ["audit", "--all"], obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
