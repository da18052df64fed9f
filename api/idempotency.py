"""Idempotency-Key on the API's state-changing requests: the first answer is stored and a repeat gets it
again, without running the step a second time."""

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from typing import Any

import asyncpg
from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import API_VERSION
from api.errors import DATABASE_DOWN, problem_response
from api.problems import Documented, document
from db import idempotency as idempotency_keys
from services.context import STEP_ID
from services.errors import InvalidInput, ServiceError, TooLarge, Unavailable

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"

# Every method that changes state. PUT is idempotent by nature, but a repeated PUT after the overdracht
# moved on would be answered 409; replaying the first answer tells the caller what really happened.
COVERED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Their answer is a bearer token: keeping it for a replay would store a credential in the database.
# A lost answer there is cured by asking again, not by a replay.
# Their answers must never be stored: a bearer token, or the engine's payloads decrypted.
EXCLUDED_PATHS = frozenset(
    {"/v1/dev/tokens", "/v1/ouder-sessies", "/v1/codec/decode", "/v1/codec/encode", "/v1/ouder-code-aanvragen"}
)
# And these, wherever they are: a parent's printed letter holds their one-time code (kept only as a hash).
# (A parent asking for a new code above: no caller to store it for, and the answer is always the same.)
EXCLUDED_ENDINGS = ("/brieven",)
# The headers of an answer that are part of it; the rest (API-Version, Content-Length) is made anew.
KEPT_HEADERS = frozenset({"content-type", "location", "www-authenticate"})
# A reservation this old belongs to a process that died mid-request (a request waits at most a few
# engine timeouts): a repeat may take the key over instead of being told "still processing" for a day.
STALE_AFTER = timedelta(minutes=5)
# Expired answers are deleted on write, at most this often per process.
CLEANUP_EVERY_SECONDS = 60.0
# The body is read here, before the route can refuse it: never more than this (above every upload the
# API takes: the observation export, 10 MB, in a multipart form). A bigger body is refused (413).
MAX_BODY_BYTES = 16 * 1024 * 1024

log = logging.getLogger(__name__)


KEY_RULE = "één waarde van 1 tot 255 afdrukbare ASCII-tekens"
INVALID_KEY = f"De {HEADER}-header is ongeldig: gebruik {KEY_RULE}. Er is niets gewijzigd."
KEY_IN_USE = (
    f"Een verzoek met deze {HEADER} wordt nog verwerkt. Probeer het zo opnieuw met dezelfde sleutel; het wordt niet"
    " dubbel uitgevoerd."
)
KEY_REUSED = (
    f"Deze {HEADER} is al gebruikt voor een ander verzoek. Gebruik een nieuwe sleutel voor een nieuw verzoek. Er is"
    " niets gewijzigd."
)


class KeyInUse(ServiceError):
    status, title, code = 409, "Verzoek wordt nog verwerkt", "idempotency_key_in_behandeling"
    description = (
        "Een verzoek met deze Idempotency-Key wordt nog verwerkt; probeer het na `Retry-After` opnieuw met dezelfde"
        " sleutel."
    )


class KeyReused(ServiceError):
    status, title, code = 422, "Idempotency-Key hergebruikt", "idempotency_key_hergebruikt"
    description = "Deze Idempotency-Key is al gebruikt voor een ander verzoek; kies een nieuwe sleutel."


@dataclass(frozen=True)
class _Fingerprint:
    """Who asked (a hash of the Authorization header, never the token), with which key, for what."""

    caller_hash: bytes
    key: str
    method: str
    path: str
    body_hash: bytes


def install_idempotency(app: FastAPI) -> None:
    """Honour Idempotency-Key on every state-changing /v1 request, and document it in the OpenAPI."""
    app.add_middleware(IdempotencyMiddleware)
    _document_in_openapi(app)


def valid_key(value: str) -> bool:
    # Printable ASCII; a space only inside, since HTTP strips it at either end anyway.
    return 1 <= len(value) <= 255 and all(" " <= c <= "~" for c in value) and value == value.strip(" ")


def _covered(method: str, path: str) -> bool:
    return (
        method in COVERED_METHODS
        and path.startswith("/v1/")
        and path not in EXCLUDED_PATHS
        and not path.endswith(EXCLUDED_ENDINGS)
    )


def _an_operation(scope: Scope) -> bool:
    """Whether some route serves this method at this path. A method the path does not have (405) or a
    path that is none (404) changes nothing: its answer is not kept, so the key stays free for the
    request that was meant (a PUT sent where a POST belongs, then the POST with the same key)."""
    return any(route.matches(scope)[0] == Match.FULL for route in scope["app"].router.routes)


# The boundary parameter of a multipart Content-Type, quoted or not.
_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


def _body_hash(body: bytes, content_type: str) -> bytes:
    # The same JSON with other spacing or key order is the same request. Not JSON after all: the route
    # answers 400, and the raw bytes identify the request.
    if body and "json" in content_type:
        with contextlib.suppress(ValueError, RecursionError):
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    # A form's parts are separated by a boundary the client picks at random each time it encodes them
    # (httpx and requests do): a retried upload is the same request with another boundary.
    elif body and content_type.lower().startswith("multipart/") and (found := _BOUNDARY.search(content_type)):
        body = body.replace(b"--" + (found[1] or found[2]).encode("latin-1"), b"--")
    return sha256(body).digest()


class IdempotencyMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware): it must read the body before the route does and hold the
    answer back until it is stored, so that a repeat arriving after the answer always finds it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._next_cleanup = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _covered(scope["method"], scope["path"]):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        keys = headers.getlist(HEADER)
        if not keys or not _an_operation(scope):
            return await self.app(scope, receive, send)
        if len(keys) != 1 or not valid_key(keys[0]):
            problem = InvalidInput(INVALID_KEY, invalid_params=[{"name": HEADER, "reason": KEY_RULE}])
            return await _problem(problem, scope, receive, send)
        authorization = headers.get("authorization")
        if authorization is None:
            # No caller, no scope that keeps one caller's keys from another's: such a request is
            # refused (401) by every route this covers anyway.
            return await self.app(scope, receive, send)

        length = headers.get("content-length", "")
        too_large = TooLarge(f"De body is groter dan {MAX_BODY_BYTES // (1024 * 1024)} MB. Er is niets gewijzigd.")
        if length.isdecimal() and int(length) > MAX_BODY_BYTES:
            return await _problem(too_large, scope, receive, send)
        body = await _read_body(receive)
        if body is None:
            return  # the client went away before it finished sending
        if len(body) > MAX_BODY_BYTES:
            return await _problem(too_large, scope, receive, send)
        query = scope.get("query_string", b"").decode("latin-1")
        request = _Fingerprint(
            caller_hash=sha256(authorization.encode("latin-1")).digest(),
            key=keys[0],
            method=scope["method"],
            path=scope["path"] + (f"?{query}" if query else ""),
            body_hash=_body_hash(body, headers.get("content-type", "")),
        )
        app_state = scope["app"].state
        pool: asyncpg.Pool = app_state.pool
        ttl = timedelta(hours=app_state.settings.idempotency_ttl_hours)

        reservation = uuid.uuid4()
        try:
            outcome = await _reserve(pool, request, ttl, reservation)
        except DATABASE_DOWN as exc:
            log.warning("database unreachable", extra={"error_type": type(exc).__name__})
            await pool.expire_connections()  # the rest of its connections died with this one
            # The reservation may have been made with its answer lost on the way back: then every repeat
            # would hear "still being processed" until it went stale. Nothing ran under it, so it is marked
            # as a request whose outcome is unknown, which the same request takes over at once.
            await _quietly(pool, lambda: idempotency_keys.unknown(pool, request.caller_hash, request.key, reservation))
            down = Unavailable("De database is niet bereikbaar. Er is niets gewijzigd; probeer het zo opnieuw.")
            return await _problem(down, scope, receive, send)
        if isinstance(outcome, Response):
            return await outcome(scope, receive, send)
        if isinstance(outcome, ServiceError):
            return await _problem(outcome, scope, receive, send, retry_after=outcome.status == 409)
        reservation, stap_id = outcome
        # The step's update id in the engine: kept for a repeat after an unknown outcome (503
        # UITKOMST_ONBEKEND), so the repeat attaches to the same update and gets its real outcome.
        step_id = STEP_ID.set(f"idem-{stap_id}")
        try:
            await self._run(scope, _replaying(body, receive), send, pool, request, reservation, ttl)
        finally:
            STEP_ID.reset(step_id)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        pool: asyncpg.Pool,
        request: _Fingerprint,
        reservation: uuid.UUID,
        ttl: timedelta,
    ) -> None:
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        owner = (request.caller_hash, request.key, reservation)
        try:
            await self.app(scope, receive, hold)
        except BaseException:
            # An unexpected error (answered 500 further out) or a cancelled request: the step may have
            # been taken before it. The same request takes the key over at once, as the same step.
            await _quietly(pool, lambda: idempotency_keys.unknown(pool, *owner))
            raise
        start = next((m for m in held if m["type"] == "http.response.start"), None)
        status: int = start["status"] if start else 500
        if start is not None and (200 <= status < 300 or 400 <= status < 500):
            kept = [
                [name.decode("latin-1"), value.decode("latin-1")]
                for name, value in start["headers"]
                if name.decode("latin-1").lower() in KEPT_HEADERS
            ]
            answer = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
            await _quietly(pool, lambda: idempotency_keys.store(pool, *owner, status, json.dumps(kept), answer))
            await self._delete_expired(pool, ttl)
        else:
            # A 5xx: the step may have been taken before it (the database failed after the engine had
            # it), or may still be (503 UITKOMST_ONBEKEND). The key is kept, with its step id, for the same
            # request to take over at once: as the same step, it attaches to the same update in the
            # engine and gets its real outcome, or is taken now if it never got there.
            await _quietly(pool, lambda: idempotency_keys.unknown(pool, *owner))
        for message in held:
            await send(message)

    async def _delete_expired(self, pool: asyncpg.Pool, ttl: timedelta) -> None:
        now = asyncio.get_running_loop().time()
        if now < self._next_cleanup:
            return
        self._next_cleanup = now + CLEANUP_EVERY_SECONDS
        await _quietly(pool, lambda: idempotency_keys.delete_expired(pool, ttl))


async def _reserve(
    pool: asyncpg.Pool, request: _Fingerprint, ttl: timedelta, reservation: uuid.UUID
) -> tuple[uuid.UUID, uuid.UUID] | Response | ServiceError:
    """The reservation to run the request under (and its step's id), the stored answer to replay, or the
    problem to answer."""
    for _ in range(3):
        fields = (request.caller_hash, request.key, request.method, request.path, request.body_hash)
        stap_id = await idempotency_keys.reserve(pool, *fields, reservation, ttl, STALE_AFTER)
        if stap_id is not None:
            return reservation, stap_id
        row = await idempotency_keys.existing(pool, request.caller_hash, request.key, ttl)
        if row is None:
            continue  # expired between the two statements: try to take it again
        if (row["method"], row["path"], bytes(row["body_hash"])) != (request.method, request.path, request.body_hash):
            return KeyReused(KEY_REUSED)
        if row["status"] is None:
            break
        headers = dict(json.loads(row["headers"]))
        headers.update({REPLAYED_HEADER: "true", "API-Version": API_VERSION})
        return Response(content=bytes(row["body"]), status_code=row["status"], headers=headers)
    return KeyInUse(KEY_IN_USE)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or as soon as it is longer than MAX_BODY_BYTES, what was read so far."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_BODY_BYTES or not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The request's body, already read here, handed to the route; after it, the client's own events."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _problem(
    problem: ServiceError, scope: Scope, receive: Receive, send: Send, *, retry_after: bool = False
) -> None:
    response = problem_response(
        problem.status, problem.title, problem.code, problem.detail, Request(scope), **problem.extensions
    )
    if retry_after:
        response.headers["Retry-After"] = "1"
    await response(scope, receive, send)


# Tries of the key's bookkeeping before the answer goes out: after a database restart the pool's first
# connections are dead ones.
BOOKKEEPING_TRIES = 3
# The bookkeeping still to do when the database is away, tried again in the background (strong refs).
_later: set[asyncio.Task[None]] = set()


async def _quietly(pool: asyncpg.Pool, statement: Callable[[], Awaitable[object]]) -> None:
    """The key's bookkeeping once the step has run. The step's answer goes to the client even when it
    fails; it is then tried again in the background, every second until the database is back (at most
    STALE_AFTER, when a repeat may take the key over anyway): a reservation left behind would tell every
    repeat "still being processed" long after the outage."""
    if await _tried(pool, statement, BOOKKEEPING_TRIES):
        return
    task = asyncio.create_task(_until_done(pool, statement))
    _later.add(task)
    task.add_done_callback(_later.discard)


async def _tried(pool: asyncpg.Pool, statement: Callable[[], Awaitable[object]], tries: int) -> bool:
    for attempt in range(tries):
        try:
            await statement()
            return True
        except DATABASE_DOWN:
            await _expire(pool)
            if attempt + 1 < tries:
                await asyncio.sleep(0.2 * (attempt + 1))
        except asyncpg.PostgresError:
            log.warning("idempotency key bookkeeping failed", exc_info=True)
            return True  # not a matter of waiting: a repeat finds the reservation stale in time
    return False


async def _until_done(pool: asyncpg.Pool, statement: Callable[[], Awaitable[object]]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STALE_AFTER.total_seconds()
    while loop.time() < deadline:
        await asyncio.sleep(1.0)
        if await _tried(pool, statement, 1):
            return
    log.warning("idempotency key bookkeeping failed")


async def _expire(pool: asyncpg.Pool) -> None:
    with contextlib.suppress(Exception):
        await pool.expire_connections()


_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Een sleutel die u zelf kiest (bijvoorbeeld een UUID), nieuw voor elk nieuw verzoek. Een herhaling met"
        " dezelfde sleutel en body krijgt het eerste antwoord opnieuw (met `Idempotency-Replayed: true`) en wijzigt"
        " niets; dezelfde sleutel voor een ander verzoek is een 422, en zolang het eerste nog wordt verwerkt een"
        " 409. Antwoorden worden OVERDRACHT_IDEMPOTENCY_TTL_HOURS bewaard (standaard 24 uur). Na een 5xx wordt"
        " hetzelfde verzoek met dezelfde sleutel opnieuw uitgevoerd als dezelfde stap: was de eerste toch gezet,"
        " dan krijgt de herhaling de echte uitkomst in plaats van hem dubbel te zetten."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]([ -~]*[!-~])?$"},
}
_REPLAYED = {
    "description": "`true` als dit het bewaarde eerste antwoord is op een herhaling met dezelfde Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}

# What the key itself can be answered with.
_PROBLEMS = (
    Documented(
        InvalidInput(INVALID_KEY, invalid_params=[{"name": HEADER, "reason": KEY_RULE}]),
        f"De {HEADER}-header is ongeldig: niet {KEY_RULE}, of meer dan één.",
    ),
    Documented(
        KeyInUse(KEY_IN_USE),
        f"Een verzoek met deze {HEADER} wordt nog verwerkt; probeer het na `Retry-After` opnieuw met dezelfde sleutel.",
        retry_after=True,
    ),
    Documented(KeyReused(KEY_REUSED), f"Deze {HEADER} is al gebruikt voor een ander verzoek (pad, query of body)."),
)


def _document_in_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # cached by FastAPI after the first call; patched once, in place
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if not _covered(method.upper(), path):
                    continue
                parameters = operation.setdefault("parameters", [])
                if any(p.get("name") == HEADER and p.get("in") == "header" for p in parameters):
                    continue
                parameters.append(dict(_PARAMETER))
                responses = operation.setdefault("responses", {})
                for code, response in responses.items():
                    if code.startswith("2"):
                        response.setdefault("headers", {})[REPLAYED_HEADER] = dict(_REPLAYED)
                document(operation, *_PROBLEMS)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to replace openapi()
