"""The parents' codes as practised, through the real API, engine, worker, database and a real SMTP
server: a parent imported without an address (no mail, a letter instead), reminders that carry a fresh
link, a new link sent by the location or asked for by the parent (always the same answer, limited per
address and in all), and the hourly removal of used and expired codes."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta
from temporalio.testing import WorkflowEnvironment

from db import ouder_codes
from overdracht import demo
from protocol.dates import amsterdam_date
from schemas.imports import kind_id_voor, kind_sleutel, ouder_id_voor
from services.commands import overdracht_id_for
from services.ouder_codes import NO_ADDRESS
from tests.conftest import TASK_QUEUE, Login, app_client
from tests.happy_path import COMPLETE_FORM
from tests.helpers import assert_problem, eventually, finished_import, text_of
from tests.test_ouder_brieven import code_in, open_child
from tests.test_ouder_sessies import CODE_LINK, Mailing, Submitted, dev_login, mailing, session, submit_for_review
from workflows.ouder_codes import OuderCodesOpruimenWorkflow

__all__ = ["mailing"]  # the fixture: the API and a worker whose mail reaches a real SMTP server

PM, LM = demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT]
BEHEERDER = UUID("60000000-0000-4000-8000-000000000011")
AANVRAGEN = "/v1/ouder-code-aanvragen"
OLDER = amsterdam_date(datetime.now(UTC)) - relativedelta(years=3, months=7)  # past the start age
COLUMNS = ("voornaam", "achternaam", "geboortedatum", "locatie", "vve_indicatie", "ouder1_naam", "ouder1_email",
           "ouder2_naam", "ouder2_email")  # fmt: skip


@pytest.fixture
async def submitted(mailing: Mailing, pool: asyncpg.Pool) -> Submitted:
    """A child at De Boomhut with two parents with addresses, its form with them (their invitations read)."""
    return await submit_for_review(mailing, pool)


async def delivered(pool: asyncpg.Pool, bericht_id: UUID) -> asyncpg.Record:
    row = await eventually(
        lambda: pool.fetchrow("SELECT * FROM berichten WHERE id = $1", bericht_id),
        lambda r: r is not None and r["status"] not in ("wachtend",),
    )
    assert row is not None and row["status"] == "verzonden", row
    return row


def mails_of(mailing: Mailing, bericht_id: UUID) -> list[tuple[list[str], Any]]:
    """What the mail server received for one message of the outbox (one mail per parent)."""
    return [(rcpt, m) for rcpt, m in mailing.mailbox.messages if m["Message-ID"].startswith(f"<{bericht_id}.")]


async def nieuwe_code_berichten(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM berichten WHERE aanleiding = 'nieuwe_code'")


def csv_file(*rows: dict[str, str]) -> bytes:
    lines = [";".join(COLUMNS)] + [";".join(row.get(c, "") for c in COLUMNS) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


async def upload(client: httpx.AsyncClient, who: dict[str, str], content: bytes) -> dict[str, Any]:
    r = await client.post("/v1/imports/plaatsingen", headers={**who, "Content-Type": "text/csv"}, content=content)
    result: dict[str, Any] = (await finished_import(client, r, who)).json()["resultaat"]
    return result


def placement(tag: str, *, ouder1_email: str = "", **more: str) -> dict[str, str]:
    """A child at De Boomhut past the start age; its first parent without an address unless told."""
    return {
        "voornaam": "Testkind", "achternaam": f"Proef-{tag}", "geboortedatum": OLDER.strftime("%d-%m-%Y"),
        "locatie": "Peuteropvang De Boomhut", "vve_indicatie": "nee", "ouder1_naam": f"Fatma Proef-{tag}",
        "ouder1_email": ouder1_email, **more,
    }  # fmt: skip


async def parents(pool: asyncpg.Pool, kind_id: UUID) -> dict[UUID, tuple[str, str | None]]:
    rows = await pool.fetch("SELECT id, naam, email FROM gebruikers WHERE rol = 'ouder' AND kind_id = $1", kind_id)
    return {r["id"]: (r["naam"], r["email"]) for r in rows}


# A parent without an address (the import, mail, the letter)


async def test_a_parent_imported_without_an_address_gets_no_mail_but_a_letter_lets_them_in(
    mailing: Mailing, pool: asyncpg.Pool
) -> None:
    tag = uuid.uuid4().hex[:8]
    kees = f"kees.{tag}@example.org"
    file = csv_file(placement(tag, ouder2_naam=f"Kees Proef-{tag}", ouder2_email=kees))

    body = await upload(mailing.api, await dev_login(mailing.api, LM), file)

    assert (body["geimporteerd"], body["afgewezen"], body["overdrachtenGeopend"]) == (1, 0, 1), body
    kind_id = kind_id_voor(kind_sleutel(demo.BOOMHUT, "Testkind", f"Proef-{tag}", OLDER))
    fatma = ouder_id_voor(kind_id, None, f"Fatma Proef-{tag}")  # by child and name: she has no address
    kees_id = ouder_id_voor(kind_id, kees)
    assert await parents(pool, kind_id) == {fatma: (f"Fatma Proef-{tag}", None), kees_id: (f"Kees Proef-{tag}", kees)}
    assert await pool.fetchval("SELECT rol FROM gebruikers WHERE id = $1", fatma) == "ouder"

    # The location sees both parents, and that only one can be mailed.
    overdracht = f"/v1/overdrachten/{overdracht_id_for(kind_id)}"
    pm = await dev_login(mailing.api, PM)
    r = await mailing.api.get(f"{overdracht}/ouders", headers=pm)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "ouders": [
            {"id": str(fatma), "naam": f"Fatma Proef-{tag}", "heeftEmailadres": False},
            {"id": str(kees_id), "naam": f"Kees Proef-{tag}", "heeftEmailadres": True},
        ]
    }
    assert "example.org" not in r.text  # never an address

    # The form goes to the parents: only Kees is mailed, with his own code; Fatma is skipped.
    assert (await mailing.api.put(f"{overdracht}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200
    assert (await mailing.api.post(f"{overdracht}/indieningen", headers=pm)).status_code == 201
    bericht_id = await eventually(
        lambda: pool.fetchval(
            "SELECT id FROM berichten WHERE overdracht_id = $1 AND aanleiding = 'indiening' AND ontvanger = 'ouders'",
            overdracht_id_for(kind_id),
        )
    )
    invitation = await delivered(pool, bericht_id)
    assert list(invitation["aan"]) == [kees]
    [(rcpt, _)] = mails_of(mailing, bericht_id)
    assert rcpt == [kees]
    stored = await pool.fetch("SELECT gebruiker_id FROM ouder_codes WHERE bericht_id = $1", bericht_id)
    assert [r["gebruiker_id"] for r in stored] == [kees_id]

    # No link by mail for Fatma (a clear 409, nothing queued): the location prints her a letter.
    before = await nieuwe_code_berichten(pool)
    refused = assert_problem(await mailing.api.post(f"{overdracht}/ouders/{fatma}/nieuwe-codes", headers=pm), 409)
    assert (refused["code"], refused["detail"]) == ("geen_emailadres", NO_ADDRESS)
    assert await nieuwe_code_berichten(pool) == before
    letter = await mailing.api.post(f"{overdracht}/ouders/{fatma}/brieven", headers=pm)
    assert letter.status_code == 200, letter.text

    # With it she signs in, and gives her consent as a parent with custody.
    headers = await session(mailing.api, code_in(letter.content))
    r = await mailing.api.post(f"{overdracht}/toestemmingen", headers=headers, json={"besluit": "gegeven"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "bij_ouders"  # Almere asks both parents; Kees has not answered yet


async def test_importing_again_changes_nothing_and_an_address_given_later_joins_the_same_account(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    tag = uuid.uuid4().hex[:8]
    lm = await login(LM)
    first = await upload(api, lm, csv_file(placement(tag)))
    kind_id = kind_id_voor(kind_sleutel(demo.BOOMHUT, "Testkind", f"Proef-{tag}", OLDER))
    fatma = ouder_id_voor(kind_id, None, f"Fatma Proef-{tag}")
    assert first["geimporteerd"] == 1 and await parents(pool, kind_id) == {fatma: (f"Fatma Proef-{tag}", None)}

    again = await upload(api, lm, csv_file(placement(tag)))
    # Her name spelled otherwise (case, spaces) is still her.
    respelled = await upload(api, lm, csv_file({**placement(tag), "ouder1_naam": f"FATMA  proef-{tag}"}))
    with_address = await upload(api, lm, csv_file(placement(tag, ouder1_email=f"fatma.{tag}@example.org")))
    without_again = await upload(api, lm, csv_file(placement(tag)))

    assert (again["ongewijzigd"], again["bijgewerkt"]) == (1, 0)
    assert respelled["bijgewerkt"] == 1  # the name as written now
    assert with_address["bijgewerkt"] == 1
    assert without_again["ongewijzigd"] == 1  # an empty address keeps the one known
    assert await parents(pool, kind_id) == {fatma: (f"Fatma Proef-{tag}", f"fatma.{tag}@example.org")}


async def test_two_parents_of_one_name_need_their_addresses(api: httpx.AsyncClient, login: Login) -> None:
    tag = uuid.uuid4().hex[:8]
    same_name = placement(tag, ouder2_naam=f"fatma proef-{tag}", ouder2_email=f"f2.{tag}@example.org")
    address_only = placement(uuid.uuid4().hex[:8], ouder2_email=f"f3.{tag}@example.org")

    body = await upload(api, await login(LM), csv_file(same_name, address_only))

    assert body["afgewezen"] == 2 and body["geimporteerd"] == 0
    assert [r["fouten"] for r in body["afgewezenRijen"]] == [
        [{"veld": "ouder2_naam", "reden": "dezelfde naam als ouder1_naam; geef beide ouders een eigen e-mailadres"}],
        [{"veld": "ouder2_naam", "reden": "vul ook de naam van de tweede ouder in (het e-mailadres mag leeg blijven)"}],
    ]
    assert tag not in str(body)


# Reminders carry a fresh link


async def test_a_reminder_to_the_parents_carries_a_fresh_code_for_each(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    coordinator = await dev_login(mailing.api, demo.COORDINATOR)
    yesterday = (amsterdam_date(datetime.now(UTC)) - timedelta(days=1)).isoformat()

    # The parents' deadline has passed: the reminder goes to them (their step is open).
    r = await mailing.api.put(
        f"/v1/overdrachten/{submitted.overdracht_id}/deadlines/toestemming",
        headers=coordinator,
        json={"datum": yesterday, "reden": "Herinnering beproeven"},
    )
    assert r.status_code == 200, r.text
    bericht_id = await eventually(
        lambda: pool.fetchval(
            "SELECT id FROM berichten WHERE overdracht_id = $1 AND soort = 'herinnering' AND ontvanger = 'ouders'",
            UUID(submitted.overdracht_id),
        )
    )
    await delivered(pool, bericht_id)

    mails = mails_of(mailing, bericht_id)
    assert sorted(rcpt for rcpt, _ in mails) == sorted([a] for a in submitted.parents.values())  # one each
    stored = {
        r["gebruiker_id"]: bytes(r["hash"])
        for r in await pool.fetch("SELECT gebruiker_id, hash FROM ouder_codes WHERE bericht_id = $1", bericht_id)
    }
    assert set(stored) == set(submitted.parents)
    for rcpt, message in mails:
        assert message["Subject"] == "Herinnering overdracht: de toestemming van de ouders"
        [code] = CODE_LINK.findall(text_of(message))
        parent = next(p for p, a in submitted.parents.items() if [a] == rcpt)
        assert stored[parent] == ouder_codes.code_hash(code)
        assert code != submitted.codes[parent]  # fresh, not the invitation's
        await session(mailing.api, code)


# A new link by mail, from the location


async def test_the_location_mails_one_parent_a_new_link(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    parent_id, address = next(iter(submitted.parents.items()))
    path = f"/v1/overdrachten/{submitted.overdracht_id}/ouders/{parent_id}/nieuwe-codes"

    r = await mailing.api.post(path, headers=await dev_login(mailing.api, PM))

    assert r.status_code == 202, r.text
    bericht_id = UUID(r.json()["berichtId"])
    row = await delivered(pool, bericht_id)
    assert (row["soort"], row["aanleiding"], row["ontvanger"], list(row["aan"])) == (
        "uitnodiging", "nieuwe_code", "ouders", [address],
    )  # fmt: skip
    [(rcpt, message)] = mails_of(mailing, bericht_id)
    assert rcpt == [address]
    assert message["Subject"] == "Overdracht: uw nieuwe persoonlijke link"
    body = text_of(message)
    assert "Testkind" not in body and "Proef" not in body
    [code] = CODE_LINK.findall(body)
    headers = await session(mailing.api, code)
    own = await mailing.api.get(f"/v1/overdrachten/{submitted.overdracht_id}", headers=headers)
    assert own.status_code == 200


async def test_only_the_childs_location_mails_a_new_link_and_a_refusal_queues_nothing(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted
) -> None:
    parent_id = next(iter(submitted.parents))
    one = f"/v1/overdrachten/{submitted.overdracht_id}/ouders"
    before = await nieuwe_code_berichten(pool)
    for path, who, status in [
        (f"{one}/{parent_id}/nieuwe-codes", demo.SCHOOL_USER[demo.STER], 403),
        (f"{one}/{parent_id}/nieuwe-codes", parent_id, 403),
        (f"{one}/{parent_id}/nieuwe-codes", BEHEERDER, 403),
        (f"{one}/{parent_id}/nieuwe-codes", demo.PM_USER[demo.ZONNETJE], 404),
        (f"{one}/{uuid.uuid4()}/nieuwe-codes", PM, 404),
        (one, demo.COORDINATOR, 403),
        (one, demo.PM_USER[demo.ZONNETJE], 404),
    ]:
        method = "GET" if path == one else "POST"
        assert_problem(await mailing.api.request(method, path, headers=await dev_login(mailing.api, who)), status)
    assert await nieuwe_code_berichten(pool) == before


# A new link asked for by the parent


async def asked(client: httpx.AsyncClient, email: str) -> httpx.Response:
    r = await client.post(AANVRAGEN, json={"email": email})
    assert r.status_code == 202, r.text
    return r


@pytest.fixture
async def no_attempts(pool: asyncpg.Pool) -> None:
    """The limits count the last hour's attempts: start from none."""
    await pool.execute("DELETE FROM ouder_code_aanvragen")


async def test_a_parent_asks_with_their_address_and_gets_a_new_link(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted, no_attempts: None
) -> None:
    parent_id, address = next(iter(submitted.parents.items()))

    r = await asked(mailing.api, f"  {address.upper()} ")  # as typed: case and spaces do not matter

    bericht_id = await pool.fetchval(
        "SELECT id FROM berichten WHERE overdracht_id = $1 AND aanleiding = 'nieuwe_code'",
        UUID(submitted.overdracht_id),
    )
    assert bericht_id is not None  # queued before the answer
    await delivered(pool, bericht_id)
    [(rcpt, message)] = mails_of(mailing, bericht_id)
    assert rcpt == [address]
    [code] = CODE_LINK.findall(text_of(message))
    headers = await session(mailing.api, code)
    # Recorded as the parent's, and theirs to see.
    log = await mailing.api.get(f"/v1/overdrachten/{submitted.overdracht_id}/inzage-log", headers=headers)
    [entry] = [e for e in log.json()["resultaten"] if e["onderwerp"] == "ouder_code.aanvraag"]
    assert (entry["rol"], entry["grondslag"], entry["omschrijving"]) == (
        "ouder", "OuderCodeAanvraag", "een nieuwe code aanvragen met het e-mailadres van de ouder",
    )  # fmt: skip
    # An unknown address gets the very same answer, and nothing is sent.
    before, mails = await nieuwe_code_berichten(pool), len(mailing.mailbox.messages)
    unknown = await asked(mailing.api, f"onbekend.{uuid.uuid4().hex[:8]}@example.org")
    assert unknown.json() == r.json() and unknown.headers["content-type"] == r.headers["content-type"]
    assert await nieuwe_code_berichten(pool) == before and len(mailing.mailbox.messages) == mails


async def test_asking_is_limited_per_address_and_in_all_and_the_answer_stays_the_same(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted, no_attempts: None
) -> None:
    (first, address), (_, other) = submitted.parents.items()
    per_address = mailing.settings.ouder_code_aanvragen_per_adres
    assert per_address == 3

    answers = [(await asked(mailing.api, address)).json() for _ in range(per_address + 1)]

    assert all(a == answers[0] for a in answers)
    queued = "SELECT count(*) FROM berichten WHERE overdracht_id = $1 AND aanleiding = 'nieuwe_code' AND $2 = ANY(aan)"
    assert await pool.fetchval(queued, UUID(submitted.overdracht_id), address) == per_address
    # The attempts are counted by a keyed hash: the address itself is not kept.
    rows = await pool.fetch("SELECT t::text AS row FROM ouder_code_aanvragen t")
    assert len(rows) == per_address and not any(address in r["row"] or address.lower() in r["row"] for r in rows)

    # In all: past the limit, even a known address gets nothing (and the same answer).
    await pool.execute("DELETE FROM ouder_code_aanvragen")
    tight = mailing.settings.model_copy(update={"ouder_code_aanvragen_totaal": 2})
    async with app_client(tight) as client:
        for _ in range(2):
            await asked(client, f"onbekend.{uuid.uuid4().hex[:8]}@example.org")
        limited = await asked(client, other)
    assert limited.json() == answers[0]
    assert await pool.fetchval(queued, UUID(submitted.overdracht_id), other) == 0


@pytest.mark.parametrize(
    "body", [{}, {"email": ""}, {"email": "geen-adres"}, {"email": "a@b"}, {"email": "x" * 201}, {"email": 3},
             {"email": "ouder@example.org", "kindId": str(uuid.uuid4())}],
)  # fmt: skip
async def test_what_is_no_address_is_a_400_and_counts_for_nothing(
    mailing: Mailing, pool: asyncpg.Pool, no_attempts: None, body: dict[str, Any]
) -> None:
    problem = assert_problem(await mailing.api.post(AANVRAGEN, json=body), 400)

    assert problem["invalidParams"]
    assert await pool.fetchval("SELECT count(*) FROM ouder_code_aanvragen") == 0


# Used and expired codes are removed


async def test_used_and_expired_codes_are_removed_every_hour_and_valid_ones_stay(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, env: WorkflowEnvironment
) -> None:
    child = await open_child(api, pool, login)
    pm = await login(PM)
    used, expired, valid = [code_in((await api.post(child.letter, headers=pm)).content) for _ in range(3)]
    assert (await api.post("/v1/ouder-sessies", json={"code": used})).status_code == 200
    await pool.execute(
        "UPDATE ouder_codes SET expires_at = now() - interval '1 second' WHERE hash = $1",
        ouder_codes.code_hash(expired),
    )
    old = await ouder_codes.address_hash(pool, "oud@example.org")
    recent = await ouder_codes.address_hash(pool, "recent@example.org")
    await pool.executemany(
        "INSERT INTO ouder_code_aanvragen (adres_hash, aangevraagd_op) VALUES ($1, now() - $2::interval)",
        [(old, timedelta(hours=2)), (recent, timedelta(minutes=5))],
    )

    # One round, as the hourly Schedule starts it.
    removed = await env.client.execute_workflow(
        OuderCodesOpruimenWorkflow.run, id=f"ouder-codes-opruimen-{uuid.uuid4()}", task_queue=TASK_QUEUE
    )

    assert removed >= 2
    left = await pool.fetch("SELECT hash FROM ouder_codes WHERE gebruiker_id = $1", child.parent_id)
    assert [bytes(r["hash"]) for r in left] == [ouder_codes.code_hash(valid)]
    attempts = {bytes(r["adres_hash"]) for r in await pool.fetch("SELECT adres_hash FROM ouder_code_aanvragen")}
    assert recent in attempts and old not in attempts
    assert (await api.post("/v1/ouder-sessies", json={"code": valid})).status_code == 200
    assert (
        await env.client.execute_workflow(
            OuderCodesOpruimenWorkflow.run, id=f"ouder-codes-opruimen-{uuid.uuid4()}", task_queue=TASK_QUEUE
        )
        >= 1
    )  # the valid one, now used
