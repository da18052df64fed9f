"""A file posted with a page's form (`enctype="multipart/form-data"`, the field `bestand` and the
session's CSRF token): checked from our own origin and bounded by its length before it is parsed, then
handed to the use case, which reads it only once the person may do this."""

import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.context import Context
from services.errors import InvalidInput, ServiceError, TooLarge
from web.render import Again, caller, error_page, same_origin
from web.sessions import Aangemeld

FIELD = "bestand"
# A form posts the file with the CSRF token and a little wrapping around it.
MARGIN = 64 * 1024
GEEN_BESTAND = InvalidInput("Kies een bestand.", invalid_params=[{"name": FIELD, "reason": "Kies een bestand."}])

T = TypeVar("T")
Read = Callable[[], Awaitable[bytes]]


async def upload(
    request: Request,
    aangemeld: Aangemeld,
    max_bytes: int,
    store: Callable[[Context, Read], Awaitable[T]],
    *,
    then: Callable[[T], Response],
    again: Again,
) -> Response:
    """Signed in (the route's dependency), from our own origin, at most `max_bytes` (by its length, before
    reading it), the session's CSRF token; then `store`, and `then` with what it answered. A refusal of the
    file shows the page again with the message beside the file; a refusal of the state, above the form."""
    length = request.headers.get("content-length", "")
    try:
        if not same_origin(request):
            raise InvalidInput("Dit formulier komt niet van deze site.")
        if not length.isdecimal() or int(length) > max_bytes + MARGIN:
            mb = max_bytes // (1024 * 1024)
            raise TooLarge(
                f"Het bestand is groter dan {mb} MB; er is niets opgeslagen.",
                invalid_params=[{"name": FIELD, "reason": "te groot"}],
            )
        form = await request.form(max_files=1, max_fields=2)
        csrf, bestand = form.get("csrf"), form.get(FIELD)
        if not isinstance(csrf, str) or not secrets.compare_digest(csrf, aangemeld.csrf):
            raise InvalidInput("Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
        if not isinstance(bestand, UploadFile) or not bestand.filename:
            raise GEEN_BESTAND
        async with caller(request, aangemeld.user) as ctx:
            answer = await store(ctx, bestand.read)
    except ServiceError as exc:
        if exc.status in (403, 404, 503):
            return error_page(request, exc, aangemeld)
        if exc.status in (400, 413, 415):  # about the file: the message beside it
            return await again({FIELD: exc.detail}, None, exc.status)
        return await again({}, exc.detail, exc.status)  # the state: why above the form
    return then(answer)
