"""Deadlines as durable timers, on the time-skipping server: months pass in milliseconds, and every
flag, reminder and escalation is checked at the moment it should come."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from core.settings import Settings
from overdracht import demo
from protocol.dates import AMSTERDAM, add_working_days, age_reached, amsterdam_date, end_of_day
from schemas.formulier import Formulier
from schemas.overdracht import Besluit, Deadline, Rol, Status
from schemas.protocol import ProtocolConfig, VakantieNaam
from schemas.workflow import (
    Actor,
    ConfirmReceipt,
    HandoverInput,
    MoveDeadline,
    Open,
    Opening,
    Openingsuitkomst,
    RecordConsent,
    SaveForm,
    Send,
    Submit,
)
from services.commands import start_handover
from tests.conftest import make_worker
from tests.happy_path import COMPLETE_FORM, handover_input, place_child
from tests.helpers import HandoverHandle, eventually
from workflows.deadlines import school_days_after
from workflows.handover import UNOPENED_TIMEOUT, HandoverWorkflow
from workflows.ids import workflow_id

QUEUE = "overdracht-time-skipping"
CONFIG = ProtocolConfig()  # what tests.happy_path.handover_input gives the workflow
PM = Actor(gebruiker_id=demo.PM_USER[demo.BOOMHUT], rol=Rol.PEDAGOGISCH_MEDEWERKER)
SCHOOL = Actor(gebruiker_id=demo.SCHOOL_USER[demo.STER], rol=Rol.SCHOOL)
COORDINATOR = Actor(gebruiker_id=demo.COORDINATOR, rol=Rol.COORDINATOR)


@pytest.fixture
async def skipping_worker(
    skipping_env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings
) -> AsyncIterator[Worker]:
    async with make_worker(skipping_env.client, pool, settings, QUEUE) as running:
        yield running


async def events(pool: asyncpg.Pool, overdracht_id: UUID, gebeurtenis: str | None = None) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT gebeurtenis, tijdstip, details, actor_rol FROM overdracht_gebeurtenissen"
        " WHERE overdracht_id = $1 AND ($2::text IS NULL OR gebeurtenis = $2) ORDER BY revisie",
        overdracht_id,
        gebeurtenis,
    )


async def messages(pool: asyncpg.Pool, overdracht_id: UUID) -> list[tuple[str, str, str]]:
    rows = await pool.fetch(
        "SELECT soort, aanleiding, ontvanger FROM berichten WHERE overdracht_id = $1 ORDER BY aangemaakt_op, sleutel",
        overdracht_id,
    )
    return [(r["soort"], r["aanleiding"], r["ontvanger"]) for r in rows]


async def flag_set_at(pool: asyncpg.Pool, overdracht_id: UUID, vlag: str) -> datetime:
    async def check() -> Any:
        rows = await events(pool, overdracht_id, "vlag_gezet")
        return next((r["tijdstip"] for r in rows if '"' + vlag + '"' in r["details"]), None)

    return await eventually(check)


async def advance_to(env: WorkflowEnvironment, moment: datetime) -> None:
    """Skip time to just after `moment`."""
    now = await env.get_current_time()
    if moment > now:
        await env.sleep(moment - now + timedelta(minutes=1))


async def today(env: WorkflowEnvironment) -> date:
    """The server's clock is shared by the session's tests and runs ahead of ours: count from it."""
    return amsterdam_date(await env.get_current_time())


async def start(
    env: WorkflowEnvironment, pool: asyncpg.Pool, *, school: bool = True, **options: Any
) -> tuple[HandoverHandle, UUID]:
    kind_id, _ = await place_child(pool, school_id=demo.STER if school else None)
    options.setdefault("geboortedatum", await today(env) - timedelta(days=3 * 365 + 7 * 30))
    input = handover_input(kind_id, school_id=demo.STER if school else None, publish_search_attributes=False, **options)
    handle = await env.client.start_workflow(
        HandoverWorkflow.run, input, id=workflow_id(input.overdracht_id), task_queue=QUEUE
    )
    return handle, input.overdracht_id


async def test_a_workflow_never_opened_ends_after_a_day_without_writing(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    handle, overdracht_id = await start(skipping_env, pool)
    before = await skipping_env.get_current_time()

    result = await handle.result()

    assert result.geopend_op is None
    assert await skipping_env.get_current_time() - before >= UNOPENED_TIMEOUT
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE id = $1", overdracht_id) == 0


async def test_left_alone_every_deadline_flags_reminds_and_escalates_on_time(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    """Placed ahead of time, no school named, and nobody acts: the overdracht opens itself at 3½ and
    every deadline before sending goes off at its moment."""
    birth = await today(skipping_env) - timedelta(days=3 * 365 + 150)  # 3½ comes in about a month
    handle, overdracht_id = await start(skipping_env, pool, school=False, geboortedatum=birth, automatisch_openen=True)
    opens = end_of_day(age_reached(birth, 3, 6) - timedelta(days=1))

    await advance_to(skipping_env, opens)
    opened = await eventually(lambda: events(pool, overdracht_id, "geopend"))
    assert opened[0]["actor_rol"] is None
    assert opens <= opened[0]["tijdstip"] < opens + timedelta(minutes=5)
    # The PM'er is asked to start; the parents hear it has begun.
    assert await eventually(lambda: messages(pool, overdracht_id), lambda m: len(m) >= 2) == [
        ("uitnodiging", "start", "pedagogisch_medewerker"),
        ("uitnodiging", "start", "ouders"),
    ]

    consent_due = end_of_day(age_reached(birth, 3, 8))
    await advance_to(skipping_env, consent_due)
    set_at = await flag_set_at(pool, overdracht_id, "te_laat_toestemming")
    assert consent_due <= set_at < consent_due + timedelta(minutes=5)

    # The escalations count working days from the deadline's own day.
    deadline_day = age_reached(birth, 3, 8)
    to_manager = end_of_day(add_working_days(deadline_day, 5))
    to_coordinator = end_of_day(add_working_days(deadline_day, 10))
    await advance_to(skipping_env, to_coordinator)
    await eventually(lambda: _has(pool, overdracht_id, ("escalatie", "toestemming", "coordinator")))
    school_due = end_of_day(age_reached(birth, 3, 9))
    send_due = end_of_day(age_reached(birth, 3, 10))
    await advance_to(skipping_env, send_due)
    assert school_due <= await flag_set_at(pool, overdracht_id, "school_onbekend") < school_due + timedelta(minutes=5)
    assert send_due <= await flag_set_at(pool, overdracht_id, "te_laat_verzenden") < send_due + timedelta(minutes=5)

    sent = await messages(pool, overdracht_id)
    assert sent[:5] == [
        ("uitnodiging", "start", "pedagogisch_medewerker"),
        ("uitnodiging", "start", "ouders"),
        ("herinnering", "toestemming", "pedagogisch_medewerker"),  # still a draft: the PM'er must act
        ("escalatie", "toestemming", "locatiemanager"),
        ("escalatie", "toestemming", "coordinator"),
    ]
    assert ("herinnering", "school_onbekend", "ouders") in sent
    assert ("herinnering", "verzenden", "pedagogisch_medewerker") in sent
    escalated = {
        r["tijdstip"]: r["details"]
        for r in await events(pool, overdracht_id, "bericht")
        if '"escalatie"' in r["details"] and '"toestemming"' in r["details"]
    }
    times = sorted(escalated)
    assert to_manager <= times[0] < to_manager + timedelta(minutes=5)
    assert to_coordinator <= times[1] < to_coordinator + timedelta(minutes=5)
    row = await pool.fetchrow("SELECT open_vlaggen, achterstallig_sinds FROM overdrachten WHERE id = $1", overdracht_id)
    assert row is not None
    assert set(row["open_vlaggen"]) == {"te_laat_toestemming", "school_onbekend", "te_laat_verzenden"}
    assert row["achterstallig_sinds"] == set_at


async def test_asked_to_open_at_the_start_age_a_young_childs_overdracht_opens_itself_then(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool, settings: Settings
) -> None:
    """The import's way in, where the workflow decides: a child younger than 3½ gets no overdracht yet
    (no row), asking again changes nothing, and at 3½ it opens itself and invites the PM'er; a child
    past 3½ gets it opened at once, by the importer."""
    engine = settings.model_copy(update={"task_queue": QUEUE})
    importer = Actor(gebruiker_id=demo.LM_USER[demo.BOOMHUT], rol=Rol.LOCATIEMANAGER)

    async def placed(born: date) -> HandoverInput:
        kind_id, _ = await place_child(pool, born=born)
        input = handover_input(kind_id, geboortedatum=born, publish_search_attributes=False)
        return input

    async def import_(input: HandoverInput) -> Opening:
        return await start_handover(skipping_env.client, engine, input, Open(actor=importer, op_startleeftijd=True))

    young = await today(skipping_env) - timedelta(days=3 * 365 + 150)  # 3½ comes in about a month
    input = await placed(young)
    opening = await import_(input)
    assert opening.uitkomst is Openingsuitkomst.INGEPLAND and opening.state.geopend_op is None
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE id = $1", input.overdracht_id) == 0
    assert (await import_(input)).uitkomst is Openingsuitkomst.AL_INGEPLAND

    opens = end_of_day(age_reached(young, 3, 6) - timedelta(days=1))
    await advance_to(skipping_env, opens)
    opened = await eventually(lambda: events(pool, input.overdracht_id, "geopend"))
    assert opened[0]["actor_rol"] is None
    assert opens <= opened[0]["tijdstip"] < opens + timedelta(minutes=5)
    # The PM'er is asked to start; the parents hear it has begun.
    assert await eventually(lambda: messages(pool, input.overdracht_id), lambda m: len(m) >= 2) == [
        ("uitnodiging", "start", "pedagogisch_medewerker"),
        ("uitnodiging", "start", "ouders"),
    ]
    assert (await import_(input)).uitkomst is Openingsuitkomst.AL_GEOPEND

    older = await placed(await today(skipping_env) - timedelta(days=3 * 365 + 200))
    opening = await import_(older)
    assert opening.uitkomst is Openingsuitkomst.GEOPEND and opening.state.geopend_op is not None
    [geopend] = await pool.fetch(
        "SELECT actor_id, actor_rol FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 AND gebeurtenis = 'geopend'",
        older.overdracht_id,
    )
    assert (geopend["actor_id"], geopend["actor_rol"]) == (importer.gebruiker_id, "locatiemanager")
    # The parents hear it opened (queued before the update answered); the importer needs no invitation.
    assert await messages(pool, older.overdracht_id) == [("uitnodiging", "start", "ouders")]


async def _has(pool: asyncpg.Pool, overdracht_id: UUID, message: tuple[str, str, str]) -> bool:
    return message in await messages(pool, overdracht_id)


async def _sent(env: WorkflowEnvironment, pool: asyncpg.Pool, **options: Any) -> tuple[HandoverHandle, UUID]:
    handle, overdracht_id = await start(env, pool, **options)
    parent = uuid.uuid4()
    await handle.execute_update(HandoverWorkflow.open, Open(actor=PM))
    await handle.execute_update(
        HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=Formulier.model_validate(COMPLETE_FORM))
    )
    await handle.execute_update(HandoverWorkflow.submit, Submit(actor=PM, ouders=[parent]))
    await handle.execute_update(
        HandoverWorkflow.record_consent,
        RecordConsent(actor=Actor(gebruiker_id=parent, rol=Rol.OUDER), besluit=Besluit.GEGEVEN),
    )
    await handle.execute_update(HandoverWorkflow.send, Send(actor=PM))
    return handle, overdracht_id


async def test_the_school_is_reminded_after_5_school_days_and_flagged_after_10(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    handle, overdracht_id = await _sent(skipping_env, pool)
    sent = (await handle.query(HandoverWorkflow.state)).verzonden_op
    assert sent is not None
    sent_on = amsterdam_date(sent)
    # School days: working days outside the school holidays of the protocol's region (midden).
    reminder = end_of_day(school_days_after(sent_on, 5, CONFIG)[0])
    due = end_of_day(school_days_after(sent_on, 10, CONFIG)[0])

    await advance_to(skipping_env, reminder)
    await eventually(lambda: _has(pool, overdracht_id, ("herinnering", "bevestigen", "school")))
    assert not await events(pool, overdracht_id, "vlag_gezet")

    await advance_to(skipping_env, due)
    assert due <= await flag_set_at(pool, overdracht_id, "te_laat_bevestigen") < due + timedelta(minutes=5)

    await advance_to(
        skipping_env, end_of_day(school_days_after(amsterdam_date(due - timedelta(seconds=1)), 5, CONFIG)[0])
    )
    await eventually(lambda: _has(pool, overdracht_id, ("escalatie", "bevestigen", "schooldirectie")))

    # Confirmed late: the flag is no longer open but stays in the record; nothing more is sent.
    await handle.execute_update(
        HandoverWorkflow.confirm_receipt,
        ConfirmReceipt(actor=SCHOOL, eerste_schooldag=await today(skipping_env) + timedelta(days=200)),
    )
    row = await pool.fetchrow("SELECT status, vlaggen, open_vlaggen FROM overdrachten WHERE id = $1", overdracht_id)
    assert row is not None
    assert (row["status"], row["vlaggen"], row["open_vlaggen"]) == ("afgerond", ["te_laat_bevestigen"], [])
    count = len(await messages(pool, overdracht_id))
    await skipping_env.sleep(timedelta(days=30))
    assert len(await messages(pool, overdracht_id)) == count
    assert ("escalatie", "bevestigen", "coordinator") not in await messages(pool, overdracht_id)


async def test_a_dispatch_on_the_last_school_day_before_summer_is_due_10_school_days_after_it(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    """Sent on the Friday the summer holiday begins after: nothing reminds or escalates during the
    holiday, and the school has until its 10th school day after it."""
    now = await today(skipping_env)
    summer = next(v for v in CONFIG.schoolvakanties if v.naam is VakantieNaam.ZOMER and v.van > now)
    last_school_day = summer.van - timedelta(days=1)
    assert last_school_day.weekday() == 4  # a Friday
    await advance_to(skipping_env, datetime.combine(last_school_day, time(10), tzinfo=AMSTERDAM))
    handle, overdracht_id = await _sent(
        skipping_env, pool, geboortedatum=last_school_day - timedelta(days=3 * 365 + 7 * 30)
    )

    state = await handle.query(HandoverWorkflow.state)
    assert state.verzonden_op is not None and amsterdam_date(state.verzonden_op) == last_school_day
    due = end_of_day(add_working_days(summer.tot, 10))  # no public holiday in the two weeks after it
    assert state.deadlines[Deadline.BEVESTIGEN] == due
    [sent] = await events(pool, overdracht_id, "verzonden")
    assert '"kalender": "schooldagen (regio midden)"' in sent["details"]

    await advance_to(skipping_env, end_of_day(summer.tot))
    about_receipt = [m for m in await messages(pool, overdracht_id) if m[1] == "bevestigen"]
    assert about_receipt == [] and not await events(pool, overdracht_id, "vlag_gezet")

    await advance_to(skipping_env, due)
    assert due <= await flag_set_at(pool, overdracht_id, "te_laat_bevestigen") < due + timedelta(minutes=5)
    reminded = [m for m in await messages(pool, overdracht_id) if m[1] == "bevestigen"]
    assert reminded == [("herinnering", "bevestigen", "school"), ("herinnering", "bevestigen", "school")]


async def test_a_child_turning_4_on_20_july_is_counted_in_the_next_school_year(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    birth = date(2023, 7, 20)  # 4 on 20 July 2027, in regio midden's summer holiday
    handle, overdracht_id = await start(skipping_env, pool, geboortedatum=birth)

    opened = await handle.execute_update(HandoverWorkflow.open, Open(actor=PM))

    assert opened.state.schooljaar == "2027-2028"  # not 2026-2027, the school year of the birthday
    assert opened.state.deadlines[Deadline.WARME_OVERDRACHT] == end_of_day(date(2027, 8, 29))  # before 30 August
    row = await pool.fetchval("SELECT schooljaar FROM overdrachten WHERE id = $1", overdracht_id)
    assert row == "2027-2028"  # the monitoring counts it there


async def test_a_moved_deadline_takes_its_timer_along(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    birth = await today(skipping_env) - timedelta(days=3 * 365 + 7 * 30)
    handle, overdracht_id = await start(skipping_env, pool, geboortedatum=birth)
    await handle.execute_update(HandoverWorkflow.open, Open(actor=PM))
    old = end_of_day(age_reached(birth, 3, 10))
    new = end_of_day(age_reached(birth, 3, 10) + timedelta(days=21))

    await handle.execute_update(
        HandoverWorkflow.move_deadline,
        MoveDeadline(actor=COORDINATOR, deadline=Deadline.VERZENDEN, tot=new, reden="Langdurig ziek"),
    )
    await advance_to(skipping_env, old + timedelta(days=1))
    await asyncio.sleep(0.5)
    assert not [r for r in await events(pool, overdracht_id, "vlag_gezet") if '"te_laat_verzenden"' in r["details"]]

    await advance_to(skipping_env, new)
    assert new <= await flag_set_at(pool, overdracht_id, "te_laat_verzenden") < new + timedelta(minutes=5)
    moved = await events(pool, overdracht_id, "deadline_verplaatst")
    assert moved[0]["actor_rol"] == "coordinator"


async def test_an_open_overdracht_waits_for_all_its_moments_on_one_timer(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    """Opened by its starter (as the import opens one), it waits for its open deadlines' alarms, the
    dispatch's expiry and the end of an unfinished overdracht: one timer in the engine, for the earliest
    (workflows/clock.py), where it took one each. The alarms still come on time (the tests above)."""
    handle, overdracht_id = await start(skipping_env, pool, opener=PM)
    await eventually(lambda: events(pool, overdracht_id, "geopend"))

    async def settled() -> list[HistoryEvent]:
        """The history once the opening's task (its message delivered in it) has completed."""
        history = list((await handle.fetch_history()).events)
        # Its commands follow the task's completion: the two local activities' markers, the timer.
        delivered = [e.event_type for e in history].count(EventType.EVENT_TYPE_MARKER_RECORDED) == 2
        return history if delivered else []

    history = await eventually(settled)
    kinds = [e.event_type for e in history]
    assert kinds.count(EventType.EVENT_TYPE_TIMER_STARTED) == 1
    assert EventType.EVENT_TYPE_TIMER_CANCELED not in kinds and EventType.EVENT_TYPE_TIMER_FIRED not in kinds
    timer = next(e.timer_started_event_attributes for e in history if e.HasField("timer_started_event_attributes"))
    earliest = history[0].event_time.ToDatetime(tzinfo=UTC) + timer.start_to_fire_timeout.ToTimedelta()
    state = await handle.query(HandoverWorkflow.state)
    # The earliest moment is an alarm before (or at) the first open deadline.
    assert earliest <= min(state.deadlines.values()) + timedelta(minutes=1)
    assert len(state.deadlines) >= 2


async def test_refused_content_is_purged_at_once_and_completed_content_after_three_months(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    refused, refused_id = await start(skipping_env, pool)
    parent = uuid.uuid4()
    await refused.execute_update(HandoverWorkflow.open, Open(actor=PM))
    await refused.execute_update(
        HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=Formulier.model_validate(COMPLETE_FORM))
    )
    await refused.execute_update(HandoverWorkflow.submit, Submit(actor=PM, ouders=[parent]))
    await refused.execute_update(
        HandoverWorkflow.record_consent,
        RecordConsent(actor=Actor(gebruiker_id=parent, rol=Rol.OUDER), besluit=Besluit.GEWEIGERD),
    )
    result = await refused.result()
    assert result.status is Status.GEWEIGERD and result.inhoud_verwijderd_op is not None
    assert await pool.fetchval("SELECT count(*) FROM formulieren WHERE overdracht_id = $1", refused_id) == 0

    done, done_id = await _sent(skipping_env, pool)
    await done.execute_update(
        HandoverWorkflow.confirm_receipt,
        ConfirmReceipt(actor=SCHOOL, eerste_schooldag=await today(skipping_env) + timedelta(days=200)),
    )
    completed = amsterdam_date(await skipping_env.get_current_time())
    await skipping_env.sleep(timedelta(days=60))
    assert await pool.fetchval("SELECT count(*) FROM formulieren WHERE overdracht_id = $1", done_id) == 1

    result = await done.result()
    assert result.inhoud_verwijderd_op is not None
    assert result.inhoud_verwijderd_op >= end_of_day(age_reached(completed, months=3))
    assert await pool.fetchval("SELECT count(*) FROM formulieren WHERE overdracht_id = $1", done_id) == 0
    row = await pool.fetchrow("SELECT status, afgerond_op, school_id FROM overdrachten WHERE id = $1", done_id)
    assert row is not None
    assert row["status"] == "afgerond" and row["afgerond_op"] and row["school_id"] == demo.STER


async def test_a_warme_overdracht_not_held_before_the_first_school_day_is_flagged(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    handle, overdracht_id = await _sent(skipping_env, pool, vve_indicatie=True)
    first_day = await today(skipping_env) + timedelta(days=40)
    received = await handle.execute_update(
        HandoverWorkflow.confirm_receipt, ConfirmReceipt(actor=SCHOOL, eerste_schooldag=first_day)
    )
    assert received.status is Status.ONTVANGEN and received.warme_overdracht_vereist
    due = end_of_day(first_day - timedelta(days=1))  # held before the first school day

    await advance_to(skipping_env, due)

    assert due <= await flag_set_at(pool, overdracht_id, "te_laat_warme_overdracht") < due + timedelta(minutes=5)
    sent = await eventually(
        lambda: _has(pool, overdracht_id, ("herinnering", "warme_overdracht", "pedagogisch_medewerker"))
    )
    assert sent
    assert ("herinnering", "warme_overdracht", "school") in await messages(pool, overdracht_id)


async def test_a_dispatch_never_confirmed_expires_six_months_after_the_fourth_birthday(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    birth = await today(skipping_env) - timedelta(days=3 * 365 + 300)
    handle, overdracht_id = await _sent(skipping_env, pool, geboortedatum=birth)
    expires = end_of_day(age_reached(birth, 4, 6))

    result = await handle.result()  # the school never answers; months pass

    assert result.status is Status.GEANNULEERD and result.inhoud_verwijderd_op is not None
    [expired] = await events(pool, overdracht_id, "verzending_verlopen")
    assert expires <= expired["tijdstip"] < expires + timedelta(minutes=5)
    assert await pool.fetchval("SELECT count(*) FROM formulieren WHERE overdracht_id = $1", overdracht_id) == 0
