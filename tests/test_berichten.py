"""Notifications: the outbox, the recipients in scope, the texts without personal data, and delivery
to a real SMTP server that never sends a message twice."""

import asyncio
import email
import email.policy
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.berichten import BerichtActivities
from activities.berichtteksten import MAANDEN, datum
from core.mailer import Mailer, as_html
from core.settings import Settings
from overdracht import demo
from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, BezorgStatus, Ontvanger
from tests.conftest import Login, free_port
from tests.happy_path import place_child
from tests.helpers import text_of

DEADLINE = datetime(2027, 12, 31, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam, still 31 December


class Mailbox:
    """An aiosmtpd handler that keeps what it accepted; it can refuse recipients or the content."""

    def __init__(self, rcpt_reply: str | None = None, data_reply: str = "250 Message accepted") -> None:
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_reply.startswith("250"):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return self.data_reply


@asynccontextmanager
async def smtp_server(port: int, mailbox: Mailbox | None = None) -> AsyncIterator[Mailbox]:
    mailbox = mailbox or Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    await asyncio.to_thread(controller.start)
    try:
        yield mailbox
    finally:
        await asyncio.to_thread(controller.stop)


def mail_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False})


def activities_for(pool: asyncpg.Pool, settings: Settings) -> BerichtActivities:
    return BerichtActivities(pool, Mailer.from_settings(settings), settings)


async def new_overdracht(
    pool: asyncpg.Pool, locatie_id: UUID = demo.BOOMHUT, school_id: UUID | None = demo.STER
) -> tuple[UUID, UUID, UUID]:
    """A sent overdracht for a new child: (overdracht_id, kind_id, parent_id)."""
    kind_id, parent_id = await place_child(pool, locatie_id=locatie_id, school_id=school_id)
    overdracht_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, geopend_op,"
        " verzonden_op, bijgewerkt_op) VALUES ($1, $2, $3, $4, $5, 'verzonden', now(), now(), now())",
        overdracht_id, kind_id, demo.ALMERE, locatie_id, school_id,
    )  # fmt: skip
    return overdracht_id, kind_id, parent_id


def aanvraag(
    overdracht_id: UUID, ontvanger: Ontvanger = Ontvanger.PEDAGOGISCH_MEDEWERKER, **fields: Any
) -> BerichtAanvraag:
    return BerichtAanvraag(
        overdracht_id=overdracht_id,
        sleutel=fields.pop("sleutel", f"test-{uuid.uuid4()}"),
        soort=fields.pop("soort", BerichtSoort.UITNODIGING),
        aanleiding=fields.pop("aanleiding", Aanleiding.START),
        ontvanger=ontvanger,
        **fields,
    )


async def row(pool: asyncpg.Pool, bericht_id: UUID) -> asyncpg.Record:
    stored = await pool.fetchrow("SELECT * FROM berichten WHERE id = $1", bericht_id)
    assert stored is not None
    return stored


async def test_queueing_again_with_the_same_key_queues_nothing_new(pool: asyncpg.Pool, settings: Settings) -> None:
    overdracht_id, _, _ = await new_overdracht(pool)
    queue = activities_for(pool, settings).queue
    run = ActivityEnvironment().run

    first = await run(queue, aanvraag(overdracht_id, sleutel="start-pm"))
    again = await run(queue, aanvraag(overdracht_id, sleutel="start-pm", soort=BerichtSoort.HERINNERING))
    other = await run(queue, aanvraag(overdracht_id, sleutel="herinnering-pm"))

    assert first == again and other != first
    rows = await pool.fetch("SELECT id, sleutel, soort FROM berichten WHERE overdracht_id = $1", overdracht_id)
    assert sorted((r["sleutel"], r["soort"]) for r in rows) == [
        ("herinnering-pm", "uitnodiging"),
        ("start-pm", "uitnodiging"),
    ]


@pytest.mark.parametrize(
    ("ontvanger", "expected"),
    [
        (Ontvanger.PEDAGOGISCH_MEDEWERKER, ["sanne.de.vries@boomhut.demo.invalid"]),
        (Ontvanger.LOCATIEMANAGER, ["peter.visser@boomhut.demo.invalid"]),
        (Ontvanger.SCHOOL, ["hanneke.verbeek@ster.demo.invalid", "marieke.smit@ster.demo.invalid"]),
        (Ontvanger.SCHOOLDIRECTIE, ["hanneke.verbeek@ster.demo.invalid"]),
        (Ontvanger.COORDINATOR, ["anouk.jansen@almere.demo.invalid"]),
    ],
)
async def test_recipients_are_found_in_the_overdrachts_scope(
    pool: asyncpg.Pool, settings: Settings, ontvanger: Ontvanger, expected: list[str]
) -> None:
    overdracht_id, _, _ = await new_overdracht(pool)

    bericht_id = await ActivityEnvironment().run(
        activities_for(pool, settings).queue, aanvraag(overdracht_id, ontvanger)
    )

    bericht = await row(pool, bericht_id)
    assert bericht["aan"] == expected
    assert (bericht["status"], bericht["ontvanger"]) == ("wachtend", ontvanger.value)


async def test_the_childs_parents_are_its_own(pool: asyncpg.Pool, settings: Settings) -> None:
    overdracht_id, _, parent_id = await new_overdracht(pool)
    await pool.execute("UPDATE gebruikers SET email = 'ouder.test@demo.invalid' WHERE id = $1", parent_id)

    bericht_id = await ActivityEnvironment().run(
        activities_for(pool, settings).queue, aanvraag(overdracht_id, Ontvanger.OUDERS)
    )

    assert (await row(pool, bericht_id))["aan"] == ["ouder.test@demo.invalid"]


async def test_without_a_directie_the_schools_staff_hear_of_it(pool: asyncpg.Pool, settings: Settings) -> None:
    school_id, ib_id = uuid.uuid4(), uuid.uuid4()
    await pool.execute(
        "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, 'Testschool')", school_id, demo._id(3, 1)
    )
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, school_id, email, functie)"
        " VALUES ($1, 'Test IB', 'school', $2, $3, 'ib@testschool.demo.invalid', 'intern_begeleider')",
        ib_id, demo.ALMERE, school_id,
    )  # fmt: skip
    overdracht_id, _, _ = await new_overdracht(pool, school_id=school_id)

    bericht_id = await ActivityEnvironment().run(
        activities_for(pool, settings).queue, aanvraag(overdracht_id, Ontvanger.SCHOOLDIRECTIE)
    )

    assert (await row(pool, bericht_id))["aan"] == ["ib@testschool.demo.invalid"]


async def test_nobody_with_an_address_is_geen_adres(pool: asyncpg.Pool, settings: Settings, login: Login) -> None:
    overdracht_id, _, _ = await new_overdracht(pool, school_id=None)
    run, activities = ActivityEnvironment().run, activities_for(pool, settings)

    to_parents = await run(activities.queue, aanvraag(overdracht_id, Ontvanger.OUDERS))  # the parent has no address
    to_school = await run(activities.queue, aanvraag(overdracht_id, Ontvanger.SCHOOL))  # no school known

    for bericht_id in (to_parents, to_school):
        assert ((await row(pool, bericht_id))["aan"], (await row(pool, bericht_id))["status"]) == ([], "geen_adres")
        assert await run(activities.deliver, bericht_id) is BezorgStatus.GEEN_ADRES


async def test_delivery_sends_one_real_message_once(pool: asyncpg.Pool, settings: Settings) -> None:
    port = free_port()
    overdracht_id, _, _ = await new_overdracht(pool)
    activities = activities_for(pool, mail_settings(settings, port))
    run = ActivityEnvironment().run
    bericht_id = await run(
        activities.queue,
        aanvraag(overdracht_id, soort=BerichtSoort.HERINNERING, aanleiding=Aanleiding.BEVESTIGEN, deadline=DEADLINE,
                 ontvanger=Ontvanger.SCHOOL),
    )  # fmt: skip

    async with smtp_server(port) as mailbox:
        first = await run(activities.deliver, bericht_id)
        again = await run(activities.deliver, bericht_id)

    assert (first, again) == (BezorgStatus.VERZONDEN, BezorgStatus.VERZONDEN)
    assert len(mailbox.messages) == 1
    rcpt_tos, message = mailbox.messages[0]
    assert rcpt_tos == ["hanneke.verbeek@ster.demo.invalid", "marieke.smit@ster.demo.invalid"]
    assert message["Subject"] == "Herinnering overdracht: de ontvangst van de overdracht bevestigen"
    assert message["Message-ID"] == f"<{bericht_id}@overdracht.invalid>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Id"] == "Overdracht voorschool-basisschool <berichten.overdracht.invalid>"
    assert message["From"] == settings.mail_from
    # A text part and the same as HTML, each a reader can act on: the step, the date, the link.
    assert message.get_content_type() == "multipart/alternative"
    body = text_of(message)
    assert body.startswith("Beste collega van de school,")
    link = f"http://127.0.0.1:8000/overdrachten/{overdracht_id}"
    assert link in body
    assert "31 december 2027" in body
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    page = html_part.get_content()
    assert '<html lang="nl">' in page and f'<a href="{link}">{link}</a>' in page
    assert "<p>Beste collega van de school,</p>" in page and "31 december 2027" in page
    stored = await row(pool, bericht_id)
    assert stored["status"] == "verzonden" and stored["verzonden_op"] is not None
    assert stored["message_id"] == message["Message-ID"]


async def test_a_delivery_that_stopped_midway_is_not_repeated(pool: asyncpg.Pool, settings: Settings) -> None:
    port = free_port()
    overdracht_id, _, _ = await new_overdracht(pool)
    activities = activities_for(pool, mail_settings(settings, port))
    run = ActivityEnvironment().run
    bericht_id = await run(activities.queue, aanvraag(overdracht_id))
    # An earlier attempt started and then the worker died: did it reach the mail server? Unknown.
    await pool.execute("UPDATE berichten SET bezorging_gestart_op = now() WHERE id = $1", bericht_id)

    async with smtp_server(port) as mailbox:
        first = await run(activities.deliver, bericht_id)
        again = await run(activities.deliver, bericht_id)

    assert (first, again) == (BezorgStatus.ONZEKER, BezorgStatus.ONZEKER)
    assert mailbox.messages == []
    assert (await row(pool, bericht_id))["status"] == "onzeker"


async def test_with_the_mail_server_down_delivery_is_retried_later_and_sends_once(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    port = free_port()  # nothing listens here yet
    overdracht_id, _, _ = await new_overdracht(pool)
    activities = activities_for(pool, mail_settings(settings, port))
    run = ActivityEnvironment().run
    bericht_id = await run(activities.queue, aanvraag(overdracht_id))

    with pytest.raises(ApplicationError) as refused:
        await run(activities.deliver, bericht_id)

    assert refused.value.type == "MailNotSent" and not refused.value.non_retryable
    stored = await row(pool, bericht_id)
    assert (stored["status"], stored["bezorging_gestart_op"]) == ("wachtend", None)

    async with smtp_server(port) as mailbox:
        assert await run(activities.deliver, bericht_id) is BezorgStatus.VERZONDEN
        assert await run(activities.deliver, bericht_id) is BezorgStatus.VERZONDEN
    assert len(mailbox.messages) == 1


async def test_a_temporary_refusal_of_a_recipient_is_retried_later(pool: asyncpg.Pool, settings: Settings) -> None:
    port = free_port()
    overdracht_id, _, _ = await new_overdracht(pool)
    activities = activities_for(pool, mail_settings(settings, port))
    run = ActivityEnvironment().run
    bericht_id = await run(activities.queue, aanvraag(overdracht_id))

    async with smtp_server(port, Mailbox(rcpt_reply="451 4.3.0 Try again later")) as mailbox:
        with pytest.raises(ApplicationError) as refused:
            await run(activities.deliver, bericht_id)

    assert not refused.value.non_retryable
    assert mailbox.messages == []
    assert (await row(pool, bericht_id))["bezorging_gestart_op"] is None


async def test_a_failure_once_the_content_is_sent_is_onzeker_not_retried(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    port = free_port()
    overdracht_id, _, _ = await new_overdracht(pool)
    activities = activities_for(pool, mail_settings(settings, port))
    run = ActivityEnvironment().run
    bericht_id = await run(activities.queue, aanvraag(overdracht_id))

    async with smtp_server(port, Mailbox(data_reply="451 4.3.0 Local error")):
        first = await run(activities.deliver, bericht_id)
    async with smtp_server(port) as mailbox:
        again = await run(activities.deliver, bericht_id)

    assert (first, again) == (BezorgStatus.ONZEKER, BezorgStatus.ONZEKER)
    assert mailbox.messages == []


async def test_without_a_mail_server_the_message_stays_readable_in_the_outbox(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool, settings: Settings
) -> None:
    assert settings.smtp_host is None and Mailer.from_settings(settings) is None
    overdracht_id, _, _ = await new_overdracht(pool)
    activities = activities_for(pool, settings)
    run = ActivityEnvironment().run
    bericht_id = await run(activities.queue, aanvraag(overdracht_id, deadline=DEADLINE))

    assert await run(activities.deliver, bericht_id) is BezorgStatus.GEEN_MAILSERVER
    assert await run(activities.deliver, bericht_id) is BezorgStatus.GEEN_MAILSERVER

    r = await api.get(
        "/v1/dev/berichten",
        headers=await login(demo.PM_USER[demo.BOOMHUT]),
        params={"overdrachtId": str(overdracht_id)},
    )
    assert r.status_code == 200, r.text
    [bericht] = r.json()["resultaten"]
    assert bericht["id"] == str(bericht_id) and bericht["overdrachtId"] == str(overdracht_id)
    assert (bericht["status"], bericht["soort"], bericht["aanleiding"], bericht["ontvanger"]) == (
        "geen_mailserver", "uitnodiging", "start", "pedagogisch_medewerker",
    )  # fmt: skip
    assert bericht["aan"] == ["sanne.de.vries@boomhut.demo.invalid"]
    assert bericht["onderwerp"] == "Overdracht: de overdracht kan beginnen"
    assert f"/overdrachten/{overdracht_id}" in bericht["tekst"] and "31 december 2027" in bericht["tekst"]
    assert bericht["verzondenOp"] is None and bericht["aangemaaktOp"] and bericht["deadline"]


async def test_the_outbox_is_listed_newest_first_within_ones_scope(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool, settings: Settings
) -> None:
    overdracht_id, _, parent_id = await new_overdracht(pool)
    run, queue = ActivityEnvironment().run, activities_for(pool, settings).queue
    older = await run(queue, aanvraag(overdracht_id))
    newer = await run(queue, aanvraag(overdracht_id, Ontvanger.COORDINATOR))

    async def listed(user: UUID, **params: Any) -> list[dict[str, Any]]:
        r = await api.get("/v1/dev/berichten", headers=await login(user), params=params)
        assert r.status_code == 200, r.text
        return r.json()["resultaten"]

    own = await listed(demo.PM_USER[demo.BOOMHUT], overdrachtId=str(overdracht_id))
    assert [b["id"] for b in own] == [str(newer), str(older)]
    assert await listed(demo.PM_USER[demo.ZONNETJE], overdrachtId=str(overdracht_id)) == []
    assert str(older) not in {b["id"] for b in await listed(demo.PM_USER[demo.ZONNETJE], pageSize=200)}
    # The coordinator sees the gemeente's messages, but not who they went to.
    coordinator = await listed(demo.COORDINATOR, overdrachtId=str(overdracht_id))
    assert len(coordinator) == 2 and all(b["aan"] is None for b in coordinator)

    parent = await login(parent_id)
    assert (await api.get("/v1/dev/berichten", headers=parent)).status_code == 403
    assert (await api.get("/v1/dev/berichten")).status_code == 401
    pm = await login(demo.PM_USER[demo.BOOMHUT])
    assert (await api.get("/v1/dev/berichten", headers=pm, params={"pageSize": 0})).status_code == 400
    assert len(await listed(demo.PM_USER[demo.BOOMHUT], pageSize=1)) == 1


async def test_no_text_holds_personal_data(pool: asyncpg.Pool, settings: Settings) -> None:
    overdracht_id, kind_id, _ = await new_overdracht(pool)
    kind = await pool.fetchrow("SELECT voornaam, achternaam, geboortedatum FROM kinderen WHERE id = $1", kind_id)
    assert kind is not None
    born = kind["geboortedatum"]
    forbidden = [
        kind["voornaam"], kind["achternaam"], born.isoformat(), born.strftime("%d-%m-%Y"),
        f"{born.day} {MAANDEN[born.month - 1]} {born.year}", str(kind_id),
    ]  # fmt: skip
    run, queue = ActivityEnvironment().run, activities_for(pool, settings).queue
    link = f"http://127.0.0.1:8000/overdrachten/{overdracht_id}"
    inbox = "http://127.0.0.1:8000/\n"  # a school's arrival notice: its received overdrachten
    combinations = list(itertools.product(BerichtSoort, Aanleiding, Ontvanger))

    texts: dict[tuple[BerichtSoort, Aanleiding, Ontvanger], tuple[str, str]] = {}
    for soort, aanleiding, ontvanger in combinations:
        request = aanvraag(
            overdracht_id, ontvanger, soort=soort, aanleiding=aanleiding, deadline=DEADLINE,
            sleutel=f"{soort}-{aanleiding}-{ontvanger}",
        )  # fmt: skip
        stored = await row(pool, await run(queue, request))
        texts[(soort, aanleiding, ontvanger)] = (stored["onderwerp"], stored["tekst"])

    assert len(texts) == len(combinations) == len(BerichtSoort) * len(Aanleiding) * len(Ontvanger)
    for (soort, aanleiding, ontvanger), (subject, body) in texts.items():
        what = f"{soort}/{aanleiding}/{ontvanger}"
        for secret in forbidden:
            assert secret not in subject and secret not in body, what
        assert (inbox if aanleiding is Aanleiding.AANGEKOMEN else link) in body, what
        assert "31 december 2027" in body, what
    # Every step reads differently, and every recipient is addressed as who they are (the school's
    # staff and its intake alike).
    assert len({subject for subject, _ in texts.values()}) == len(BerichtSoort) * len(Aanleiding)
    assert len({body.split("\n")[0] for _, body in texts.values()}) == 6


def test_a_deadline_reads_as_its_amsterdam_date() -> None:
    assert datum(datetime(2027, 12, 31, 22, 59, tzinfo=UTC)) == "31 december 2027"
    assert datum(datetime(2027, 12, 31, 23, 0, tzinfo=UTC)) == "1 januari 2028"
    assert datum(datetime(2027, 7, 1, 21, 59, tzinfo=UTC)) == "1 juli 2027"


def test_the_html_part_says_what_the_text_says_escaped_with_its_links_clickable() -> None:
    page = as_html("Beste <collega> & co,\n\nRegel een\nregel twee: http://127.0.0.1:8000/x?a=1&b=2.\n")
    assert "<p>Beste &lt;collega&gt; &amp; co,</p>" in page
    link = "http://127.0.0.1:8000/x?a=1&amp;b=2"
    assert f'<p>Regel een<br>\nregel twee: <a href="{link}">{link}</a>.</p>' in page
    assert "<collega>" not in page
