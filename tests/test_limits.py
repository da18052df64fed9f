"""What one request may cost (api/limits.py, api/server.py, services/ouder_sessies.py): a body past its
limit is refused at once (413) without being read, a file upload keeps its own larger limit, a body that
does not come is 408, a request head that does not come closes the connection, and one client cannot
have more than a few parents' code exchanges under way at once (429), in any API process."""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from uuid import UUID

import asyncpg
import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager

from api import limits
from api.app import create_app
from api.server import server_config
from core.settings import Settings
from db import lopende_verzoeken, ouder_codes
from services.ouder_sessies import HOOGUIT, SOORT
from tests.conftest import Login, free_port
from tests.happy_path import place_child
from tests.helpers import a_pdf, assert_problem
from tests.test_bijlagen import PM, Case

MIB = 1024 * 1024
CHUNK = 64 * 1024
HTML = {"Accept": "text/html"}
# Generous: the refusals come at once or after a one-second limit; this only keeps a broken server from
# hanging the suite.
AT_MOST = 30.0


@asynccontextmanager
async def app_clients(settings: Settings, *addresses: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One app built from `settings`, and a client for it from each address."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        clients = [
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app, raise_app_exceptions=False, client=(address, 40000)),
                base_url="http://test",
            )
            for address in addresses
        ]
        try:
            yield clients
        finally:
            for client in clients:
                await client.aclose()


# The body's size


async def test_a_json_body_past_the_limit_by_its_length_is_refused_before_it_is_read(api: httpx.AsyncClient) -> None:
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(2 * MIB // CHUNK):
            sent += CHUNK
            yield b" " * CHUNK

    headers = {"Content-Type": "application/json", "Content-Length": str(2 * MIB)}
    r = await api.post("/v1/ouder-sessies", content=body(), headers=headers)
    problem = assert_problem(r, 413)
    assert (problem["title"], problem["code"]) == ("Bestand te groot", "bestand_te_groot")
    assert "groter dan 1 MB" in problem["detail"]
    assert r.headers["connection"] == "close"
    assert sent == 0  # not one byte of it was read

    # A page's form as well: the browser gets a page.
    page = await api.post("/aanmelden", content=b"x" * (MIB + 1), headers={**HTML, "Content-Type": "text/plain"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "Bestand te groot" in page.text


async def test_a_streamed_body_past_the_limit_is_refused_as_soon_as_it_passes_it(api: httpx.AsyncClient) -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1024):  # 64 MB, were it all read
            sent += CHUNK
            yield b" " * CHUNK

    r = await asyncio.wait_for(
        api.post("/v1/ouder-sessies", content=endless(), headers={"Content-Type": "application/json"}), AT_MOST
    )
    assert "content-length" not in r.request.headers  # chunked: only counting can tell
    assert_problem(r, 413)
    assert MIB < sent <= MIB + 2 * CHUNK  # read up to the limit, and no further


@pytest.fixture
async def case(api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool) -> Case:
    """A new overdracht in CONCEPT, whose observation export the PM'er may upload (10 MB at most)."""
    return await Case(api, login).open(pool)


async def test_an_upload_keeps_its_own_larger_limit(case: Case) -> None:
    pdf = a_pdf("Groot")
    big = pdf + b"%" * (3 * MIB)  # past the 1 MB of a JSON body, within the 10 MB of the export
    r = await case.upload(PM, big)
    assert r.status_code == 200, r.text
    assert r.json()["grootte"] == len(big)
    # Chunked too: counted against the upload's limit, not the JSON body's.
    chunks = [big[i : i + CHUNK] for i in range(0, len(big), CHUNK)]

    async def streamed() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    headers = {**await case.as_(PM), "Content-Type": "application/pdf"}
    r = await case.api.put(f"{case.path}/observatie-export", headers=headers, content=streamed())
    assert r.status_code == 200, r.text
    # Past the largest upload (16 MB): refused by its length, before the route.
    too_big = {**headers, "Content-Length": str(16 * MIB + 1)}
    problem = assert_problem(await case.api.put(f"{case.path}/observatie-export", headers=too_big, content=b""), 413)
    assert "groter dan 16 MB" in problem["detail"]


async def test_after_a_large_body_the_process_gives_the_freed_memory_back(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    released: list[str] = []
    monkeypatch.setattr(limits, "release_freed_memory", lambda: released.append("na"))
    await case.upload(PM, a_pdf("Klein"))
    assert released == []  # an ordinary request: nothing to give back
    r = await case.upload(PM, a_pdf("Groot") + b"%" * (2 * MIB))
    assert r.status_code == 200, r.text
    assert released == ["na"]


# The body's time


async def test_a_body_that_stops_coming_is_answered_408(settings: Settings, pool: asyncpg.Pool) -> None:
    stalled = asyncio.Event()

    async def half() -> AsyncIterator[bytes]:
        # The client has begun the body (whether the app has read this first part before its limit is up
        # depends on how busy the machine is, and does not matter: the body never comes whole).
        stalled.set()
        yield b'{"code": "'
        await asyncio.Event().wait()  # and then nothing, ever
        yield b'"}'

    async with app_clients(settings.model_copy(update={"body_timeout_seconds": 1.0}), "192.0.2.10") as (client,):
        began = time.monotonic()
        r = await asyncio.wait_for(
            client.post("/v1/ouder-sessies", content=half(), headers={"Content-Type": "application/json"}), AT_MOST
        )
        assert stalled.is_set()
        problem = assert_problem(r, 408)
        assert problem["code"] == "verzoek_te_lang" and "1 seconden" in problem["detail"]
        assert time.monotonic() - began >= 0.9  # the limit, not an error of the body
        # The same body, sent whole, is read as usual.
        whole = await client.post("/v1/ouder-sessies", json={"code": "onbekend"})
        assert_problem(whole, 401)


# The request head's time: a real server


async def test_a_request_head_that_does_not_come_closes_the_connection(settings: Settings) -> None:
    port = free_port()
    config = server_config(
        settings, app=create_app(settings), factory=False, host="127.0.0.1", port=port, workers=1,
        header_timeout_seconds=1.0, lifespan="off",
    )  # fmt: skip
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "the server did not start"
            await asyncio.sleep(0.05)

        # Half a request head, then nothing: closed after the limit.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        began = time.monotonic()
        writer.write(b"GET /v1/gezondheid HTTP/1.1\r\nHost: test\r\nAccept: appl")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), AT_MOST) == b""  # closed, without an answer
        assert time.monotonic() - began >= 0.9
        writer.close()

        # Not a byte at all: the same.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), AT_MOST) == b""
        writer.close()

        # A whole head is answered, and the connection kept for the next, whose head must come in time too.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /v1/nergens HTTP/1.1\r\nHost: test\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), AT_MOST)
        assert head.startswith(b"HTTP/1.1 404")
        length = next(
            int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")
        )
        await asyncio.wait_for(reader.readexactly(length), AT_MOST)
        writer.write(b"GET /v1/nergens HTTP/1.1\r\nHo")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), AT_MOST) == b""
        writer.close()
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, AT_MOST)


# The parents' code exchange: a few at once per client


async def parent_code(api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool) -> str:
    """A fresh one-time code of a new child's parent (as a printed letter makes one)."""
    kind_id, parent_id = await place_child(pool)
    r = await api.post("/v1/overdrachten", headers=await login(PM), json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    code = ouder_codes.new_code()
    expires = await ouder_codes.expiry(pool, timedelta(hours=1))
    await ouder_codes.store_letter_code(pool, code, parent_id, kind_id, UUID(r.json()["id"]), expires)
    return code


async def state(pool: asyncpg.Pool, code: str) -> tuple[object, ...]:
    """What an exchange changes: the code's use, the audit trail, the requests under way."""
    return (
        await pool.fetchval("SELECT used_at FROM ouder_codes WHERE hash = $1", ouder_codes.code_hash(code)),
        await pool.fetchval("SELECT max(id) FROM audit_log"),
        await pool.fetchval("SELECT count(*) FROM lopende_verzoeken"),
    )


async def test_one_client_has_a_few_code_exchanges_under_way_at_most(
    settings: Settings, api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    k = settings.ouder_sessies_tegelijk
    busy, other = "198.51.100.7", "198.51.100.8"
    codes = [await parent_code(api, login, pool) for _ in range(3)]
    async with app_clients(settings, busy, other) as (from_busy, from_other):
        # K exchanges of this client under way (as another API process would note them).
        sleutel = await lopende_verzoeken.client_hash(pool, SOORT, busy)
        held = [await lopende_verzoeken.begin(pool, sleutel, k, HOOGUIT) for _ in range(k)]
        assert all(held)
        before = await state(pool, codes[0])

        r = await from_busy.post("/v1/ouder-sessies", json={"code": codes[0]})
        problem = assert_problem(r, 429)
        assert problem["code"] == "te_veel_verzoeken"
        assert r.headers["retry-after"] == "1"
        assert await state(pool, codes[0]) == before  # the code is not used up; nothing recorded
        # Its link in the parents' pages: the same, as a page.
        page = await from_busy.get("/ouder", params={"code": codes[0]}, headers=HTML)
        assert page.status_code == 429 and page.headers["retry-after"] == "1"
        assert await state(pool, codes[0]) == before

        # Another client is not held up.
        r = await from_other.post("/v1/ouder-sessies", json={"code": codes[1]})
        assert r.status_code == 200, r.text

        # Once one ends, the next is let through, and its place is given back when it is done.
        assert held[0] is not None
        await lopende_verzoeken.end(pool, held[0])
        r = await from_busy.post("/v1/ouder-sessies", json={"code": codes[0]})
        assert r.status_code == 200, r.text
        assert await pool.fetchval("SELECT count(*) FROM lopende_verzoeken WHERE sleutel = $1", sleutel) == k - 1
        for verzoek in held[1:]:
            assert verzoek is not None
            await lopende_verzoeken.end(pool, verzoek)
        # A wrong code counts while it runs too, and gives its place back.
        assert_problem(await from_busy.post("/v1/ouder-sessies", json={"code": secrets.token_urlsafe(32)}), 401)
        assert await pool.fetchval("SELECT count(*) FROM lopende_verzoeken") == 0
        # The address is nowhere in clear.
        assert busy.encode() not in sleutel


async def test_the_limit_holds_for_requests_racing_from_several_processes(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    """Many at once, each on its own connection as separate API processes would be: exactly K get a place."""
    k = settings.ouder_sessies_tegelijk
    sleutel = await lopende_verzoeken.client_hash(pool, SOORT, "203.0.113.5")
    taken = await asyncio.gather(*(lopende_verzoeken.begin(pool, sleutel, k, HOOGUIT) for _ in range(3 * k)))
    places = [t for t in taken if t is not None]
    assert len(places) == k
    for place in places:
        await lopende_verzoeken.end(pool, place)
    assert await pool.fetchval("SELECT count(*) FROM lopende_verzoeken WHERE sleutel = $1", sleutel) == 0
