"""Idempotency-Key: a repeat gets the first answer and changes nothing; the key is the caller's own."""

import asyncio
import hashlib
import uuid
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from temporalio.worker import Worker

from core.settings import API_ROLE, Settings
from db import idempotency as idempotency_keys
from overdracht import demo
from tests.conftest import Login, app_client, free_port
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import a_pdf, assert_problem

REPLAYED = "idempotency-replayed"


@pytest.fixture
async def pm(login: Login) -> dict[str, str]:
    return await login(demo.PM_USER[demo.BOOMHUT])


async def open_with_form(api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]) -> tuple[str, UUID]:
    """A new overdracht at De Boomhut with a complete form, ready to submit: (its path, the parent's id)."""
    kind_id, parent_id = await place_child(pool)
    r = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    path = f"/v1/overdrachten/{r.json()['id']}"
    assert (await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200
    return path, parent_id


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def events(api: httpx.AsyncClient, path: str, who: dict[str, str], kind: str) -> int:
    timeline = (await api.get(f"{path}/tijdlijn", headers=who)).json()["gebeurtenissen"]
    return sum(e["gebeurtenis"] == kind for e in timeline)


async def revisie(api: httpx.AsyncClient, path: str, who: dict[str, str]) -> int:
    return (await api.get(path, headers=who)).json()["revisie"]


async def test_a_repeat_gets_the_first_answer_and_the_step_is_taken_once(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    path, _ = await open_with_form(api, pool, pm)
    key = str(uuid.uuid4())

    first = await api.post(f"{path}/indieningen", headers=keyed(pm, key))
    again = await api.post(f"{path}/indieningen", headers=keyed(pm, key))

    assert first.status_code == again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers[REPLAYED] == "true" and REPLAYED not in first.headers
    assert again.headers["api-version"] == "1.0.0"
    assert await events(api, path, pm, "ingediend") == 1
    # Without the key the same repeat reaches the workflow, which refuses a second submission.
    assert_problem(await api.post(f"{path}/indieningen", headers=pm), 409)


async def test_the_same_key_for_another_body_is_422_and_changes_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], login: Login
) -> None:
    path, parent_id = await open_with_form(api, pool, pm)
    await api.post(f"{path}/indieningen", headers=pm)
    parent = keyed(await login(parent_id), "toestemming-1")

    given = await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "gegeven"})
    refused = await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "geweigerd"})
    elsewhere = await api.post(f"{path}/ouderreacties", headers=parent, json={"eens": "ja"})

    assert given.status_code == 201, given.text
    assert assert_problem(refused, 422)["code"] == "idempotency_key_hergebruikt"
    assert "al gebruikt voor een ander verzoek" in refused.json()["detail"]
    assert assert_problem(elsewhere, 422)["code"] == "idempotency_key_hergebruikt"
    now = (await api.get(path, headers=pm)).json()
    assert (now["status"], now["revisie"]) == (given.json()["status"], given.json()["revisie"])
    assert await events(api, path, pm, "toestemming_geweigerd") == 0


async def test_the_same_json_spelled_differently_is_the_same_request(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], login: Login
) -> None:
    path, parent_id = await open_with_form(api, pool, pm)
    await api.post(f"{path}/indieningen", headers=pm)
    parent = {**keyed(await login(parent_id), "reactie-1"), "content-type": "application/json"}

    first = await api.post(f"{path}/ouderreacties", headers=parent, content=b'{"eens":"ja","zienswijze":"Klopt."}')
    again = await api.post(
        f"{path}/ouderreacties", headers=parent, content=b'{ "zienswijze": "Klopt.",\n  "eens": "ja" }'
    )

    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.headers[REPLAYED] == "true"
    assert await events(api, path, pm, "ouderreactie") == 1


async def test_a_retried_upload_is_the_same_request_though_its_form_is_encoded_anew(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    """A client picks a new multipart boundary each time it encodes a form (httpx does): a retry of an
    upload with the same key is a repeat, not another request."""
    path, _ = await open_with_form(api, pool, pm)
    headers, pdf = keyed(pm, str(uuid.uuid4())), a_pdf()

    first = await api.put(f"{path}/observatie-export", headers=headers, files={"bestand": ("o.pdf", pdf)})
    again = await api.put(f"{path}/observatie-export", headers=headers, files={"bestand": ("o.pdf", pdf)})
    other = await api.put(f"{path}/observatie-export", headers=headers, files={"bestand": ("anders.pdf", pdf)})

    assert first.status_code == again.status_code == 200, again.text
    assert first.request.headers["content-type"] != again.request.headers["content-type"]  # two boundaries
    assert again.headers[REPLAYED] == "true" and again.content == first.content
    # Another file name is another request.
    assert assert_problem(other, 422)["code"] == "idempotency_key_hergebruikt"


async def test_a_method_the_path_does_not_have_leaves_the_key_free(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    """A PUT sent where a POST belongs is a 405, and nothing: the POST it was meant to be may take the key."""
    path, _ = await open_with_form(api, pool, pm)
    headers = keyed(pm, str(uuid.uuid4()))

    wrong = await api.put(f"{path}/indieningen", headers=headers)
    meant = await api.post(f"{path}/indieningen", headers=headers)

    assert_problem(wrong, 405)
    assert meant.status_code == 201, meant.text
    assert REPLAYED not in meant.headers


async def test_two_callers_with_the_same_key_are_independent(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], login: Login
) -> None:
    manager = await login(demo.LM_USER[demo.BOOMHUT])
    own, _ = await open_with_form(api, pool, pm)
    theirs, _ = await open_with_form(api, pool, manager)

    mine = await api.post(f"{own}/indieningen", headers=keyed(pm, "shared-key"))
    other = await api.post(f"{theirs}/indieningen", headers=keyed(manager, "shared-key"))
    # Even on the same path: the manager's key is not the PM'er's, so this reaches the workflow (409).
    same_path = await api.post(f"{own}/indieningen", headers=keyed(manager, "shared-key-2"))
    pm_same_key = await api.post(f"{own}/indieningen", headers=keyed(pm, "shared-key-2"))

    assert mine.status_code == other.status_code == 201, other.text
    assert REPLAYED not in other.headers
    assert assert_problem(same_path, 409)["code"] == "stap_niet_toegestaan"
    assert REPLAYED not in pm_same_key.headers and pm_same_key.status_code == 409
    assert await events(api, own, pm, "ingediend") == await events(api, theirs, manager, "ingediend") == 1
    stored = await pool.fetch("SELECT caller_hash FROM idempotency_keys WHERE idempotency_key = 'shared-key'")
    # Scoped by a hash of the Authorization header; the token itself is never stored.
    assert {bytes(r["caller_hash"]) for r in stored} == {
        hashlib.sha256(h["Authorization"].encode()).digest() for h in (pm, manager)
    }


async def test_concurrent_duplicates_take_the_step_once(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    path, _ = await open_with_form(api, pool, pm)
    headers = keyed(pm, str(uuid.uuid4()))

    answers = await asyncio.gather(*(api.post(f"{path}/indieningen", headers=headers) for _ in range(2)))

    executed = [r for r in answers if r.status_code == 201 and REPLAYED not in r.headers]
    assert len(executed) == 1, [(r.status_code, r.text) for r in answers]
    (other,) = [r for r in answers if r is not executed[0]]
    if other.status_code == 409:
        assert assert_problem(other, 409)["code"] == "idempotency_key_in_behandeling"
        assert other.headers["retry-after"] == "1"
    else:
        assert other.headers[REPLAYED] == "true" and other.content == executed[0].content
    assert await events(api, path, pm, "ingediend") == 1


async def test_a_key_still_being_processed_is_409_until_its_reservation_is_stale(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    path, _ = await open_with_form(api, pool, pm)
    caller = hashlib.sha256(pm["Authorization"].encode()).digest()
    # A request that holds the key without an answer yet (or whose process died while holding it).
    await pool.execute(
        "INSERT INTO idempotency_keys (caller_hash, idempotency_key, method, path, body_hash, reservation)"
        " VALUES ($1, 'busy', 'POST', $2, $3, $4)",
        caller, f"{path}/indieningen", hashlib.sha256(b"").digest(), uuid.uuid4(),
    )  # fmt: skip

    busy = await api.post(f"{path}/indieningen", headers=keyed(pm, "busy"))
    await pool.execute(
        "UPDATE idempotency_keys SET created_at = now() - interval '10 minutes' WHERE idempotency_key = 'busy'"
    )
    taken_over = await api.post(f"{path}/indieningen", headers=keyed(pm, "busy"))

    assert assert_problem(busy, 409)["code"] == "idempotency_key_in_behandeling"
    assert taken_over.status_code == 201, taken_over.text
    assert await events(api, path, pm, "ingediend") == 1


async def test_a_4xx_answer_is_kept_too(api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]) -> None:
    """A refusal is the answer to that request: the repeat gets it again; a new attempt takes a new key."""
    path, _ = await open_with_form(api, pool, pm)
    key = str(uuid.uuid4())

    first = await api.post(f"{path}/verzendingen", headers=keyed(pm, key))
    again = await api.post(f"{path}/verzendingen", headers=keyed(pm, key))

    assert_problem(first, 409)
    assert_problem(again, 409)
    assert again.headers[REPLAYED] == "true" and again.content == first.content


async def test_a_503_does_not_use_up_the_key(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], settings: Settings
) -> None:
    path, _ = await open_with_form(api, pool, pm)
    headers = keyed(pm, str(uuid.uuid4()))
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}", "engine_timeout_seconds": 2})
    async with app_client(down) as broken:
        failed = await broken.post(f"{path}/indieningen", headers=headers)

    retried = await api.post(f"{path}/indieningen", headers=headers)

    assert_problem(failed, 503)
    assert retried.status_code == 201, retried.text
    assert REPLAYED not in retried.headers
    assert await events(api, path, pm, "ingediend") == 1


async def test_a_5xx_after_the_step_was_taken_keeps_the_key_for_its_real_outcome(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    """The step reached the engine, then the answer failed (here: its audit rows could not be written; in
    an outage: the database gone in between). The key is kept with its step id: the repeat attaches to the
    same update and answers the step's real outcome, instead of taking it again (a 409, "not allowed in
    this state", as it did when every 5xx freed the key)."""
    path, _ = await open_with_form(api, pool, pm)
    headers = keyed(pm, str(uuid.uuid4()))
    await pool.execute(f"REVOKE INSERT ON audit_log FROM {API_ROLE}")
    try:
        failed = await api.post(f"{path}/indieningen", headers=headers)
    finally:
        await pool.execute(f"GRANT INSERT ON audit_log TO {API_ROLE}")
    assert failed.status_code >= 500
    assert await events(api, path, pm, "ingediend") == 1  # taken, whatever the answer said

    retried = await api.post(f"{path}/indieningen", headers=headers)

    assert retried.status_code == 201, retried.text
    assert retried.json()["status"] == "bij_ouders"
    assert await events(api, path, pm, "ingediend") == 1


async def test_a_reservation_whose_answer_was_lost_does_not_hold_the_key(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database took the key's reservation, then went away before saying so (the fault suite's
    database restart did this): the answer is 503, nothing ran. The repeat takes the step at once, not
    "still being processed" until the reservation goes stale minutes later."""
    path, _ = await open_with_form(api, pool, pm)
    headers = keyed(pm, str(uuid.uuid4()))
    reserve = idempotency_keys.reserve

    async def reserved_then_lost(*args: Any) -> Any:
        await reserve(*args)
        raise ConnectionResetError("the database went away before it answered")

    monkeypatch.setattr(idempotency_keys, "reserve", reserved_then_lost)
    lost = await api.post(f"{path}/indieningen", headers=headers)
    monkeypatch.setattr(idempotency_keys, "reserve", reserve)
    assert assert_problem(lost, 503)["code"] == "niet_beschikbaar"
    assert await events(api, path, pm, "ingediend") == 0

    retried = await api.post(f"{path}/indieningen", headers=headers)

    assert retried.status_code == 201, retried.text
    assert await events(api, path, pm, "ingediend") == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, b"caf\xc3\xa9", b"tab\there", b"ctrl\x01char", " padded"])
async def test_an_invalid_key_is_400(api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], key: Any) -> None:
    path, _ = await open_with_form(api, pool, pm)
    before = await revisie(api, path, pm)

    r = await api.post(f"{path}/indieningen", headers={**pm, "Idempotency-Key": key})

    assert "Idempotency-Key" in {p["name"] for p in assert_problem(r, 400)["invalidParams"]}
    assert await revisie(api, path, pm) == before


async def test_a_key_of_255_printable_characters_is_accepted(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    path, _ = await open_with_form(api, pool, pm)
    key = ("~ !" + uuid.uuid4().hex) * 7 + "x" * 10
    assert len(key) == 255

    r = await api.post(f"{path}/indieningen", headers=keyed(pm, key))

    assert r.status_code == 201, r.text


async def test_an_expired_answer_is_not_replayed(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], settings: Settings
) -> None:
    """A PUT too: its repeat is replayed while the answer is kept, and runs again once it has expired."""
    path, _ = await open_with_form(api, pool, pm)
    headers = keyed(pm, str(uuid.uuid4()))
    form = {**COMPLETE_FORM, "bijzonderheden": {"adviesVoorSchool": "Eerst kennismaken."}}

    first = await api.put(f"{path}/formulier", headers=headers, json=form)
    replayed = await api.put(f"{path}/formulier", headers=headers, json=form)
    await pool.execute(
        "UPDATE idempotency_keys SET created_at = created_at - make_interval(hours => $1 + 1)"
        " WHERE idempotency_key = $2",
        settings.idempotency_ttl_hours, headers["Idempotency-Key"],
    )  # fmt: skip
    after_expiry = await api.put(f"{path}/formulier", headers=headers, json=form)

    assert first.status_code == replayed.status_code == after_expiry.status_code == 200
    assert replayed.headers[REPLAYED] == "true" and replayed.json()["revisie"] == first.json()["revisie"]
    assert REPLAYED not in after_expiry.headers
    assert after_expiry.json()["revisie"] == first.json()["revisie"] + 1
    assert await events(api, path, pm, "formulier_opgeslagen") == 3  # open_with_form's, then two of these


async def test_without_a_key_nothing_is_stored(api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]) -> None:
    before = await pool.fetchval("SELECT count(*) FROM idempotency_keys")

    path, _ = await open_with_form(api, pool, pm)
    await api.post(f"{path}/indieningen", headers=pm)

    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys") == before


async def test_the_openapi_documents_the_header(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/v1/openapi.json")).json()["paths"]

    def has_header(operation: dict[str, Any]) -> bool:
        return any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation.get("parameters", []))

    send = paths["/overdrachten/{overdracht_id}/verzendingen"]["post"]
    assert has_header(send)
    assert "Idempotency-Replayed" in send["responses"]["201"]["headers"]
    assert has_header(paths["/overdrachten"]["post"])
    assert has_header(paths["/overdrachten/{overdracht_id}/formulier"]["put"])
    assert {"409", "422"} <= set(send["responses"])  # what the key itself can be answered with
    assert not has_header(paths["/overdrachten"]["get"])
    assert not has_header(paths["/dev/tokens"]["post"])


async def test_a_replayed_open_keeps_its_status_and_location(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    kind_id, _ = await place_child(pool)
    headers = keyed(pm, str(uuid.uuid4()))

    first = await api.post("/v1/overdrachten", headers=headers, json={"kindId": str(kind_id)})
    again = await api.post("/v1/overdrachten", headers=headers, json={"kindId": str(kind_id)})

    # Without the key the second open would answer 200 (already open); the replay is the first answer.
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["location"] == first.headers["location"] == f"/v1/overdrachten/{first.json()['id']}"
    assert again.headers[REPLAYED] == "true"


async def test_expired_answers_are_deleted(pool: asyncpg.Pool, settings: Settings, worker: Worker) -> None:
    """The stored answers may hold personal data: once expired they are deleted, not just ignored."""
    old = hashlib.sha256(uuid.uuid4().bytes).digest()
    await pool.execute(
        "INSERT INTO idempotency_keys (caller_hash, idempotency_key, method, path, body_hash, reservation,"
        " created_at, status, headers, body, completed_at)"
        " VALUES ($1, 'old', 'POST', '/v1/overdrachten', $2, $3, now() - make_interval(hours => $4 + 1),"
        " 201, '[]', 'persoonsgegevens', now() - make_interval(hours => $4 + 1))",
        old, hashlib.sha256(b"").digest(), uuid.uuid4(), settings.idempotency_ttl_hours,
    )  # fmt: skip
    kind_id, _ = await place_child(pool)
    # A fresh app: the cleanup runs on its first stored answer (then at most once a minute).
    async with app_client(settings) as fresh:
        token = (await fresh.post("/v1/dev/tokens", json={"gebruikerId": str(demo.PM_USER[demo.BOOMHUT])})).json()
        pm = {"Authorization": f"Bearer {token['accessToken']}", "Idempotency-Key": "cleanup"}
        opened = await fresh.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})

    assert opened.status_code == 201, opened.text
    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE caller_hash = $1", old) == 0
