"""What one request's body may cost, for every endpoint (the API's and the pages'): at most
OVERDRACHT_MAX_BODY_BYTES (OVERDRACHT_MAX_UPLOAD_BYTES for a route that takes a file, which keeps its
own, smaller limit within it), sent within OVERDRACHT_BODY_TIMEOUT_SECONDS. A body past its limit is
answered 413 at once: by its Content-Length before any of it is read, or, sent without one, as soon as
what arrived passes the limit (the rest is never read). A body not sent in time: 408. Either answer
closes the connection.

Pure ASGI (not BaseHTTPMiddleware, which would buffer): it only counts the body's parts as they pass.
A refusal is answered from within `receive`, which then tells whoever was reading that the client has
gone: they stop reading, and what they answer to that goes nowhere. After a large body, the memory the
request freed is given back to the system (core/heap.py)."""

import asyncio
import re
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.routing import iter_route_contexts
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_response
from api.problems import Documented, document
from core.heap import release_freed_memory
from core.settings import Settings
from services.errors import ServiceError, TooLarge

F = TypeVar("F", bound=Callable[..., Any])

# After a body this large (a file), the memory the request freed is given back (core/heap.py).
RELEASE_AFTER_BYTES = 1024 * 1024

# Set on the endpoint of a route that reads a file from its body (api/uploads.py, web/uploads.py) or a
# large batch (the codec): it may receive up to max_upload_bytes.
_UPLOAD_MARK = "__overdracht_upload__"


def takes_upload(endpoint: F) -> F:
    """Mark a route's endpoint as one that takes a file: its body may be up to max_upload_bytes (the
    route checks its own, smaller limit). Put it under the router's decorator."""
    setattr(endpoint, _UPLOAD_MARK, True)
    return endpoint


class RequestTimeout(ServiceError):
    status, title, code = 408, "Verzoek duurde te lang", "verzoek_te_lang"
    description = "De body kwam niet op tijd binnen; de verbinding wordt gesloten. Er is niets gewijzigd."


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"De body is groter dan {_size(limit)}. Er is niets gewijzigd.")


def _too_slow(seconds: float) -> RequestTimeout:
    return RequestTimeout(
        f"De body kwam niet binnen {seconds:g} seconden binnen. Er is niets gewijzigd; probeer het opnieuw."
    )


def _size(n: int) -> str:
    mb, kb = 1024 * 1024, 1024
    return f"{n / mb:g} MB" if n >= mb else f"{n / kb:g} kB" if n >= kb else f"{n} bytes"


def refusal(request: Request, problem: ServiceError) -> Response:
    """The refusal as every error is answered (problem+json, or a page for a browser's page), on a
    connection that is then closed: the rest of the body is not read."""
    response = problem_response(problem.status, problem.title, problem.code, problem.detail, request)
    response.headers["Connection"] = "close"
    return response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int, timeout_seconds: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max(max_upload_bytes, max_body_bytes)
        self.timeout_seconds = timeout_seconds
        self._uploads: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is None and "transfer-encoding" not in headers:
            return await self.app(scope, receive, send)  # no body (the server saw to that)
        limit = self.max_body_bytes
        if length is not None and length.isdecimal() and int(length) > limit:
            limit = self._limit_of_route(scope)
            if int(length) > limit:
                return await refusal(Request(scope), _too_large(limit))(scope, receive, send)

        deadline = asyncio.get_running_loop().time() + self.timeout_seconds
        received, complete, started = 0, False, False
        refused: ServiceError | None = None

        async def refuse(problem: ServiceError) -> Message:
            # Answered here and now; to whoever was reading, the client has gone (and its answer goes nowhere).
            nonlocal refused, started
            refused = problem
            if not started:
                started = True
                await refusal(Request(scope), problem)(scope, receive, send)
            return {"type": "http.disconnect"}

        async def limited_receive() -> Message:
            nonlocal received, complete, limit
            if refused is not None:
                return {"type": "http.disconnect"}
            if complete:
                return await receive()  # the body is in; now only a disconnect can come
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return await refuse(_too_slow(self.timeout_seconds))
            if message["type"] != "http.request":
                complete = True
                return message
            received += len(message.get("body", b""))
            if received > limit and limit < self.max_upload_bytes:
                limit = self._limit_of_route(scope)
            if received > limit:
                return await refuse(_too_large(limit))
            complete = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None:
                return  # the app's answer to the "disconnect": the client has its answer already
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if refused is None:
                raise
            # What reading a body that stopped raises (Starlette's ClientDisconnect): answered already.
        finally:
            if received >= RELEASE_AFTER_BYTES:
                # What the request held is freed now: given back, not kept in the process's heap.
                release_freed_memory()

    def _limit_of_route(self, scope: Scope) -> int:
        """max_upload_bytes for a route marked with takes_upload, else max_body_bytes."""
        if self._uploads is None:  # the routes are all there once a request comes
            self._uploads = [
                (compile_path(route.path)[0], frozenset(route.methods or ()))
                for route in iter_route_contexts(scope["app"].router.routes)
                if route.path and getattr(route.endpoint, _UPLOAD_MARK, False)
            ]
        path, method = scope["path"], scope["method"]
        if any(method in methods and pattern.fullmatch(path) for pattern, methods in self._uploads):
            return self.max_upload_bytes
        return self.max_body_bytes


def install_body_limits(app: FastAPI, settings: Settings) -> None:
    """The middleware (outside the Idempotency-Key's, which reads the body too), and the 408 and 413 in
    the OpenAPI of every operation that takes a body."""
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        timeout_seconds=settings.body_timeout_seconds,
    )
    _document_in_openapi(app, settings)


def _document_in_openapi(app: FastAPI, settings: Settings) -> None:
    generate = app.openapi
    documented = (
        Documented(
            _too_slow(settings.body_timeout_seconds),
            f"De body kwam niet binnen {settings.body_timeout_seconds:g} seconden binnen"
            " (OVERDRACHT_BODY_TIMEOUT_SECONDS); de verbinding wordt gesloten.",
        ),
        Documented(
            _too_large(settings.max_body_bytes),
            f"De body is groter dan {_size(settings.max_body_bytes)} (OVERDRACHT_MAX_BODY_BYTES; voor een bestand"
            " geldt de eigen grens die de beschrijving noemt): geweigerd voordat hij gelezen is.",
        ),
    )

    def openapi() -> dict[str, Any]:
        schema = generate()  # cached by FastAPI after the first call; patched once, in place
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method not in ("post", "put", "patch") and "requestBody" not in operation:
                    continue
                document(operation, *documented)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to replace openapi()
