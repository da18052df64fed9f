"""/v1/gemeente, /v1/stadsdelen, /v1/wijken, /v1/locaties, /v1/scholen: the gemeente's organisation, kept by
functioneel beheer (services/organisatie.py), and the schools read from DUO's file."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.deps import Ctx
from api.errors import problems
from api.limits import takes_upload
from api.uploads import read_file
from schemas.organisatie import (
    DuoImportResultaat,
    Gemeente,
    GemeenteWijziging,
    Locatie,
    LocatieNieuw,
    Locaties,
    LocatieWijziging,
    Scholen,
    School,
    SchoolNieuw,
    SchoolWijziging,
    Stadsdeel,
    StadsdeelNieuw,
    StadsdeelWijziging,
    Stadsdelen,
    Wijk,
    Wijken,
    WijkNieuw,
    WijkWijziging,
)
from services import duo, organisatie

router = APIRouter(prefix="/v1", tags=["organisatie"])

WIE = "For the beheerder (functioneel beheer), within their own gemeente."
GESLOTEN = (
    " Nothing is deleted: `gesloten: true` closes it (it takes nothing new; what it has keeps working), `false` opens"
    " it again."
)
WIJZIGEN = (
    f"{WIE} Only the fields given change; every change is in the audit trail. Another gemeente's is a 404; a"
    " `wijkId` or `stadsdeelId` of another gemeente is an unknown one (400). A name, LRK number or BRIN with"
    " vestiging the gemeente has already is a 409 `BESTAAT_AL`, a closed wijk or stadsdeel to move to a 409"
    " `GESLOTEN`, each naming the field in `invalidParams`."
)
NIEUW = (
    f"{WIE} 201 with what was made. Invalid fields are a 400 naming each; a name, LRK number or BRIN with vestiging"
    " the gemeente has already a 409 `BESTAAT_AL`; a closed stadsdeel or wijk a 409 `GESLOTEN`."
)
LEZEN = problems(401, 403, 404, 503)
LIJST = problems(401, 403, 503)
SCHRIJVEN = problems(400, 401, 403, 404, 409, 503)
_CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})


def _created(response: Response, path: str) -> None:
    response.headers["Location"] = path


# The gemeente


@router.get("/gemeente", summary="Your gemeente, with its CBS gemeentecode", description=WIE, responses=LEZEN)
async def get_gemeente(ctx: Ctx) -> Gemeente:
    return await organisatie.gemeente(ctx)


@router.patch(
    "/gemeente",
    summary="Set (or remove) the gemeente's CBS gemeentecode",
    description=f"{WIE} The DUO import reads the gemeente's rows by it (column GEMEENTENUMMER); without it, by the"
    " gemeente's name (GEMEENTENAAM), which fails where DUO spells it otherwise ('s-Gravenhage).",
    responses=problems(400, 401, 403, 503),
)
async def patch_gemeente(body: GemeenteWijziging, ctx: Ctx) -> Gemeente:
    return await organisatie.wijzig_gemeente(ctx, body)


# Stadsdelen


@router.get("/stadsdelen", summary="The gemeente's stadsdelen", description=WIE, responses=LIJST)
async def list_stadsdelen(ctx: Ctx) -> Stadsdelen:
    return Stadsdelen(resultaten=await organisatie.stadsdelen(ctx))


@router.post(
    "/stadsdelen",
    summary="Add a stadsdeel",
    description=NIEUW,
    status_code=201,
    responses=problems(400, 401, 403, 409, 503),
)
async def create_stadsdeel(body: StadsdeelNieuw, ctx: Ctx, response: Response) -> Stadsdeel:
    result = await organisatie.nieuw_stadsdeel(ctx, body)
    _created(response, f"/v1/stadsdelen/{result.id}")
    return result


@router.get("/stadsdelen/{stadsdeel_id}", summary="One stadsdeel", description=WIE, responses=LEZEN)
async def get_stadsdeel(stadsdeel_id: UUID, ctx: Ctx) -> Stadsdeel:
    return await organisatie.stadsdeel(ctx, stadsdeel_id)


@router.patch(
    "/stadsdelen/{stadsdeel_id}",
    summary="Rename a stadsdeel, close it or open it again",
    description=WIJZIGEN + GESLOTEN + " A closed stadsdeel takes no new wijk (none added, none moved into it).",
    responses=SCHRIJVEN,
)
async def patch_stadsdeel(stadsdeel_id: UUID, body: StadsdeelWijziging, ctx: Ctx) -> Stadsdeel:
    return await organisatie.wijzig_stadsdeel(ctx, stadsdeel_id, body)


# Wijken


@router.get("/wijken", summary="The gemeente's wijken, with their stadsdeel", description=WIE, responses=LIJST)
async def list_wijken(ctx: Ctx) -> Wijken:
    return Wijken(resultaten=await organisatie.wijken(ctx))


@router.post(
    "/wijken",
    summary="Add a wijk to an open stadsdeel",
    description=NIEUW,
    status_code=201,
    responses=problems(400, 401, 403, 409, 503),
)
async def create_wijk(body: WijkNieuw, ctx: Ctx, response: Response) -> Wijk:
    result = await organisatie.nieuwe_wijk(ctx, body)
    _created(response, f"/v1/wijken/{result.id}")
    return result


@router.get("/wijken/{wijk_id}", summary="One wijk", description=WIE, responses=LEZEN)
async def get_wijk(wijk_id: UUID, ctx: Ctx) -> Wijk:
    return await organisatie.wijk(ctx, wijk_id)


@router.patch(
    "/wijken/{wijk_id}",
    summary="Rename a wijk, move it to another stadsdeel, close it or open it again",
    description=WIJZIGEN
    + GESLOTEN
    + " A closed wijk takes no new location or school (none added, none moved into it, none from the DUO import).",
    responses=SCHRIJVEN,
)
async def patch_wijk(wijk_id: UUID, body: WijkWijziging, ctx: Ctx) -> Wijk:
    return await organisatie.wijzig_wijk(ctx, wijk_id, body)


# Voorschool locations


@router.get(
    "/locaties", summary="The gemeente's voorschool locations, with their LRK number", description=WIE, responses=LIJST
)
async def list_locaties(ctx: Ctx) -> Locaties:
    return Locaties(resultaten=await organisatie.locaties(ctx))


@router.post(
    "/locaties",
    summary="Add a voorschool location to an open wijk",
    description=NIEUW,
    status_code=201,
    responses=problems(400, 401, 403, 409, 503),
)
async def create_locatie(body: LocatieNieuw, ctx: Ctx, response: Response) -> Locatie:
    result = await organisatie.nieuwe_locatie(ctx, body)
    _created(response, f"/v1/locaties/{result.id}")
    return result


@router.get("/locaties/{locatie_id}", summary="One voorschool location", description=WIE, responses=LEZEN)
async def get_locatie(locatie_id: UUID, ctx: Ctx) -> Locatie:
    return await organisatie.locatie(ctx, locatie_id)


@router.patch(
    "/locaties/{locatie_id}",
    summary="Rename a location, move it to another wijk, change its LRK number, close it or open it again",
    description=WIJZIGEN
    + GESLOTEN
    + " A closed location takes no new child: the placements import refuses a child it does not know yet there,"
    " and no child moves to it; the children placed there, their overdrachten and its staff carry on.",
    responses=SCHRIJVEN,
)
async def patch_locatie(locatie_id: UUID, body: LocatieWijziging, ctx: Ctx) -> Locatie:
    return await organisatie.wijzig_locatie(ctx, locatie_id, body)


# Schools


@router.get("/scholen", summary="The gemeente's schools, with BRIN and vestiging", description=WIE, responses=LIJST)
async def list_scholen(ctx: Ctx) -> Scholen:
    return Scholen(resultaten=await organisatie.scholen(ctx))


@router.post(
    "/scholen",
    summary="Add a school (one vestiging) to an open wijk",
    description=NIEUW + " Most schools come from DUO's file instead: `POST /v1/scholen/duo-import`.",
    status_code=201,
    responses=problems(400, 401, 403, 409, 503),
)
async def create_school(body: SchoolNieuw, ctx: Ctx, response: Response) -> School:
    result = await organisatie.nieuwe_school(ctx, body)
    _created(response, f"/v1/scholen/{result.id}")
    return result


DUO_IMPORT = f"""
{WIE} Reads DUO's open-data file of basisonderwijs vestigingen ("Adressen alle vestigingen basisonderwijs",
`03.-alle-vestigingen-basisonderwijs.csv` from duo.nl/open_onderwijsdata), as DUO publishes it: the whole
country in one file.

**Upload**: the file as the body (`Content-Type: text/csv`), or `multipart/form-data` with the file in the
field `bestand`. At most {duo.MAX_BESTAND_BYTES // (1024 * 1024)} MB (413) and {duo.MAX_RIJEN} rows.

**File**: `;` between fields (`,` too: the header decides), UTF-8 or Windows-1252, a header naming the columns as
DUO does: `{duo.VOORBEELD_KOP};…`. Read are `VESTIGINGSCODE` (BRIN and vestiging, `01AB00`; older files:
`VESTIGINGSNUMMER`), `INSTELLINGSCODE` (the BRIN, checked against it; older files: `BRIN NUMMER`),
`VESTIGINGSNAAM`, and `GEMEENTENUMMER` or `GEMEENTENAAM`; the other columns are ignored.

**What happens**: only the rows of your gemeente are read: by `GEMEENTENUMMER` when the gemeente has its CBS
gemeentecode (`PATCH /v1/gemeente`), else by `GEMEENTENAAM` (case and spaces aside). Each finds its school by
BRIN and vestiging (a school without a vestiging yet: by its name, or its BRIN when the file has one vestiging
of it, and it gets its BRIN and vestiging). A known school takes the file's name (one that differs only in
capitals or spaces stays as it is) and nothing else changes: not its wijk, not whether it is closed. A new
school is added to the wijk `wijkId` (open, of your gemeente); without `wijkId` it is skipped, and the report
says so; move each to its own wijk afterwards (`PATCH /v1/scholen/{{schoolId}}`). Importing the same file again
changes nothing. A school the file does not list is reported in `nietInBestand`, never changed or closed.

**Report**: every row by line number: `toegevoegd`, `bijgewerkt`, `ongewijzigd` or `overgeslagen` with why
(another gemeente's, a bad or repeated row, a new school without a wijk). The whole file is refused (400,
nothing changed) when it is not DUO's (a column missing), not text, or too long.
"""

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": duo.VOORBEELD_KOP},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"bestand": {"type": "string", "format": "binary"}},
                    "required": ["bestand"],
                }
            },
        },
    }
}


@router.post(
    "/scholen/duo-import",
    summary="Add and rename the gemeente's schools from DUO's file of basisonderwijs vestigingen",
    description=DUO_IMPORT,
    openapi_extra=_UPLOAD,
    responses=problems(400, 401, 403, 409, 413, 415, 503),
)
@takes_upload
async def duo_import(
    request: Request,
    ctx: Ctx,
    wijk_id: Annotated[
        UUID | None, Query(alias="wijkId", description="The open wijk where new schools go; without it, none is added.")
    ] = None,
) -> DuoImportResultaat:
    return await organisatie.importeer_duo(
        ctx, lambda: read_file(request, max_bytes=duo.MAX_BESTAND_BYTES, types=_CSV_TYPES), wijk_id
    )


@router.get("/scholen/{school_id}", summary="One school", description=WIE, responses=LEZEN)
async def get_school(school_id: UUID, ctx: Ctx) -> School:
    return await organisatie.school(ctx, school_id)


@router.patch(
    "/scholen/{school_id}",
    summary="Rename a school, move it to another wijk, correct its BRIN or vestiging, close it or open it again",
    description=WIJZIGEN
    + GESLOTEN
    + " A closed school is no longer offered or accepted as a child's school (choosing one, opening an overdracht"
    " with one, a new child in the placements import); the overdrachten already with it carry on.",
    responses=SCHRIJVEN,
)
async def patch_school(school_id: UUID, body: SchoolWijziging, ctx: Ctx) -> School:
    return await organisatie.wijzig_school(ctx, school_id, body)
