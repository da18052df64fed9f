"""/v1/monitoring: what is overdue, the key figures and their trend per month, what falls due in the
coming weeks (the forecast), and VVE children without an overdracht. Each
route parses, calls its use case (services/monitoring.py) and answers: JSON by default, CSV for
`Accept: text/csv` (`;`-separated, UTF-8 with a BOM, as a Dutch spreadsheet opens it; the columns:
services/spreadsheet.py)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, csv_stream, wants_csv
from api.deps import Ctx
from api.errors import problems
from schemas.monitoring import (
    SCHOOLJAAR_PATTERN,
    AchterstandenPagina,
    Groepering,
    Kengetallen,
    Prognose,
    Trend,
    ZonderOverdracht,
)
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
StadsdeelId = Annotated[UUID | None, Query(alias="stadsdeelId", description="Only the locations in this stadsdeel.")]
WijkId = Annotated[UUID | None, Query(alias="wijkId", description="Only the locations in this wijk.")]


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
        # Streamed at constant memory; its one audit row is written before the first byte (api/deps.py).
        batches = await monitoring.achterstanden_download(ctx, filters, cursor)
        return csv_stream(
            "achterstanden",
            spreadsheet.ACHTERSTANDEN_HEADER,
            (spreadsheet.achterstanden_rows(batch) async for batch in batches),
        )
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
    stadsdeel_id: StadsdeelId = None,
    wijk_id: WijkId = None,
) -> Kengetallen | Response:
    filters = monitoring.Filters(stadsdeel_id=stadsdeel_id, wijk_id=wijk_id)
    result = await monitoring.kengetallen(ctx, groepering, schooljaar, filters)
    if wants_csv(request.headers.get("accept")):
        return csv_response(
            f"kengetallen-{groepering.value}",
            spreadsheet.kengetallen_header(groepering),
            spreadsheet.kengetallen_rows(result),
        )
    response.headers["Vary"] = "Accept"
    return result


@router.get(
    "/trend",
    summary="Steps done on time and late, per month",
    description=(
        "Per calendar month (Europe/Amsterdam), of the steps taken in it: how many were on time and how many late,"
        " per step, counted as the key figures count them (consent before the `toestemming` deadline, sent before"
        " `verzenden`, receipt confirmed before `bevestigen`). Oldest month first, every month from the first to the"
        " last listed (with zeros where nothing was done). `schooljaar`: of that school year's overdrachten. Same"
        " scopes as the key figures; wijk and stadsdeel are the voorschool location's."
    ),
    response_model=Trend,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 503)},
)
async def get_trend(
    ctx: Ctx,
    request: Request,
    response: Response,
    schooljaar: Schooljaar = None,
    stadsdeel_id: StadsdeelId = None,
    wijk_id: WijkId = None,
) -> Trend | Response:
    result = await monitoring.trend(
        ctx, monitoring.Filters(schooljaar=schooljaar, stadsdeel_id=stadsdeel_id, wijk_id=wijk_id)
    )
    if wants_csv(request.headers.get("accept")):
        return csv_response("trend", spreadsheet.TREND_HEADER, spreadsheet.trend_rows(result))
    response.headers["Vary"] = "Accept"
    return result


@router.get(
    "/prognose",
    summary="What falls due in the coming weeks, per week, deadline, location and school",
    description=(
        "The deadline forecast: of every overdracht you may see, the deadlines of steps still to be taken (moved ones"
        " included) that end in this ISO week (Monday to Sunday, Europe/Amsterdam) or one of the `weken` - 1 weeks"
        " after it, counted per week: in total, per deadline, per voorschool location and per receiving school (null:"
        " none known yet). A deadline counts in the week of the day it ends at the end of; what is due before now is"
        " overdue (`/v1/monitoring/achterstanden`), not forecast. Counts only: never a child. The coordinator sees"
        " the gemeente; the PM'er and location manager their location, the school what was sent to it. CSV: one row"
        " per deadline, location and school, then the total."
    ),
    response_model=Prognose,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 503)},
)
async def get_prognose(
    ctx: Ctx,
    request: Request,
    response: Response,
    weken: Annotated[
        int,
        Query(ge=1, le=monitoring.PROGNOSE_MAX_WEKEN, description="How many weeks, this one included (default 8)."),
    ] = monitoring.PROGNOSE_WEKEN,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId")] = None,
    wijk_id: WijkId = None,
    stadsdeel_id: StadsdeelId = None,
    schooljaar: Schooljaar = None,
) -> Prognose | Response:
    filters = monitoring.Filters(
        locatie_id=locatie_id, school_id=school_id, wijk_id=wijk_id, stadsdeel_id=stadsdeel_id, schooljaar=schooljaar
    )
    result = await monitoring.prognose(ctx, filters, weken)
    if wants_csv(request.headers.get("accept")):
        return csv_response("prognose", spreadsheet.prognose_header(result), spreadsheet.prognose_rows(result))
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
