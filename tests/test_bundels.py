"""The daily digest: a member of staff who chose it gets their reminders and escalations as one message
a day (listing each overdracht by link, no names), never two for one day; the others still get each at
once; a worker killed in the middle of delivering a digest does not make it go twice."""

import asyncio
import email
import email.policy
import re
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from temporalio.api.enums.v1 import TimeoutType
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.bundels import BundelActivities
from core.settings import Settings
from overdracht import demo
from schemas.bericht import Aanleiding, BerichtSoort, BezorgStatus, Ontvanger
from schemas.overdracht import Rol
from tests.conftest import Login, free_port
from tests.helpers import eventually, text_of
from tests.processes import worker_process
from tests.test_berichten import Mailbox, aanvraag, activities_for, mail_settings, new_overdracht, smtp_server
from workflows.bundels import BundelWorkflow

ROOT = Path(__file__).resolve().parent.parent
BEHEERDER = next(u.id for u in demo.STAFF_USERS if u.rol is Rol.BEHEERDER)
LINK = re.compile(r"http://127\.0\.0\.1:8000/overdrachten/([0-9a-f-]{36})")


def staff_of(school_id: UUID, functie: str) -> UUID:
    return next(u.id for u in demo.STAFF_USERS if u.school_id == school_id and demo.FUNCTIE.get(u.id) == functie)


async def email_of(pool: asyncpg.Pool, user_id: UUID) -> str:
    return str(await pool.fetchval("SELECT email FROM gebruikers WHERE id = $1", user_id))


@pytest.fixture
async def due_now(api: httpx.AsyncClient, login: Login) -> AsyncIterator[None]:
    """Almere's digests go out from midnight on, for this test: one made now is due at once."""
    beheerder = await login(BEHEERDER)
    r = await api.patch("/v1/gemeente", headers=beheerder, json={"bundelUur": 0})
    assert (r.status_code, r.json()["bundelUur"], r.json()["bundelen"]) == (200, 0, False), r.text
    try:
        yield
    finally:
        assert (await api.patch("/v1/gemeente", headers=beheerder, json={"bundelUur": 8})).status_code == 200


@pytest.fixture
async def chooses_daily(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> AsyncIterator[tuple[UUID, dict[str, str]]]:
    """De Ster's intern begeleider chose the daily digest (through the API), for this test; what was held
    for them, and their digest of today, go with it."""
    ib = staff_of(demo.STER, "intern_begeleider")
    headers = await login(ib)
    r = await api.patch("/v1/mijn-instellingen", headers=headers, json={"berichten": "dagelijks"})
    assert r.status_code == 200 and r.json() == {
        "berichten": "dagelijks",
        "berichtenGemeente": "direct",
        "bundelUur": 0,
    }
    try:
        yield ib, headers
    finally:
        assert (await api.patch("/v1/mijn-instellingen", headers=headers, json={"berichten": None})).status_code == 200
        await pool.execute("DELETE FROM bundel_regels WHERE gebruiker_id = $1", ib)
        await pool.execute("DELETE FROM bundels WHERE gebruiker_id = $1", ib)


async def remind_school(pool: asyncpg.Pool, settings: Settings, how_many: int) -> list[UUID]:
    """`how_many` overdrachten sent to De Ster, each with the school's reminder queued and delivered."""
    activities = activities_for(pool, settings)
    run = ActivityEnvironment().run
    ids = []
    for _ in range(how_many):
        overdracht_id, _, _ = await new_overdracht(pool)
        request = aanvraag(
            overdracht_id, Ontvanger.SCHOOL, soort=BerichtSoort.HERINNERING, aanleiding=Aanleiding.BEVESTIGEN
        )
        await run(activities.deliver, await run(activities.queue, request))
        ids.append(overdracht_id)
    return ids


def digests(mailbox: Mailbox, address: str) -> list[Any]:
    return [m for rcpt, m in mailbox.messages if rcpt == [address] and m["Subject"].startswith("Overzicht")]


async def test_five_reminders_in_a_day_are_one_digest_and_there_is_never_a_second_that_day(
    pool: asyncpg.Pool, settings: Settings, due_now: None, chooses_daily: tuple[UUID, dict[str, str]]
) -> None:
    ib, _ = chooses_daily
    ib_address, directie = await email_of(pool, ib), await email_of(pool, staff_of(demo.STER, "directie"))
    port = free_port()
    mailing = mail_settings(settings, port)
    run = ActivityEnvironment().run
    async with smtp_server(port) as mailbox:
        sent = await remind_school(pool, mailing, 5)
        # The direction (who did not choose) got each at once; the intern begeleider none of them.
        assert [rcpt for rcpt, _ in mailbox.messages] == [[directie]] * 5

        made = await run(BundelActivities(pool, mailing).make)
        for bericht_id in made:
            assert await run(activities_for(pool, mailing).deliver, bericht_id) is BezorgStatus.VERZONDEN

        [digest] = digests(mailbox, ib_address)
        body = text_of(digest)
        assert digest["Subject"] == "Overzicht overdrachten: 5 stappen wachten"
        assert "5 overdrachten wachten op ontvangstbevestiging:" in body
        assert sorted(UUID(i) for i in LINK.findall(body)) == sorted(sent)  # five lines, one per overdracht
        # Another reminder today waits for tomorrow's digest: never a second one for today.
        await remind_school(pool, mailing, 1)
        again = await run(BundelActivities(pool, mailing).make)
        for bericht_id in again:
            await run(activities_for(pool, mailing).deliver, bericht_id)
        assert len(digests(mailbox, ib_address)) == 1
    # The one each message was held for is in the record: "gebundeld" when nobody else needed it at once.
    waiting = await pool.fetchval(
        "SELECT count(*) FROM bundel_regels WHERE gebruiker_id = $1 AND bundel_id IS NULL", ib
    )
    assert waiting == 1


class StallingMailbox(Mailbox):
    """Takes the message, says so, then keeps the connection waiting before it answers: a worker can be
    killed while its digest is on the wire."""

    def __init__(self, received: asyncio.Event, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.received, self.loop = received, loop

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.loop.call_soon_threadsafe(self.received.set)
        await asyncio.sleep(60)
        return "250 Message accepted"


async def test_a_worker_killed_while_delivering_a_digest_never_sends_a_second(
    pool: asyncpg.Pool,
    settings: Settings,
    env: WorkflowEnvironment,
    due_now: None,
    chooses_daily: tuple[UUID, dict[str, str]],
    tmp_path: Path,
) -> None:
    ib, _ = chooses_daily
    ib_address = await email_of(pool, ib)
    port, stalling_port = free_port(), free_port()
    mailing = mail_settings(settings, stalling_port)
    queue = f"overdracht-bundels-{uuid.uuid4().hex[:6]}"
    on_queue = mailing.model_copy(update={"task_queue": queue})
    received = asyncio.Event()
    async with smtp_server(port):
        held = await remind_school(pool, mail_settings(settings, port), 5)
    async with smtp_server(stalling_port, StallingMailbox(received, asyncio.get_running_loop())) as mailbox:
        with worker_process(on_queue, tmp_path / "worker.log") as worker:
            first = await env.client.start_workflow(BundelWorkflow.run, id=f"bundels-{queue}", task_queue=queue)
            await asyncio.wait_for(received.wait(), 60)  # the digest is on the wire...
            worker.send_signal(signal.SIGKILL)  # ...and its worker dies before it hears the answer
            worker.wait()
        await first.terminate("the test ends it")
        [digest] = digests(mailbox, ib_address)
        assert sorted(UUID(i) for i in LINK.findall(text_of(digest))) == sorted(held)

        # The next hour's run, on a new worker: no second digest for today, and the one begun is not repeated.
        with worker_process(on_queue, tmp_path / "worker-2.log"):
            again = await env.client.execute_workflow(BundelWorkflow.run, id=f"bundels-{queue}-2", task_queue=queue)
        bericht_id = await pool.fetchval("SELECT bericht_id FROM bundels WHERE gebruiker_id = $1", ib)
        retried = await ActivityEnvironment().run(activities_for(pool, mailing).deliver, bericht_id)

    assert again == 0 and retried is BezorgStatus.ONZEKER
    assert len(digests(mailbox, ib_address)) == 1
    assert await pool.fetchval("SELECT count(*) FROM bundels WHERE gebruiker_id = $1", ib) == 1
    await eventually(
        lambda: pool.fetchval("SELECT status FROM berichten WHERE id = $1", bericht_id), lambda s: s == "onzeker"
    )


async def test_a_worker_killed_mid_delivery_is_noticed_in_seconds_and_another_finishes_the_step(
    pool: asyncpg.Pool,
    settings: Settings,
    env: WorkflowEnvironment,
    due_now: None,
    chooses_daily: tuple[UUID, dict[str, str]],
    tmp_path: Path,
) -> None:
    """Without heartbeats the engine would wait out the delivery's whole start-to-close timeout (2 minutes)
    before giving the step to the second worker; with them it notices the dead worker after 5 seconds."""
    port, stalling_port = free_port(), free_port()
    queue = f"overdracht-bundels-{uuid.uuid4().hex[:6]}"
    on_queue = mail_settings(settings, stalling_port).model_copy(update={"task_queue": queue})
    received = asyncio.Event()
    async with smtp_server(port):
        await remind_school(pool, mail_settings(settings, port), 1)
    async with smtp_server(stalling_port, StallingMailbox(received, asyncio.get_running_loop())):
        with worker_process(on_queue, tmp_path / "worker.log") as worker:
            handle = await env.client.start_workflow(BundelWorkflow.run, id=f"bundels-{queue}", task_queue=queue)
            await asyncio.wait_for(received.wait(), 60)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        with worker_process(on_queue, tmp_path / "worker-2.log"):
            delivered = await asyncio.wait_for(handle.result(), 60)  # well within the 2 minutes

    assert delivered == 1
    retried = [
        e.activity_task_started_event_attributes
        for e in (await handle.fetch_history()).events
        if e.HasField("activity_task_started_event_attributes") and e.activity_task_started_event_attributes.attempt > 1
    ]
    assert [a.last_failure.timeout_failure_info.timeout_type for a in retried] == [TimeoutType.TIMEOUT_TYPE_HEARTBEAT]
