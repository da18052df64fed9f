"""/v1/monitoring: what is overdue, the key figures, and VVE children without an overdracht. Each
route parses, calls its use case (services/monitoring.py) and answers: JSON by default, CSV for
`Accept: text/csv` (`;`-separated, UTF-8 with a BOM, as a Dutch spreadsheet opens it; the columns:
services/spreadsheet.py)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, wants_csv
from api.deps import Ctx
from api.errors import problems
from schemas.monitoring import SCHOOLJAAR_PATTERN, AchterstandenPagina, Groepering, Kengetallen, ZonderOverdracht
from schemas.overdracht import Vlag
from services import monitoring, spreadsheet

router = APIRouter(prefix="/v1/monitoring", tags=["monitoring"])

# Both media types, in the OpenAPI: JSON (the model) by default, CSV on request.
JSON_OR_CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON by default; CSV (`;`-separated, UTF-8 with a BOM, Dutch headers) for `Accept: text/csv`.",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}

Schooljaar = Annotated[
    str | None, Query(pattern=SCHOOLJAAR_PATTERN, description="A school year, e.g. `2026-2027`; default: all.")
]


@router.get(
    "/achterstanden",
    summary="What is overdue now, oldest first: metadata only",
    description=(
        "Every overdracht you may see with an open overdue flag, oldest first (by `achterstalligSinds`): its state,"
        " open flags, their deadlines, the location with its wijk and stadsdeel, the school and the school year."
        " Never a child's name, date of birth or form content. JSON is paged (`pageSize`, `cursor`); the CSV"
        " (`Accept: text/csv`) holds the whole list for the filters and ignores `pageSize` and `cursor`."
    ),
    response_model=AchterstandenPagina,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 503)},
)
async def get_achterstanden(
    ctx: Ctx,
    request: Request,
    response: Response,
    vlag: Annotated[list[Vlag] | None, Query(description="Only these open flags (any of them).")] = None,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId")] = None,
    wijk_id: Annotated[UUID | None, Query(alias="wijkId", description="The location's wijk.")] = None,
    stadsdeel_id: Annotated[UUID | None, Query(alias="stadsdeelId", description="The location's stadsdeel.")] = None,
    schooljaar: Schooljaar = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(description="volgendeCursor of the previous page.")] = None,
) -> AchterstandenPagina | Response:
    filters = monitoring.Filters(
        vlag=vlag,
        locatie_id=locatie_id,
        school_id=school_id,
        wijk_id=wijk_id,
        stadsdeel_id=stadsdeel_id,
        schooljaar=schooljaar,
    )
    if wants_csv(request.headers.get("accept")):
        rows = spreadsheet.achterstanden_rows(await monitoring.achterstanden_all(ctx, filters, cursor))
        return csv_response("achterstanden", spreadsheet.ACHTERSTANDEN_HEADER, rows)
    response.headers["Vary"] = "Accept"
    return await monitoring.achterstanden_page(ctx, filters, page_size, cursor)


@router.get(
    "/kengetallen",
    summary="Key figures per school year, by stadsdeel, wijk, location or school",
    description=(
        "Per school year and group: how many overdrachten and how many in each state; per step how many were done"
        " on time and how many late (consent before the `toestemming` deadline, sent before `verzenden`, receipt"
        " confirmed before `bevestigen`; a step counts once it is done); of the VVE children whose overdracht was"
        " received, how many had their warme overdracht before their first school day; refusals; and how many had"
        " no school known at the `school_bekend` deadline. Each school year also has its total. The coordinator"
        " sees the gemeente; the PM'er and location manager their location, the school what was sent to it."
        " Wijk and stadsdeel are the voorschool location's."
    ),
    response_model=Kengetallen,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 503)},
)
async def get_kengetallen(
    ctx: Ctx,
    request: Request,
    response: Response,
    schooljaar: Schooljaar = None,
    groepering: Annotated[Groepering, Query(description="How to group.")] = Groepering.STADSDEEL,
) -> Kengetallen | Response:
    result = await monitoring.kengetallen(ctx, groepering, schooljaar)
    if wants_csv(request.headers.get("accept")):
        return csv_response(
            f"kengetallen-{groepering.value}",
            spreadsheet.kengetallen_header(groepering),
            spreadsheet.kengetallen_rows(result),
        )
    response.headers["Vary"] = "Accept"
    return result


@router.get(
    "/zonder-overdracht",
    summary="VVE children past the start age without an overdracht: by opaque id, without names",
    description=(
        "Children of your gemeente with a VVE-indicatie who reached the start age of the current protocol"
        " (3 years 6 months in Almere) and have no overdracht at all, longest past the start age first: an"
        " opaque child id, the location with its wijk and stadsdeel, and the whole months since the start age."
        " No name, no date of birth."
    ),
    response_model=ZonderOverdracht,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 409, 503)},
)
async def get_zonder_overdracht(ctx: Ctx, request: Request, response: Response) -> ZonderOverdracht | Response:
    result = await monitoring.zonder_overdracht(ctx)
    if wants_csv(request.headers.get("accept")):
        return csv_response(
            "zonder-overdracht", spreadsheet.ZONDER_OVERDRACHT_HEADER, spreadsheet.zonder_overdracht_rows(result)
        )
    response.headers["Vary"] = "Accept"
    return result
