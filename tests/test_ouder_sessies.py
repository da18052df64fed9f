"""Parents' one-time codes: each parent's invitation carries their own code (mailed through a real
SMTP server by a real worker), the code is exchanged once for a token for that one child, and the
code itself is never stored."""

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import jwt
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.berichten import BerichtActivities
from core.settings import Environment, Settings
from db import ouder_codes
from overdracht import demo
from schemas.bericht import Aanleiding, BerichtSoort, BezorgStatus, Ontvanger
from services import auth
from tests.conftest import app_client, free_port, make_worker
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import assert_problem, eventually, text_of
from tests.test_berichten import Mailbox, aanvraag, activities_for, mail_settings, new_overdracht, smtp_server

QUEUE = "overdracht-test-ouder-codes"
CODE_LINK = re.compile(r"http://127\.0\.0\.1:8000/ouder\?code=([A-Za-z0-9_-]+)")


@dataclass
class Mailing:
    """The API and a worker whose messages reach a real SMTP server."""

    api: httpx.AsyncClient
    mailbox: Mailbox
    settings: Settings


@pytest.fixture(scope="module")
async def mailing(
    env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings, api: httpx.AsyncClient
) -> AsyncIterator[Mailing]:
    port = free_port()
    with_mail = mail_settings(settings, port).model_copy(update={"task_queue": QUEUE})
    async with (
        smtp_server(port) as mailbox,
        make_worker(env.client, pool, with_mail, task_queue=QUEUE),
        app_client(with_mail) as client,
    ):
        yield Mailing(client, mailbox, with_mail)


@dataclass
class Submitted:
    overdracht_id: str
    kind_id: UUID
    bericht_id: UUID
    parents: dict[UUID, str]  # id -> address
    codes: dict[UUID, str]  # parent id -> the code mailed to them
    mails: dict[UUID, Any]  # parent id -> the message they received


async def dev_login(client: httpx.AsyncClient, user: UUID) -> dict[str, str]:
    r = await client.post("/v1/dev/tokens", json={"gebruikerId": str(user)})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['accessToken']}"}


async def add_parent(pool: asyncpg.Pool, kind_id: UUID, email: str, parent_id: UUID | None = None) -> UUID:
    """Give the child's parent an address, or add a second parent with custody."""
    if parent_id is not None:
        await pool.execute("UPDATE gebruikers SET email = $2 WHERE id = $1", parent_id, email)
        return parent_id
    parent_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id, email)"
        " VALUES ($1, 'Tweede testouder', 'ouder', $2, $3, $4)",
        parent_id, demo.ALMERE, kind_id, email,
    )  # fmt: skip
    return parent_id


async def submit_for_review(mailing: Mailing, pool: asyncpg.Pool) -> Submitted:
    """A new child with two parents, its form submitted through the API; waits for their mails."""
    kind_id, first = await place_child(pool)
    tag = uuid.uuid4().hex[:12]
    parents = {
        await add_parent(pool, kind_id, f"ouder-a-{tag}@demo.invalid", first): f"ouder-a-{tag}@demo.invalid",
        await add_parent(pool, kind_id, f"ouder-b-{tag}@demo.invalid"): f"ouder-b-{tag}@demo.invalid",
    }
    pm = await dev_login(mailing.api, demo.PM_USER[demo.BOOMHUT])
    r = await mailing.api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    overdracht_id = r.json()["id"]
    path = f"/v1/overdrachten/{overdracht_id}"
    assert (await mailing.api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200
    assert (await mailing.api.post(f"{path}/indieningen", headers=pm)).status_code == 201

    bericht = await eventually(
        lambda: pool.fetchrow(
            "SELECT id, status FROM berichten WHERE overdracht_id = $1 AND aanleiding = 'indiening'"
            " AND ontvanger = 'ouders'",
            UUID(overdracht_id),
        ),
        lambda row: row is not None and row["status"] == "verzonden",
    )
    assert bericht is not None
    codes, mails = {}, {}
    invitation = [(rcpt, m) for rcpt, m in mailing.mailbox.messages if m["Message-ID"].startswith(f"<{bericht['id']}.")]
    for parent_id, address in parents.items():
        [message] = [m for rcpt, m in invitation if address in rcpt]  # exactly one each
        [code] = CODE_LINK.findall(text_of(message))
        codes[parent_id], mails[parent_id] = code, message
    return Submitted(overdracht_id, kind_id, bericht["id"], parents, codes, mails)


@pytest.fixture
async def submitted(mailing: Mailing, pool: asyncpg.Pool) -> Submitted:
    return await submit_for_review(mailing, pool)


async def exchange(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await client.post("/v1/ouder-sessies", json={"code": code})


async def session(client: httpx.AsyncClient, code: str) -> dict[str, str]:
    r = await exchange(client, code)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['accessToken']}"}


async def test_each_parent_gets_their_own_message_with_their_own_code(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    assert len(set(submitted.codes.values())) == 2
    for parent_id, message in submitted.mails.items():
        rcpt = [r for r, m in mailing.mailbox.messages if m is message][0]
        assert rcpt == [submitted.parents[parent_id]]  # one parent per message
        body = text_of(message)
        assert body.startswith("Beste ouder of verzorger,")
        assert message["Subject"] == "Overdracht: het overdrachtsformulier voor de ouders"
        assert "werkt één keer, tot " in body
        code = submitted.codes[parent_id]
        assert len(code) >= 43  # 256 bits, base64url: at least the 128 bits asked for
    assert len({m["Message-ID"] for m in submitted.mails.values()}) == 2

    # The invitation's (the parents' message at opening carried codes of its own).
    rows = await pool.fetch(
        "SELECT * FROM ouder_codes WHERE bericht_id = $1 ORDER BY gebruiker_id", submitted.bericht_id
    )
    assert {r["gebruiker_id"] for r in rows} == set(submitted.parents)
    for row in rows:
        assert bytes(row["hash"]) == ouder_codes.code_hash(submitted.codes[row["gebruiker_id"]])
        assert row["kind_id"] == submitted.kind_id and row["bericht_id"] == submitted.bericht_id
        assert row["used_at"] is None
        ttl = timedelta(hours=mailing.settings.ouder_code_ttl_hours)
        assert abs(row["expires_at"] - (datetime.now(UTC) + ttl)) < timedelta(minutes=1)


async def test_the_code_is_nowhere_in_the_database_in_clear_text(pool: asyncpg.Pool, submitted: Submitted) -> None:
    tables = await pool.fetch(
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    assert "ouder_codes" in {t["name"] for t in tables}
    for code in submitted.codes.values():
        for table in tables:
            # A whole row as text: every column at once.
            found = await pool.fetchval(f"SELECT count(*) FROM {table['name']} t WHERE strpos(t::text, $1) > 0", code)
            assert found == 0, table["name"]


async def test_a_code_gives_a_short_lived_token_for_that_child_only(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    other = await submit_for_review(mailing, pool)
    parent_id, code = next(iter(submitted.codes.items()))

    r = await exchange(mailing.api, code)

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == mailing.settings.ouder_token_ttl_minutes * 60
    assert r.headers["cache-control"] == "no-store"
    claims = jwt.decode(body["accessToken"], options={"verify_signature": False})
    assert (claims["iss"], claims["typ"], claims["sub"], claims["kind"]) == (
        "overdracht-ouder", "ouder", str(parent_id), str(submitted.kind_id),
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {body['accessToken']}"}
    own = await mailing.api.get(f"/v1/overdrachten/{submitted.overdracht_id}", headers=headers)
    assert own.status_code == 200 and own.json()["status"] == "bij_ouders"
    assert_problem(await mailing.api.get(f"/v1/overdrachten/{other.overdracht_id}", headers=headers), 404)
    listed = await mailing.api.get("/v1/overdrachten", headers=headers)
    assert [o["id"] for o in listed.json()["resultaten"]] == [submitted.overdracht_id]


async def test_a_code_works_once_and_a_used_one_reads_like_a_wrong_one(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    parent_id, code = next(iter(submitted.codes.items()))
    assert (await exchange(mailing.api, code)).status_code == 200

    again = assert_problem(await exchange(mailing.api, code), 401)
    wrong = assert_problem(await exchange(mailing.api, code[:-2] + "xx"), 401)

    assert again["detail"] == wrong["detail"]
    used_at = await pool.fetchval("SELECT used_at FROM ouder_codes WHERE hash = $1", ouder_codes.code_hash(code))
    assert used_at is not None
    # The other parent's code is their own, and still good.
    other_code = next(c for p, c in submitted.codes.items() if p != parent_id)
    assert (await exchange(mailing.api, other_code)).status_code == 200


async def test_an_expired_code_is_refused(mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted) -> None:
    code = next(iter(submitted.codes.values()))
    await pool.execute(
        "UPDATE ouder_codes SET expires_at = now() - interval '1 second' WHERE hash = $1", ouder_codes.code_hash(code)
    )

    body = assert_problem(await exchange(mailing.api, code), 401)

    assert body["detail"] == assert_problem(await exchange(mailing.api, "no-such-code"), 401)["detail"]
    assert await pool.fetchval("SELECT used_at FROM ouder_codes WHERE hash = $1", ouder_codes.code_hash(code)) is None


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "x" * 101}, {"code": "abc", "kindId": str(uuid.uuid4())}])
async def test_a_malformed_request_is_400(mailing: Mailing, body: dict[str, Any]) -> None:
    assert_problem(await mailing.api.post("/v1/ouder-sessies", json=body), 400)


async def test_parents_give_consent_with_their_tokens(mailing: Mailing, submitted: Submitted) -> None:
    path = f"/v1/overdrachten/{submitted.overdracht_id}/toestemmingen"
    first, second = [await session(mailing.api, code) for code in submitted.codes.values()]

    r = await mailing.api.post(path, headers=first, json={"besluit": "gegeven"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "bij_ouders"  # Almere asks every parent with custody
    r = await mailing.api.post(path, headers=second, json={"besluit": "gegeven"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "gereed_voor_verzending"


async def test_a_parent_token_for_another_child_is_refused(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    parent_id = next(iter(submitted.parents))
    key = await ouder_codes.token_key(pool)
    own, _ = auth.issue_ouder_token(key, mailing.settings, parent_id, submitted.kind_id)
    other_child, _ = auth.issue_ouder_token(key, mailing.settings, parent_id, uuid.uuid4())
    wrong_key, _ = auth.issue_ouder_token(b"k" * 32, mailing.settings, parent_id, submitted.kind_id)
    path = f"/v1/overdrachten/{submitted.overdracht_id}"

    assert (await mailing.api.get(path, headers={"Authorization": f"Bearer {own}"})).status_code == 200
    for token in (other_child, wrong_key):
        assert_problem(await mailing.api.get(path, headers={"Authorization": f"Bearer {token}"}), 401)


async def test_parent_sessions_work_in_production(mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted) -> None:
    production = mailing.settings.model_copy(update={"environment": Environment.PRODUCTION})
    async with app_client(production) as client:
        headers = await session(client, next(iter(submitted.codes.values())))
        r = await client.get(f"/v1/overdrachten/{submitted.overdracht_id}", headers=headers)
        assert r.status_code == 200, r.text


async def test_a_repeated_delivery_sends_nothing_and_mints_no_second_set(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    deliver = activities_for(pool, mailing.settings).deliver
    run = ActivityEnvironment().run
    sent_before = len(mailing.mailbox.messages)

    assert await run(deliver, submitted.bericht_id) is BezorgStatus.VERZONDEN
    # An attempt after one that died mid-way (the start is committed, the outcome unknown).
    await pool.execute(
        "UPDATE berichten SET status = 'wachtend', verzonden_op = NULL WHERE id = $1", submitted.bericht_id
    )
    assert await run(deliver, submitted.bericht_id) is BezorgStatus.ONZEKER

    assert len(mailing.mailbox.messages) == sent_before
    assert await pool.fetchval("SELECT count(*) FROM ouder_codes WHERE bericht_id = $1", submitted.bericht_id) == 2


@dataclass
class Invited:
    """A queued parents' invitation (not delivered yet) for a child with two parents with addresses, and
    a mail server's port where nothing listens until a test starts one."""

    bericht_id: UUID
    parents: dict[UUID, str]  # id -> address, in the order they are mailed
    port: int
    activities: BerichtActivities

    async def deliver(self) -> BezorgStatus:
        status: BezorgStatus = await ActivityEnvironment().run(self.activities.deliver, self.bericht_id)
        return status


@pytest.fixture
async def invited(pool: asyncpg.Pool, settings: Settings) -> Invited:
    overdracht_id, kind_id, first = await new_overdracht(pool)
    tag = uuid.uuid4().hex[:12]
    parents = {
        await add_parent(pool, kind_id, f"a-{tag}@demo.invalid", first): f"a-{tag}@demo.invalid",
        await add_parent(pool, kind_id, f"b-{tag}@demo.invalid"): f"b-{tag}@demo.invalid",
    }
    invitation = aanvraag(overdracht_id, Ontvanger.OUDERS, aanleiding=Aanleiding.INDIENING)
    port = free_port()
    activities = activities_for(pool, mail_settings(settings, port))
    return Invited(await ActivityEnvironment().run(activities.queue, invitation), parents, port, activities)


async def codes_of(pool: asyncpg.Pool, bericht_id: UUID) -> dict[UUID, bytes]:
    rows = await pool.fetch("SELECT gebruiker_id, hash FROM ouder_codes WHERE bericht_id = $1", bericht_id)
    return {r["gebruiker_id"]: bytes(r["hash"]) for r in rows}


async def test_when_the_server_accepts_nothing_the_codes_are_forgotten_and_a_retry_sends_a_fresh_set(
    pool: asyncpg.Pool, invited: Invited
) -> None:
    bericht_id, parents = invited.bericht_id, invited.parents

    with pytest.raises(ApplicationError) as refused:
        await invited.deliver()

    assert refused.value.type == "MailNotSent" and not refused.value.non_retryable
    assert await codes_of(pool, bericht_id) == {}
    assert await pool.fetchval("SELECT bezorging_gestart_op FROM berichten WHERE id = $1", bericht_id) is None

    async with smtp_server(invited.port) as mailbox:
        assert await invited.deliver() is BezorgStatus.VERZONDEN
        assert await invited.deliver() is BezorgStatus.VERZONDEN

    assert sorted(rcpt for rcpt, _ in mailbox.messages) == sorted([a] for a in parents.values())
    stored = await codes_of(pool, bericht_id)
    assert set(stored) == set(parents)
    for rcpt, message in mailbox.messages:
        [code] = CODE_LINK.findall(text_of(message))
        owner = next(p for p, a in parents.items() if [a] == rcpt)
        assert stored[owner] == ouder_codes.code_hash(code)


class RefusesOne(Mailbox):
    """Takes every message except for one address, which it refuses (for now, unless told otherwise)."""

    def __init__(self, refused: str, reply: str = "451 4.3.0 Try again later") -> None:
        super().__init__()
        self.refused = refused
        self.reply = reply

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        if address == self.refused:
            return self.reply
        return await super().handle_RCPT(server, session, envelope, address, options)


async def test_a_parent_refused_for_now_gets_it_later_and_the_other_parent_not_twice(
    pool: asyncpg.Pool, invited: Invited
) -> None:
    bericht_id, parents = invited.bericht_id, invited.parents
    (reached, reached_address), (missed, missed_address) = parents.items()

    async with smtp_server(invited.port, RefusesOne(missed_address)) as first:
        with pytest.raises(ApplicationError) as refused:
            await invited.deliver()
    assert refused.value.type == "MailNotSent" and not refused.value.non_retryable
    assert missed_address not in str(refused.value)
    assert [rcpt for rcpt, _ in first.messages] == [[reached_address]]
    assert set(await codes_of(pool, bericht_id)) == {reached}  # the code that reached nobody is gone
    assert await pool.fetchval("SELECT status FROM berichten WHERE id = $1", bericht_id) == "wachtend"

    async with smtp_server(invited.port) as later:
        assert await invited.deliver() is BezorgStatus.VERZONDEN
        assert await invited.deliver() is BezorgStatus.VERZONDEN

    assert [rcpt for rcpt, _ in later.messages] == [[missed_address]]
    stored = await codes_of(pool, bericht_id)
    assert set(stored) == {reached, missed}
    [(_, mail)] = later.messages
    assert stored[missed] == ouder_codes.code_hash(CODE_LINK.findall(text_of(mail))[0])
    [(_, earlier)] = first.messages
    assert mail["Message-ID"] != earlier["Message-ID"]  # a mail server that drops repeats keeps both
    assert await pool.fetchval("SELECT ouders_bereikt FROM berichten WHERE id = $1", bericht_id) == []


async def test_a_parent_refused_for_good_is_left_out_and_the_message_is_sent(
    pool: asyncpg.Pool, invited: Invited
) -> None:
    bericht_id, parents = invited.bericht_id, invited.parents
    (reached, reached_address), (_, missed_address) = parents.items()

    async with smtp_server(invited.port, RefusesOne(missed_address, "550 5.1.1 No such user")) as mailbox:
        assert await invited.deliver() is BezorgStatus.VERZONDEN
        assert await invited.deliver() is BezorgStatus.VERZONDEN

    assert [rcpt for rcpt, _ in mailbox.messages] == [[reached_address]]
    assert set(await codes_of(pool, bericht_id)) == {reached}


async def test_a_reminder_to_the_parents_goes_to_each_with_a_fresh_code(pool: asyncpg.Pool, settings: Settings) -> None:
    """Every message to the parents carries their own link: they have no account to sign in with
    (tests/test_ouder_codes.py follows one from a passed deadline through the API)."""
    port = free_port()
    activities = activities_for(pool, mail_settings(settings, port))
    run = ActivityEnvironment().run
    overdracht_id, kind_id, first = await new_overdracht(pool)
    parents = {
        await add_parent(pool, kind_id, "een@demo.invalid", first): "een@demo.invalid",
        await add_parent(pool, kind_id, "twee@demo.invalid"): "twee@demo.invalid",
    }
    reminder = aanvraag(
        overdracht_id, Ontvanger.OUDERS, soort=BerichtSoort.HERINNERING, aanleiding=Aanleiding.TOESTEMMING
    )
    bericht_id = await run(activities.queue, reminder)

    async with smtp_server(port) as mailbox:
        assert await run(activities.deliver, bericht_id) is BezorgStatus.VERZONDEN

    assert sorted(rcpt for rcpt, _ in mailbox.messages) == [["een@demo.invalid"], ["twee@demo.invalid"]]
    stored = await codes_of(pool, bericht_id)
    assert set(stored) == set(parents)
    for rcpt, message in mailbox.messages:
        [code] = CODE_LINK.findall(text_of(message))
        owner = next(p for p, a in parents.items() if [a] == rcpt)
        assert stored[owner] == ouder_codes.code_hash(code)
