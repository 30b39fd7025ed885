"""The busiest answers are dumped by web/api/dumping.py: the same JSON their marshmallow schemas give."""


from engine.cases import queries
from tests.journeys import approve_pkh_referral, inbox_task, intake
from web.api import schemas
from web.api.dumping import dumper


def _both(schema, value):
    return dumper(schema)(value), schema.dump(value)


def test_case_task_and_inbox_answers_are_those_of_their_schemas(api, app):
    case = approve_pkh_referral(api, intake(api))  # tasks done and open, a referral sent, a deadline waiting
    task = inbox_task(api, "pp.kemensos", case["id"], "Pkh_Tanggapi")
    with app.test_request_context():
        clock = app.config["SLRT_CLOCK"]
        for user in ("fo.cianjur", "manajer.cianjur", "pp.kemensos"):
            actor = _actor(user)
            view = queries.case_view(actor, case["id"], clock())
            assert view["rujukan"] and view["timers"] and len(view["tasks"]) >= 4
            fast, slow = _both(schemas.CaseDetailSchema(), view)
            assert fast == slow
            assert {t["status"] for t in fast["tasks"]} >= {"selesai", "siap"}
            assert all(isinstance(t["created_at"], str) for t in fast["tasks"])
            inbox = queries.inbox(actor, clock())
            fast, slow = _both(schemas.TaskSchema(many=True), inbox)
            assert fast == slow
        detail = queries.task_view(_actor("pp.kemensos"), task["id"], clock())
        assert detail["form"]
        fast, slow = _both(schemas.TaskDetailSchema(), detail)
        assert fast == slow


def test_fields_the_answer_does_not_have_are_left_out_as_marshmallow_does():
    schema = schemas.CaseSummarySchema()
    value = {"id": 7, "ticket": "3203-26-00007", "closed_at": None, "rahasia": 1}
    assert dumper(schema)(value) == schema.dump(value) == {"id": 7, "ticket": "3203-26-00007", "closed_at": None,
                                                           "rahasia": True}


def _actor(username):
    from engine.domain.actor import Actor
    from engine.store.models import User, db

    return Actor.of(db.session.query(User).filter_by(username=username).one())
