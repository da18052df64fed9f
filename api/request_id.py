"""The request id: a caller's sane `X-Request-ID` or a new one, on every response, in
`request.state.request_id`, and on every log line written while the request is handled."""

import re
import uuid

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import REQUEST_ID

HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode("latin-1")
# What a proxy or a client's tracing puts there (UUIDs, hex, W3C trace ids, base64): 1-128
# characters of letters, digits and `-_.:=+/`. Anything else (control characters, spaces, quotes,
# an endless value) could forge or break a log line: it is replaced by an id of our own.
_SANE = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(scope: Scope) -> str | None:
    """The caller's X-Request-ID if it is a sane token, else None."""
    for key, value in scope.get("headers", ()):
        if key.lower() == _HEADER_KEY:
            text = value.decode("latin-1")
            return text if _SANE.fullmatch(text) else None
    return None


class RequestIdMiddleware:
    """Plain ASGI (no extra task): the context variable it sets is seen by everything below it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or new_request_id()
        # A copy: the lifespan's state dict may be shared by every request (asgi-lifespan passes it as is).
        scope["state"] = {**scope.get("state", {}), "request_id": request_id}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


def install_request_id(app: Starlette) -> None:
    """Put the middleware outside Starlette's ServerErrorMiddleware (where `add_middleware` cannot
    reach): a 500 answer carries the id too, and the error's log line names it."""
    build = app.build_middleware_stack

    def build_with_request_id() -> ASGIApp:
        return RequestIdMiddleware(build())

    app.build_middleware_stack = build_with_request_id  # type: ignore[method-assign]  # the request id must wrap even the outermost error handler
