"""/v1/imports: placements (children at a voorschool location) from a CSV export, imported by a job in
the background. The route reads the upload; accepting it, the job and its report are use cases
(services/imports.py)."""

import asyncio
import email.parser
import email.policy
from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.csv import csv_response
from api.deps import Ctx
from api.errors import problems
from api.limits import takes_upload
from schemas.imports import ImportTaak
from services import imports
from services.errors import InvalidInput
from services.plaatsingen_csv import KOLOMMEN, MAX_BESTAND_BYTES, MAX_RIJEN, MAX_VELDLENGTE

router = APIRouter(prefix="/v1/imports", tags=["imports"])

# A multipart body carries the file and a little wrapping around it.
_MULTIPART_MARGE = 64 * 1024
_CSV_TYPES = frozenset({"text/csv", "application/csv"})

FORMAAT = f"""
Import children placed at a voorschool location, with their parents, from the CSV export of a
preschool administration or the JGZ: one child per row.

**Upload**: `multipart/form-data` with the file in the field `bestand` (what a web form sends), or
the file itself as the body with `Content-Type: text/csv`. At most {MAX_BESTAND_BYTES // (1024 * 1024)} MB
and {MAX_RIJEN} rows.

**File**: UTF-8 (with or without BOM); `;`, `,` or tab as delimiter (the one the header uses);
the first line names the columns (case and spaces do not matter; unknown columns are ignored and
listed in `genegeerdeKolommen`). Fields of at most {MAX_VELDLENGTE} characters. Empty lines are skipped.

| column | required | content |
| --- | --- | --- |
| `voornaam`, `achternaam` | yes | the child's names |
| `geboortedatum` | yes | `DD-MM-JJJJ` or `JJJJ-MM-DD`; not in the future, younger than 6 |
| `locatie` | yes | the location's id, or its exact name within your gemeente |
| `vve_indicatie` | yes | `ja`/`nee` (also `true`/`false`, `1`/`0`) |
| `vve_indicatie_datum` | no | date the JGZ issued it |
| `ouder1_naam` | yes | a parent with custody: gets an account for this child |
| `ouder1_email` | no | their address; without one they get no mail: the voorschool prints them a letter with a code |
| `ouder2_naam`, `ouder2_email` | no | the second parent: a name (an address only with a name) |
| `bsn` | no | 9 digits passing the elfproef (a dropped leading zero is restored) |
| `school` (or `aangemelde_school`) | no | the school the child is registered at: its id, or its exact name within your gemeente |

**Who**: a locatiemanager (rows for their own location only) or a beheerder (any location of
their gemeente).

**A job**: the answer is `202 Accepted` at once, with the job (`Location`: `/v1/imports/{{importId}}`) once
the file as a whole is accepted. Poll it until `status` is `klaar` (its `resultaat` holds the counts and
every rejected row) or `mislukt` (its `reden` says why); `verwerkt` / `rijen` is the progress. The
per-row report is at `/v1/imports/{{importId}}/rapport` (CSV) once the job has ended. A job survives a
restart of any process: it goes on where it was, and no row is done twice. Only the one who started a
job (and the gemeente's beheerder) can see it.

**What happens**: each row is checked; a bad row is rejected with its line number and, per field,
the reason (never a value from the file); good rows are stored, each in its own transaction. The same
child (location, names ignoring case and spacing, date of birth) and the same parent (child, email;
without one: child, name) get the same ids every time (a parent imported without an address and later
with one stays one account; an empty address keeps the one known): importing a file again changes nothing, and a row repeating an earlier
child in the same file is rejected as a duplicate. An empty optional field keeps what is known;
parents are added or updated, never removed. A child past the protocol's start age gets its
overdracht opened at once (by you, in its timeline; one past a deadline is flagged at once); a younger
child's overdracht is started ahead and opens itself at the start age. While the engine or the database is
unreachable, the job waits and goes on when they are back.

The whole file is refused (400, nothing imported) when it is too big, has too many rows, is not
UTF-8 text, has no header, or misses a required column (`invalidParams` names each).
"""

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"bestand": {"type": "string", "format": "binary"}},
                    "required": ["bestand"],
                }
            },
            "text/csv": {"schema": {"type": "string"}, "example": ";".join(KOLOMMEN)},
        },
    }
}


@router.post(
    "/plaatsingen",
    summary="Import placements (children and their parents) from a CSV export, as a job",
    description=FORMAAT,
    openapi_extra=_UPLOAD,
    status_code=202,
    responses=problems(400, 401, 403, 409, 503),
)
@takes_upload
async def import_plaatsingen(request: Request, response: Response, ctx: Ctx) -> ImportTaak:
    taak = await imports.start(ctx, lambda: _upload(request))
    response.headers["Location"] = f"/v1/imports/{taak.id}"
    return taak


@router.get(
    "/{import_id}",
    summary="An import job: its progress, and its outcome once done",
    description="Only to the one who started it, and to the gemeente's beheerder; anyone else gets a 404.",
    responses=problems(401, 403, 404, 503),
)
async def get_import(import_id: UUID, ctx: Ctx) -> ImportTaak:
    return await imports.taak(ctx, import_id)


@router.get(
    "/{import_id}/rapport",
    summary="An import's report per row (CSV)",
    description="One line per data row of the file: its line number, outcome (`nieuw kind`, `bijgewerkt`,"
    " `ongewijzigd`, `afgewezen`, …), what happened to the overdracht, and every reason a row was rejected."
    " Never a value from the file. A 409 `NOG_NIET_KLAAR` while the job runs.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problems(401, 403, 404, 409, 503)},
)
async def get_import_rapport(import_id: UUID, ctx: Ctx) -> Response:
    tabel = await imports.rapport(ctx, import_id)
    return csv_response(tabel.naam, tabel.header, tabel.rows)


async def _upload(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _CSV_TYPES and mime != "multipart/form-data":
        raise InvalidInput(
            "Stuur het CSV-bestand als multipart/form-data (veld 'bestand') of als body met Content-Type text/csv.",
            invalid_params=[{"name": "Content-Type", "reason": "niet text/csv of multipart/form-data"}],
        )
    limit = MAX_BESTAND_BYTES + (_MULTIPART_MARGE if mime == "multipart/form-data" else 0)
    length = request.headers.get("content-length", "")
    body = bytearray()
    if not (length.isdecimal() and int(length) > limit):
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break
    if len(body) > limit or (length.isdecimal() and int(length) > limit):
        mb = MAX_BESTAND_BYTES // (1024 * 1024)
        raise InvalidInput(
            f"Het bestand is groter dan {mb} MB; splits het op.",
            invalid_params=[{"name": "bestand", "reason": f"groter dan {mb} MB"}],
        )
    return bytes(body) if mime in _CSV_TYPES else await asyncio.to_thread(_from_form, content_type, bytes(body))


def _from_form(content_type: str, body: bytes) -> bytes:
    """The field `bestand` of a multipart/form-data body. The standard library's MIME parser reads
    it: the body is read whole and bounded first, and a bad part is reported as this route answers it."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise InvalidInput(
            "Het formulier is onvolledig of onleesbaar; stuur het bestand opnieuw.",
            invalid_params=[{"name": "bestand", "reason": "onleesbaar multipart-formulier"}],
        )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "bestand":
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise InvalidInput(
        "Het formulier heeft geen veld 'bestand' met het CSV-bestand.",
        invalid_params=[{"name": "bestand", "reason": "ontbreekt"}],
    )
