"""HandoverWorkflow against the real dev server: every step in every state it may and may not be
taken in; a refused step leaves no trace; recording is idempotent."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from activities.read_model import ReadModelActivities
from db.read_model import COLUMNS
from overdracht import demo
from schemas.formulier import Formulier
from schemas.overdracht import Besluit, Deadline, Eens, Gebeurtenis, Rol, Status, Vlag, Vorm
from schemas.workflow import (
    Actor,
    Cancel,
    ChooseSchool,
    ConfirmReceipt,
    HandoverState,
    MoveDeadline,
    MoveLocation,
    Open,
    Openingsuitkomst,
    PlanWarmHandover,
    ReceiveByCode,
    RecordChange,
    RecordConsent,
    RecordOuderreactie,
    RecordPaperCopy,
    RecordWarmHandover,
    RequestWarmHandover,
    ReturnToSender,
    SaveForm,
    Send,
    StateChanges,
    Submit,
    TakeBack,
    TimelineEvent,
    VlagStatus,
    changed,
)
from tests.conftest import TASK_QUEUE
from tests.happy_path import COMPLETE_FORM, handover_input, place_child
from tests.helpers import HandoverHandle, eventually
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id
from workflows.lifecycle import ALLOWED_FROM, Stap, Weigering

PM = Actor(gebruiker_id=demo.PM_USER[demo.BOOMHUT], rol=Rol.PEDAGOGISCH_MEDEWERKER)
PARENT = Actor(gebruiker_id=uuid.uuid4(), rol=Rol.OUDER)
SCHOOL = Actor(gebruiker_id=demo.SCHOOL_USER[demo.STER], rol=Rol.SCHOOL)
LM = Actor(gebruiker_id=uuid.uuid4(), rol=Rol.LOCATIEMANAGER)
COORDINATOR = Actor(gebruiker_id=demo.COORDINATOR, rol=Rol.COORDINATOR)
FORM = Formulier.model_validate(COMPLETE_FORM)
FAR = datetime(2040, 1, 1, tzinfo=UTC)

# Each step as (update, command), valid in the states ALLOWED_FROM lists.
STEPS: dict[Stap, tuple[Any, Any]] = {
    Stap.FORMULIER_OPSLAAN: (HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=FORM)),
    Stap.INDIENEN: (HandoverWorkflow.submit, Submit(actor=PM, ouders=[PARENT.gebruiker_id])),
    Stap.CODE_INWISSELEN: (HandoverWorkflow.receive_by_code, ReceiveByCode(actor=SCHOOL, school_id=demo.STER)),
    Stap.TERUGNEMEN: (HandoverWorkflow.take_back, TakeBack(actor=PM, reden="Na het gesprek")),
    Stap.OUDERREACTIE: (HandoverWorkflow.record_reaction, RecordOuderreactie(actor=PARENT, eens=Eens.JA)),
    Stap.PAPIEREN_KOPIE: (HandoverWorkflow.record_paper_copy, RecordPaperCopy(actor=PM)),
    Stap.SCHOOL_KIEZEN: (HandoverWorkflow.choose_school, ChooseSchool(actor=PM, school_id=demo.STER)),
    Stap.TOESTEMMING: (HandoverWorkflow.record_consent, RecordConsent(actor=PARENT, besluit=Besluit.GEGEVEN)),
    Stap.INTREKKEN: (HandoverWorkflow.record_consent, RecordConsent(actor=PARENT, besluit=Besluit.INGETROKKEN)),
    Stap.VERZENDEN: (HandoverWorkflow.send, Send(actor=PM)),
    Stap.ONTVANGST_BEVESTIGEN: (
        HandoverWorkflow.confirm_receipt,
        ConfirmReceipt(actor=SCHOOL, eerste_schooldag=date(2027, 3, 1)),
    ),
    Stap.RETOUR: (HandoverWorkflow.return_to_sender, ReturnToSender(actor=SCHOOL, reden="Niet ingeschreven")),
    Stap.WARME_OVERDRACHT_AANVRAGEN: (
        HandoverWorkflow.request_warm_handover,
        RequestWarmHandover(actor=PM, reden="Veel te bespreken"),
    ),
    Stap.WARME_OVERDRACHT_PLANNEN: (
        HandoverWorkflow.plan_warm_handover,
        PlanWarmHandover(actor=SCHOOL, datum=date(2027, 2, 1), vorm=Vorm.GESPREK),
    ),
    Stap.WARME_OVERDRACHT_VASTLEGGEN: (
        HandoverWorkflow.record_warm_handover,
        RecordWarmHandover(actor=SCHOOL, datum=date(2027, 2, 1), vorm=Vorm.GESPREK, deelnemers=["mentor"]),
    ),
    Stap.ANNULEREN: (HandoverWorkflow.cancel, Cancel(actor=LM, reden="Verhuisd")),
    Stap.VERHUIZEN: (HandoverWorkflow.move_location, MoveLocation(actor=LM, locatie_id=demo.ZONNETJE)),
    Stap.DEADLINE_VERPLAATSEN: (
        HandoverWorkflow.move_deadline,
        MoveDeadline(actor=COORDINATOR, deadline=Deadline.TOESTEMMING, tot=FAR, reden="Ziekte"),
    ),
}

_SENT = [Stap.FORMULIER_OPSLAAN, Stap.INDIENEN, Stap.TOESTEMMING, Stap.VERZENDEN]
# How to bring a new overdracht into each state it can rest in: (start options, steps).
ROUTES: dict[Status, tuple[dict[str, Any], list[Stap]]] = {
    Status.CONCEPT: ({}, [Stap.FORMULIER_OPSLAAN]),
    Status.BIJ_OUDERS: ({}, [Stap.FORMULIER_OPSLAAN, Stap.INDIENEN]),
    Status.WACHT_OP_SCHOOL: ({"school": False}, [Stap.FORMULIER_OPSLAAN, Stap.INDIENEN, Stap.TOESTEMMING]),
    Status.GEREED_VOOR_VERZENDING: ({}, [Stap.FORMULIER_OPSLAAN, Stap.INDIENEN, Stap.TOESTEMMING]),
    Status.VERZONDEN: ({}, _SENT),
    # With a VVE-indicatie a warme overdracht is required: receipt does not complete the overdracht.
    Status.ONTVANGEN: ({"vve_indicatie": True}, [*_SENT, Stap.ONTVANGST_BEVESTIGEN]),
    Status.WARME_OVERDRACHT_GEPLAND: (
        {"vve_indicatie": True},
        [*_SENT, Stap.ONTVANGST_BEVESTIGEN, Stap.WARME_OVERDRACHT_PLANNEN],
    ),
}


async def start(client: Client, pool: asyncpg.Pool, *, school: bool = True, **options: Any) -> HandoverHandle:
    kind_id, _ = await place_child(pool, school_id=demo.STER if school else None)
    input = handover_input(kind_id, school_id=demo.STER if school else None, **options)
    handle = await client.start_workflow(
        HandoverWorkflow.run, input, id=workflow_id(input.overdracht_id), task_queue=TASK_QUEUE
    )
    await handle.execute_update(HandoverWorkflow.open, Open(actor=PM))
    return handle


async def take(handle: HandoverHandle, stap: Stap) -> HandoverState:
    update, cmd = STEPS[stap]
    return await handle.execute_update(update, cmd)


async def accepted_updates(handle: HandoverHandle) -> int:
    """Updates that reached the history. A validator's refusal never does; background work (a message
    being delivered) adds other events meanwhile, so those are not counted."""
    history = await handle.fetch_history()
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED for e in history.events)


async def read_model(pool: asyncpg.Pool, handle: HandoverHandle) -> tuple[Any, ...]:
    overdracht_id = uuid.UUID(handle.id.removeprefix("overdracht-"))
    row = await pool.fetchrow("SELECT status, revisie FROM overdrachten WHERE id = $1", overdracht_id)
    assert row is not None
    events = await pool.fetchval(
        "SELECT count(*) FROM overdracht_gebeurtenissen WHERE overdracht_id = $1", overdracht_id
    )
    return row["status"], row["revisie"], events


@pytest.mark.parametrize("status", list(ROUTES))
@pytest.mark.parametrize("stap", list(Stap))
async def test_each_step_only_in_the_states_that_allow_it(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool, status: Status, stap: Stap
) -> None:
    options, route = ROUTES[status]
    handle = await start(env.client, pool, **options)
    for s in route:
        await take(handle, s)
    assert (await handle.query(HandoverWorkflow.state)).status is status
    before_state = await handle.query(HandoverWorkflow.state)
    before_rows = await read_model(pool, handle)
    before_accepted = await accepted_updates(handle)

    if status in ALLOWED_FROM[stap]:
        after = await take(handle, stap)
        assert after.revisie > before_state.revisie
        status_now, revisie_now, _ = await read_model(pool, handle)
        # At least this revision: a purge or a message may already have followed it.
        assert status_now == after.status.value and revisie_now >= after.revisie
    else:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await take(handle, stap)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError)
        assert cause.type == Weigering.STAP_NIET_TOEGESTAAN
        assert stap.value in cause.message and status.value in cause.message, cause.message
        # Refused by the validator: nothing reached the history, the state or the read model.
        assert await handle.query(HandoverWorkflow.state) == before_state
        assert await read_model(pool, handle) == before_rows
        assert await accepted_updates(handle) == before_accepted


async def test_submitting_an_incomplete_form_lists_what_is_missing(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    handle = await start(env.client, pool)
    partial = Formulier.model_validate({"vve": {"indicatie": True}, "ontwikkeling": {"taal": {"niveau": "aandacht"}}})
    await handle.execute_update(HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=partial))

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await take(handle, Stap.INDIENEN)

    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == Weigering.FORMULIER_ONVOLLEDIG
    missing = cause.details[0]
    assert "vve.programma" in missing and "ontwikkeling.rekenen.niveau" in missing
    assert "ontwikkeling.taal.niveau" not in missing
    assert (await handle.query(HandoverWorkflow.state)).status is Status.CONCEPT


async def test_consent_without_a_school_waits_for_one(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    handle = await start(env.client, pool, school=False)
    for s in (Stap.FORMULIER_OPSLAAN, Stap.INDIENEN):
        await take(handle, s)

    waiting = await take(handle, Stap.TOESTEMMING)
    ready = await take(handle, Stap.SCHOOL_KIEZEN)

    assert waiting.status is Status.WACHT_OP_SCHOOL
    assert ready.status is Status.GEREED_VOOR_VERZENDING and ready.school_id == demo.STER


async def test_refused_consent_ends_the_overdracht(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    handle = await start(env.client, pool)
    for s in (Stap.FORMULIER_OPSLAAN, Stap.INDIENEN):
        await take(handle, s)

    await handle.execute_update(HandoverWorkflow.record_consent, RecordConsent(actor=PARENT, besluit=Besluit.GEWEIGERD))

    result = await handle.result()
    assert result.status is Status.GEWEIGERD
    assert (await read_model(pool, handle))[0] == "geweigerd"


async def test_opening_twice_records_it_once(env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool) -> None:
    handle = await start(env.client, pool)

    opened = await read_model(pool, handle)

    again = await handle.execute_update(HandoverWorkflow.open, Open(actor=PM))

    # Opened once: GEOPEND, and the note that the parents were told.
    assert again.state.revisie == 2 and again.uitkomst is Openingsuitkomst.AL_GEOPEND
    assert opened == await read_model(pool, handle) == ("concept", 2, 2)


async def test_opening_writes_itself_and_the_parents_message_in_one_call(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    """One trip through the engine before the opener has their answer (issue 14), and both written."""
    handle = await start(env.client, pool)

    history = await handle.fetch_history()
    answered = next(
        i
        for i, e in enumerate(history.events)
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    )
    before = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events[:answered]
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert before == ["queue_and_record_message"]
    overdracht_id = uuid.UUID(handle.id.removeprefix("overdracht-"))
    events = await pool.fetch(
        "SELECT revisie, gebeurtenis FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 ORDER BY revisie",
        overdracht_id,
    )
    assert [(e["revisie"], e["gebeurtenis"]) for e in events] == [(1, "geopend"), (2, "bericht")]
    assert await pool.fetchval("SELECT count(*) FROM berichten WHERE overdracht_id = $1", overdracht_id) == 1


async def test_a_step_sent_while_the_opening_is_still_being_written_waits_for_it(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    """The API answers "open" as soon as the overdracht's row is there, which its write puts there before
    the workflow has finished opening; after a worker died mid-opening, that can be seconds. A step the
    client then sends is not refused for a state about to change ("not opened yet": found by the fault
    suite): it waits for the opening and is taken."""
    kind_id, _ = await place_child(pool)
    input = handover_input(kind_id)
    handle = await env.client.start_workflow(
        HandoverWorkflow.run, input, id=workflow_id(input.overdracht_id), task_queue=TASK_QUEUE
    )
    async with pool.acquire() as blocker:
        transaction = blocker.transaction()
        await transaction.start()
        # The opening's write waits for the read model's table: the workflow is mid-opening.
        await blocker.execute("LOCK TABLE overdrachten IN SHARE ROW EXCLUSIVE MODE")
        opening = asyncio.create_task(handle.execute_update(HandoverWorkflow.open, Open(actor=PM)))

        async def opening_under_way() -> bool:
            return await accepted_updates(handle) == 1

        await eventually(opening_under_way, within=30)
        saving = asyncio.create_task(
            handle.execute_update(HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=FORM))
        )

        async def saving_answered_or_accepted() -> bool:
            return saving.done() or await accepted_updates(handle) == 2

        await eventually(saving_answered_or_accepted, within=30)
        await transaction.rollback()

    opened = await opening
    saved = await saving
    assert opened.uitkomst is Openingsuitkomst.GEOPEND
    assert saved.formulier_compleet and saved.revisie > opened.state.revisie
    events = await pool.fetch(
        "SELECT gebeurtenis FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 ORDER BY revisie",
        input.overdracht_id,
    )
    assert [e["gebeurtenis"] for e in events] == ["geopend", "bericht", "formulier_opgeslagen"]


async def test_a_run_started_by_the_import_past_the_start_age_opens_in_its_first_task(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    """Started with its opener (the import), no update: the opening and the parents' message are written
    in the run's first workflow task (a local activity), in the opener's name, and the message is
    delivered in that task too (tests/test_opening_message_delivery.py): no activity at all."""
    kind_id, _ = await place_child(pool)
    input = handover_input(kind_id, automatisch_openen=True, opener=LM)
    handle = await env.client.start_workflow(
        HandoverWorkflow.run, input, id=workflow_id(input.overdracht_id), task_queue=TASK_QUEUE
    )

    events = await _events_once_open(pool, input.overdracht_id)
    assert [(e["revisie"], e["gebeurtenis"], e["actor_id"]) for e in events] == [
        (1, "geopend", LM.gebruiker_id), (2, "bericht", None),
    ]  # fmt: skip
    assert (await handle.query(HandoverWorkflow.state)).geopend_op is not None
    history = await handle.fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    markers = [
        e.marker_recorded_event_attributes.marker_name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
    ]
    assert scheduled == []
    assert markers == ["core_local_activity", "core_local_activity"]
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED not in [e.event_type for e in history.events]


async def _events_once_open(pool: asyncpg.Pool, overdracht_id: uuid.UUID) -> list[asyncpg.Record]:
    """The timeline once the overdracht has opened (its first task runs in the engine's time)."""
    for _ in range(400):
        events = await pool.fetch(
            "SELECT revisie, gebeurtenis, actor_id FROM overdracht_gebeurtenissen WHERE overdracht_id = $1"
            " ORDER BY revisie",
            overdracht_id,
        )
        if events:
            return events
        await asyncio.sleep(0.05)
    raise AssertionError("not opened within 20 s")


async def test_recording_is_idempotent_and_never_goes_back(pool: asyncpg.Pool) -> None:
    kind_id, _ = await place_child(pool)
    overdracht_id = uuid.uuid4()
    now = datetime.now(UTC)

    def change(revisie: int, status: Status, gebeurtenis: Gebeurtenis) -> RecordChange:
        state = HandoverState(
            overdracht_id=overdracht_id, kind_id=kind_id, gemeente_id=demo.ALMERE, locatie_id=demo.BOOMHUT,
            status=status, revisie=revisie, geopend_op=now,
        )  # fmt: skip
        event = TimelineEvent(
            revisie=revisie, gebeurtenis=gebeurtenis, status=status, tijdstip=now + timedelta(seconds=revisie)
        )
        return RecordChange(state=state, event=event)

    record = ReadModelActivities(pool).record
    activities = ActivityEnvironment()
    await activities.run(record, change(1, Status.CONCEPT, Gebeurtenis.GEOPEND))
    await activities.run(record, change(2, Status.BIJ_OUDERS, Gebeurtenis.INGEDIEND))
    await activities.run(record, change(2, Status.BIJ_OUDERS, Gebeurtenis.INGEDIEND))  # a retry
    await activities.run(record, change(1, Status.CONCEPT, Gebeurtenis.GEOPEND))  # a late duplicate

    row = await pool.fetchrow("SELECT status, revisie FROM overdrachten WHERE id = $1", overdracht_id)
    assert row is not None
    events = await pool.fetch(
        "SELECT gebeurtenis FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 ORDER BY revisie", overdracht_id
    )
    assert (row["status"], row["revisie"]) == ("bij_ouders", 2)
    assert [e["gebeurtenis"] for e in events] == ["geopend", "ingediend"]

    # A step written locally that the engine then forgot (workflows/recording.py) shows until the
    # workflow's own change of that revision, which replaces it, row and timeline both.
    await activities.run(record, change(3, Status.GEREED_VOOR_VERZENDING, Gebeurtenis.TOESTEMMING_GEGEVEN))
    await activities.run(record, change(3, Status.BIJ_OUDERS, Gebeurtenis.VLAG_GEZET))
    row = await pool.fetchrow("SELECT status, revisie FROM overdrachten WHERE id = $1", overdracht_id)
    assert row is not None and (row["status"], row["revisie"]) == ("bij_ouders", 3)
    latest = await pool.fetchval(
        "SELECT gebeurtenis FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 AND revisie = 3", overdracht_id
    )
    assert latest == "vlag_gezet"


def _state(**fields: Any) -> HandoverState:
    return HandoverState.model_validate(
        {"overdracht_id": uuid.uuid4(), "kind_id": uuid.uuid4(), "gemeente_id": demo.ALMERE,
         "locatie_id": demo.BOOMHUT, "status": Status.CONCEPT, **fields}
    )  # fmt: skip


def test_a_state_change_with_a_misspelt_field_or_a_wrong_type_fails() -> None:
    state = _state()
    now = datetime.now(UTC)
    assert changed(state, {"geopend_op": now, "school_id": demo.STER}).geopend_op == now

    misspelt: Any = {"geopend": now}  # a type checker refuses it too: StateChanges has no such key
    with pytest.raises(ValidationError, match="geopend"):
        changed(state, misspelt)
    wrong_types: list[Any] = [{"geopend_op": now.date()}, {"school_id": str(demo.STER)}, {"formulier_compleet": "ja"}]
    for wrong in wrong_types:
        with pytest.raises(ValidationError):
            changed(state, wrong)
    # Neither may a change set what the recorder derives (the revision, the next deadline).
    derived: Any = {"revisie": 7}
    with pytest.raises(ValidationError, match="revisie"):
        changed(state, derived)
    assert state.geopend_op is None and state.revisie == 0  # a change makes a new state


def test_the_changeable_fields_are_typed_as_the_state_has_them() -> None:
    fields = HandoverState.model_fields
    assert set(StateChanges.__annotations__) <= set(fields)
    for name, annotation in StateChanges.__annotations__.items():
        assert annotation == fields[name].annotation, name


async def test_the_read_model_row_holds_every_field_of_the_state(pool: asyncpg.Pool) -> None:
    """Written from the one column list: each field of the state, the next deadline as the workflow
    keeps it, and the flags as the monitoring reads them."""
    kind_id, _ = await place_child(pool)
    now = datetime.now(UTC).replace(microsecond=0)
    state = _state(
        kind_id=kind_id, revisie=1, geopend_op=now, volgende_deadline=now + timedelta(days=3),
        deadlines={Deadline.TOESTEMMING: now + timedelta(days=3), Deadline.VERZENDEN: now + timedelta(days=9)},
        vlaggen={Vlag.SCHOOL_ONBEKEND: VlagStatus(gezet_op=now - timedelta(days=1))},
    )  # fmt: skip
    event = TimelineEvent(revisie=1, gebeurtenis=Gebeurtenis.GEOPEND, status=Status.CONCEPT, tijdstip=now)
    await ActivityEnvironment().run(ReadModelActivities(pool).record, RecordChange(state=state, event=event))

    row = await pool.fetchrow("SELECT * FROM overdrachten WHERE id = $1", state.overdracht_id)
    assert row is not None and set(COLUMNS) <= set(row.keys())
    for name in HandoverState.model_fields.keys() - {"overdracht_id", "deadlines", "vlaggen", "status"}:
        assert row[name] == getattr(state, name), name
    assert (row["id"], row["status"], row["bijgewerkt_op"]) == (state.overdracht_id, "concept", now)
    assert row["volgende_deadline"] == now + timedelta(days=3)
    assert (row["vlaggen"], row["open_vlaggen"], row["achterstallig_sinds"]) == (
        ["school_onbekend"], ["school_onbekend"], now - timedelta(days=1),
    )  # fmt: skip
