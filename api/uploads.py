"""Reading an uploaded file from a request: the body itself (with one of the accepted Content-Types), or
the field `bestand` of a multipart/form-data body (what a web form sends). Never more than the limit is
read; the file's name and declared type are ignored (the use case checks the content)."""

import asyncio
import email.parser
import email.policy

from fastapi import Request

from api.problems import Documented
from services.errors import InvalidInput, TooLarge, UnsupportedFile

FIELD = "bestand"
MULTIPART = "multipart/form-data"
# A multipart body carries the file and a little wrapping around it.
MULTIPART_MARGIN = 64 * 1024


async def read_file(request: Request, *, max_bytes: int, types: frozenset[str]) -> bytes:
    """The uploaded file: the body when its Content-Type is one of `types`, or the multipart field
    `bestand`. 415 for another Content-Type, 413 past `max_bytes`, 400 for a broken form."""
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if mime not in types and mime != MULTIPART:
        raise _wrong_type(types)
    limit = max_bytes + (MULTIPART_MARGIN if mime == MULTIPART else 0)
    too_large = _too_large(max_bytes)
    length = request.headers.get("content-length", "")
    if length.isdecimal() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    if mime != MULTIPART:
        return bytes(body)
    data = await asyncio.to_thread(_from_form, content_type, bytes(body))
    if len(data) > max_bytes:
        raise too_large
    return data


def _wrong_type(types: frozenset[str]) -> UnsupportedFile:
    accepted = " of ".join(sorted(types))
    return UnsupportedFile(
        f"Stuur het bestand als body met Content-Type {accepted}, of als {MULTIPART} (veld '{FIELD}').",
        invalid_params=[{"name": "Content-Type", "reason": f"niet {accepted} of {MULTIPART}"}],
    )


def _too_large(max_bytes: int) -> TooLarge:
    mb = max_bytes // (1024 * 1024)
    return TooLarge(
        f"Het bestand is groter dan {mb} MB; er is niets gewijzigd.",
        invalid_params=[{"name": FIELD, "reason": f"groter dan {mb} MB"}],
    )


def _broken_form() -> InvalidInput:
    return InvalidInput(
        "Het formulier is onvolledig of onleesbaar; stuur het bestand opnieuw.",
        invalid_params=[{"name": FIELD, "reason": "onleesbaar multipart-formulier"}],
    )


def _no_field() -> InvalidInput:
    return InvalidInput(
        f"Het formulier heeft geen veld '{FIELD}' met het bestand.",
        invalid_params=[{"name": FIELD, "reason": "ontbreekt"}],
    )


def upload_problems(max_bytes: int, types: frozenset[str]) -> tuple[Documented, ...]:
    """What reading the file can answer, for the OpenAPI of a route that takes one."""
    return (
        Documented(_broken_form(), f"Een {MULTIPART}-body die onvolledig of onleesbaar is."),
        Documented(_no_field(), f"Een {MULTIPART}-body zonder het veld `{FIELD}`."),
        Documented(_too_large(max_bytes), f"Het bestand is groter dan {max_bytes // (1024 * 1024)} MB."),
        Documented(_wrong_type(types), f"Een Content-Type die niet {' of '.join(sorted(types))} of {MULTIPART} is."),
    )


def _from_form(content_type: str, body: bytes) -> bytes:
    """The field `bestand` of a multipart/form-data body, byte for byte. The standard library's MIME
    parser reads it: the body is read whole and bounded first (the pages' small forms use FastAPI's Form)."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise _broken_form()
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == FIELD:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise _no_field()
